#include "AgentFolder.h"

#include "AgentFolderDetail.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace detail {

QByteArray encoded(const QString &name)
{
    return QFile::encodeName(name);
}

AgentFolder::Kind kindOfMode(mode_t mode)
{
    if (S_ISREG(mode))
        return AgentFolder::Kind::Regular;
    if (S_ISDIR(mode))
        return AgentFolder::Kind::Directory;
    if (S_ISLNK(mode))
        return AgentFolder::Kind::Symlink;
    if (S_ISFIFO(mode))
        return AgentFolder::Kind::Fifo;
    if (S_ISSOCK(mode))
        return AgentFolder::Kind::Socket;
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return AgentFolder::Kind::Device;
    return AgentFolder::Kind::Other;
}

QString describe(const struct stat &st)
{
    if (S_ISREG(st.st_mode) && st.st_nlink > 1)
        return QStringLiteral("a hard link to a file with %1 names").arg(st.st_nlink);
    if (S_ISREG(st.st_mode) && st.st_uid != ::geteuid())
        return QStringLiteral("a file owned by uid %1 (another user)").arg(st.st_uid);
    return AgentFolder::kindName(kindOfMode(st.st_mode));
}

bool isOwnRegularFile(const struct stat &st)
{
    // A file another user owns (task code running as its run-as user) may be held open by it,
    // or be swapped by it: a file the executor writes is always its own.
    return S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_uid == ::geteuid();
}

Error towards(Error failure, const QString &path)
{
    failure.message = QStringLiteral("%1 (on the way to %2)").arg(failure.message, path);
    return failure;
}

QList<QByteArray> entryNames(DIR *dir)
{
    QList<QByteArray> names;
    while (const dirent *entry = ::readdir(dir)) {
        if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
            names.append(QByteArray(entry->d_name));
    }
    return names;
}


