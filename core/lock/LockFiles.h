#pragma once

#include "fs/AgentFolder.h"
#include "base/Error.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <functional>

namespace oa::lockfiles {

// The few file operations on Locks/ that must never block, never follow a symlink and never
// write through one: a FIFO at a lock path hangs a plain open(), a symlink aims a write
// elsewhere. They go through the gatekeeper (AgentFolder), rooted at the folder that holds the
// file: these callers know a lock file's path, not the base, and Locks/ itself is created
// through the base's gatekeeper before any lock is taken.

using Kind = AgentFolder::Kind;
// What is at a path, never following a symlink, never opening anything.
Kind kindAt(const QString &path);

// The modification time of the regular file at `path`, UTC; invalid when there is none.
QDateTime modifiedAt(const QString &path);

// Reads at most `maxBytes` of the regular file at `path`, non-blocking and never through a
// link; anything else is refused at once, with a reason that starts with what it is
// ("a FIFO, not a regular file").
struct FileContent {
    QByteArray data;
    QDateTime modified; // UTC
};
Result<FileContent> readRegular(const QString &path, qint64 maxBytes);

// Removes what is at `path` where it stands: a file, FIFO, socket or symlink (never its
// target), or an empty folder. Missing is fine.
Status removeInPlace(const QString &path);

// Replaces `path` with a new file holding `data`, atomically; whatever was at `path`, a
// symlink included, is replaced instead of written through. Not flushed to the disk: only for
// files that describe a live run.
Status writeReplacing(const QString &path, const QByteArray &data);

// Locks/@guard for a lock file in Locks/. No execution ID can produce that name ('@' is never
// part of one).
QString guardFileFor(const QString &lockFilePath);

// A short-held exclusive lock on the guard file, across processes (AgentFolder::tryLock, an
// flock). It serializes every takeover of a dead lock with every removal of a lock: QLockFile
// removes a lock by name after its own checks, so a removal racing a takeover of the same dead
// lock could otherwise delete the new, live lock. Held for milliseconds; released by the
// destructor.
class Guard {
public:
    explicit Guard(QString guardFile);
    ~Guard() = default;
    Guard(const Guard &) = delete;
    Guard &operator=(const Guard &) = delete;

    // Waits at most `timeoutMs` for other holders, or until `stopRequested` answers true (the
    // monitor closing while another process holds the guard): then ErrorKind::Cancelled at once.
    // Something other than a regular file at the guard's path (planted there) is removed where it
    // stands and replaced.
    Status lock(int timeoutMs = 10000, const std::function<bool()> &stopRequested = {});
    void unlock() { m_fd = UniqueFd(); }

private:
    QString m_path;
    UniqueFd m_fd;
};

} // namespace oa::lockfiles
