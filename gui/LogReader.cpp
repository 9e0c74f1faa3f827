#include "LogReader.h"

#include "LogTail.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

LogReader::LogReader(QObject *parent) : QObject(parent) {}

// A read in flight is not waited for: it holds its own reference to its LogTail, and its
// watcher, a child of this object, goes with it, so its result is simply never delivered.
LogReader::~LogReader() = default;

void LogReader::setFile(const QString &path, qint64 initialTailBytes)
{
    m_path = path;
    ++m_generation;
    m_tail = path.isEmpty() ? nullptr : std::make_shared<oa::LogTail>(path, initialTailBytes);
    m_reading = false; // a read of the old file may still run; it no longer counts
    m_pollWanted = false;
    m_earlierBefore = -1;
}

void LogReader::poll()
{
    if (!m_tail)
        return;
    m_pollWanted = true;
    startNext();
}

void LogReader::loadEarlier(qint64 before, qint64 maxBytes)
{
    if (!m_tail)
        return;
    m_earlierBefore = before;
    m_earlierBytes = maxBytes;
    startNext();
}

void LogReader::startNext()
{
    if (m_reading || (!m_pollWanted && m_earlierBefore < 0))
        return;
    const bool earlier = !m_pollWanted; // polls first: an earlier page must fit what a poll may reset
    const qint64 before = m_earlierBefore;
    const qint64 maxBytes = m_earlierBytes;
    if (earlier)
        m_earlierBefore = -1;
    else
        m_pollWanted = false;
    m_reading = true;

    auto *watcher = new QFutureWatcher<LogChunk>(this);
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == m_generation)
            finished(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([tail = m_tail, earlier, before, maxBytes] {
        LogChunk chunk;
        chunk.earlier = earlier;
        if (earlier) {
            chunk.before = before;
            tail->forgetBefore(before);
            chunk.data = tail->loadEarlier(maxBytes);
        } else {
            const oa::LogTail::Update update = tail->poll();
            chunk.data = update.data;
            chunk.reset = update.reset;
        }
        chunk.start = tail->start();
        chunk.end = tail->end();
        return chunk;
    }));
}

void LogReader::finished(const LogChunk &chunk)
{
    m_reading = false;
    if (chunk.reset)
        m_earlierBefore = -1; // it was asked for a file that is gone
    emit chunkRead(chunk);
    startNext();
}
