#pragma once

#include <QString>

namespace oa {

// Makes a published cache entry unwritable for the scripts that use it. Permissions alone do
// not stop root, and bot agents often run as root (or SYSTEM): on Linux every file and folder
// also gets the immutable attribute (FS_IMMUTABLE_FL, as `chattr +i`), which root must remove
// on purpose before it can write, rename or delete anything. Where the filesystem or the
// process's capabilities do not allow that, read-only permissions remain.
class FileProtection {
public:
    // Returns true when the immutable attribute was set everywhere.
    static bool protectTree(const QString &dir);
    // Undoes protectTree(), so that the tree can be deleted.
    static void unprotectTree(const QString &dir);
};

} // namespace oa
