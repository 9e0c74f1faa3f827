#include "FileProtection.h"

#include "AgentFolderDetail.h"

#include "AgentFolder.h"

#include <QByteArray>
#include <QFile>
#include <QList>

#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef Q_OS_LINUX
#include <linux/fs.h>
#include <sys/ioctl.h>
#endif

namespace oa {

namespace {

bool setImmutable(int fd, bool on)
{
#ifdef Q_OS_LINUX
    int flags = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0)
        return false;
    flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    return ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
#else
    Q_UNUSED(fd)
    Q_UNUSED(on)
    return false;
#endif
}

// Read-only, keeping the execute bits a file had; writable for the owner again when undone.
mode_t protectedMode(mode_t mode, bool protect)
{
    return protect ? (mode & 0555) | 0444 : (mode & 0555) | 0200;
}

// A regular file in `dir`, changed through its own descriptor: opened without following a
// link and without blocking, and checked again once open, so that a swap is caught.
bool changeFile(int dir, const char *name, bool protect)
{
    const int fd = ::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool done = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (done) {
        // The attribute first when undoing it: an immutable file refuses chmod.
        if (!protect)
            done = setImmutable(fd, false);
        ::fchmod(fd, protectedMode(st.st_mode, protect));
        if (protect)
            done = setImmutable(fd, true);
    }
    ::close(fd);
    return done;
}

// Walks the open folder `dirFd` (and takes ownership of it). Protecting does the contents
// first and the folder last, because a folder must stay writable until its entries are done;
// undoing goes the other way.
bool changeTree(int dirFd, bool protect)
{
    bool all = true;
    struct stat self;
    if (::fstat(dirFd, &self) != 0) {
        ::close(dirFd);
        return false;
    }
    if (!protect) {
        all = setImmutable(dirFd, false);
        ::fchmod(dirFd, protectedMode(self.st_mode, false) | 0111);
    }
    DIR *dir = ::fdopendir(dirFd);
    if (!dir) {
        ::close(dirFd);
        return false;
    }
    const QList<QByteArray> names = detail::entryNames(dir);
    for (const QByteArray &name : std::as_const(names)) {
        struct stat st;
        if (::fstatat(::dirfd(dir), name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            const int child = ::openat(::dirfd(dir), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            all = (child >= 0 && changeTree(child, protect)) && all;
        } else if (S_ISREG(st.st_mode)) {
            all = changeFile(::dirfd(dir), name.constData(), protect) && all;
        }
        // Links carry no data of their own (their folder's attribute protects them), and a
        // FIFO or a device is never opened: opening one can block or act.
    }
    if (protect) {
        ::fchmod(::dirfd(dir), protectedMode(self.st_mode, true) | 0111);
        all = setImmutable(::dirfd(dir), true) && all;
    }
    ::closedir(dir);
    return all;
}

bool change(const AgentFolder &folder, const QString &dir, bool protect)
{
    // openDir walks with O_NOFOLLOW: a tree that is a link, or lies behind one, is left alone.
    auto opened = folder.openDir(dir);
    if (!opened)
        return false;
    return changeTree(opened.value().release(), protect);
}

} // namespace

bool FileProtection::protectTree(const AgentFolder &folder, const QString &dir)
{
    return change(folder, dir, true);
}

void FileProtection::unprotectTree(const AgentFolder &folder, const QString &dir)
{
    change(folder, dir, false);
}

bool FileProtection::unprotectFolder(const AgentFolder &folder, const QString &dir, const QStringList &names)
{
    auto opened = folder.openDir(dir); // O_NOFOLLOW from the base, as change() does
    if (!opened)
        return false;
    const int fd = opened.value().get();
    struct stat self;
    if (::fstat(fd, &self) != 0)
        return false;
    bool done = setImmutable(fd, false);
    ::fchmod(fd, protectedMode(self.st_mode, false) | 0111);
    for (const QString &name : names)
        done = changeFile(fd, QFile::encodeName(name).constData(), false) && done;
    return done;
}

} // namespace oa
