#include "LockFiles.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QThread>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace oa::lockfiles {

namespace {

#ifdef Q_OS_UNIX
Kind kindOfMode(mode_t mode)
{
    if (S_ISREG(mode))
        return Kind::Regular;
    if (S_ISDIR(mode))
        return Kind::Directory;
    if (S_ISLNK(mode))
        return Kind::Symlink;
    if (S_ISFIFO(mode))
        return Kind::Fifo;
    if (S_ISSOCK(mode))
        return Kind::Socket;
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return Kind::Device;
    return Kind::Other;
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}
#endif

// For the guard file only: a regular file there is the guard itself, and stays.
bool removeNonRegular(const QString &path)
{
    const Kind kind = kindAt(path);
    return kind != Kind::Regular && removeInPlace(path);
}

} // namespace

Status removeInPlace(const QString &path)
{
    const Kind kind = kindAt(path);
    if (kind == Kind::Missing)
        return ok();
    if (kind == Kind::Directory) {
        if (QDir().rmdir(path))
            return ok();
        return fail(ExitCode::Unexpected, QStringLiteral("cannot remove %1: a directory that is not empty").arg(path));
    }
#ifdef Q_OS_UNIX
    if (::unlink(QFile::encodeName(path).constData()) != 0)
        return fail(ExitCode::Unexpected, QStringLiteral("cannot remove %1 (%2): %3").arg(path, describe(kind), errnoText(errno)));
#else
    if (!QFile::remove(path))
        return fail(ExitCode::Unexpected, QStringLiteral("cannot remove %1 (%2)").arg(path, describe(kind)));
#endif
    return ok();
}

Kind kindAt(const QString &path)
{
#ifdef Q_OS_UNIX
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? Kind::Missing : Kind::Other;
    return kindOfMode(st.st_mode);
#else
    const QFileInfo info(path);
    if (info.isSymLink())
        return Kind::Symlink;
    if (!info.exists())
        return Kind::Missing;
    if (info.isDir())
        return Kind::Directory;
    return info.isFile() ? Kind::Regular : Kind::Other;
#endif
}

QString describe(Kind kind)
{
    switch (kind) {
    case Kind::Missing: return QStringLiteral("missing");
    case Kind::Regular: return QStringLiteral("a regular file");
    case Kind::Directory: return QStringLiteral("a directory");
    case Kind::Symlink: return QStringLiteral("a symbolic link");
    case Kind::Fifo: return QStringLiteral("a FIFO");
    case Kind::Socket: return QStringLiteral("a socket");
    case Kind::Device: return QStringLiteral("a device file");
    case Kind::Other: return QStringLiteral("not a regular file");
    }
    return QStringLiteral("not a regular file");
}

QString guardFileFor(const QString &lockFilePath)
{
    return QFileInfo(lockFilePath).absolutePath() + QStringLiteral("/@guard");
}

Guard::Guard(QString guardFile) : m_path(std::move(guardFile)) {}

Guard::~Guard()
{
    unlock();
}

#ifdef Q_OS_UNIX

Status Guard::lock(int timeoutMs)
{
    unlock();
    const QByteArray name = QFile::encodeName(m_path);
    const QDeadlineTimer deadline(timeoutMs);
    int replaced = 0;
    unsigned long pauseUs = 100;
    for (;;) {
        // O_NONBLOCK: a FIFO planted here must not hang the open. O_NOFOLLOW: nor may a symlink
        // make us create or lock a file elsewhere.
        const int fd = ::open(name.constData(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
        struct stat opened;
        if (fd < 0 || ::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
            const int error = errno;
            if (fd >= 0)
                ::close(fd);
            const Kind kind = kindAt(m_path);
            if (kind != Kind::Regular && kind != Kind::Missing && replaced++ < 3 && removeNonRegular(m_path))
                continue;
            return fail(ExitCode::Unexpected, QStringLiteral("cannot use the lock guard %1 (%2): %3")
                                                  .arg(m_path, describe(kind), errnoText(error)));
        }
        while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR) {
                const int error = errno;
                ::close(fd);
                return fail(ExitCode::Unexpected, QStringLiteral("cannot lock the lock guard %1: %2").arg(m_path, errnoText(error)));
            }
            if (deadline.hasExpired()) {
                ::close(fd);
                return fail(ExitCode::Unexpected, QStringLiteral("the lock guard %1 has been held by another process for more than %2 ms")
                                                      .arg(m_path).arg(timeoutMs));
            }
            // Holders keep it for a moment only: poll briefly, backing off to 10 ms.
            QThread::usleep(pauseUs);
            pauseUs = qMin<unsigned long>(pauseUs * 2, 10000);
        }
        // A lock on a file that was replaced meanwhile guards nothing: the name must still lead
        // to the inode we locked.
        struct stat current;
        if (::lstat(name.constData(), &current) == 0 && current.st_dev == opened.st_dev && current.st_ino == opened.st_ino) {
            m_fd = fd;
            return ok();
        }
        ::close(fd);
        if (deadline.hasExpired())
            return fail(ExitCode::Unexpected, QStringLiteral("the lock guard %1 keeps being replaced").arg(m_path));
    }
}

void Guard::unlock()
{
    if (m_fd >= 0) {
        ::close(m_fd); // drops the flock
        m_fd = -1;
    }
}

#else

Status Guard::lock(int timeoutMs)
{
    unlock();
    if (kindAt(m_path) != Kind::Regular)
        removeNonRegular(m_path);
    m_lock = std::make_unique<QLockFile>(m_path);
    if (!m_lock->tryLock(timeoutMs)) {
        m_lock.reset();
        return fail(ExitCode::Unexpected, QStringLiteral("cannot take the lock guard %1 within %2 ms").arg(m_path).arg(timeoutMs));
    }
    return ok();
}

void Guard::unlock()
{
    m_lock.reset();
}

#endif

} // namespace oa::lockfiles
