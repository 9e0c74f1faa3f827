#include "AdminCommands.h"

#include "CommandOutput.h"
#include "lock/CancelChannel.h"
#include "run/ExitCodes.h"
#include "lock/LockInspector.h"
#include "tasks/PackageRuns.h"
#include "tasks/TaskScanner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDeadlineTimer>
#include <QFile>
#include <QTextStream>
#include <QThread>

namespace AdminCommands {

using namespace CommandOutput;

namespace {

QJsonObject lockJson(const oa::LockRecord &lock)
{
    return QJsonObject{
        {QStringLiteral("ExecutionId"), lock.executionId},
        {QStringLiteral("Path"), lock.path},
        {QStringLiteral("Pid"), lock.info.pid},
        {QStringLiteral("Host"), lock.info.hostName},
        {QStringLiteral("ProcessName"), lock.info.appName},
        {QStringLiteral("AcquiredAt"), iso(lock.info.acquiredAt)},
        {QStringLiteral("AgeSeconds"), lock.ageSeconds()},
        {QStringLiteral("Verdict"), oa::lockVerdictName(lock.verdict)},
        {QStringLiteral("Problem"), lock.problem},
    };
}

// How many packages the task's dependency source names, whichever it is (execution.json's
// Requirements, a requirements.txt, a Pipfile.lock, a script's inline block), as the monitor's
// Requirements column counts them; null when they cannot be counted. The scan read them
// (TaskScanner::scan(true)) from the files it read the row from.
std::optional<qint64> requirementsCount(const oa::TaskSummary &task)
{
    if (task.state == oa::TaskState::Invalid)
        return task.requirementsCount;
    return task.dependencies.counted ? std::optional<qint64>(task.dependencies.packages.size()) : std::nullopt;
}

// lockJson(), written in its keys' order.
void writeLock(IndentedJsonWriter &w, QLatin1String key, const oa::LockRecord &lock)
{
    w.openObject(key);
    w.string(QLatin1String("AcquiredAt"), iso(lock.info.acquiredAt));
    w.number(QLatin1String("AgeSeconds"), lock.ageSeconds());
    w.string(QLatin1String("ExecutionId"), lock.executionId);
    w.string(QLatin1String("Host"), lock.info.hostName);
    w.string(QLatin1String("Path"), lock.path);
    w.number(QLatin1String("Pid"), lock.info.pid);
    w.string(QLatin1String("Problem"), lock.problem);
    w.string(QLatin1String("ProcessName"), lock.info.appName);
    w.string(QLatin1String("Verdict"), oa::lockVerdictName(lock.verdict));
    w.closeObject();
}

} // namespace

int listTasks(const oa::AgentPaths &paths, bool json)
{
    const QList<oa::TaskSummary> tasks = oa::TaskScanner(paths).scan(json);
    if (json) {
        // Written as QJsonDocument would write {"BaseDir", "Tasks": [...]}, keys in its (sorted)
        // order, without building 10,000 QJsonObjects first.
        IndentedJsonWriter w;
        const auto optionalString = [&w](QLatin1String key, const QString &value) {
            if (value.isEmpty())
                w.null(key);
            else
                w.string(key, value);
        };
        w.openObject();
        w.string(QLatin1String("BaseDir"), paths.baseDir());
        w.openArray(QLatin1String("Tasks"));
        for (const oa::TaskSummary &t : tasks) {
            w.openObject();
            w.string(QLatin1String("Arguments"), t.arguments);
            w.number(QLatin1String("DurationMs"), t.durationMs);
            // As result.json has it (escaped once), or the scan's reason for an interrupted or invalid task.
            optionalString(QLatin1String("ErrorSummary"), t.errorSummary);
            if (t.exitCode)
                w.number(QLatin1String("ExitCode"), *t.exitCode);
            else
                w.null(QLatin1String("ExitCode"));
            w.string(QLatin1String("FinishedAt"), iso(t.finishedAt));
            w.string(QLatin1String("Id"), t.id);
            if (t.lock)
                writeLock(w, QLatin1String("Lock"), *t.lock);
            else
                w.null(QLatin1String("Lock"));
            w.string(QLatin1String("Message"), t.message);
            w.string(QLatin1String("Outcome"), t.outcome);
            if (const auto count = requirementsCount(t))
                w.number(QLatin1String("RequirementsCount"), *count);
            else
                w.null(QLatin1String("RequirementsCount"));
            optionalString(QLatin1String("RunAsUser"), t.runAsUser);
            w.string(QLatin1String("ScriptPath"), t.scriptPath);
            // The stage it is in, or was in when it was interrupted or orphaned, from status.json.
            optionalString(QLatin1String("Stage"), t.stage);
            w.string(QLatin1String("StartedAt"), iso(t.startedAt));
            w.string(QLatin1String("State"), oa::taskStateName(t.state));
            optionalString(QLatin1String("StatusUpdatedAt"), t.statusUpdatedAt.isValid() ? iso(t.statusUpdatedAt) : QString());
            w.closeObject();
        }
        w.closeArray();
        w.closeObject();
        printJson(w.take());
        return 0;
    }
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("STATE"), QStringLiteral("STAGE"), QStringLiteral("EXIT"),
                             QStringLiteral("STARTED"), QStringLiteral("DURATION"), QStringLiteral("SCRIPT"), QStringLiteral("DETAIL"),
                             QStringLiteral("REASON")}};
    for (const oa::TaskSummary &t : tasks) {
        // An Interrupted or Invalid task's message is the scanner's explanation, which REASON
        // shows already: DETAIL says only what else there is (the lock left behind).
        const bool reasonIsMessage = t.state == oa::TaskState::Interrupted || t.state == oa::TaskState::Invalid;
        QString detail = reasonIsMessage ? QString() : t.message;
        const QString holder = t.lock ? QStringLiteral("PID %1 on %2, %3 old").arg(t.lock->info.pid).arg(t.lock->info.hostName, age(t.lock->ageSeconds()))
                                      : QString();
        if (t.lock && t.lock->verdict == oa::LockVerdict::Unreadable)
            detail = QStringLiteral("unreadable lock (%1), %2 old").arg(t.lock->problem, age(t.lock->ageSeconds()));
        else if (t.state == oa::TaskState::Interrupted && t.lock)
            detail = QStringLiteral("orphaned lock: %1").arg(holder);
        else if (t.lock)
            detail = holder;
        if (!t.runAsUser.isEmpty() && t.state == oa::TaskState::Running)
            detail += QStringLiteral(", as %1").arg(t.runAsUser);
        rows.append({t.id, oa::taskStateName(t.state), t.stage.isEmpty() ? QStringLiteral("-") : t.stage,
                     t.exitCode ? QString::number(*t.exitCode) : QStringLiteral("-"),
                     localTime(t.startedAt),
                     t.durationMs >= 0 ? QStringLiteral("%1s").arg(double(t.durationMs) / 1000.0, 0, 'f', 1) : QStringLiteral("-"),
                     t.scriptPath.isEmpty() ? QStringLiteral("-") : t.scriptPath, detail,
                     t.errorSummary.isEmpty() ? QStringLiteral("-") : t.errorSummary});
    }
    printTable(rows, {rows.first().size() - 1}); // REASON is escaped already
    out() << count(tasks.size(), "task", "tasks") << " in " << paths.tasksDir() << '\n';
    return 0;
}

