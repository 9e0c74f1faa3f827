#include "TreeOwnership.h"

#include "AgentFolderDetail.h"

#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace oa {

using namespace detail;

namespace {

// Deeper than any real package or task; a deeper tree is refused rather than run out of descriptors.
constexpr int kMaxDepth = 128;

// The names in the open folder `dirFd`, read before anything in it changes. The descriptor
// stays ours: the stream works on a duplicate.
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

bool copyFileData(int from, int to, int *error);
mode_t ownMode(mode_t mode);

// A file of the task folder with more than one name: the other name (a file of the run-as
// user's in /tmp, say) would still reach it after the hand-back, so its content is copied into
// a new file of uid:gid that replaces this name, and the other name keeps the old file.
bool replaceWithOwnCopy(int dirFd, const QByteArray &name, uid_t uid, gid_t gid, int *error)
{
    const UniqueFd source(::openat(dirFd, name.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    struct stat st;
    if (!source.isValid() || ::fstat(source.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        *error = source.isValid() ? EPERM : errno;
        return false;
    }
    // A name of its own, not derived from `name`: nothing the user planted can stand there.
    const QByteArray temporary = ".oa-reclaim-" + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    const UniqueFd target(::openat(dirFd, temporary.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!target.isValid()) {
        *error = errno;
        return false;
    }
    if (!copyFileData(source.get(), target.get(), error) || ::fchmod(target.get(), ownMode(st.st_mode)) != 0
        || ::fchown(target.get(), uid, gid) != 0 || ::renameat(dirFd, temporary.constData(), dirFd, name.constData()) != 0) {
        if (*error == 0)
            *error = errno;
        ::unlinkat(dirFd, temporary.constData(), 0);
        return false;
    }
    return true;
}

// `breakLinks`: taking a tree back for the executor's own uid, where nothing is handed out.
// Another user's hard-linked file then gets a copy of uid's own (replaceWithOwnCopy) instead of
// being left alone, and every file and folder loses its setuid, setgid, sticky and group or
// other write bits (ownMode).
bool giveContents(int dirFd, uid_t uid, gid_t gid, const QSet<QString> &keep, int depth, int *error, bool breakLinks = false)
{
    if (depth > kMaxDepth) {
        *error = ELOOP;
        return false;
    }
    bool success = true;
    for (const QByteArray &name : namesIn(dirFd)) {
        if (depth == 0 && keep.contains(QFile::decodeName(name)))
            continue;
        struct stat st;
        if (::fstatat(dirFd, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; // gone meanwhile
        if (S_ISREG(st.st_mode) && st.st_nlink == 1) {
            const UniqueFd file(::openat(dirFd, name.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
            struct stat now;
            // Checked again on the descriptor: the name may have been swapped since fstatat.
            // Taken back, it keeps none of the modes the user gave it: a file or folder that
            // stayed world-writable (or setgid) would let any local user change what the next
            // run, perhaps as root, reads or imports.
            if (file.isValid() && ::fstat(file.get(), &now) == 0 && S_ISREG(now.st_mode) && now.st_nlink == 1
                && (::fchown(file.get(), uid, gid) != 0 || (breakLinks && ::fchmod(file.get(), ownMode(now.st_mode)) != 0))) {
                *error = errno;
                success = false;
            }
        } else if (S_ISDIR(st.st_mode)) {
            const UniqueFd child(::openat(dirFd, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!child.isValid() || ::fchown(child.get(), uid, gid) != 0
                || (breakLinks && ::fchmod(child.get(), ownMode(st.st_mode) | S_IRWXU) != 0)) {
                *error = errno;
                success = false;
                continue;
            }
            success = giveContents(child.get(), uid, gid, keep, depth + 1, error, breakLinks) && success;
        } else if (S_ISREG(st.st_mode) && breakLinks && st.st_uid != uid) {
            // Only another user's: a hard link of the executor's own (one the service made)
            // reaches nothing the run-as user owns, and stays a link.
            success = replaceWithOwnCopy(dirFd, name, uid, gid, error) && success;
        }
        // Links, FIFOs, sockets and devices stay as they are, and hard-linked files unless breakLinks.
    }
    return success;
}

bool copyFileData(int from, int to, int *error)
{
    std::vector<char> buffer(1 << 20);
    for (;;) {
        const ssize_t n = ::read(from, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *error = errno;
            return false;
        }
        if (n == 0)
            return true;
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(to, buffer.data() + done, size_t(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                *error = w < 0 ? errno : ENOSPC;
                return false;
            }
            done += w;
        }
    }
}

// Setuid, setgid and sticky bits go, and every write bit but the owner's.
mode_t ownMode(mode_t mode)
{
    return mode & 0755;
}

bool copyContents(int fromDir, int toDir, int depth, QString *problem, int *error)
{
    if (depth > kMaxDepth) {
        *problem = QStringLiteral("a tree deeper than %1 folders").arg(kMaxDepth);
        return false;
    }
    for (const QByteArray &name : namesIn(fromDir)) {
        struct stat st;
        if (::fstatat(fromDir, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            *error = errno;
            *problem = QFile::decodeName(name);
            return false;
        }
        if (S_ISDIR(st.st_mode)) {
            const UniqueFd source(::openat(fromDir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!source.isValid() || ::mkdirat(toDir, name.constData(), 0700) != 0) {
                *error = errno;
                *problem = QFile::decodeName(name);
                return false;
            }
            const UniqueFd target(::openat(toDir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!target.isValid() || !copyContents(source.get(), target.get(), depth + 1, problem, error)
                || ::fchmod(target.get(), ownMode(st.st_mode) | S_IRWXU) != 0) {
                if (*error == 0)
                    *error = errno;
                *problem = QFile::decodeName(name) + u'/' + *problem;
                return false;
            }
        } else if (S_ISREG(st.st_mode)) {
            const UniqueFd source(::openat(fromDir, name.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
            struct stat now;
            const UniqueFd target(::openat(toDir, name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
            if (!source.isValid() || ::fstat(source.get(), &now) != 0 || !S_ISREG(now.st_mode) || !target.isValid()
                || !copyFileData(source.get(), target.get(), error) || ::fchmod(target.get(), ownMode(now.st_mode)) != 0) {
                if (*error == 0)
                    *error = errno ? errno : EIO;
                *problem = QFile::decodeName(name);
                return false;
            }
        } else {
            // Links too: pip never installs one from a wheel, and the root steps that follow
            // (compileall, unpacking pip) would write and read through it, outside the tree.
            *problem = QStringLiteral("%1, which is %2").arg(QFile::decodeName(name), describe(st));
            *error = EPERM;
            return false;
        }
    }
    return true;
}

} // namespace

Status TreeOwnership::give(const AgentFolder &folder, const QString &path, uid_t uid, gid_t gid, const QSet<QString> &keep)
{
    const auto dir = folder.openDir(path);
    if (!dir)
        return dir.error();
    int error = 0;
    if (::fchown(dir->get(), uid, gid) != 0 || !giveContents(dir->get(), uid, gid, keep, 0, &error))
        return fileFailure(QStringLiteral("cannot hand over to uid %1 the folder").arg(uid), path, error ? error : errno);
    return ok();
}

Status TreeOwnership::shareFolder(const AgentFolder &folder, const QString &path, gid_t gid)
{
    const auto dir = folder.openDir(path);
    if (!dir)
        return dir.error();
    if (::fchown(dir->get(), ::geteuid(), gid) != 0 || ::fchmod(dir->get(), S_ISVTX | 0775) != 0)
        return fileFailure(QStringLiteral("cannot share with group %1 the folder").arg(gid), path, errno);
    return ok();
}

Status TreeOwnership::reclaimFolder(const AgentFolder &folder, const QString &path)
{
    const auto dir = folder.openDir(path);
    if (!dir)
        return dir.error();
    int error = 0;
    if (::fchown(dir->get(), ::geteuid(), ::getegid()) != 0 || !giveContents(dir->get(), ::geteuid(), ::getegid(), {}, 0, &error, true))
        return fileFailure(QStringLiteral("cannot take back from the run-as user the folder"), path, error ? error : errno);
    if (::fchmod(dir->get(), 0755) != 0)
        return fileFailure(QStringLiteral("cannot make private again the folder"), path, errno);
    return ok();
}

Status TreeOwnership::copyAsOwn(const AgentFolder &folder, const QString &from, const QString &to)
{
    const auto source = folder.openDir(from);
    if (!source)
        return source.error();
    const QString parent = QFileInfo(to).path();
    const auto targetParent = folder.openDir(parent);
    if (!targetParent)
        return targetParent.error();
    const QByteArray name = QFile::encodeName(QFileInfo(to).fileName());
    if (::mkdirat(targetParent->get(), name.constData(), 0700) != 0)
        return fileFailure(QStringLiteral("cannot create"), to, errno);
    const UniqueFd target(::openat(targetParent->get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    QString problem;
    int error = 0;
    if (!target.isValid() || !copyContents(source->get(), target.get(), 0, &problem, &error) || ::fchmod(target.get(), 0755) != 0) {
        const QString where = problem.isEmpty() ? from : from + u'/' + problem;
        return fileFailure(QStringLiteral("cannot copy %1 into %2: at").arg(from, to), where, error ? error : errno);
    }
    return ok();
}

} // namespace oa
