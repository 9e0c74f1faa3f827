#include "PrivilegeDrop.h"

#include <cerrno>

#include <grp.h>
#include <unistd.h>

namespace oa {

PrivilegeDropResult dropPrivileges(uid_t uid, gid_t gid, const gid_t *groups, std::size_t groupCount) noexcept
{
    // errno is read at once: nothing in between may change it.
    if (::setgroups(groupCount, groups) != 0)
        return {PrivilegeDropStep::SetGroups, errno};
    if (::setgid(gid) != 0)
        return {PrivilegeDropStep::SetGid, errno};
    if (::setuid(uid) != 0)
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
    if (uid != 0 && ::setuid(0) == 0)
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
