#pragma once

#include "base/Error.h"
#include "fs/AgentFolder.h"
#include "fs/AgentPaths.h"

#include <QString>
#include <QStringList>

namespace oa {

// One user ID of its own for one execution (RunAsUser = dynamic), in the manner of systemd's
// DynamicUser=: taken from a range, free of any passwd or group entry, of every live process
// and of every other execution on this host, whatever its agent folder.
//
// The registry is host-wide, as the IDs are: /run/openautomate/dynamic-users/<id> (root's,
// 0700, on the tmpfs /run, so it starts empty at boot; the one path outside the agent folder
// the executor writes). A lease is an flock on its file, so it goes with its holder; the file
// holds the agent folder and the execution ID while the run may have files of the ID, and is
// emptied once the run has taken them back. A file still naming a run (its executor died
// before its clean-up) makes the ID dirty: the next lease first takes that run's task folder
// back (root's, 0750) and moves its Temp/<id> and venv into the quarantine, or skips the ID.
class DynamicUserLease {
public:
    DynamicUserLease() = default;
    DynamicUserLease(DynamicUserLease &&) noexcept = default;
    DynamicUserLease &operator=(DynamicUserLease &&) noexcept = default;

    static QString registryDir();

    // The first free ID in [first, last], starting at a point derived from the execution ID so
    // that concurrent executors rarely contend for the same one. Environment (exit 5) naming
    // the range when every ID is taken, by an account, by systemd's own dynamic users, by a
    // process or by another execution. `warnings` gets what was done to a crashed run's leftovers.
    static Result<DynamicUserLease> acquire(const AgentPaths &paths, qint64 first, qint64 last, const QString &executionId,
                                            QStringList *warnings);

    bool held() const { return m_fd.isValid(); }
    qint64 id() const { return m_id; }
    QString registryFile() const;
    // The run has taken back everything of the ID (the clean-up is over): the record is emptied,
    // so that the ID is clean for the next lease. The flock stays until release().
    void markClean();
    // Lets the ID go (the destructor does too), clean or not.
    void release() { m_fd = UniqueFd(); }

private:
    UniqueFd m_fd;
    qint64 m_id = -1;
};

} // namespace oa