Result<UniqueFd> openFolderIn(int dir, const QByteArray &name, const QString &path, bool create)
{
    int fd = ::openat(dir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        if (::mkdirat(dir, name.constData(), 0755) != 0 && errno != EEXIST)
            return fileFailure(QStringLiteral("cannot create the folder"), path, errno);
        fd = ::openat(dir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
        const int error = errno;
        struct stat st;
        if ((error == ELOOP || error == ENOTDIR) && ::fstatat(dir, name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
            Error failure{ErrorKind::System, QStringLiteral("refusing %1: it is %2, not a folder").arg(path, describe(st))};
            failure.systemError = error;
            return failure;
        }
        return fileFailure(QStringLiteral("cannot open the folder"), path, error);
    }
    return UniqueFd(fd);
}

// A regular file in `dir`, judged before it is opened (so that a device is never even opened)
// and checked again on the descriptor (so that a swap in between is caught).
Result<UniqueFd> openRegularIn(int dir, const QByteArray &name, const QString &path, struct stat *opened, bool describeMissing)
{
    struct stat st;
    if (::fstatat(dir, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT && !describeMissing)
            return Error{ErrorKind::System, QString(), ENOENT};
        return fileFailure(QStringLiteral("cannot read"), path, errno);
    }
    if (!S_ISREG(st.st_mode))
        return fail(ErrorKind::System, QStringLiteral("refusing to read %1: it is %2, not a regular file").arg(path, describe(st)));
    UniqueFd fd(::openat(dir, name.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (!fd.isValid())
        return fileFailure(QStringLiteral("cannot read"), path, errno);
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return fail(ErrorKind::System, QStringLiteral("refusing to read %1: it changed into %2 while it was opened").arg(path, describe(st)));
    if (opened)
        *opened = st;
    return fd;
}

Result<QByteArray> readAll(const UniqueFd &fd, const QString &path, qint64 maxBytes, const struct stat *known)
{
    struct stat st;
    if (known)
        st = *known;
    else if (::fstat(fd.get(), &st) != 0)
        return fileFailure(QStringLiteral("cannot read"), path, errno);
    if (st.st_size > maxBytes)
        return fail(ErrorKind::System, QStringLiteral("refusing to read %1: it has %2 bytes, more than the %3 allowed")
                                              .arg(path).arg(qint64(st.st_size)).arg(maxBytes));
    // Read straight into the result, asking for one byte more than the size fstat gave: a file
    // that has not changed since is then read whole by one read(), and a read of fewer bytes
    // than asked that ends at that size is its end (a scan reads tens of thousands of small
    // files). A file that grew is read on to its end, within the bound.
    QByteArray data(qsizetype(st.st_size) + 1, Qt::Uninitialized);
    qsizetype size = 0;
    for (;;) {
        if (size == data.size())
            data.resize(qMin<qint64>(qint64(data.size()) * 2, maxBytes + 1));
        const ssize_t n = ::read(fd.get(), data.data() + size, size_t(data.size() - size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fileFailure(QStringLiteral("cannot read"), path, errno);
        }
        size += n;
        if (size > maxBytes)
            return fail(ErrorKind::System, QStringLiteral("refusing to read %1: it grew past the %2 bytes allowed").arg(path).arg(maxBytes));
        if (n == 0 || (size == qsizetype(st.st_size) && size < data.size())) {
            data.truncate(size);
            return data;
        }
    }
}


Result<QByteArray> readOwnAll(const UniqueFd &fd, const QString &path, qint64 maxBytes, const struct stat *known)
{
    struct stat st;
    if (known) // the descriptor's own fstat, never the name's: it cannot be swapped
        st = *known;
    else if (::fstat(fd.get(), &st) != 0)
        return fileFailure(QStringLiteral("cannot read"), path, errno);
    if (!isOwnRegularFile(st))
        return fail(ErrorKind::System, QStringLiteral("%1 is %2, not a file the executor wrote").arg(path, describe(st)));
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return fail(ErrorKind::System, QStringLiteral("%1 may be written by its group or by others (mode %2), not only by the executor")
                                              .arg(path, QString::number(st.st_mode & 07777, 8)));
    return readAll(fd, path, maxBytes, &st);
}

} // namespace detail

using namespace detail;

UniqueFd::~UniqueFd()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept
{
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = other.release();
    }
    return *this;
}

Error fileFailure(const QString &what, const QString &path, int error)
{
    Error failure{ErrorKind::System, QStringLiteral("%1 %2: %3").arg(what, path, QString::fromLocal8Bit(std::strerror(error)))};
    failure.systemError = error;
    return failure;
}

QString AgentFolder::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Missing: return QStringLiteral("nothing");
    case Kind::Regular: return QStringLiteral("a regular file");
    case Kind::Directory: return QStringLiteral("a folder");
    case Kind::Symlink: return QStringLiteral("a symbolic link");
    case Kind::Fifo: return QStringLiteral("a FIFO");
    case Kind::Socket: return QStringLiteral("a socket");
    case Kind::Device: return QStringLiteral("a device");
    case Kind::Other: break;
    }
    return QStringLiteral("a special file");
}

AgentFolder::AgentFolder(const QString &baseDir) : m_base(QDir::cleanPath(baseDir)) {}

bool AgentFolder::contains(const QString &path) const
{
    const QString clean = QDir::cleanPath(path);
    return clean == m_base || clean.startsWith(m_base.endsWith(u'/') ? m_base : m_base + u'/');
}

Result<QStringList> AgentFolder::components(const QString &path) const
{
    const QString clean = QDir::cleanPath(QDir::isRelativePath(path) ? m_base + u'/' + path : path);
    if (!contains(clean))
        return fail(ErrorKind::System, QStringLiteral("refusing %1: it is outside the agent folder %2").arg(path, m_base));
    const QString relative = clean.mid(m_base.size()).section(u'/', 0, -1, QString::SectionSkipEmpty);
    QStringList parts = relative.split(u'/', Qt::SkipEmptyParts);
    if (parts.contains(QStringLiteral("..")))
        return fail(ErrorKind::System, QStringLiteral("refusing %1: it leaves the agent folder %2").arg(path, m_base));
    return parts;
}

Result<UniqueFd> AgentFolder::walk(const QStringList &parts, qsizetype count, bool create) const
{
    UniqueFd dir(::open(encoded(m_base).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.isValid())
        return fileFailure(QStringLiteral("cannot open the agent folder"), m_base, errno);
    QString walked = m_base;
    for (qsizetype i = 0; i < count; ++i) {
        walked += u'/' + parts.at(i);
        auto next = openFolderIn(dir.get(), encoded(parts.at(i)), walked, create);
        if (!next)
            return next.error();
        dir = std::move(next).value();
    }
    return dir;
}

Result<UniqueFd> AgentFolder::openDir(const QString &path, bool create) const
{
    const auto parts = components(path);
    if (!parts)
        return parts.error();
    return walk(*parts, parts->size(), create);
}

Result<AgentFolder::Parent> AgentFolder::parentOf(const QString &path, const QString &verb) const
{
    const auto parts = components(path);
    if (!parts)
        return parts.error();
    if (parts->isEmpty())
        return fail(ErrorKind::System, QStringLiteral("refusing to %1 %2: it is the agent folder").arg(verb, path));
    auto dir = walk(*parts, parts->size() - 1, false);
    if (!dir)
        return towards(dir.error(), path);
    return Parent{std::move(dir).value(), encoded(parts->last())};
}

Status AgentFolder::ensureDir(const QString &path) const
{
    const auto dir = openDir(path, true);
    if (!dir)
        return dir.error();
    return ok();
}

AgentFolder::Kind AgentFolder::kindOf(const QString &path) const
{
    const Result<Kind> kind = kindAt(path);
    return kind ? kind.value() : Kind::Missing;
}

Result<AgentFolder::Kind> AgentFolder::kindAt(const QString &path) const
{
    const auto parts = components(path);
    if (!parts)
        return parts.error();
    if (parts->isEmpty())
        return Kind::Directory;
    const auto dir = walk(*parts, parts->size() - 1, false);
    if (!dir)
        return dir.error();
    struct stat st;
    if (::fstatat(dir->get(), encoded(parts->last()).constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return Kind::Missing;
    return kindOfMode(st.st_mode);
}

QString AgentFolder::plantedAt(const QString &path) const
{
    const QString what = foreignEntryAt(path);
    return what.isEmpty() ? QString() : QStringLiteral("%1 was %2; it was replaced by a regular file").arg(path, what);
}

std::optional<struct stat> AgentFolder::entryAt(const QString &path) const
{
    const auto parts = components(path);
    if (!parts || parts->isEmpty())
        return std::nullopt;
    const auto dir = walk(*parts, parts->size() - 1, false);
    struct stat st;
    if (!dir || ::fstatat(dir->get(), encoded(parts->last()).constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return std::nullopt;
    return st;
}

QString AgentFolder::foreignEntryAt(const QString &path) const
{
    const auto st = entryAt(path);
    return !st || isOwnRegularFile(*st) ? QString() : describe(*st);
}

QString AgentFolder::forgeableRecordAt(const QString &path) const
{
    const auto found = entryAt(path);
    if (!found)
        return {};
    const struct stat &st = *found;
    if (!isOwnRegularFile(st))
        return describe(st);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return QStringLiteral("a file its group or others may write (mode %1)").arg(QString::number(st.st_mode & 07777, 8));
    return {};
}

Result<UniqueFd> AgentFolder::openForReading(const QString &path) const
{
    const auto parent = parentOf(path, QStringLiteral("read"));
    if (!parent)
        return parent.error();
    return openRegularIn(parent->dir.get(), parent->name, path);
}

QDateTime AgentFolder::modificationTime(const QString &path) const
{
    const auto parent = parentOf(path, QStringLiteral("read"));
    struct stat st;
    if (!parent || ::fstatat(parent->dir.get(), parent->name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return {};
    return QDateTime::fromMSecsSinceEpoch(qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000, Qt::UTC);
}

Result<UniqueFd> AgentFolder::openRegularFile(const QString &path)
{
    const QString clean = QDir::cleanPath(path);
    const qsizetype slash = clean.lastIndexOf(u'/');
    const QString parent = slash > 0 ? clean.left(slash) : slash == 0 ? QStringLiteral("/") : QStringLiteral(".");
    UniqueFd dir(::open(encoded(parent).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.isValid())
        return fileFailure(QStringLiteral("cannot read"), path, errno);
    return openRegularIn(dir.get(), encoded(clean.mid(slash + 1)), path);
}

Result<QByteArray> AgentFolder::readRegularFile(const QString &path, qint64 maxBytes)
{
    const auto fd = openRegularFile(path);
    if (!fd)
        return fd.error();
    return readAll(*fd, path, maxBytes);
}

Result<QByteArray> AgentFolder::readFile(const QString &path, qint64 maxBytes) const
{
    const auto fd = openForReading(path);
    if (!fd)
        return fd.error();
    return readAll(*fd, path, maxBytes);
}

Result<QByteArray> AgentFolder::readOwnFile(const QString &path, qint64 maxBytes) const
{
    const auto fd = openForReading(path);
    if (!fd)
        return fd.error();
    return readOwnAll(*fd, path, maxBytes);
}

QList<AgentFolder::Entry> AgentFolder::list(const QString &path) const
{
    QList<Entry> entries;
    auto dir = openDir(path);
    if (!dir)
        return entries;
    const int fd = dir.value().release();
    DIR *stream = ::fdopendir(fd);
    if (!stream) {
        ::close(fd);
        return entries;
    }
    while (const dirent *entry = ::readdir(stream)) {
        if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
            continue;
        struct stat st;
        if (::fstatat(::dirfd(stream), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        entries.append({QFile::decodeName(entry->d_name), kindOfMode(st.st_mode)});
    }
    ::closedir(stream);
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) { return a.name < b.name; });
    return entries;
}

} // namespace oa
