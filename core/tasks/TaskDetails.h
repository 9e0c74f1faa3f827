#pragma once

#include "fs/AgentPaths.h"
#include "FileStamp.h"
#include "records/StatusRecord.h"
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
        int lockVerdict = -1;
        bool operator==(const Stamp &o) const
        {
            return execution == o.execution && result == o.result && status == o.status && errorLog == o.errorLog && lock == o.lock
                   && previous == o.previous && lockVerdict == o.lockVerdict;
        }
        bool operator!=(const Stamp &o) const { return !(*this == o); }
    };
    Stamp stamp;
    // Tasks/{id}/previous/ holds the run before the last one.
    bool hasPrevious() const { return stamp.previous.exists(); }

    // `generation`: the files of the last run, or of the run before it (previous/).
    static Stamp stampOf(const AgentPaths &paths, const QString &id, AgentPaths::Generation generation = AgentPaths::Generation::Current);
    // With Generation::Previous, the previous run's (Tasks/{id}/previous/): its result, status
    // and stderr; execution.json is the task's own either way.
    static TaskDetails load(const AgentPaths &paths, const QString &id, AgentPaths::Generation generation = AgentPaths::Generation::Current);
    // nullopt when nothing changed since `known`: only stat() calls and one lock check then.
    static std::optional<TaskDetails> loadIfChanged(const AgentPaths &paths, const QString &id, const Stamp &known,
                                                    AgentPaths::Generation generation = AgentPaths::Generation::Current);
};

} // namespace oa
