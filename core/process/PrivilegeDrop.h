#pragma once

#include <cstddef>

#include <sys/types.h>

namespace oa {

// Which step of a privilege drop went wrong; None when the process now is the target user.
enum class PrivilegeDropStep {
    None,
    SetGroups,   // setgroups() refused the supplementary groups
    SetGid,      // setgid() refused the group
    SetUid,      // setuid() refused the user
    CheckUser,   // real, effective or saved uid is not the target after setuid()
    CheckGroup,  // real, effective or saved gid is not the target after setgid()
    RegainRoot,  // setuid(0) still succeeds: the drop could be undone
};

struct PrivilegeDropResult {
    PrivilegeDropStep failedAt = PrivilegeDropStep::None;
    int error = 0; // errno of the failed call, 0 for a failed check
    bool ok() const { return failedAt == PrivilegeDropStep::None; }
};

// Makes the calling process the user `uid` with primary group `gid` and exactly the
// supplementary groups `groups[0..groupCount)`: groups first, then the gid, then the uid, since
// after setuid() nothing else may change. Then it checks what the kernel says rather than trust
// the return values: real, effective and saved ids are the target's, and, when the target is
// not root, setuid(0) now fails. A caller whose drop did not succeed must not run any code of
// the target's: it would run with the privileges it had.
//
// The one place that drops privileges (ChildProcess's child modifier, RunAsUser::access).
// Async-signal-safe: raw system calls only, no allocation, no locks, no Qt, so that it may run in
// the vfork-like child of QProcess::setChildProcessModifier (Qt 6.4) and after fork().
PrivilegeDropResult dropPrivileges(uid_t uid, gid_t gid, const gid_t *groups, std::size_t groupCount) noexcept;

// The step's name, a string literal (safe to write() from a child): "setgroups", "setuid", ….
const char *privilegeDropStepName(PrivilegeDropStep step) noexcept;

} // namespace oa
