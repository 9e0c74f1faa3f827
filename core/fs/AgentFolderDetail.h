#pragma once

#include <dirent.h>

// Shared by the two halves of AgentFolder: AgentFolder.cpp walks and reads,
// AgentFolderChanges.cpp writes, renames, locks and removes. Not part of the interface.

#include "AgentFolder.h"

#include <sys/stat.h>

#include <functional>

namespace oa::detail {

QByteArray encoded(const QString &name);
AgentFolder::Kind kindOfMode(mode_t mode);
// A short description of what is planted at a name, for warnings.
QString describe(const struct stat &st);
// A regular file with one name, owned by the executor's user: nothing planted.
bool isOwnRegularFile(const struct stat &st);
// A mode the executor keeps for what it takes back or copies from a tenant: setuid, setgid and
// sticky bits go, and every write bit but the owner's.
inline mode_t ownMode(mode_t mode)
{
    return mode & 0755;
}
// A failure on the way to `path`, said so: the message names the file that was wanted too.
Error towards(Error failure, const QString &path);
// The names in the folder `dir` (a DIR stream over an open folder), "." and ".." left out: read
// whole before anything in the folder is changed.
QList<QByteArray> entryNames(DIR *dir);
// The same for an open folder descriptor, which stays the caller's (the stream reads a duplicate).
QList<QByteArray> namesIn(int dirFd);

// The checked steps of a walk and a read, for AgentFolder and OpenFolder alike, so that both
// refuse the same things with the same words; `path` names the entry in messages.
// The folder `name` in `dir`, never through a link (made 0755 with `create` when missing).
Result<UniqueFd> openFolderIn(int dir, const QByteArray &name, const QString &path, bool create);
// A regular file in `dir`, judged before it is opened (a device is never even opened) and
// checked again on the descriptor (a swap in between is caught); non-blocking, no link.
// `opened`, when given, receives that check's fstat of the descriptor, for readAll to reuse.
// Without `describeMissing`, a missing file fails with ENOENT and no message, for a caller that
// says "missing" in its own words (JsonFile: a scan finds thousands of tasks with no result yet).
Result<UniqueFd> openRegularIn(int dir, const QByteArray &name, const QString &path, struct stat *opened = nullptr,
                               bool describeMissing = true);
// An open file's content, at most `maxBytes`. `known` is the descriptor's fstat when the caller
// has it (openRegularIn's): a small file is then one read into a buffer of its size.
Result<QByteArray> readAll(const UniqueFd &fd, const QString &path, qint64 maxBytes, const struct stat *known = nullptr);
// The same, only when the file is one the executor could alone have written (readOwnFile's rule).
Result<QByteArray> readOwnAll(const UniqueFd &fd, const QString &path, qint64 maxBytes, const struct stat *known = nullptr);

// A depth-first walk of the tree below the open folder `top`, at any depth with a bounded
// number of descriptors (the folder it is in and the one it opens): it goes down with
// openat(O_NOFOLLOW) and back up through "..", checked by device and inode against the folder
// it came from; a folder moved meanwhile is found again from `top` by its names, every step
// checked. Links are never followed. `depth` is 0 for a name directly in `top`.
struct TreeVisit {
    // A name that is not a folder, in the open folder `dir`.
    std::function<void(int dir, const QByteArray &name, const struct stat &st, int depth)> file;
    // A folder, opened as `self`, before its contents: false leaves it unvisited.
    std::function<bool(int dir, const QByteArray &name, int self, const struct stat &st, int depth)> enter;
    // A folder after its contents, seen from `dir`, its parent.
    std::function<void(int dir, const QByteArray &name, int depth)> leave;
};
// False (with `*error`) only when the walk lost its way: a folder it could not open or find
// again. What the callbacks do is theirs to count.
bool walkTree(int top, const TreeVisit &visit, int *error);

} // namespace oa::detail
