#include "DetailsLoader.h"

#include <QtConcurrent/QtConcurrentRun>

DetailsLoader::DetailsLoader(QObject *parent) : QObject(parent)
{
    connect(&m_future, &QFutureWatcher<std::optional<oa::TaskDetails>>::finished, this, &DetailsLoader::finished);
}

DetailsLoader::~DetailsLoader()
{
    m_future.waitForFinished();
}

void DetailsLoader::request(const oa::AgentPaths &paths, const QString &id, oa::AgentPaths::Generation generation)
{
    if (id != m_id || paths.baseDir() != m_base || generation != m_generation) {
        m_base = paths.baseDir();
        m_id = id;
        m_generation = generation;
        m_known = {};
        m_knownRuns.clear();
    }
    if (m_id.isEmpty())
        return;
    if (m_future.isRunning()) {
        m_pending = true;
        return;
    }
    start();
}

void DetailsLoader::clear()
{
    m_id.clear();
    m_known = {};
    m_knownRuns.clear();
    m_pending = false;
}

void DetailsLoader::start()
{
    m_future.setFuture(QtConcurrent::run(&oa::TaskDetails::loadIfChanged, oa::AgentPaths(m_base), m_id, m_known, m_generation, m_knownRuns));
}

void DetailsLoader::finished()
{
    const std::optional<oa::TaskDetails> details = m_future.result();
    // A load for a task that is no longer selected is dropped: the pending request covers the new one.
    if (details && details->id == m_id && details->generation == m_generation && !m_id.isEmpty()) {
        m_known = details->stamp;
        m_knownRuns = details->runs;
        ++m_loads;
        emit loaded(*details);
    }
    if (m_pending && !m_id.isEmpty()) {
        m_pending = false;
        start();
    }
}
