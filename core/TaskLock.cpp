#include "TaskLock.h"

#include "LockFiles.h"
#include "LoggingCategories.h"

#include <QFileInfo>

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

Status TaskLock::tryAcquire()
{
    // QLockFile::tryLock removes a dead holder's lock by name before it creates its own. Under
    // the guard, no removal by LockInspector::clear (or another takeover) can run in between and
    // delete the new lock.
    lockfiles::Guard guard(lockfiles::guardFileFor(m_path));
    if (Status guarded = guard.lock(); !guarded)
        return guarded;
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
        return fail(ExitCode::AlreadyRunning, QStringLiteral("the task is already locked by %1 (%2)").arg(holder, m_path));
    }
    case QLockFile::PermissionError:
        return fail(ExitCode::Unexpected, QStringLiteral("no permission to create the lock file %1").arg(m_path));
    case QLockFile::NoError:
    case QLockFile::UnknownError:
        break;
    }
    return fail(ExitCode::Unexpected, QStringLiteral("cannot create the lock file %1").arg(m_path));
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

std::optional<LockInfo> TaskLock::read(const QString &lockFilePath)
{
    QLockFile probe(lockFilePath);
    LockInfo info;
    if (!probe.getLockInfo(&info.pid, &info.hostName, &info.appName))
        return std::nullopt;
    info.acquiredAt = QFileInfo(lockFilePath).lastModified().toUTC();
    return info;
}

} // namespace oa
