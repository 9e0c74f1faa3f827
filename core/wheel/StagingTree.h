#pragma once

#include "base/Error.h"
#include "fs/AgentFolder.h"

#include <QString>

#include <sys/types.h>

namespace oa {

// A fresh folder that the installer fills, and nothing else: it is made by this class (it must
// not exist), held open, and every folder and file below it is made relative to that
// descriptor with mkdirat and openat(O_CREAT | O_EXCL | O_NOFOLLOW), one component at a time,
// so no name in the archive can lead a write outside it, through a link or onto a file that
// is already there. Modes are set with fchmod, whatever the umask: folders 0755, files as asked.
// Nothing is synced: the caller publishes the finished folder (and syncs it) or discards it.
class StagingTree {
public:
    // Makes `path`, whose parent must exist.
    static Result<StagingTree> create(const QString &path);

    StagingTree(StagingTree &&) noexcept = default;
    StagingTree &operator=(StagingTree &&) noexcept = default;

    QString path() const { return m_path; }
    // `relative` ("a/b/c") and the folders above it.
    Status makeFolders(const QString &relative);
    // A new file at `relative` ("lib/x.py"), its folders made; the descriptor is open for writing.
    Result<UniqueFd> createFile(const QString &relative, mode_t mode);
    // Writes all of `data` to `fd`; `relative` names the file in messages.
    Status write(const UniqueFd &fd, const char *data, qsizetype size, const QString &relative) const;
    // Removes the folder and everything in it, following no link. After a failed install, the
    // parent is left as it was found.
    Status discard();

private:
    StagingTree(UniqueFd parent, UniqueFd root, QString path, QByteArray leaf);
    // The open folder `relative`, made when missing; the last one is kept, since an archive
    // lists a folder's files together.
    Result<int> folder(const QString &relative);

    UniqueFd m_parent;
    UniqueFd m_root;
    QString m_path;
    QByteArray m_leaf;
    QString m_lastFolder;
    UniqueFd m_lastFolderFd;
};

} // namespace oa
