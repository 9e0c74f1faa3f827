#include "PrivilegeDrop.h"

#include <cerrno>

#include <grp.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/syscall.h>
#endif

namespace oa {

namespace {

// The kernel's calls, not glibc's wrappers: in a process glibc believes multi-threaded, its
// set*id() wrappers take a lock and signal every thread it knows of to change theirs too. A
// child started by a raw clone3() (CgroupSpawn) has one thread but its parent's thread list, and
// may have inherited that lock held. In a one-thread child the kernel's call changes everything.
int setGroupsCall(std::size_t count, const gid_t *groups) noexcept
{
#ifdef __linux__
    return int(::syscall(SYS_setgroups, count, groups));
#else
    return ::setgroups(int(count), groups);
#endif
}

int setGidCall(gid_t gid) noexcept
{
#ifdef __linux__
    return int(::syscall(SYS_setgid, gid));
#else
    return ::setgid(gid);
#endif
}

int setUidCall(uid_t uid) noexcept
{
#ifdef __linux__
    return int(::syscall(SYS_setuid, uid));
#else
    return ::setuid(uid);
#endif
}

} // namespace

PrivilegeDropResult dropPrivileges(uid_t uid, gid_t gid, const gid_t *groups, std::size_t groupCount) noexcept
{
    // errno is read at once: nothing in between may change it.
    if (setGroupsCall(groupCount, groups) != 0)
        return {PrivilegeDropStep::SetGroups, errno};
    if (setGidCall(gid) != 0)
        return {PrivilegeDropStep::SetGid, errno};
    if (setUidCall(uid) != 0)
        return {PrivilegeDropStep::SetUid, errno};
    // setuid() as root sets all three ids; a process that was not root (with CAP_SETUID only,
    // say) may keep a saved id it could switch back to, so all three are asked for.
    uid_t realUid = 0, effectiveUid = 0, savedUid = 0;
    if (::getresuid(&realUid, &effectiveUid, &savedUid) != 0)
        return {PrivilegeDropStep::CheckUser, errno};
    if (realUid != uid || effectiveUid != uid || savedUid != uid || ::getuid() != uid || ::geteuid() != uid)
        return {PrivilegeDropStep::CheckUser, 0};
    gid_t realGid = 0, effectiveGid = 0, savedGid = 0;
    if (::getresgid(&realGid, &effectiveGid, &savedGid) != 0)
        return {PrivilegeDropStep::CheckGroup, errno};
    if (realGid != gid || effectiveGid != gid || savedGid != gid || ::getgid() != gid || ::getegid() != gid)
        return {PrivilegeDropStep::CheckGroup, 0};
    // The proof that the drop holds: root cannot be taken back. Should it succeed, the process is
    // root again and must not go on either.
    if (uid != 0 && setUidCall(0) == 0)
        return {PrivilegeDropStep::RegainRoot, 0};
    return {};
}

const char *privilegeDropStepName(PrivilegeDropStep step) noexcept
{
    switch (step) {
    case PrivilegeDropStep::None:
        return "none";
    case PrivilegeDropStep::SetGroups:
        return "setgroups";
    case PrivilegeDropStep::SetGid:
        return "setgid";
    case PrivilegeDropStep::SetUid:
        return "setuid";
    case PrivilegeDropStep::CheckUser:
        return "uid check";
    case PrivilegeDropStep::CheckGroup:
        return "gid check";
    case PrivilegeDropStep::RegainRoot:
        return "setuid(0) check";
    }
    return "unknown";
}

} // namespace oa