int listLocks(const oa::AgentPaths &paths, bool json)
{
    const QList<oa::LockRecord> locks = oa::LockInspector(paths).locks();
    // Who the holder's task code runs as, from its status.json: only a live holder has one. Its
    // task folder is one openat(O_NOFOLLOW) in Tasks/, opened once for all the locks.
    const oa::TaskScanner scanner(paths);
    const auto tasksDir = oa::OpenFolder::open(paths.folder(), paths.tasksDir());
    const auto runAsOf = [&](const oa::LockRecord &lock) {
        const auto task = lock.verdict == oa::LockVerdict::Live && tasksDir ? scanner.taskIn(*tasksDir, lock.executionId, lock) : std::nullopt;
        return task ? task->runAsUser : QString();
    };
    if (json) {
        QJsonArray array;
        for (const oa::LockRecord &lock : locks) {
            QJsonObject o = lockJson(lock);
            const QString runAs = runAsOf(lock);
            o.insert(QStringLiteral("RunAsUser"), runAs.isEmpty() ? QJsonValue() : QJsonValue(runAs));
            array.append(o);
        }
        printJson({{QStringLiteral("BaseDir"), paths.baseDir()}, {QStringLiteral("Locks"), array}});
        return 0;
    }
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("VERDICT"), QStringLiteral("PID"), QStringLiteral("HOST"),
                             QStringLiteral("PROCESS"), QStringLiteral("RUN AS"), QStringLiteral("AGE"), QStringLiteral("SINCE"),
                             QStringLiteral("PROBLEM")}};
    for (const oa::LockRecord &lock : locks) {
        const QString runAs = runAsOf(lock);
        rows.append({lock.executionId, oa::lockVerdictName(lock.verdict), QString::number(lock.info.pid), lock.info.hostName,
                     lock.info.appName, runAs.isEmpty() ? QStringLiteral("-") : runAs, age(lock.ageSeconds()),
                     localTime(lock.info.acquiredAt), lock.problem});
    }
    printTable(rows);
    out() << count(locks.size(), "lock", "locks") << " in " << paths.locksDir() << '\n';
    return 0;
}

