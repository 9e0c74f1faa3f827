#pragma once

#include "AgentFolder.h"

#include <QSet>
#include <QString>

#include <sys/types.h>

namespace oa {

// Who owns what below the agent folder when task code runs as an unprivileged user: the task
// may write its own task folder, Temp/<id> and venv, and nothing the executor owns. Every walk
// goes through the gatekeeper's descriptors, never follows a link, and never hands out a
// hard-linked or special file (a device node or a hard link to a file elsewhere).
class TreeOwnership {
public:
    // Hands the tree at `path` (the folder itself and every folder and regular file in it) to
    // uid:gid. Names in `keep`, directly in `path`, stay the executor's.
    static Status give(const AgentFolder &folder, const QString &path, uid_t uid, gid_t gid, const QSet<QString> &keep = {});

    // A task folder the user may add files to but whose executor files it cannot touch: owned
    // by the executor, group `gid` with write access, and sticky, so that a file can be removed
    // or renamed only by its owner (as in /tmp). Readable by others, as before.
    static Status shareFolder(const AgentFolder &folder, const QString &path, gid_t gid);
    // After the run: the task folder and what the user made in it are the executor's again, and
    // the folder is 0755, so that no later task of the same user can change an idle task. A
    // file of another user's with more than one name is replaced by a copy of the executor's
    // own, since its other name, outside the task folder, would still reach it.
    static Status reclaimFolder(const AgentFolder &folder, const QString &path);

    // Copies the tree at `from` into a new folder `to`, owned by the executor, so that nothing
    // the user still holds open (a descriptor outlives chown) can reach the copy. Only folders
    // and regular files are copied; anything else fails, links included: the root steps that
    // follow would write and read through them. Modes lose setuid/setgid/sticky bits and every
    // write bit but the owner's.
    static Status copyAsOwn(const AgentFolder &folder, const QString &from, const QString &to);
};

} // namespace oa
