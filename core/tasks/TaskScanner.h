#pragma once

#include "AgentPaths.h"
#include "DependencyPreview.h"
#include "LockInspector.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace oa {

// The one rule that decides each state, in this order:
//   a lock held by a live process on this host     -> Running
//   a lock whose owner on this host is dead        -> Orphaned
//   a lock from another host (or unreadable)       -> RunningElsewhere
//   execution.json missing or unreadable           -> Invalid
//   result.json's Outcome                          -> Succeeded, TimedOut, Cancelled, or Failed for any other
//   otherwise                                      -> Pending
enum class TaskState { Pending, Running, Orphaned, RunningElsewhere, Succeeded, Failed, TimedOut, Cancelled, Invalid };
QString taskStateName(TaskState state);
constexpr int kTaskStateCount = 9;

// One row of the task list: only what a row shows, read from execution.json, result.json and
// the lock. Logs are never parsed here.
struct TaskSummary {
    QString id;
    TaskState state = TaskState::Invalid;
    QString scriptPath;
    QString arguments;            // as written (a string, or an array joined for display)
    int requirementsCount = 0;
    QDateTime startedAt;          // from result.json, or the lock's time while it runs
    QDateTime finishedAt;
    qint64 durationMs = -1;
    std::optional<int> exitCode;
    QString outcome;
    QString message;              // result.json's Message, or why the task is Invalid
    std::optional<LockRecord> lock;
    // From status.json while the task runs (Running only).
    QString stage;
    std::optional<double> percent;
    QString progressMessage;
    QString runAsUser;            // who its task code runs as
    qint64 memoryBytes = -1;      // the script's tree now, and its CPU time so far (-1: not known)
    double cpuSeconds = -1;
    // Where its packages come from: filled by the monitor's scan (DependencyPreviewCache), not by scan().
    DependencyPreview dependencies;

    bool operator==(const TaskSummary &other) const;
    bool operator!=(const TaskSummary &other) const { return !(*this == other); }
};

class TaskScanner {
public:
    explicit TaskScanner(const AgentPaths &paths) : m_paths(paths) {}

    // Every task folder under Tasks/, sorted by ID.
    QList<TaskSummary> scan() const;
    std::optional<TaskSummary> task(const QString &id) const;

    static TaskState stateFromOutcome(const QString &outcome);

private:
    TaskSummary summarize(const QString &id, const std::optional<LockRecord> &lock) const;
    static TaskSummary refused(const QString &id, const QString &why);
    AgentPaths m_paths; // a copy: cheap, and never dangles
};

} // namespace oa
