#pragma once

#include "ExitCode.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <memory>

class QLockFile;

namespace oa::lockfiles {

// The few file operations on Locks/ that must never block, never follow a symlink and never
// write through one. Everything under the agent folder is untrusted: a FIFO at a lock path hangs
// a plain open(), a symlink aims a write elsewhere. On Unix these are direct POSIX calls, kept in
// this one place so that a shared safe-file layer for the base folder can replace them.

// What is at a path, from lstat(): never follows a symlink, never opens anything.
enum class Kind { Missing, Regular, Directory, Symlink, Fifo, Socket, Device, Other };
Kind kindAt(const QString &path);
QString describe(Kind kind); // "a FIFO", "a symbolic link", ...

// The modification time of what is at `path` itself (lstat), UTC; invalid when nothing is there.
QDateTime modifiedAt(const QString &path);

// Reads at most `maxBytes` of the regular file at `path`: opened with O_NONBLOCK and O_NOFOLLOW,
// then checked with fstat, so a FIFO, socket, device, directory or symlink is refused at once,
// with a reason that says what it is. `modified` is the opened file's own time.
struct FileContent {
    QByteArray data;
    QDateTime modified; // UTC
};
Result<FileContent> readRegular(const QString &path, qint64 maxBytes);

// Removes what is at `path` where it stands: unlinks a file, FIFO, socket or symlink (never its
// target), removes an empty directory. Missing is fine.
Status removeInPlace(const QString &path);

// Replaces `path` with a new file holding `data`: written to `tempPath` (created with O_EXCL and
// O_NOFOLLOW, in the same folder), then renamed over `path`. rename() replaces whatever is at
// `path`, a symlink included, instead of writing through it.
Status writeReplacing(const QString &path, const QString &tempPath, const QByteArray &data);

// Locks/@guard for a lock file in Locks/. No execution ID can produce that name ('@' is never
// part of one).
QString guardFileFor(const QString &lockFilePath);

// A short-held exclusive lock on the guard file, across processes (flock on Unix). It serializes
// every takeover of a dead lock with every removal of a lock: QLockFile removes a lock by name
// after its own checks, so a removal racing a takeover of the same dead lock could otherwise
// delete the new, live lock. Held for milliseconds; released by the destructor.
class Guard {
public:
    explicit Guard(QString guardFile);
    ~Guard();
    Guard(const Guard &) = delete;
    Guard &operator=(const Guard &) = delete;

    // Waits at most `timeoutMs` for other holders. Something other than a regular file at the
    // guard's path (planted there) is removed where it stands and replaced.
    Status lock(int timeoutMs = 10000);
    void unlock();

private:
    QString m_path;
#ifdef Q_OS_UNIX
    int m_fd = -1;
#else
    std::unique_ptr<QLockFile> m_lock;
#endif
};

} // namespace oa::lockfiles
