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

#ifdef Q_OS_UNIX

QDateTime modifiedAt(const QString &path)
{
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000, Qt::UTC);
}

Result<FileContent> readRegular(const QString &path, qint64 maxBytes)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        const Kind kind = kindAt(path);
        if (kind != Kind::Regular && kind != Kind::Missing)
            return fail(ExitCode::Unexpected, QStringLiteral("%1, not a regular file").arg(describe(kind)));
        return fail(ExitCode::Unexpected, kind == Kind::Missing ? QStringLiteral("missing") : QStringLiteral("cannot open: %1").arg(errnoText(error)));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        return fail(ExitCode::Unexpected, QStringLiteral("cannot read: %1").arg(errnoText(error)));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(ExitCode::Unexpected, QStringLiteral("%1, not a regular file").arg(describe(kindOfMode(st.st_mode))));
    }
    FileContent content;
    content.modified = QDateTime::fromMSecsSinceEpoch(qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000, Qt::UTC);
    content.data.resize(qsizetype(qMin<qint64>(maxBytes, qMax<qint64>(st.st_size, 0))));
    qsizetype filled = 0;
    while (filled < content.data.size()) {
        const ssize_t n = ::read(fd, content.data.data() + filled, size_t(content.data.size() - filled));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        filled += n;
    }
    ::close(fd);
    content.data.truncate(filled);
    return content;
}

Status writeReplacing(const QString &path, const QString &tempPath, const QByteArray &data)
{
    const QByteArray temp = QFile::encodeName(tempPath);
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail(ExitCode::Unexpected, QStringLiteral("cannot create %1: %2").arg(tempPath, errnoText(errno)));
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + written, size_t(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        written += n;
    }
    const int error = errno;
    if (::close(fd) != 0 || written < data.size()) {
        ::unlink(temp.constData());
        return fail(ExitCode::Unexpected, QStringLiteral("cannot write %1: %2").arg(tempPath, errnoText(error)));
    }
    if (::rename(temp.constData(), QFile::encodeName(path).constData()) != 0) {
        const int renameError = errno;
        ::unlink(temp.constData());
        return fail(ExitCode::Unexpected, QStringLiteral("cannot replace %1: %2").arg(path, errnoText(renameError)));
    }
    return ok();
}

#else

QDateTime modifiedAt(const QString &path)
{
    return QFileInfo(path).lastModified().toUTC();
}

Result<FileContent> readRegular(const QString &path, qint64 maxBytes)
{
    const Kind kind = kindAt(path);
    if (kind != Kind::Regular)
        return fail(ExitCode::Unexpected, kind == Kind::Missing ? QStringLiteral("missing") : QStringLiteral("%1, not a regular file").arg(describe(kind)));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ExitCode::Unexpected, QStringLiteral("cannot open: %1").arg(file.errorString()));
    return FileContent{file.read(maxBytes), file.fileTime(QFileDevice::FileModificationTime).toUTC()};
}

Status writeReplacing(const QString &path, const QString &tempPath, const QByteArray &data)
{
    QFile temp(tempPath);
    if (!temp.open(QIODevice::NewOnly | QIODevice::WriteOnly) || temp.write(data) != data.size() || !temp.flush()) {
        temp.remove();
        return fail(ExitCode::Unexpected, QStringLiteral("cannot write %1: %2").arg(tempPath, temp.errorString()));
    }
    temp.close();
    QFile::remove(path); // QFile::rename does not replace an existing file
    if (!temp.rename(path)) {
        temp.remove();
        return fail(ExitCode::Unexpected, QStringLiteral("cannot replace %1: %2").arg(path, temp.errorString()));
    }
    return ok();
}

#endif

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
