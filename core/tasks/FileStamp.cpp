#include "FileStamp.h"

#include <QFile>

#include <ctime>

#include <fcntl.h>

namespace oa {

qint64 FileStamp::nowNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

FileStamp FileStamp::of(const struct stat &st)
{
    FileStamp stamp;
    stamp.mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    stamp.ctimeNs = qint64(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    stamp.size = qint64(st.st_size);
    stamp.inode = quint64(st.st_ino);
    return stamp;
}

FileStamp FileStamp::of(const QString &path)
{
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return of(st);
}

FileStamp FileStamp::at(int dirFd, const QByteArray &relative)
{
    struct stat st;
    if (::fstatat(dirFd, relative.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return {};
    return of(st);
}

} // namespace oa
