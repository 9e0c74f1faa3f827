#include "OpenFolder.h"

#include "AgentFolderDetail.h"

#include <QDir>
#include <QFile>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

using namespace detail;

Result<OpenFolder> OpenFolder::open(const AgentFolder &folder, const QString &path)
{
    auto fd = folder.openDir(path);
    if (!fd)
        return fd.error();
    // Named as the caller names it, so that messages read as AgentFolder's do for the same file.
    return OpenFolder(std::move(fd).value(), path);
}

Result<OpenFolder> OpenFolder::folder(const QString &name) const
{
    const QString path = pathOf(name);
    auto fd = openFolderIn(m_fd.get(), encoded(name), path, false);
    if (!fd)
        return fd.error();
    return OpenFolder(std::move(fd).value(), path);
}

AgentFolder::Kind OpenFolder::kindOf(const QString &name) const
{
    struct stat st;
    if (::fstatat(m_fd.get(), encoded(name).constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return AgentFolder::Kind::Missing;
    return kindOfMode(st.st_mode);
}

Result<QByteArray> OpenFolder::readFile(const QString &name, qint64 maxBytes) const
{
    const QString path = pathOf(name);
    const auto fd = openRegularIn(m_fd.get(), encoded(name), path);
    if (!fd)
        return fd.error();
    return readAll(*fd, path, maxBytes);
}

Result<QByteArray> OpenFolder::readOwnFile(const QString &name, qint64 maxBytes) const
{
    const QString path = pathOf(name);
    const auto fd = openRegularIn(m_fd.get(), encoded(name), path);
    if (!fd)
        return fd.error();
    return readOwnAll(*fd, path, maxBytes);
}

std::optional<QString> OpenFolder::plainFileBelow(const QString &dir, const QString &relative)
{
    const QStringList parts = relative.split(u'/', Qt::SkipEmptyParts);
    if (parts.isEmpty() || relative.endsWith(u'/') || relative.startsWith(u'/') || parts.contains(QStringLiteral("."))
        || parts.contains(QStringLiteral("..")))
        return std::nullopt;
    UniqueFd folder(::open(encoded(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    for (qsizetype i = 0; folder.isValid() && i + 1 < parts.size(); ++i)
        folder = UniqueFd(::openat(folder.get(), encoded(parts.at(i)).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st;
    if (!folder.isValid() || ::fstatat(folder.get(), encoded(parts.last()).constData(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return QString(QDir::cleanPath(dir) + u'/' + parts.join(u'/'));
}

} // namespace oa
