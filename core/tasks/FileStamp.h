#pragma once

#include <QByteArray>
#include <QString>

#include <sys/stat.h>

namespace oa {

// What tells a changed file from an unchanged one without reading it: modification and change
// times to the nanosecond, size and inode (a file replaced by a rename is a new inode even within
// the same nanosecond tick; the change time also moves with a chmod, a chown or a new hard link,
// which decide whether a record is believed). Taken with lstat, so a planted link is stamped,
// never followed; a stamp only decides whether to read again, and every read goes through the
// gatekeeper.
struct FileStamp {
    qint64 mtimeNs = -1; // -1: nothing there
    qint64 ctimeNs = -1;
    qint64 size = -1;
    quint64 inode = 0;

    static FileStamp of(const QString &path);
    static FileStamp of(const struct stat &st);
    // `relative` (below the open folder `dirFd`, no final link followed); missing: no stamp.
    static FileStamp at(int dirFd, const QByteArray &relative);
    // Now, by the clock file times are taken from (CLOCK_REALTIME): what settledBefore() takes.
    static qint64 nowNs();
    bool exists() const { return mtimeNs >= 0; }
    // Whether the file has not changed in the last `marginNs` before `nowNs`. File times come
    // from the kernel's coarse clock (a tick of 1 to 10 ms) and an in-place rewrite of the same
    // size within one tick keeps every field of the stamp: a stamp that recent proves nothing,
    // and its file is read again on the next look (git's "racily clean" rule).
    bool settledBefore(qint64 nowNs, qint64 marginNs) const { return qMax(mtimeNs, ctimeNs) < nowNs - marginNs; }
    bool operator==(const FileStamp &o) const { return mtimeNs == o.mtimeNs && ctimeNs == o.ctimeNs && size == o.size && inode == o.inode; }
    bool operator!=(const FileStamp &o) const { return !(*this == o); }
};

} // namespace oa
