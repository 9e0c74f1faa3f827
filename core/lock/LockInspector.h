#pragma once

#include "fs/AgentPaths.h"
#include "fs/OpenFolder.h"
#include "base/Error.h"
#include "TaskLock.h"

#include <functional>

#include <QDateTime>
#include <QList>
#include <QString>

namespace oa {

// What a lock file says about its holder. The rules, in order:
//  - Unreadable: not a QLockFile record (corrupt, truncated, not ours), or not a regular file
//                at all (a FIFO, socket, symlink or directory, which is never opened);
//  - Foreign:    taken on another host; only its age can be judged from here;
//  - Live:       its PID runs on this host under the name it was locked with;
//  - Orphaned:   its PID is dead on this host (or now belongs to another program).
enum class LockVerdict { Live, Orphaned, Foreign, Unreadable };
QString lockVerdictName(LockVerdict verdict);

struct LockRecord {
    QString executionId;
    QString path;
    LockInfo info;          // for Unreadable, only the file's time
    LockVerdict verdict = LockVerdict::Unreadable;
    QString problem;        // why it is Unreadable: "a FIFO, not a regular file", ...

    qint64 ageSeconds(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    // The same lock file from the same taking: path, PID, host, program and time.
    bool sameHolder(const LockRecord &other) const;
    bool operator==(const LockRecord &o) const
    {
        return executionId == o.executionId && path == o.path && verdict == o.verdict && problem == o.problem && info.pid == o.info.pid
               && info.hostName == o.info.hostName && info.appName == o.info.appName && info.acquiredAt == o.info.acquiredAt;
    }
};

// Reads and clears task locks without ever taking one. Shared by the executor's lock commands
// and the monitor, so both tell the same truth.
class LockInspector {
public:
    explicit LockInspector(const AgentPaths &paths) : m_paths(paths) {}

    // Every Locks/{id}.lock of a valid ID, sorted by execution ID.
    QList<LockRecord> locks() const;
    std::optional<LockRecord> lock(const QString &executionId) const;
    static LockRecord inspect(const QString &executionId, const QString &lockFilePath);
    // The same for `name` in the open Locks/ folder, a scan's.
    static LockRecord inspectIn(const OpenFolder &locks, const QString &executionId, const QString &name);
    // The verdict of a readable record: its host, then whether its PID still runs the program
    // it locked with. Nothing on disk changes when a holder dies, so a monitor that keeps a
    // record asks this again on every refresh (a kill(0) and a readlink per lock).
    static void judge(LockRecord &record);
    static bool isThisHost(const QString &hostName);

    // Removes one lock. Orphaned locks go without `force`; Foreign and Unreadable locks need it;
    // a Live lock is never removed. The lock is judged again under the Locks/ guard, just before
    // the removal, so that it cannot race a takeover (see TaskLock::tryAcquire). With `seen` (the
    // record a caller showed or judged), a lock that has changed holder since is refused.
    // Uses QLockFile::removeStaleLockFile(), which still refuses when a live process holds the
    // file's flock. Busy when refused, NotFound when there is no such lock. `stopRequested` ends
    // the wait for the guard early (Cancelled), so that a closing monitor never waits it out.
    Status clear(const QString &executionId, bool force, const std::optional<LockRecord> &seen = std::nullopt,
                 const std::function<bool()> &stopRequested = {}) const;

private:
    // Locks/ reached from the base without following a link (the gatekeeper's rule): a Locks/
    // that is a link, or anything but a folder, holds no lock of this agent's, and nothing is
    // read or removed through it.
    bool locksFolderIsReal() const;
    AgentPaths m_paths; // a copy: cheap, and never dangles
};

} // namespace oa
