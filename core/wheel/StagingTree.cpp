#include "StagingTree.h"

#include "base/PrintableText.h"

#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <cerrno>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// The folder `name` in `dir`, made 0755 when missing; an existing one is reused only if it is a
// real folder (the installer may meet one it made for an earlier file).
int openOrMake(int dir, const QByteArray &name)
{
    if (::mkdirat(dir, name.constData(), 0755) == 0) {
        const int fd = ::openat(dir, name.constData(), kFolderFlags);
        if (fd >= 0 && ::fchmod(fd, 0755) != 0) {
            const int error = errno;
            ::close(fd);
            errno = error;
            return -1;
        }
        return fd;
    }
    if (errno != EEXIST)
        return -1;
    return ::openat(dir, name.constData(), kFolderFlags);
}

// Everything in the open folder `dir`, depth first. The tree is the installer's own and as deep
// as WheelBounds::maxDepth at most, so the recursion holds at most that many descriptors.
bool removeContents(int dir)
{
    const int copy = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
    DIR *stream = copy >= 0 ? ::fdopendir(copy) : nullptr;
    if (!stream) {
        if (copy >= 0)
            ::close(copy);
        return false;
    }
    QList<QByteArray> names;
    while (const dirent *entry = ::readdir(stream)) {
        const QByteArray name(entry->d_name);
        if (name != "." && name != "..")
            names.append(name);
    }
    ::closedir(stream);
    bool removed = true;
    for (const QByteArray &name : names) {
        if (::unlinkat(dir, name.constData(), 0) == 0 || errno == ENOENT)
            continue;
        if (errno != EISDIR && errno != EPERM) {
            removed = false;
            continue;
        }
        const UniqueFd sub(::openat(dir, name.constData(), kFolderFlags));
        removed = sub.isValid() && removeContents(sub.get()) && removed;
        if (::unlinkat(dir, name.constData(), AT_REMOVEDIR) != 0)
            removed = false;
    }
    return removed;
}

} // namespace

StagingTree::StagingTree(UniqueFd parent, UniqueFd root, QString path, QByteArray leaf)
    : m_parent(std::move(parent)), m_root(std::move(root)), m_path(std::move(path)), m_leaf(std::move(leaf))
{
}

Result<StagingTree> StagingTree::create(const QString &path)
{
    const QFileInfo info(path);
    const QByteArray leaf = QFile::encodeName(info.fileName());
    const QString shown = printableText(path);
    if (leaf.isEmpty() || leaf == "." || leaf == "..")
        return fail(ErrorKind::BadArgument, QStringLiteral("%1 names no folder to install into").arg(shown));
    // The parent is the caller's (the store's staging area), trusted as a path; below it, only
    // descriptors.
    UniqueFd parent(::open(QFile::encodeName(info.absolutePath()).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!parent.isValid())
        return systemFailure(QStringLiteral("cannot open the folder of %1").arg(shown), errno);
    if (::mkdirat(parent.get(), leaf.constData(), 0755) != 0)
        return systemFailure(QStringLiteral("cannot make the staging folder %1 (it must not exist)").arg(shown), errno);
    UniqueFd root(::openat(parent.get(), leaf.constData(), kFolderFlags));
    if (!root.isValid() || ::fchmod(root.get(), 0755) != 0) {
        const int error = errno;
        ::unlinkat(parent.get(), leaf.constData(), AT_REMOVEDIR);
        return systemFailure(QStringLiteral("cannot open the staging folder %1").arg(shown), error);
    }
    return StagingTree(std::move(parent), std::move(root), info.absoluteFilePath(), leaf);
}

Result<int> StagingTree::folder(const QString &relative)
{
    if (relative.isEmpty())
        return m_root.get();
    if (m_lastFolderFd.isValid() && relative == m_lastFolder)
        return m_lastFolderFd.get();
    UniqueFd current;
    for (const QString &part : relative.split(u'/')) {
        UniqueFd next(openOrMake(current.isValid() ? current.get() : m_root.get(), QFile::encodeName(part)));
        if (!next.isValid())
            return systemFailure(QStringLiteral("cannot make the folder %1 in %2").arg(printableText(relative), printableText(m_path)), errno);
        current = std::move(next);
    }
    m_lastFolder = relative;
    m_lastFolderFd = std::move(current);
    return m_lastFolderFd.get();
}

Status StagingTree::makeFolders(const QString &relative)
{
    const auto fd = folder(relative);
    if (!fd)
        return fd.error();
    return ok();
}

Result<UniqueFd> StagingTree::createFile(const QString &relative, mode_t mode)
{
    const qsizetype slash = relative.lastIndexOf(u'/');
    const auto dir = folder(slash < 0 ? QString() : relative.left(slash));
    if (!dir)
        return dir.error();
    const QByteArray name = QFile::encodeName(relative.mid(slash + 1));
    UniqueFd fd(::openat(*dir, name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd.isValid() || ::fchmod(fd.get(), mode) != 0)
        return systemFailure(QStringLiteral("cannot create %1 in %2").arg(printableText(relative), printableText(m_path)), errno);
    return fd;
}

Status StagingTree::write(const UniqueFd &fd, const char *data, qsizetype size, const QString &relative) const
{
    while (size > 0) {
        const ssize_t n = ::write(fd.get(), data, size_t(size));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return systemFailure(QStringLiteral("cannot write %1 in %2").arg(printableText(relative), printableText(m_path)), n < 0 ? errno : ENOSPC);
        data += n;
        size -= n;
    }
    return ok();
}

Status StagingTree::discard()
{
    m_lastFolderFd = UniqueFd();
    m_lastFolder.clear();
    if (!m_root.isValid())
        return ok();
    const bool emptied = removeContents(m_root.get());
    m_root = UniqueFd();
    if (!emptied || ::unlinkat(m_parent.get(), m_leaf.constData(), AT_REMOVEDIR) != 0)
        return systemFailure(QStringLiteral("cannot remove the staging folder %1").arg(printableText(m_path)), errno ? errno : EIO);
    return ok();
}

} // namespace oa
