#include "TaskScanner.h"

#include "ExecutionInfo.h"
#include "JsonFile.h"
#include "ResultRecord.h"
#include "StatusRecord.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace oa {

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
    }
    return QStringLiteral("Invalid");
}

bool TaskSummary::operator==(const TaskSummary &o) const
{
    return id == o.id && state == o.state && scriptPath == o.scriptPath && arguments == o.arguments
           && requirementsCount == o.requirementsCount && startedAt == o.startedAt && finishedAt == o.finishedAt
           && durationMs == o.durationMs && exitCode == o.exitCode && outcome == o.outcome && message == o.message
           && lock == o.lock && stage == o.stage && percent == o.percent && progressMessage == o.progressMessage
           && runAsUser == o.runAsUser && memoryBytes == o.memoryBytes && cpuSeconds == o.cpuSeconds && dependencies == o.dependencies;
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

TaskSummary TaskScanner::summarize(const QString &id, const std::optional<LockRecord> &lock) const
{
    TaskSummary t;
    t.id = id;
    t.lock = lock;

    QString error;
    const auto execution = readJsonObject(m_paths.folder(), m_paths.executionFile(id), &error);
    if (execution) {
        const ExecutionInfo::Preview preview = ExecutionInfo::preview(*execution);
        t.scriptPath = preview.scriptPath;
        t.arguments = preview.arguments;
        t.requirementsCount = preview.requirementsCount;
    }

    if (const auto json = readJsonObject(m_paths.folder(), m_paths.resultFile(id))) {
        const ResultRecord::Summary result = ResultRecord::summaryFromJson(*json);
        t.outcome = result.outcome;
        t.message = result.message;
        t.startedAt = result.startedAt;
        t.finishedAt = result.finishedAt;
        t.durationMs = result.durationMs;
        t.exitCode = result.exitCode;
    }

    if (lock) {
        switch (lock->verdict) {
        case LockVerdict::Live: t.state = TaskState::Running; break;
        case LockVerdict::Orphaned: t.state = TaskState::Orphaned; break;
        case LockVerdict::Foreign:
        case LockVerdict::Unreadable: t.state = TaskState::RunningElsewhere; break;
        }
        if (t.state == TaskState::Running) {
            // The result on disk belongs to an earlier run; show this run's start instead.
            t.startedAt = lock->info.acquiredAt;
            t.finishedAt = QDateTime();
            t.durationMs = -1;
            t.exitCode.reset();
            // Live progress: only running tasks have a status.json worth reading.
            if (const auto json = readJsonObject(m_paths.folder(), m_paths.statusFile(id))) {
                const StatusRecord status = StatusRecord::fromJson(*json);
                t.stage = status.stage;
                t.progressMessage = status.message;
                t.percent = status.percent;
                t.runAsUser = status.runAsUser;
                t.memoryBytes = status.memoryBytes;
                t.cpuSeconds = status.cpuSeconds;
            }
        }
    } else if (!execution) {
        t.state = TaskState::Invalid;
        t.message = QStringLiteral("execution.json: %1").arg(error);
    } else if (!t.outcome.isEmpty()) {
        t.state = stateFromOutcome(t.outcome);
    } else {
        t.state = TaskState::Pending;
    }
    return t;
}

QList<TaskSummary> TaskScanner::scan() const
{
    QHash<QString, LockRecord> locks;
    for (const LockRecord &lock : LockInspector(m_paths).locks())
        locks.insert(lock.executionId, lock);

    QList<TaskSummary> tasks;
    const QList<AgentFolder::Entry> entries = m_paths.folder().list(m_paths.tasksDir());
    tasks.reserve(entries.size());
    for (const AgentFolder::Entry &entry : entries) {
        if (!AgentPaths::isValidExecutionId(entry.name))
            continue;
        if (entry.kind == AgentFolder::Kind::Symlink) {
            tasks.append(refused(entry.name, QStringLiteral("the task folder is a symbolic link; the executor refuses to run it")));
            continue;
        }
        if (entry.kind != AgentFolder::Kind::Directory)
            continue;
        const auto lock = locks.constFind(entry.name);
        tasks.append(summarize(entry.name, lock == locks.cend() ? std::nullopt : std::optional<LockRecord>(*lock)));
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
        return refused(id, QStringLiteral("the task folder is a symbolic link; the executor refuses to run it"));
    if (kind != AgentFolder::Kind::Directory)
        return std::nullopt;
    return summarize(id, LockInspector(m_paths).lock(id));
}

} // namespace oa