int clearOrphanedLocks(const oa::AgentPaths &paths, bool json)
{
    const oa::LockInspector inspector(paths);
    QJsonArray removed;
    QJsonArray failed;
    for (const oa::LockRecord &lock : inspector.locks()) {
        if (lock.verdict != oa::LockVerdict::Orphaned)
            continue;
        const oa::Status cleared = inspector.clear(lock.executionId, false, lock); // only the lock just listed
        if (cleared) {
            removed.append(lockJson(lock));
            if (!json)
                out() << "removed the orphaned lock of " << lock.executionId << " (PID " << lock.info.pid
                      << " on " << shown(lock.info.hostName) << " is dead, locked " << iso(lock.info.acquiredAt) << ")\n";
        } else {
            failed.append(QJsonObject{{QStringLiteral("ExecutionId"), lock.executionId},
                                      {QStringLiteral("Message"), cleared.error().message}});
            if (!json)
                err() << "could not remove the lock of " << lock.executionId << ": " << shown(cleared.error().message) << '\n';
        }
    }
    if (json)
        printJson({{QStringLiteral("Removed"), removed}, {QStringLiteral("Failed"), failed}});
    else
        out() << count(removed.size(), "orphaned lock", "orphaned locks") << " removed\n";
    out().flush();
    err().flush();
    return failed.isEmpty() ? 0 : int(oa::ExitCode::AlreadyRunning);
}

int clearLock(const oa::AgentPaths &paths, const QString &executionId, bool force, bool json)
{
    if (!oa::AgentPaths::isValidExecutionId(executionId)) {
        err() << "Invalid execution ID \"" << shown(executionId) << "\"\n";
        err().flush();
        return int(oa::ExitCode::InvalidArguments);
    }
    const oa::LockInspector inspector(paths);
    const auto lock = inspector.lock(executionId);
    if (lock && force && lock->verdict != oa::LockVerdict::Orphaned && lock->verdict != oa::LockVerdict::Live) {
        err() << "Force-clearing the " << oa::lockVerdictName(lock->verdict) << " lock of " << executionId << ": PID "
              << lock->info.pid << " on host \"" << shown(lock->info.hostName) << "\", taken " << iso(lock->info.acquiredAt) << " ("
              << age(lock->ageSeconds()) << " ago). If that executor is still running, the task may now start a second time.\n";
        err().flush();
    }
    // Only the lock described above is removed: one that changed holder meanwhile is refused.
    const oa::Status cleared = inspector.clear(executionId, force, lock);
    if (json) {
        QJsonObject o{{QStringLiteral("ExecutionId"), executionId}, {QStringLiteral("Removed"), cleared.ok()}};
        if (lock)
            o.insert(QStringLiteral("Lock"), lockJson(*lock));
        if (!cleared)
            o.insert(QStringLiteral("Message"), cleared.error().message);
        printJson(o);
    } else if (cleared) {
        out() << "removed the " << oa::lockVerdictName(lock->verdict) << " lock of " << executionId << '\n';
    } else {
        err() << shown(cleared.error().message) << '\n';
    }
    out().flush();
    err().flush();
    return cleared ? 0 : int(oa::exitCodeFor(cleared.error()));
}

int cancel(const oa::AgentPaths &paths, const QString &executionId, bool wait, bool json)
{
    const auto report = [&](int code, const QString &state, const QString &message) {
        if (json)
            printJson({{QStringLiteral("ExecutionId"), executionId}, {QStringLiteral("State"), state}, {QStringLiteral("Message"), message}});
        else
            (code == 0 ? out() : err()) << shown(message) << '\n';
        out().flush();
        err().flush();
        return code;
    };
    const auto requested = oa::CancelChannel::request(paths, executionId);
    if (!requested)
        return report(int(oa::exitCodeFor(requested.error())), QStringLiteral("Refused"), requested.error().message);

    // Accepted: the executor deletes the request on its next tick (about every 200 ms).
    const QString request = requested.value();
    QDeadlineTimer acceptDeadline(15000);
    const oa::AgentFolder folder = paths.folder();
    const auto pending = [&] { return folder.kindOf(request) != oa::AgentFolder::Kind::Missing; };
    while (pending() && !acceptDeadline.hasExpired())
        QThread::msleep(50);
    if (pending()) {
        folder.removeFile(request); // never act on it later, behind the caller's back
        return report(int(oa::ExitCode::AlreadyRunning), QStringLiteral("NotAccepted"),
                      QStringLiteral("the executor of %1 did not accept the cancel request within 15 s").arg(executionId));
    }
    if (!wait)
        return report(0, QStringLiteral("Accepted"), QStringLiteral("cancel request for %1 accepted").arg(executionId));

    // The executor's stop is bounded (grace period + 2 s per child); this wait is bounded too.
    QDeadlineTimer stopDeadline(600000);
    const oa::LockInspector inspector(paths);
    while (!stopDeadline.hasExpired()) {
        const auto lock = inspector.lock(executionId);
        if (!lock || lock->verdict != oa::LockVerdict::Live)
            break;
        QThread::msleep(100);
    }
    const auto lock = inspector.lock(executionId);
    if (lock && lock->verdict == oa::LockVerdict::Live)
        return report(int(oa::ExitCode::AlreadyRunning), QStringLiteral("Stopping"),
                      QStringLiteral("%1 accepted the cancel but has not stopped after 10 minutes").arg(executionId));
    const auto task = oa::TaskScanner(paths).task(executionId);
    return report(0, QStringLiteral("Stopped"),
                  QStringLiteral("%1 stopped (outcome %2)").arg(executionId, task && !task->outcome.isEmpty() ? task->outcome : QStringLiteral("unknown")));
}

} // namespace AdminCommands
