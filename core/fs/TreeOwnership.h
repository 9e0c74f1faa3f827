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
    // A folder's owner, group and mode, remembered before it is shared and restored after.
    struct FolderState {
        uid_t uid = 0;
        gid_t gid = 0;
        mode_t mode = 0;
    };
    static Result<FolderState> stateOf(const AgentFolder &folder, const QString &path);

    // Hands the tree at `path` (the folder itself and every folder and regular file in it, at
    // any depth) to uid:gid; the folder itself becomes 0700, the user's alone. Names in
    // `keep`, directly in `path`, stay the executor's.
    static Status give(const AgentFolder &folder, const QString &path, uid_t uid, gid_t gid, const QSet<QString> &keep = {});

    // A task folder the user may add files to but whose executor files it cannot touch, and
    // that no one else may enter: owned by the executor, group `gid` with write access, none
    // for others, and sticky, so that a file can be removed or renamed only by its owner (1770).
    static Status shareFolder(const AgentFolder &folder, const QString &path, gid_t gid);
    // After the run: the task folder and what the user made in it are the executor's again,
    // and the folder gets back its `original` owner, group and mode, so that no later task of
    // the same user can change an idle task. The folder is closed (0700) before anything in it
    // is touched. Every folder and file loses its setuid, setgid, sticky and group or other
    // write bits. A FIFO, socket or link of the user's becomes the executor's by name, never
    // opened nor followed. A file of another user's with more than one name (its other name, outside
    // the task folder, would still reach it) is removed, never copied: copying a tenant's data
    // as root could fill the disk. An entry that cannot be taken back whole is moved into
    // `quarantine` (see below) and removed there. Returns the warnings.
    static Result<QStringList> reclaimFolder(const AgentFolder &folder, const QString &path, const FolderState &original,
                                             const QString &quarantine);

    // Moves `path` out of the way into the folder `quarantine` (made root's, 0700, so that no
    // user reaches what is in it by name) and removes it there. Fails only when it could not
    // be moved: a tree that cannot be removed there is left there, out of the way, and said so
    // in `*left` (its new path).
    static Status quarantine(const AgentFolder &folder, const QString &path, const QString &quarantine, QString *left = nullptr);

    // Copies the tree at `from` into a new folder `to`, owned by the executor, so that nothing
    // the user still holds open (a descriptor outlives chown) can reach the copy. Only folders
    // and regular files are copied; anything else fails, links included: the root steps that
    // follow would write and read through them. Modes lose setuid/setgid/sticky bits and every
    // write bit but the owner's. Files keep their holes (only data is written, so a sparse
    // 1 TiB file costs root what the user stored), at any depth with a bounded number of
    // descriptors. Bounded: when the files would take more disk (allocated blocks, or data
    // read, whichever is more) than `maxBytes`, or than the free space on the filesystem of
    // `to` less kCopyFreeMargin, the copy is refused with an Error naming the file reached, and
    // nothing of it is left; so on any failure.
    static constexpr qint64 kCopyBound = qint64(16) << 30;     // 16 GiB, for one cache build
    static constexpr qint64 kCopyFreeMargin = qint64(1) << 30; // left free on the disk
    static Status copyAsOwn(const AgentFolder &folder, const QString &from, const QString &to, qint64 maxBytes = kCopyBound);
};

} // namespace oa
