#pragma once

#include <QString>

namespace oa {

// What tells a changed file from an unchanged one without reading it: modification time to the
// nanosecond, size and inode (a file replaced by a rename is a new inode even within the same
// nanosecond tick). Taken with lstat, so a planted link is stamped, never followed; a stamp only
// decides whether to read again, and every read goes through the gatekeeper.
struct FileStamp {
    qint64 mtimeNs = -1; // -1: nothing there
    qint64 size = -1;
    quint64 inode = 0;

    static FileStamp of(const QString &path);
    bool exists() const { return mtimeNs >= 0; }
    bool operator==(const FileStamp &o) const { return mtimeNs == o.mtimeNs && size == o.size && inode == o.inode; }
    bool operator!=(const FileStamp &o) const { return !(*this == o); }
};

} // namespace oa
