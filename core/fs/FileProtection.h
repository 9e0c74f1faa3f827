#pragma once

#include <QString>
#include <QStringList>

namespace oa {

class AgentFolder;

// Makes a published cache entry unwritable for the scripts that use it. Permissions alone do
// not stop root, and bot agents often run as root (or SYSTEM): on Linux every file and folder
// also gets the immutable attribute (FS_IMMUTABLE_FL, as `chattr +i`), which root must remove
// on purpose before it can write, rename or delete anything. Where the filesystem or the
// process's capabilities do not allow that, read-only permissions remain.
//
// The cache is writable by the scripts that run as root, so a tree may hold planted links, or
// be one: `dir` is reached through `folder` (no component below its base may be a link), the
// walk goes from descriptor to descriptor with O_NOFOLLOW, and only real files and folders are
// opened and changed. A link is never followed, a FIFO or device never opened.
class FileProtection {
public:
    // Returns true when the immutable attribute was set everywhere.
    static bool protectTree(const AgentFolder &folder, const QString &dir);
    // Undoes protectTree(), so that the tree can be deleted.
    static void unprotectTree(const AgentFolder &folder, const QString &dir);
    // Undoes protectTree() for the folder `dir` itself and the regular files `names` directly in
    // it, and nothing else: so that those files can be replaced while the rest stays immutable.
    // Returns true when it could.
    static bool unprotectFolder(const AgentFolder &folder, const QString &dir, const QStringList &names);
};

} // namespace oa
