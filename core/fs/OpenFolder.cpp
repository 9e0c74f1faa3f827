#include "OpenFolder.h"

#include "AgentFolderDetail.h"

#include <QDir>
#include <QFile>

#include <algorithm>
#include <cstring>

#include <dirent.h>
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

std::optional<struct stat> OpenFolder::statOf(const QByteArray &name) const
{
    struct stat st;
    if (::fstatat(m_fd.get(), name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return std::nullopt;
    return st;
}

QList<OpenFolder::RawEntry> OpenFolder::rawEntries() const
{
    QList<RawEntry> entries;
    // A stream over a duplicate, so that this folder's descriptor stays open and unmoved.
    DIR *stream = ::fdopendir(::fcntl(m_fd.get(), F_DUPFD_CLOEXEC, 0));
    if (!stream)
        return entries;
    ::rewinddir(stream);
    while (const dirent *entry = ::readdir(stream)) {
        if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
            continue;
        AgentFolder::Kind kind = AgentFolder::Kind::Other;
        switch (entry->d_type) {
        case DT_REG: kind = AgentFolder::Kind::Regular; break;
        case DT_DIR: kind = AgentFolder::Kind::Directory; break;
        case DT_LNK: kind = AgentFolder::Kind::Symlink; break;
        case DT_FIFO: kind = AgentFolder::Kind::Fifo; break;
        case DT_SOCK: kind = AgentFolder::Kind::Socket; break;
        case DT_CHR:
        case DT_BLK: kind = AgentFolder::Kind::Device; break;
        default: {
            struct stat st;
            if (::fstatat(::dirfd(stream), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue; // gone meanwhile, as AgentFolder::list leaves it out
            kind = kindOfMode(st.st_mode);
        }
        }
        entries.append({QByteArray(entry->d_name), kind});
    }
    ::closedir(stream);
    std::sort(entries.begin(), entries.end(), [](const RawEntry &a, const RawEntry &b) { return a.name < b.name; });
    return entries;
}

QList<AgentFolder::Entry> OpenFolder::entries() const
{
    QList<AgentFolder::Entry> entries;
    const QList<RawEntry> raw = rawEntries();
    entries.reserve(raw.size());
    for (const RawEntry &entry : raw)
        entries.append({QFile::decodeName(entry.name), entry.kind});
    // Bytewise order is already the order of the decoded names for ASCII ones (execution IDs).
    const auto byName = [](const AgentFolder::Entry &a, const AgentFolder::Entry &b) { return a.name < b.name; };
    if (!std::is_sorted(entries.cbegin(), entries.cend(), byName))
        std::sort(entries.begin(), entries.end(), byName);
    return entries;
}

Result<QByteArray> OpenFolder::readFile(const QString &name, qint64 maxBytes, struct stat *read, Missing missing) const
{
    const QString path = pathOf(name);
    struct stat st;
    const auto fd = openRegularIn(m_fd.get(), encoded(name), path, &st, missing == Missing::Described);
    if (!fd)
        return fd.error();
    if (read)
        *read = st;
    return readAll(*fd, path, maxBytes, &st);
}

Result<QByteArray> OpenFolder::readOwnFile(const QString &name, qint64 maxBytes, Missing missing) const
{
    const QString path = pathOf(name);
    struct stat st;
    const auto fd = openRegularIn(m_fd.get(), encoded(name), path, &st, missing == Missing::Described);
    if (!fd)
        return fd.error();
    return readOwnAll(*fd, path, maxBytes, &st);
}

std::optional<QString> OpenFolder::plainFileBelow(const QString &dir, const QString &relative)
{
    const UniqueFd folder(::open(encoded(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!folder.isValid())
        return std::nullopt;
    return plainFileBelow(folder.get(), dir, relative);
}

std::optional<QString> OpenFolder::plainFileBelow(int dirFd, const QString &dir, const QString &relative)
{
    const QStringList parts = relative.split(u'/', Qt::SkipEmptyParts);
    if (parts.isEmpty() || relative.endsWith(u'/') || relative.startsWith(u'/') || parts.contains(QStringLiteral("."))
        || parts.contains(QStringLiteral("..")))
        return std::nullopt;
    // The subfolders on the way (none for a script at the top of the task folder) are opened
    // here; the top one is the caller's.
    UniqueFd sub;
    int folder = dirFd;
    for (qsizetype i = 0; folder >= 0 && i + 1 < parts.size(); ++i) {
        sub = UniqueFd(::openat(folder, encoded(parts.at(i)).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        folder = sub.get();
    }
    struct stat st;
    if (folder < 0 || ::fstatat(folder, encoded(parts.last()).constData(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return std::nullopt;
    return QString(QDir::cleanPath(dir) + u'/' + parts.join(u'/'));
}

} // namespace oa
