#pragma once

#include "base/Error.h"
#include "fs/AgentFolder.h"
#include "fs/AgentPaths.h"

#include <QString>

namespace oa {

// One user ID of its own for one execution (RunAsUser = dynamic), in the manner of systemd's
// DynamicUser=: taken from a range, free of any passwd or group entry and of every live
// process, and held for the run by an flock on Locks/@uid-<id>. The flock goes with its holder,
// so a crashed executor's ID is free again the moment its process is gone (and the guardian has
// killed its tree); the file itself stays, empty, as @guard does.
class DynamicUserLease {
public:
    DynamicUserLease() = default;
    DynamicUserLease(DynamicUserLease &&) noexcept = default;
    DynamicUserLease &operator=(DynamicUserLease &&) noexcept = default;

    // The first free ID in [first, last], starting at a point derived from the execution ID so
    // that concurrent executors rarely contend for the same one. Environment (exit 5) naming
    // the range when every ID is taken, by an account or by another execution.
    static Result<DynamicUserLease> acquire(const AgentPaths &paths, qint64 first, qint64 last, const QString &executionId);

    bool held() const { return m_fd.isValid(); }
    qint64 id() const { return m_id; }
    QString lockFile() const { return m_path; }
    // Lets the ID go (the destructor does too).
    void release() { m_fd = UniqueFd(); }

    // Whether an account, a group or a live process already has `id` (exposed for the tests).
    static bool inUseOutsideLeases(qint64 id);

private:
    UniqueFd m_fd;
    qint64 m_id = -1;
    QString m_path;
};

} // namespace oa
