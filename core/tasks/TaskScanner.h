#pragma once

#include "fs/AgentPaths.h"
#include "fs/OpenFolder.h"
#include "DependencyPreview.h"
#include "lock/LockInspector.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace oa {

// The one rule that decides each state (TaskScanner::stateOf), in this order:
//   a lock held by a live process on this host     -> Running
//   a lock from another host (or unreadable)       -> RunningElsewhere
//   status.json says Running or Stopping, there is no result.json, and the lock is gone or its
//   owner on this host is dead: the executor died mid-run -> Interrupted
//   a lock whose owner on this host is dead        -> Orphaned
//   execution.json missing or unreadable           -> Invalid
//   result.json's Outcome                          -> Succeeded, TimedOut, Cancelled, or Failed for any other
//   otherwise                                      -> Pending
// Interrupted is last in the enum so that the numbers of the others (the monitor's roles) stay.
enum class TaskState { Pending, Running, Orphaned, RunningElsewhere, Succeeded, Failed, TimedOut, Cancelled, Invalid, Interrupted };
QString taskStateName(TaskState state);
// A state whose result.json names the run's own dependency source: DependencyPreview::read's
// `finished`.
bool hasFinishedRun(TaskState state);
constexpr int kTaskStateCount = 10;

// One row of the task list: only what a row shows, read from execution.json, result.json and
// the lock. Logs are never parsed here.
struct TaskSummary {
    QString id;
    TaskState state = TaskState::Invalid;
    QString scriptPath;
    QString arguments;            // as written (a string, or an array joined for display)
    int requirementsCount = 0;
    // From result.json; while it runs, the lock's time; Orphaned and Interrupted, status.json's
    // StartedAt (else the lock's time).
    QDateTime startedAt;
    QDateTime finishedAt;
    qint64 durationMs = -1;
    std::optional<int> exitCode;
    QString outcome;
    QString message;              // result.json's Message, or why the task is Invalid
    // Why its run did not succeed, escaped once (show it with printableAsWritten): result.json's
    // ErrorSummary (its Message for a record older than it), or why it is Interrupted or Invalid.
    // Empty for a success and while it runs.
    QString errorSummary;
    std::optional<LockRecord> lock;
    // From status.json while the task runs (Running), or as it was last (Orphaned, Interrupted).
    QString stage;
    std::optional<double> percent;
    QString progressMessage;
    QString runAsUser;            // who its task code runs as
    qint64 memoryBytes = -1;      // the script's tree now, and its CPU time so far (-1: not known)
    double cpuSeconds = -1;
    // Where its packages come from: filled by scan(true), taskFolder() and the monitor's scan.
    DependencyPreview dependencies;
    QDateTime statusUpdatedAt;    // the executor's last sign of life
    // Tasks/{id}/previous/ is a folder: earlier runs are kept (RunHistory). Filled by
    // taskFolder() only (the monitor's scan), which pays one fstatat for it; --list does not.
    bool hasEarlierRuns = false;

    bool operator==(const TaskSummary &other) const;
    bool operator!=(const TaskSummary &other) const { return !(*this == other); }
};

class TaskScanner {
public:
    explicit TaskScanner(const AgentPaths &paths) : m_paths(paths) {}
    const AgentPaths &paths() const { return m_paths; }

    // Every task folder under Tasks/, sorted by ID. `withDependencies` fills each row's
    // `dependencies` too (not an Invalid one's), from the files the row was read from.
    QList<TaskSummary> scan(bool withDependencies = false) const;
    std::optional<TaskSummary> task(const QString &id) const;
    // task(id) from the open Tasks/ folder and a lock already inspected: for a command that looks
    // up many tasks (--locks), without a walk from the base per task.
    std::optional<TaskSummary> taskIn(const OpenFolder &tasksDir, const QString &id, const std::optional<LockRecord> &lock) const;
    // One row, from its task folder opened by the caller (a scan that keeps rows), with its
    // `dependencies`; `dependencyInputs` receives the paths they were read from (see DependencyPreview).
    TaskSummary taskFolder(const QString &id, const Result<OpenFolder> &task, const std::optional<LockRecord> &lock,
                           QStringList *dependencyInputs) const;
    // The row of a task folder that is a link: refused, nothing read through it.
    static TaskSummary linkedTask(const QString &id);
    // The run before the last one, from Tasks/{id}/previous/ (see PreviousRun), with no lock
    // (the lock is the current run's): nullopt when there is no previous/ folder.
    std::optional<TaskSummary> previousRun(const QString &id) const;
    // Kept run `generation` (1: previous/, k: previous.k/) the same way; nullopt without its folder.
    std::optional<TaskSummary> keptRun(const QString &id, int generation) const;

    static TaskState stateFromOutcome(const QString &outcome);
    // The rule above. `lock` is the task's lock verdict, if it has a lock; `statusState` is
    // status.json's State ("" without one); `resultOutcome` is result.json's Outcome, nullopt
    // without a readable result.json.
    static TaskState stateOf(const std::optional<LockVerdict> &lock, bool hasExecution, const std::optional<QString> &resultOutcome,
                             const QString &statusState);

private:
    // `task` is the task's folder, opened once for all its files.
    // With `dependencyInputs`, the row's `dependencies` are read too.
    TaskSummary summarize(const QString &id, const Result<OpenFolder> &task, const std::optional<LockRecord> &lock,
                          AgentPaths::Generation generation = AgentPaths::Generation::Current, QStringList *dependencyInputs = nullptr) const;
    static TaskSummary refused(const QString &id, const QString &why);
    AgentPaths m_paths; // a copy: cheap, and never dangles
};

} // namespace oa
