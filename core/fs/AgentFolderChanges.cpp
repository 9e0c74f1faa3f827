#include "AgentFolder.h"

#include "AgentFolderDetail.h"

#include <QRandomGenerator>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

// The half of AgentFolder that changes the disk: writes, replacements and removals.

namespace oa {

using namespace detail;

namespace detail {

QList<QByteArray> namesIn(int dirFd)
{
    const int copy = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
    DIR *dir = copy >= 0 ? ::fdopendir(copy) : nullptr;
    if (!dir) {
        if (copy >= 0)
            ::close(copy);
        return {};
    }
    ::rewinddir(dir);
    const QList<QByteArray> names = entryNames(dir);
    ::closedir(dir);
    return names;
}

namespace {

struct Level {
    dev_t dev;
    ino_t ino;
    QByteArray name; // in the level above
    QList<QByteArray> names;
    qsizetype next = 0;
};

bool sameFolder(int fd, const Level &level)
{
    struct stat st;
    return ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_dev == level.dev && st.st_ino == level.ino;
}

// The folder of the last level, found again from `top` by the names on the way, each step
// checked: two descriptors at a time.
UniqueFd findAgain(int top, const std::vector<Level> &stack)
{
    UniqueFd current(::fcntl(top, F_DUPFD_CLOEXEC, 0));
    if (!current.isValid() || !sameFolder(current.get(), stack.front()))
        return {};
    for (size_t i = 1; i < stack.size(); ++i) {
        UniqueFd next(::openat(current.get(), stack[i].name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next.isValid() || !sameFolder(next.get(), stack[i]))
            return {};
        current = std::move(next);
    }
    return current;
}

} // namespace

bool walkTree(int top, const TreeVisit &visit, int *error)
{
    UniqueFd current(::fcntl(top, F_DUPFD_CLOEXEC, 0));
    struct stat st;
    if (!current.isValid() || ::fstat(current.get(), &st) != 0) {
        *error = errno;
        return false;
    }
    std::vector<Level> stack;
    stack.push_back({st.st_dev, st.st_ino, {}, namesIn(current.get())});
    bool complete = true;
    for (;;) {
        const int depth = int(stack.size()) - 1;
        Level &level = stack.back();
        if (level.next < level.names.size()) {
            const QByteArray name = level.names.at(level.next++);
            if (::fstatat(current.get(), name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue; // gone meanwhile
            if (!S_ISDIR(st.st_mode)) {
                if (visit.file)
                    visit.file(current.get(), name, st, depth);
                continue;
            }
            UniqueFd child(::openat(current.get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            struct stat now;
            if (!child.isValid() || ::fstat(child.get(), &now) != 0 || now.st_dev != st.st_dev || now.st_ino != st.st_ino) {
                *error = child.isValid() ? EAGAIN : errno; // swapped since fstatat
                complete = false;
                continue;
            }
            if (visit.enter && !visit.enter(current.get(), name, child.get(), now, depth))
                continue;
            stack.push_back({now.st_dev, now.st_ino, name, namesIn(child.get())});
            current = std::move(child);
            continue;
        }
        if (stack.size() == 1)
            return complete;
        const QByteArray name = level.name;
        stack.pop_back();
        UniqueFd parent(::openat(current.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!parent.isValid() || !sameFolder(parent.get(), stack.back())) {
            // Moved while the walk was below it: the way down again from the top.
            parent = findAgain(top, stack);
            if (!parent.isValid()) {
                *error = ESTALE;
                return false;
            }
        }
        current = std::move(parent);
        if (visit.leave)
            visit.leave(current.get(), name, depth - 1);
    }
}

} // namespace detail

namespace {

bool writeAll(int fd, const QByteArray &data, int *error)
{
    const char *p = data.constData();
    qsizetype left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *error = errno;
            return false;
        }
        if (n == 0) {
            *error = ENOSPC;
            return false;
        }
        p += n;
        left -= n;
    }
    return true;
}

// Unlinks `name` in `dirFd`: a folder with everything in it, at any depth, anything else by
// itself. errno tells the first failure.
bool removeEntry(int dirFd, const char *name)
{
    struct stat st;
    if (::fstatat(dirFd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode))
        return ::unlinkat(dirFd, name, 0) == 0 || errno == ENOENT;
    const UniqueFd child(::openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!child.isValid())
        return false;
    int error = 0;
    const auto note = [&error](bool done) {
        if (!done && errno != ENOENT && error == 0)
            error = errno;
    };
    TreeVisit visit;
    visit.file = [&](int dir, const QByteArray &entry, const struct stat &, int) { note(::unlinkat(dir, entry.constData(), 0) == 0); };
    visit.leave = [&](int dir, const QByteArray &entry, int) { note(::unlinkat(dir, entry.constData(), AT_REMOVEDIR) == 0); };
    const bool walked = walkTree(child.get(), visit, &error);
    const bool removed = ::unlinkat(dirFd, name, AT_REMOVEDIR) == 0 || errno == ENOENT;
    if (!removed && error == 0)
        error = errno;
    errno = error;
    return removed && walked;
}

// `name` in `dir` opened for writing as a regular file that only this name links to; see
// AgentFolder::openForWriting. A lock file is shared between users (an operator's monitor and a
// root executor take the same guard), so for one only links and special files count as planted.
enum class Sharing { OwnFile, SharedLockFile };
Result<UniqueFd> openWritableIn(int dir, const QByteArray &name, const QString &path, AgentFolder::WriteMode mode, QString *replaced,
                                Sharing sharing = Sharing::OwnFile)
{
    const auto acceptable = [sharing](const struct stat &st) {
        return sharing == Sharing::SharedLockFile ? S_ISREG(st.st_mode) && st.st_nlink == 1 : isOwnRegularFile(st);
    };
    const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
                      | (mode == AgentFolder::WriteMode::Append ? O_APPEND : 0);
    // Two tries: something planted between our unlink and our open is met once more.
    for (int attempt = 0; attempt < 2; ++attempt) {
        struct stat st;
        if (::fstatat(dir, name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !acceptable(st)) {
            if (replaced)
                *replaced = QStringLiteral("%1 was %2; it was removed and replaced by a regular file").arg(path, describe(st));
            const bool isDir = S_ISDIR(st.st_mode);
            if (::unlinkat(dir, name.constData(), isDir ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT)
                return fileFailure(QStringLiteral("cannot remove what was planted at"), path, errno);
        }
        UniqueFd fd(::openat(dir, name.constData(), flags, 0644));
        if (!fd.isValid()) {
            if (errno == ELOOP || errno == ENXIO || errno == EISDIR)
                continue;
            return fileFailure(QStringLiteral("cannot write"), path, errno);
        }
        if (::fstat(fd.get(), &st) != 0 || !acceptable(st))
            continue; // swapped after the check: close it untouched and look again
        if (mode == AgentFolder::WriteMode::Truncate && ::ftruncate(fd.get(), 0) != 0)
            return fileFailure(QStringLiteral("cannot truncate"), path, errno);
        // Regular files never block; the flag was only there for the open.
        ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
        return fd;
    }
    return fail(ErrorKind::System, QStringLiteral("refusing to write %1: something keeps replacing it with a link or a special file").arg(path));
}

} // namespace

Result<UniqueFd> AgentFolder::openForWriting(const QString &path, WriteMode mode, QString *replaced) const
{
    const auto parent = parentOf(path, QStringLiteral("write"));
    if (!parent)
        return parent.error();
    return openWritableIn(parent->dir.get(), parent->name, path, mode, replaced);
}

Status AgentFolder::writeAtomically(const QString &path, const QByteArray &data, QString *replaced,
                                    Durability durability) const
{
    const bool flushed = durability == Durability::Flushed;
    const auto parent = parentOf(path, QStringLiteral("write"));
    if (!parent)
        return parent.error();
    const int dir = parent->dir.get();
    const QByteArray &name = parent->name;
    const QByteArray temp = '.' + name + ".tmp-" + QByteArray::number(::getpid()) + '-'
                            + QByteArray::number(QRandomGenerator::global()->generate(), 16);
    UniqueFd fd(::openat(dir, temp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd.isValid())
        return fileFailure(QStringLiteral("cannot create a temporary file for"), path, errno);
    const auto abandon = [&](const QString &what, int error) -> Status {
        ::unlinkat(dir, temp.constData(), 0);
        return fileFailure(what, path, error);
    };
    int error = 0;
    if (!writeAll(fd.get(), data, &error))
        return abandon(QStringLiteral("cannot write"), error);
    if (flushed && ::fsync(fd.get()) != 0)
        return abandon(QStringLiteral("cannot flush"), errno);
    if (::close(fd.release()) != 0)
        return abandon(QStringLiteral("cannot close"), errno);
    struct stat st;
    if (::fstatat(dir, name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode)) {
            ::unlinkat(dir, temp.constData(), 0);
            return fail(ErrorKind::System, QStringLiteral("cannot write %1: a folder is in its place").arg(path));
        }
        // rename() replaces a link or a FIFO itself, never what it points to.
        if (replaced && !isOwnRegularFile(st))
            *replaced = QStringLiteral("%1 was %2; it was replaced by a regular file").arg(path, describe(st));
    }
    if (::renameat(dir, temp.constData(), dir, name.constData()) != 0)
        return abandon(QStringLiteral("cannot rename the temporary file onto"), errno);
    if (flushed && ::fsync(dir) != 0 && errno != EINVAL && errno != EROFS)
        return fileFailure(QStringLiteral("cannot flush the folder of"), path, errno);
    return ok();
}

Status AgentFolder::rename(const QString &from, const QString &to) const
{
    const auto source = parentOf(from, QStringLiteral("rename"));
    if (!source)
        return source.error();
    const auto target = parentOf(to, QStringLiteral("replace"));
    if (!target)
        return target.error();
    const int fromDir = source->dir.get();
    const int toDir = target->dir.get();
    if (::renameat2(fromDir, source->name.constData(), toDir, target->name.constData(), RENAME_NOREPLACE) != 0) {
        if (errno != EINVAL)
            return fileFailure(QStringLiteral("cannot rename %1 to").arg(from), to, errno);
        // A filesystem without RENAME_NOREPLACE (some network filesystems): look, then rename.
        struct stat st;
        if (::fstatat(toDir, target->name.constData(), &st, AT_SYMLINK_NOFOLLOW) == 0)
            return fileFailure(QStringLiteral("cannot rename %1 to").arg(from), to, EEXIST);
        if (::renameat(fromDir, source->name.constData(), toDir, target->name.constData()) != 0)
            return fileFailure(QStringLiteral("cannot rename %1 to").arg(from), to, errno);
    }
    if (::fsync(toDir) != 0 && errno != EINVAL && errno != EROFS)
        return fileFailure(QStringLiteral("cannot flush the folder of"), to, errno);
    return ok();
}

Status AgentFolder::touch(const QString &path, QString *replaced) const
{
    const auto fd = openForWriting(path, WriteMode::Append, replaced);
    if (!fd)
        return fd.error();
    if (::futimens(fd->get(), nullptr) != 0)
        return fileFailure(QStringLiteral("cannot set the time of"), path, errno);
    return ok();
}

Result<UniqueFd> AgentFolder::tryLock(const QString &path, QString *replaced) const
{
    const auto parent = parentOf(path, QStringLiteral("lock"));
    if (!parent)
        return parent.error();
    // A holder may unlink the file while we wait on the old one (a prune does, under the
    // lock): the lock counts only on the file the name leads to, so look again after locking.
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto fd = openWritableIn(parent->dir.get(), parent->name, path, WriteMode::Append, replaced, Sharing::SharedLockFile);
        if (!fd)
            return fd.error();
        if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK)
                return UniqueFd();
            return fileFailure(QStringLiteral("cannot lock"), path, errno);
        }
        struct stat held;
        struct stat named;
        if (::fstat(fd->get(), &held) == 0 && ::fstatat(parent->dir.get(), parent->name.constData(), &named, AT_SYMLINK_NOFOLLOW) == 0
            && held.st_dev == named.st_dev && held.st_ino == named.st_ino)
            return fd;
    }
    return fail(ErrorKind::System, QStringLiteral("cannot lock %1: it keeps being replaced").arg(path));
}

Status AgentFolder::removeFile(const QString &path) const
{
    const auto parent = parentOf(path, QStringLiteral("remove"));
    if (!parent)
        return parent.error().systemError == ENOENT ? ok() : Status(parent.error());
    if (::unlinkat(parent->dir.get(), parent->name.constData(), 0) != 0 && errno != ENOENT)
        return fileFailure(QStringLiteral("cannot remove"), path, errno);
    return ok();
}

Status AgentFolder::removeTree(const QString &path) const
{
    const auto parent = parentOf(path, QStringLiteral("remove"));
    if (!parent)
        return parent.error().systemError == ENOENT ? ok() : Status(parent.error());
    errno = 0;
    if (!removeEntry(parent->dir.get(), parent->name.constData()))
        return fileFailure(QStringLiteral("cannot remove everything in"), path, errno ? errno : EIO);
    return ok();
}

} // namespace oa
