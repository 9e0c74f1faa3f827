#include "LockInspector.h"

#include "LockFiles.h"
#include "base/LoggingCategories.h"
#include "process/ProcessTable.h"

#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QSysInfo>

#include <algorithm>

#include <sys/stat.h>

namespace oa {

QString lockVerdictName(LockVerdict verdict)
{
    switch (verdict) {
    case LockVerdict::Live: return QStringLiteral("Live");
    case LockVerdict::Orphaned: return QStringLiteral("Orphaned");
    case LockVerdict::Foreign: return QStringLiteral("Foreign");
    case LockVerdict::Unreadable: return QStringLiteral("Unreadable");
    }
    return QStringLiteral("Unreadable");
}

qint64 LockRecord::ageSeconds(const QDateTime &now) const
{
    return info.acquiredAt.isValid() ? info.acquiredAt.secsTo(now) : -1;
}

bool LockInspector::isThisHost(const QString &hostName)
{
    // QLockFile treats an empty host name as local too.
    return hostName.isEmpty() || hostName == QSysInfo::machineHostName();
}

LockRecord LockInspector::inspect(const QString &executionId, const QString &lockFilePath)
{
    LockRecord record;
    record.executionId = executionId;
    record.path = lockFilePath;
    const auto info = TaskLock::read(lockFilePath);
    if (!info) {
        record.problem = info.error().message;
        record.info.acquiredAt = lockfiles::modifiedAt(lockFilePath);
        return record; // Unreadable
    }
    record.info = *info;
    judge(record);
    return record;
}

void LockInspector::judge(LockRecord &record)
{
    if (!isThisHost(record.info.hostName))
        record.verdict = LockVerdict::Foreign;
    else if (ProcessTable::isRunning(record.info.pid, record.info.appName))
        record.verdict = LockVerdict::Live;
    else
        record.verdict = LockVerdict::Orphaned;
}

namespace {

QDateTime modifiedAt(const struct stat &st)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000, Qt::UTC);
}

} // namespace

LockRecord LockInspector::inspectIn(const OpenFolder &locks, const QString &executionId, const QString &name)
{
    // inspect()'s rules and words (lockfiles::readRegular), from the open Locks/: the read's own
    // fstatat judges the kind (nothing but a regular file is ever opened), then one open and one
    // read; what was refused is looked at again only to say why, as readRegular says it.
    LockRecord record;
    record.executionId = executionId;
    record.path = locks.pathOf(name);
    struct stat read;
    const auto content = locks.readFile(name, TaskLock::kMaxFileBytes, &read);
    if (!content) {
        const AgentFolder::Kind kind = locks.kindOf(name);
        if (kind == AgentFolder::Kind::Missing)
            record.problem = QStringLiteral("missing"); // gone since it was listed
        else if (kind != AgentFolder::Kind::Regular)
            record.problem = QStringLiteral("%1, not a regular file").arg(AgentFolder::kindName(kind));
        else
            record.problem = content.error().message;
        if (const auto st = locks.statOf(QFile::encodeName(name)); st && S_ISREG(st->st_mode))
            record.info.acquiredAt = modifiedAt(*st);
        return record; // Unreadable
    }
    const auto info = TaskLock::parse(*content, modifiedAt(read));
    if (!info) {
        record.problem = info.error().message;
        record.info.acquiredAt = modifiedAt(read);
        return record;
    }
    record.info = *info;
    judge(record);
    return record;
}

bool LockInspector::locksFolderIsReal() const
{
    const auto kind = m_paths.folder().kindAt(m_paths.locksDir());
    return kind && *kind == AgentFolder::Kind::Directory;
}

