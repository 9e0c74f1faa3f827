#pragma once

#include "ExitCode.h"

#include <QDateTime>
#include <QLockFile>
#include <QString>

#include <memory>
#include <optional>

namespace oa {

// What anyone (the service, the monitor, an operator's script) can learn about a lock without
// taking it: QLockFile's own content (PID, host, application) plus the file's modification time,
// which is when the lock was taken.
struct LockInfo {
    qint64 pid = 0;
    QString hostName;
    QString appName;
    QDateTime acquiredAt; // UTC
};

// Locks/{id}.lock, held for the whole run so that an execution never runs twice at once.
// Built on QLockFile: the lock is an O_EXCL file plus an flock(), so a live holder is always
// protected, and a lock whose holder died on this host is taken over automatically.
class TaskLock {
public:
    explicit TaskLock(const QString &lockFilePath);
    ~TaskLock(); // releases the lock if held

    TaskLock(const TaskLock &) = delete;
    TaskLock &operator=(const TaskLock &) = delete;

    // Never blocks. ExitCode::AlreadyRunning when a live process holds it; the message names
    // the holder. A lock left by a dead process on this host is removed by QLockFile and taken.
    Status tryAcquire();
    void release();
    bool isHeld() const;
    QString path() const { return m_path; }

    // Reads a lock file's details without taking it; nullopt when there is no readable lock.
    static std::optional<LockInfo> read(const QString &lockFilePath);

private:
    QString m_path;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace oa
