#pragma once

#include "base/Error.h"

#include <QDateTime>
#include <QLockFile>
#include <QString>
#include <QStringList>

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

    // Never blocks. ErrorKind::Busy when a live process holds it; the message names
    // the holder. A lock left by a dead process on this host is removed by QLockFile and taken.
    // Runs under the Locks/ guard (see LockFiles.h). Something other than a regular file at the
    // lock path (a FIFO, a symlink, ...) is removed where it stands and the lock taken; replaced()
    // then says what was there, for the caller to log.
    Status tryAcquire();
    QStringList replaced() const { return m_replaced; }
    void release();
    bool isHeld() const;
    QString path() const { return m_path; }

    // Reads a lock file's details without taking it, without blocking and without following a
    // symlink. A System error says why there is no readable lock: the file's (with its errno), or
    // that it holds no QLockFile record.
    static Result<LockInfo> read(const QString &lockFilePath);
    // The record in a lock file's content, read by the caller through the gatekeeper; `modified`
    // is the file's modification time (when the lock was taken).
    static Result<LockInfo> parse(const QByteArray &content, const QDateTime &modified);
    // A lock file is read only this far: a QLockFile record is a few short lines.
    static constexpr qint64 kMaxFileBytes = 64 * 1024;

private:
    Status replaceNonRegular();
    QString m_path;
    QStringList m_replaced;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace oa
