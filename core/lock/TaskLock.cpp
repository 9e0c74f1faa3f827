#include "TaskLock.h"

#include "LockFiles.h"
#include "base/LoggingCategories.h"

namespace oa {

TaskLock::TaskLock(const QString &lockFilePath) : m_path(lockFilePath), m_lock(std::make_unique<QLockFile>(lockFilePath))
{
    // No age-based staleness: a run may last for hours. Only a dead holder on this host makes a
    // lock stale; a lock from another host is never taken over behind an operator's back.
    m_lock->setStaleLockTime(0);
}

TaskLock::~TaskLock()
{
    release();
}

Status TaskLock::replaceNonRegular()
{
    m_replaced.clear();
    // QLockFile reads an existing lock file to judge it, and opens it to remove it: a FIFO there
    // blocks for ever, a symlink leads elsewhere. Neither can be anybody's lock (QLockFile only
    // ever creates regular files), so it is removed where it stands and the lock is taken. The
    // same goes for the name QLockFile uses while it removes a dead lock.
    for (const QString &path : QStringList{m_path, m_path + QStringLiteral(".rmlock")}) {
        const lockfiles::Kind kind = lockfiles::kindAt(path);
        if (kind == lockfiles::Kind::Missing || kind == lockfiles::Kind::Regular)
            continue;
        if (Status removed = lockfiles::removeInPlace(path); !removed)
            return fail(ErrorKind::System, QStringLiteral("cannot take the lock: %1").arg(removed.error().message));
        m_replaced.append(QStringLiteral("%1 was %2, not a lock file; it was removed and the lock taken").arg(path, AgentFolder::kindName(kind)));
    }
    return ok();
}

Status TaskLock::tryAcquire()
{
    // QLockFile::tryLock removes a dead holder's lock by name before it creates its own. Under
    // the guard, no removal by LockInspector::clear (or another takeover) can run in between and
    // delete the new lock.
    lockfiles::Guard guard(lockfiles::guardFileFor(m_path));
    if (Status guarded = guard.lock(); !guarded)
        return guarded;
    if (Status cleared = replaceNonRegular(); !cleared)
        return cleared;
    if (m_lock->tryLock(0)) {
        qCDebug(lcLock) << "acquired" << m_path;
        return ok();
    }
    switch (m_lock->error()) {
    case QLockFile::LockFailedError: {
        QString holder = QStringLiteral("another process");
        if (auto info = read(m_path)) {
            holder = QStringLiteral("PID %1 on %2 (%3) since %4")
                         .arg(info->pid)
                         .arg(info->hostName, info->appName, info->acquiredAt.toString(Qt::ISODate));
        }
        return fail(ErrorKind::Busy, QStringLiteral("the task is already locked by %1 (%2)").arg(holder, m_path));
    }
    case QLockFile::PermissionError:
        return fail(ErrorKind::System, QStringLiteral("no permission to create the lock file %1").arg(m_path));
    case QLockFile::NoError:
    case QLockFile::UnknownError:
        break;
    }
    return fail(ErrorKind::System, QStringLiteral("cannot create the lock file %1").arg(m_path));
}

void TaskLock::release()
{
    if (m_lock && m_lock->isLocked()) {
        m_lock->unlock();
        qCDebug(lcLock) << "released" << m_path;
    }
}

bool TaskLock::isHeld() const
{
    return m_lock && m_lock->isLocked();
}

Result<LockInfo> TaskLock::read(const QString &lockFilePath)
{
    // Never QLockFile::getLockInfo here: it opens the file with a blocking open() and follows a
    // symlink. The record is QLockFile's: PID, application name, host name, one per line (then
    // machine and boot IDs, which are not needed here).
    const auto content = lockfiles::readRegular(lockFilePath, kMaxFileBytes);
    if (!content)
        return content.error();
    return parse(content->data, content->modified);
}

Result<LockInfo> TaskLock::parse(const QByteArray &content, const QDateTime &modified)
{
    const QList<QByteArray> lines = content.split('\n');
    bool numeric = false;
    LockInfo info;
    info.pid = lines.value(0).trimmed().toLongLong(&numeric);
    if (!numeric || info.pid <= 0)
        return fail(ErrorKind::System, QStringLiteral("not a QLockFile record (no PID on the first line)"));
    info.appName = QString::fromUtf8(lines.value(1));
    info.hostName = QString::fromUtf8(lines.value(2));
    info.acquiredAt = modified;
    return info;
}

} // namespace oa
