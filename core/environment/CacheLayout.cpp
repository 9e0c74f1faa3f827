#include "CacheLayout.h"

#include "KeptVenvs.h"
#include "process/ProcessTable.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>

namespace oa {

namespace {

// The folder the walks start from: see the constructor's comment.
QString anchorFor(const QString &dir, const QString &agentBase)
{
    if (!agentBase.isEmpty() && dir != QDir::cleanPath(agentBase) && AgentFolder(agentBase).contains(dir))
        return agentBase;
    return dir;
}

} // namespace

CacheLayout::CacheLayout(const QString &dir, const QString &agentBase)
    : m_dir(QDir::cleanPath(dir)), m_folder(anchorFor(m_dir, agentBase))
{
}

QString CacheLayout::inUseMarker(const QString &entryName, const QString &executionId, qint64 pid) const
{
    return inUseDir() + QStringLiteral("/%1@%2.%3").arg(entryName, executionId).arg(pid);
}

QString CacheLayout::storeInUseMarker(const QString &folderName, quint32 n) const
{
    return inUseDir() + QStringLiteral("/%1@store-%2.%3").arg(folderName).arg(n).arg(QCoreApplication::applicationPid());
}

Error CacheLayout::unusable(const QString &what, const Error &cause)
{
    Error failure = fail(ErrorKind::Install, QStringLiteral("%1: %2").arg(what, cause.message));
    failure.systemError = cause.systemError;
    return failure;
}

QStringList CacheLayout::subfolders() const
{
    return {entriesDir(), stagingDir(), locksDir(), inUseDir(), storeDir()};
}

QStringList CacheLayout::misplaced() const
{
    QStringList found;
    if (m_folder.base() != m_dir) {
        const AgentFolder::Kind kind = m_folder.kindOf(m_dir);
        if (kind != AgentFolder::Kind::Directory && kind != AgentFolder::Kind::Missing)
            return {QStringLiteral("%1 is %2, not a folder: the cache cannot be used until it is one").arg(m_dir, AgentFolder::kindName(kind))};
    }
    for (const QString &dir : subfolders()) {
        const AgentFolder::Kind kind = m_folder.kindOf(dir);
        if (kind != AgentFolder::Kind::Directory && kind != AgentFolder::Kind::Missing)
            found.append(QStringLiteral("%1 is %2, not a folder: it is not used, and the next run or prune replaces it by a folder")
                             .arg(dir, AgentFolder::kindName(kind)));
    }
    return found;
}

Status CacheLayout::prepare(QStringList *warnings) const
{
    const QString what = QStringLiteral("the environment cache cannot be used");
    // The administrator's own folder may lie behind links: it is made as any path is.
    if (m_folder.base() == m_dir) {
        QDir().mkpath(QFileInfo(m_dir).path());
        if (::mkdir(QFile::encodeName(m_dir).constData(), 0755) != 0 && errno != EEXIST)
            return unusable(what, fileFailure(QStringLiteral("cannot create the folder"), m_dir, errno));
        if (!UniqueFd(::open(QFile::encodeName(m_dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)).isValid())
            return unusable(what, fileFailure(QStringLiteral("cannot open the folder"), m_dir, errno));
    }
    if (Status made = m_folder.ensureDir(m_dir); !made)
        return unusable(what, made.error());
    for (const QString &dir : subfolders()) {
        // A link here would make every build and prune work in the folder it points to, and
        // a file or FIFO would stop the cache for good. Neither can hold anything of the
        // cache's: it is unlinked where it stands (never followed) and a real folder made.
        const AgentFolder::Kind kind = m_folder.kindOf(dir);
        if (kind != AgentFolder::Kind::Directory && kind != AgentFolder::Kind::Missing) {
            if (Status removed = m_folder.removeFile(dir); !removed)
                return unusable(what, removed.error());
            if (warnings)
                warnings->append(QStringLiteral("%1 was %2; it was replaced by an empty folder").arg(dir, AgentFolder::kindName(kind)));
        }
        if (Status made = m_folder.ensureDir(dir); !made)
            return unusable(what, made.error());
    }
    return ok();
}

CacheLayout::Scan CacheLayout::scan(const QString &prefix) const
{
    Scan scan;
    for (const AgentFolder::Entry &item : m_folder.list(entriesDir())) {
        if (!item.name.startsWith(prefix) || (item.kind == AgentFolder::Kind::Regular && CacheEntryFile::isUsedMarker(item.name)))
            continue;
        CacheEntryFile::Reading reading = CacheEntryFile::read(m_folder, entriesDir(), item.name);
        if (reading.entry)
            scan.entries.append(*reading.entry);
        else if (!reading.problem.isEmpty())
            scan.implausible.append({item.name, reading.problem});
    }
    return scan;
}

bool CacheLayout::isInUse(const QString &entryName) const
{
    const QString prefix = entryName + u'@';
    for (const AgentFolder::Entry &marker : m_folder.list(inUseDir())) {
        if (!marker.name.startsWith(prefix) || marker.kind != AgentFolder::Kind::Regular)
            continue;
        if (ProcessTable::isAlive(markerPid(marker.name)))
            return true;
        m_folder.removeFile(inUseDir() + u'/' + marker.name); // its executor died
    }
    return KeptVenvs(m_folder, keptVenvsDir()).inUse().contains(entryName);
}

qint64 CacheLayout::stagingPid(const QString &name)
{
    return name.section(u'.', 1, 1).toLongLong();
}

qint64 CacheLayout::markerPid(const QString &name)
{
    return name.section(u'.', -1).toLongLong();
}

} // namespace oa
