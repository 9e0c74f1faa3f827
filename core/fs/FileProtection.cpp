#include "FileProtection.h"

#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>
#endif

namespace oa {

namespace {

bool setImmutable(const QString &path, bool on)
{
#ifdef Q_OS_LINUX
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    int flags = 0;
    bool done = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (done) {
        flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
        done = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    return done;
#else
    Q_UNUSED(path)
    Q_UNUSED(on)
    return false;
#endif
}

constexpr QFileDevice::Permissions kReadOnly = QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther;
constexpr QFileDevice::Permissions kExec = QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;

} // namespace

bool FileProtection::protectTree(const QString &dir)
{
    bool immutable = true;
    // Files first, then folders from the deepest up: a folder must stay writable until its
    // own entries are done.
    QStringList dirs{dir};
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (info.isSymLink())
            continue; // links carry no data of their own; their folder's attribute protects them
        if (info.isDir()) {
            dirs.append(info.filePath());
            continue;
        }
        QFile::setPermissions(info.filePath(), kReadOnly | (info.isExecutable() ? kExec : QFileDevice::Permissions()));
        immutable = setImmutable(info.filePath(), true) && immutable;
    }
    for (auto d = dirs.crbegin(); d != dirs.crend(); ++d) {
        QFile::setPermissions(*d, kReadOnly | kExec);
        immutable = setImmutable(*d, true) && immutable;
    }
    return immutable;
}

void FileProtection::unprotectTree(const QString &dir)
{
    const QFileDevice::Permissions writable = kReadOnly | kExec | QFileDevice::WriteOwner;
    setImmutable(dir, false);
    QFile::setPermissions(dir, writable);
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        if (it.fileInfo().isSymLink())
            continue;
        setImmutable(it.filePath(), false);
        QFile::setPermissions(it.filePath(), it.fileInfo().isDir() ? writable : (kReadOnly | QFileDevice::WriteOwner));
    }
}

} // namespace oa
