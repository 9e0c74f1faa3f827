#pragma once

#include "fs/AgentPaths.h"
#include "FileStamp.h"
#include "records/StatusRecord.h"
#include "RunHistory.h"
#include "TaskDetailRows.h"
#include "TaskScanner.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace oa {

// Everything the monitor's detail pane shows of one task, read off the UI thread: the rows for
// people (TaskDetailRows), execution.json and result.json as they are on disk, and the live
// status.json with its resource figures. No widget reads a file itself.
struct TaskDetails {
    QString id;
    TaskState state = TaskState::Invalid;
    TaskDetailRows rows;
    QString rawExecution; // pretty-printed, or why it cannot be read
    QString rawResult;    // pretty-printed; empty when there is none (yet)
    std::optional<StatusRecord> status; // present while a run is in progress, or was cut short
    QDateTime runStartedAt;             // a run in progress: when it took its lock
    AgentPaths::Generation generation = AgentPaths::Generation::Current; // which run this is

    // What decides whether the files are worth reading again: the stamps of every file the
    // details come from, and the lock's verdict (a holder that dies changes no file).
    struct Stamp {
        FileStamp execution, result, status, errorLog, lock, previous;
        FileStamp lastResult; // the last run's result.json, whichever run is shown: the list of runs
        int lockVerdict = -1;
        bool operator==(const Stamp &o) const
        {
            return execution == o.execution && result == o.result && status == o.status && errorLog == o.errorLog && lock == o.lock
                   && previous == o.previous && lastResult == o.lastResult && lockVerdict == o.lockVerdict;
        }
        // The runs to choose from change only with a new last result or a rotation (a new previous/).
        bool sameRuns(const Stamp &o) const { return previous == o.previous && lastResult == o.lastResult; }
        bool operator!=(const Stamp &o) const { return !(*this == o); }
    };
    Stamp stamp;
    // Tasks/{id}/previous/ holds the run before the last one.
    bool hasPrevious() const { return stamp.previous.exists(); }
    // The runs a reader may choose from, newest first (RunHistory: the last one while it has a
    // result, and every kept one; by its rules, so a forged record is a run without an outcome).
    // A new run makes a new previous/ (its stamp), so the list is read again exactly then.
    QList<RunHistory::Run> runs;

    // `generation`: the files of the last run, or of a kept one (previous/, previous.2/, …).
    static Stamp stampOf(const AgentPaths &paths, const QString &id, AgentPaths::Generation generation = AgentPaths::Generation::Current);
    // With a kept run (Generation::Previous, AgentPaths::keptRun(k)), that run's: its result,
    // status and stderr from its folder; execution.json is the task's own either way.
    // `knownRuns`: `runs` as read with the stamp `known`, reused unless sameRuns() says otherwise
    // (a running task's details are read every second; its kept runs do not change meanwhile).
    static TaskDetails load(const AgentPaths &paths, const QString &id, AgentPaths::Generation generation = AgentPaths::Generation::Current,
                            const Stamp *known = nullptr, const QList<RunHistory::Run> &knownRuns = {});
    // nullopt when nothing changed since `known`: only stat() calls and one lock check then.
    static std::optional<TaskDetails> loadIfChanged(const AgentPaths &paths, const QString &id, const Stamp &known,
                                                    AgentPaths::Generation generation = AgentPaths::Generation::Current,
                                                    const QList<RunHistory::Run> &knownRuns = {});
};

} // namespace oa
