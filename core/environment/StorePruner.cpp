#include "StorePruner.h"

#include "fs/FileProtection.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace oa {

QString StorePruner::trashName() const
{
    // store.{pid}.{n}.evicted: another prune removes it only once we died (CacheLayout::stagingPid).
    return m_layout.stagingDir()
           + QStringLiteral("/store.%1.%2.evicted").arg(QCoreApplication::applicationPid()).arg(QRandomGenerator::global()->generate());
}

std::optional<UniqueFd> StorePruner::lockFor(const QString &folderName, bool &held) const
{
    static const QRegularExpression sha16(QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{16}")));
    const QString tail = folderName.section(u'-', -1);
    held = true;
    if (!folderName.contains(u'-') || !sha16.match(tail).hasMatch())
        return std::nullopt;
    auto taken = m_layout.folder().tryLock(m_layout.storeLockFile(tail));
    if (!taken || !taken->isValid()) {
        held = false;
        return std::nullopt;
    }
    return std::move(taken).value();
}

bool StorePruner::evict(const QString &folderName) const
{
    bool held = false;
    const std::optional<UniqueFd> lock = lockFor(folderName, held);
    if (!held || StoreUse::isNeeded(m_layout, folderName))
        return false;
    const AgentFolder &folder = m_layout.folder();
    const QString dir = m_layout.storeFolderDir(folderName);
    // As CachePruner::evict does for an entry: the protection goes first (an immutable folder
    // cannot be renamed), out of sight next, then the users are checked again.
    FileProtection::unprotectTree(folder, dir);
    const QString trash = trashName();
    if (!folder.rename(dir, trash)) {
        FileProtection::protectTree(folder, dir);
        return false;
    }
    if (StoreUse::isNeeded(m_layout, folderName)) { // a build or an entry took it meanwhile: put it back
        if (folder.rename(trash, dir))
            FileProtection::protectTree(folder, dir);
        return false;
    }
    folder.removeFile(StoreUse::stampOf(m_layout, folderName));
    return bool(folder.removeTree(trash)); // out of sight already; a leftover is removed by the next prune
}

void StorePruner::removeImplausible(const QList<std::pair<QString, QString>> &implausible, QStringList &removed, QStringList &warnings) const
{
    const AgentFolder &folder = m_layout.folder();
    for (const auto &[name, why] : implausible) {
        bool held = false;
        const std::optional<UniqueFd> lock = lockFor(name, held);
        if (!held)
            continue; // its wheel is being stored right now: the next prune looks again
        const StoreFolder::Reading again = StoreFolder::readPublished(folder, m_layout.storeDir(), name);
        if (again.distribution || again.problem.isEmpty())
            continue;
        const QString path = m_layout.storeFolderDir(name);
        Status gone = ok();
        if (folder.kindOf(path) == AgentFolder::Kind::Directory) {
            FileProtection::unprotectTree(folder, path); // a link is neither followed nor changed
            const QString trash = trashName();
            gone = folder.rename(path, trash);
            if (gone)
                gone = folder.removeTree(trash);
        } else {
            gone = folder.removeFile(path);
        }
        if (!gone) {
            warnings.append(gone.error().message);
            continue;
        }
        folder.removeFile(StoreUse::stampOf(m_layout, name));
        removed.append(QStringLiteral("store/") + name);
        warnings.append(QStringLiteral("removed the implausible store folder %1: %2").arg(path, again.problem));
    }
}

void StorePruner::removeStaleStamps() const
{
    const AgentFolder &folder = m_layout.folder();
    for (const AgentFolder::Entry &item : folder.list(m_layout.storeDir())) {
        if (item.kind != AgentFolder::Kind::Regular || !StoreUse::isStamp(item.name))
            continue;
        const QString folderName = item.name.chopped(QStringLiteral(".used").size());
        if (folder.kindOf(m_layout.storeFolderDir(folderName)) == AgentFolder::Kind::Missing)
            folder.removeFile(m_layout.storeDir() + u'/' + item.name);
    }
}

} // namespace oa
