#include "TaskScanner.h"

#include "base/LocalTime.h"
#include "records/ExecutionInfo.h"
#include "DependencyPreview.h"
#include "fs/JsonFile.h"
#include "fs/OpenFolder.h"
#include "records/ErrorSummary.h"
#include "records/ResultRecord.h"
#include "records/StatusRecord.h"
#include "TaskDetailRows.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>

namespace oa {

namespace {
// For people (the monitor shows it in its language; the executor has no translator installed).
QString symlinkRefusal()
{
    return QCoreApplication::translate("TaskScanner", "the task folder is a symbolic link; the executor refuses to run it");
}
} // namespace

QString taskStateName(TaskState state)
{
    switch (state) {
    case TaskState::Pending: return QStringLiteral("Pending");
    case TaskState::Running: return QStringLiteral("Running");
    case TaskState::Orphaned: return QStringLiteral("Orphaned");
    case TaskState::RunningElsewhere: return QStringLiteral("RunningElsewhere");
    case TaskState::Succeeded: return QStringLiteral("Succeeded");
    case TaskState::Failed: return QStringLiteral("Failed");
    case TaskState::TimedOut: return QStringLiteral("TimedOut");
    case TaskState::Cancelled: return QStringLiteral("Cancelled");
    case TaskState::Invalid: return QStringLiteral("Invalid");
    case TaskState::Interrupted: return QStringLiteral("Interrupted");
    }
    return QStringLiteral("Invalid");
}

bool TaskSummary::operator==(const TaskSummary &o) const
{
    return id == o.id && state == o.state && scriptPath == o.scriptPath && arguments == o.arguments
           && requirementsCount == o.requirementsCount && startedAt == o.startedAt && finishedAt == o.finishedAt
           && durationMs == o.durationMs && exitCode == o.exitCode && outcome == o.outcome && message == o.message
           && errorSummary == o.errorSummary
           && lock == o.lock && stage == o.stage && percent == o.percent && progressMessage == o.progressMessage
           && runAsUser == o.runAsUser && memoryBytes == o.memoryBytes && cpuSeconds == o.cpuSeconds && dependencies == o.dependencies
           && statusUpdatedAt == o.statusUpdatedAt && hasEarlierRuns == o.hasEarlierRuns;
}

TaskState TaskScanner::stateFromOutcome(const QString &outcome)
{
    if (outcome == QLatin1String("Succeeded"))
        return TaskState::Succeeded;
    if (outcome == QLatin1String("TimedOut"))
        return TaskState::TimedOut;
    if (outcome == QLatin1String("Cancelled"))
        return TaskState::Cancelled;
    return TaskState::Failed;
}

TaskState TaskScanner::stateOf(const std::optional<LockVerdict> &lock, bool hasExecution, const std::optional<QString> &resultOutcome,
                               const QString &statusState)
{
    if (lock == LockVerdict::Live)
        return TaskState::Running;
    if (lock == LockVerdict::Foreign || lock == LockVerdict::Unreadable)
        return TaskState::RunningElsewhere;
    // Here the lock is gone or its owner is dead: a run that status.json still calls running
    // and that left no result was cut short, whether or not its lock has been cleared.
    const bool midRun = statusState == QLatin1String("Running") || statusState == QLatin1String("Stopping");
    if (midRun && !resultOutcome)
        return TaskState::Interrupted;
    if (lock)
        return TaskState::Orphaned;
    if (!hasExecution)
        return TaskState::Invalid;
    if (resultOutcome && !resultOutcome->isEmpty())
        return stateFromOutcome(*resultOutcome);
    return TaskState::Pending;
}

bool hasFinishedRun(TaskState state)
{
    return state == TaskState::Succeeded || state == TaskState::Failed || state == TaskState::TimedOut || state == TaskState::Cancelled;
}

TaskSummary TaskScanner::summarize(const QString &id, const Result<OpenFolder> &task, const std::optional<LockRecord> &lock,
                                   AgentPaths::Generation generation, QStringList *dependencyInputs) const
{
    TaskSummary t;
    t.id = id;
    t.lock = lock;

    // Each file is one openat() in the task folder opened once (`records` is it, or previous/ in
    // it). A folder that could not be opened is read by path instead, rarely: the gatekeeper
    // then says why, in the words it always has.
    const bool previous = generation != AgentPaths::Generation::Current; // a kept run: previous/, previous.2/, …
    std::optional<Result<OpenFolder>> previousDir;
    if (previous && task)
        previousDir = task->folder(AgentPaths::runFolderName(int(generation)));
    const OpenFolder *recordsDir = previous ? (previousDir && *previousDir ? &previousDir->value() : nullptr) : task ? &task.value() : nullptr;
    const auto read = [&](const OpenFolder *dir, const QString &name, const QString &path, bool own) {
        if (!dir)
            return own ? readOwnJsonObject(m_paths.folder(), path) : readJsonObject(m_paths.folder(), path);
        return own ? readOwnJsonObject(*dir, name) : readJsonObject(*dir, name);
    };

    // execution.json is read once, for the row and for the Requirements column (which wants its
    // bytes, parsed once here). A file that cannot be read, or is too large for a JSON record,
    // is read again the usual way, rarely, so that the row says why in the usual words.
    const QString executionName = QStringLiteral("execution.json");
    DependencyPreview::Records records;
    records.task = task ? &task.value() : nullptr;
    records.executionBytes = task ? task->readFile(executionName, ExecutionInfo::kMaxFileBytes)
                                  : m_paths.folder().readFile(m_paths.executionFile(id), ExecutionInfo::kMaxFileBytes);
    records.execution = records.executionBytes && records.executionBytes->size() <= kMaxJsonFileBytes
                            ? jsonObjectFromRead(records.executionBytes)
                            : read(records.task, executionName, m_paths.executionFile(id), false);
    const Result<QJsonObject> &execution = records.execution;
    if (execution) {
        const ExecutionInfo::Preview preview = ExecutionInfo::preview(*execution);
        t.scriptPath = preview.scriptPath;
        t.arguments = preview.arguments;
        t.requirementsCount = preview.requirementsCount;
    }

    std::optional<QString> resultOutcome;
    // The previous run's result.json counts only when the executor could alone have written it
    // (PreviousRun keeps no other, --which-runs reads by the same rule): a forged one is no run.
    const QString resultFile = m_paths.resultFile(id, generation);
    if (const auto json = read(recordsDir, QStringLiteral("result.json"), resultFile, previous)) {
        if (!previous)
            records.result = json.value();
        const ResultRecord::Summary result = ResultRecord::summaryFromJson(*json);
        resultOutcome = result.outcome;
        t.outcome = result.outcome;
        t.message = result.message;
        t.startedAt = result.startedAt;
        t.finishedAt = result.finishedAt;
        t.durationMs = result.durationMs;
        t.exitCode = result.exitCode;
        t.errorSummary = result.errorSummary.isEmpty() && result.outcome != QLatin1String("Succeeded")
                             ? ErrorSummary::ofMessage(result.message)
                             : result.errorSummary;
    }
    // status.json matters only to a run that holds (or held) a lock or left no result: a
    // finished task costs no second read.
    std::optional<StatusRecord> status;
    if (lock || !resultOutcome) {
        if (const auto json = read(recordsDir, QStringLiteral("status.json"), m_paths.statusFile(id, generation), false))
            status = StatusRecord::fromJson(*json);
    }

    t.state = stateOf(lock ? std::optional<LockVerdict>(lock->verdict) : std::nullopt, execution.ok(), resultOutcome,
                      status ? status->state : QString());
    switch (t.state) {
    case TaskState::Running:
        // The result on disk belongs to an earlier run; show this run's start instead.
        t.startedAt = lock->info.acquiredAt;
        t.finishedAt = QDateTime();
        t.durationMs = -1;
        t.exitCode.reset();
        t.errorSummary.clear();
        break;
    case TaskState::Interrupted:
    case TaskState::Orphaned:
        // Where and when the dead run was: its own start, else its lock's time.
        if (status && status->startedAt.isValid())
            t.startedAt = status->startedAt;
        else if (lock)
            t.startedAt = lock->info.acquiredAt;
        if (t.state == TaskState::Interrupted && status)
            t.message = QCoreApplication::translate("TaskScanner", "the executor (PID %1) ended without a result in stage %2; its last update was at %3")
                            .arg(status->pid)
                            .arg(TaskDetailRows::stageLabel(status->stage), LocalTime::dateTime(status->updatedAt, true));
        // What is on disk is an earlier run's: this one's reason is what the scan found.
        t.errorSummary = t.state == TaskState::Interrupted ? ErrorSummary::ofMessage(t.message) : QString();
        break;
    case TaskState::Invalid:
        // JsonFile says "missing" for a file that is not there: it is translated here.
        t.message = QStringLiteral("execution.json: %1")
                        .arg(execution.error().systemError == ENOENT ? QCoreApplication::translate("TaskScanner", "missing")
                                                                     : execution.error().message);
        t.errorSummary = ErrorSummary::ofMessage(t.message);
        break;
    default: break;
    }
    if (status && (t.state == TaskState::Running || t.state == TaskState::Orphaned || t.state == TaskState::Interrupted)) {
        t.stage = status->stage;
        t.progressMessage = status->message;
        t.percent = status->percent;
        t.runAsUser = status->runAsUser;
        t.statusUpdatedAt = status->updatedAt;
        if (t.state == TaskState::Running) { // what the script's tree uses now
            t.memoryBytes = status->memoryBytes;
            t.cpuSeconds = status->cpuSeconds;
        }
    }
    if (dependencyInputs && t.state != TaskState::Invalid && !previous) {
        // A finished run names its source in result.json; any other task is read as the executor would.
        if (!hasFinishedRun(t.state))
            records.result.reset();
        t.dependencies = DependencyPreview::fromRecords(m_paths, id, records, dependencyInputs);
    }
    return t;
}

QList<TaskSummary> TaskScanner::scan(bool withDependencies) const
{
    QHash<QString, LockRecord> locks;
    for (const LockRecord &lock : LockInspector(m_paths).locks())
        locks.insert(lock.executionId, lock);

    QList<TaskSummary> tasks;
    // Walked and checked once; every task folder is then one openat(O_NOFOLLOW) in it.
    const Result<OpenFolder> tasksDir = OpenFolder::open(m_paths.folder(), m_paths.tasksDir());
    const QList<AgentFolder::Entry> entries = tasksDir ? tasksDir->entries() : QList<AgentFolder::Entry>();
    QStringList inputs; // asked for, so that the Requirements column is filled; not kept
    tasks.reserve(entries.size());
    for (const AgentFolder::Entry &entry : entries) {
        if (!AgentPaths::isValidExecutionId(entry.name))
            continue;
        if (entry.kind == AgentFolder::Kind::Symlink) {
            tasks.append(refused(entry.name, symlinkRefusal()));
            continue;
        }
        if (entry.kind != AgentFolder::Kind::Directory)
            continue;
        const auto lock = locks.constFind(entry.name);
        const Result<OpenFolder> task = tasksDir->folder(entry.name);
        inputs.clear();
        tasks.append(summarize(entry.name, task, lock == locks.cend() ? std::nullopt : std::optional<LockRecord>(*lock),
                               AgentPaths::Generation::Current, withDependencies ? &inputs : nullptr));
    }
    return tasks;
}

TaskSummary TaskScanner::refused(const QString &id, const QString &why)
{
    TaskSummary t;
    t.id = id;
    t.state = TaskState::Invalid;
    t.message = why;
    return t;
}

std::optional<TaskSummary> TaskScanner::task(const QString &id) const
{
    if (!AgentPaths::isValidExecutionId(id))
        return std::nullopt;
    const AgentFolder::Kind kind = m_paths.folder().kindOf(m_paths.taskDir(id));
    if (kind == AgentFolder::Kind::Symlink)
        return refused(id, symlinkRefusal());
    if (kind != AgentFolder::Kind::Directory)
        return std::nullopt;
    return summarize(id, OpenFolder::open(m_paths.folder(), m_paths.taskDir(id)), LockInspector(m_paths).lock(id));
}

std::optional<TaskSummary> TaskScanner::taskIn(const OpenFolder &tasksDir, const QString &id, const std::optional<LockRecord> &lock) const
{
    if (!AgentPaths::isValidExecutionId(id))
        return std::nullopt;
    const AgentFolder::Kind kind = tasksDir.kindOf(id);
    if (kind == AgentFolder::Kind::Symlink)
        return refused(id, symlinkRefusal());
    if (kind != AgentFolder::Kind::Directory)
        return std::nullopt;
    return summarize(id, tasksDir.folder(id), lock);
}

TaskSummary TaskScanner::taskFolder(const QString &id, const Result<OpenFolder> &task, const std::optional<LockRecord> &lock,
                                    QStringList *dependencyInputs) const
{
    TaskSummary t = summarize(id, task, lock, AgentPaths::Generation::Current, dependencyInputs);
    // The monitor's mark for earlier runs: one fstatat. The executor keeps them numbered from
    // previous/ without gaps, so previous/ alone tells whether there are any.
    t.hasEarlierRuns = task && task->kindOf(AgentPaths::runFolderName(1)) == AgentFolder::Kind::Directory;
    return t;
}

TaskSummary TaskScanner::linkedTask(const QString &id)
{
    return refused(id, symlinkRefusal());
}

std::optional<TaskSummary> TaskScanner::previousRun(const QString &id) const
{
    return keptRun(id, 1);
}

std::optional<TaskSummary> TaskScanner::keptRun(const QString &id, int generation) const
{
    if (!AgentPaths::isValidExecutionId(id) || generation < 1
        || m_paths.folder().kindOf(m_paths.runDir(id, generation)) != AgentFolder::Kind::Directory)
        return std::nullopt;
    return summarize(id, OpenFolder::open(m_paths.folder(), m_paths.taskDir(id)), std::nullopt, AgentPaths::keptRun(generation));
}

} // namespace oa
