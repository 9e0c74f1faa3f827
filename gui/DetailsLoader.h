#pragma once

#include "tasks/TaskDetails.h"

#include <QFutureWatcher>
#include <QObject>

// Loads the selected task's details on the thread pool, and only when one of its files changed
// (TaskDetails::Stamp): a refresh every two seconds costs a few stat() calls off the UI
// thread, not a reread of result.json and error.log on it. One load at a time; a request that
// comes while one runs is remembered and done next, so the newest selection always wins.
class DetailsLoader final : public QObject {
    Q_OBJECT
public:
    explicit DetailsLoader(QObject *parent = nullptr);
    ~DetailsLoader() override;

    // A new task (or base folder) forgets what was loaded; the same one loads only on change.
    // `generation`: the last run, or a kept one (Tasks/<id>/previous/, previous.2/, …).
    void request(const oa::AgentPaths &paths, const QString &id, oa::AgentPaths::Generation generation = oa::AgentPaths::Generation::Current);
    void clear();
    bool isBusy() const { return m_future.isRunning(); }
    int loads() const { return m_loads; } // how often files were actually read, for the tests

signals:
    void loaded(const oa::TaskDetails &details);

private:
    void start();
    void finished();

    QString m_base;
    QString m_id;
    oa::AgentPaths::Generation m_generation = oa::AgentPaths::Generation::Current;
    oa::TaskDetails::Stamp m_known;
    QList<oa::RunHistory::Run> m_knownRuns; // read with m_known: reused until a run is added
    bool m_pending = false;
    int m_loads = 0;
    QFutureWatcher<std::optional<oa::TaskDetails>> m_future;
};