QList<LockRecord> LockInspector::locks() const
{
    QList<LockRecord> records;
    if (!locksFolderIsReal())
        return records;
    // Locks/ is opened once, as lockfiles opens it (the folder that holds the lock files is their
    // base), and every lock file is read relative to it: no path is walked again per lock.
    const auto dir = OpenFolder::open(AgentFolder(m_paths.locksDir()), m_paths.locksDir());
    if (!dir)
        return records;
    // Every kind of entry: a lock path that is not a regular file is still a lock to report.
    // Names are matched exactly (no QDir name filter, which ignores case).
    for (const AgentFolder::Entry &entry : dir->entries()) {
        const QString id = AgentPaths::executionIdOfLockFileName(entry.name);
        if (!id.isEmpty())
            records.append(inspectIn(*dir, id, entry.name));
    }
    std::sort(records.begin(), records.end(), [](const LockRecord &a, const LockRecord &b) { return a.executionId < b.executionId; });
    return records;
}

std::optional<LockRecord> LockInspector::lock(const QString &executionId) const
{
    if (!AgentPaths::isValidExecutionId(executionId) || !locksFolderIsReal())
        return std::nullopt;
    const QString path = m_paths.lockFile(executionId);
    if (lockfiles::kindAt(path) == lockfiles::Kind::Missing) // lstat: a dangling symlink is still there
        return std::nullopt;
    return inspect(executionId, path);
}

bool LockRecord::sameHolder(const LockRecord &o) const
{
    return path == o.path && info.pid == o.info.pid && info.hostName == o.info.hostName && info.appName == o.info.appName
           && info.acquiredAt == o.info.acquiredAt;
}

Status LockInspector::clear(const QString &executionId, bool force, const std::optional<LockRecord> &seen,
                            const std::function<bool()> &stopRequested) const
{
    if (!lock(executionId))
        return fail(ErrorKind::NotFound, QStringLiteral("there is no lock for %1 in %2").arg(executionId, m_paths.locksDir()));
    // The verdict is taken again inside the guard, right before the removal: no takeover can run
    // between this judgement and the unlink.
    lockfiles::Guard guard(lockfiles::guardFileFor(m_paths.lockFile(executionId)));
    if (Status guarded = guard.lock(10000, stopRequested); !guarded)
        return guarded;
    const auto record = lock(executionId);
    if (!record)
        return fail(ErrorKind::NotFound, QStringLiteral("there is no lock for %1 in %2").arg(executionId, m_paths.locksDir()));
    if (seen && !record->sameHolder(*seen))
        return fail(ErrorKind::Busy, QStringLiteral("the lock of %1 changed since it was inspected (now PID %2 on \"%3\", %4); it was not removed")
                                                  .arg(executionId).arg(record->info.pid).arg(record->info.hostName, lockVerdictName(record->verdict)));
    switch (record->verdict) {
    case LockVerdict::Live:
        return fail(ErrorKind::Busy, QStringLiteral("the lock of %1 is held by the live process %2; it is never removed")
                                                  .arg(executionId).arg(record->info.pid));
    case LockVerdict::Foreign:
    case LockVerdict::Unreadable:
        if (!force)
            return fail(ErrorKind::Busy,
                        QStringLiteral("the lock of %1 is %2 and cannot be judged from here; clearing it needs --force")
                            .arg(executionId, lockVerdictName(record->verdict)));
        break;
    case LockVerdict::Orphaned:
        break;
    }
    if (const lockfiles::Kind kind = lockfiles::kindAt(record->path); kind != lockfiles::Kind::Regular) {
        // removeStaleLockFile() would open it: a FIFO blocks, a symlink is followed. Nobody
        // holds such a thing as a lock; it goes where it stands.
        if (Status removed = lockfiles::removeInPlace(record->path); !removed)
            return fail(ErrorKind::Busy, QStringLiteral("the lock of %1 could not be removed: %2").arg(executionId, removed.error().message));
        qCInfo(lcLock).noquote() << "removed" << record->path << "which was" << AgentFolder::kindName(kind);
        return ok();
    }
    QLockFile lockFile(record->path);
    if (!lockFile.removeStaleLockFile())
        return fail(ErrorKind::Busy,
                    QStringLiteral("the lock of %1 could not be removed: a process still holds the file").arg(executionId));
    qCInfo(lcLock).noquote() << "removed" << lockVerdictName(record->verdict) << "lock" << record->path;
    return ok();
}

} // namespace oa
