#include "CachePruner.h"

#include "fs/FileProtection.h"
#include "StorePruner.h"
#include "StoreUse.h"
#include "process/ProcessTable.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSet>

#include <algorithm>

namespace oa {

CachePruner::CachePruner(const CacheLayout &layout, qint64 maxAgeSeconds, qint64 maxSizeBytes)
    : m_layout(layout), m_maxAgeSeconds(maxAgeSeconds), m_maxSizeBytes(maxSizeBytes)
{
}

bool CachePruner::evict(const CacheEntry &entry) const
{
    const AgentFolder &folder = m_layout.folder();
    const QString &entryName = entry.name;
    const QString dir = m_layout.entryDir(entryName);
    // A builder holds its key's lock from before it publishes until its execution has marked the
    // new entry in use (EnvironmentCache::acquire): while a build of the key runs, its entries stay.
    const auto keyLock = folder.tryLock(m_layout.lockFile(entry.key));
    if (!keyLock || !keyLock->isValid())
        return false;
    // An immutable folder cannot be renamed: the protection goes first, and comes back if the
    // entry stays.
    FileProtection::unprotectTree(folder, dir);
    // Out of sight first, so that no lookup finds it half deleted; then check the users again.
    // The trash is named with our PID: another prune leaves it alone while we live.
    const QString trash = m_layout.stagingDir() + QStringLiteral("/%1.%2.evicted").arg(entryName).arg(QCoreApplication::applicationPid());
    if (!folder.rename(dir, trash)) {
        FileProtection::protectTree(folder, dir);
        return false;
    }
    if (m_layout.isInUse(entryName)) { // someone took it between the check and the rename: put it back
        if (folder.rename(trash, dir))
            FileProtection::protectTree(folder, dir);
        return false;
    }
    // Its store folders were used as long as it was: their age and LRU place go on from its last use.
    for (const QString &storeFolder : entry.storeFolders)
        StoreUse::recordUse(m_layout, storeFolder, entry.lastUsed.isValid() ? entry.lastUsed : entry.createdAt);
    folder.removeFile(CacheEntryFile::usedMarkerOf(dir));
    return bool(folder.removeTree(trash));
}

bool CachePruner::isBeingBuilt(const QString &key) const
{
    const auto keyLock = m_layout.folder().tryLock(m_layout.lockFile(key));
    return keyLock && !keyLock->isValid();
}

bool CachePruner::take(const CacheEntry &entry, Report &report) const
{
    if (entry.inUse || !evict(entry))
        return false;
    report.removed.append(entry.name);
    report.freedBytes += entry.sizeBytes;
    return true;
}

CachePruner::Report CachePruner::prune() const
{
    Report report;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const CacheLayout::Scan scan = m_layout.scan();
    removeImplausible(scan.implausible, report);
    QList<CacheEntry> all = scan.entries;
    for (CacheEntry &e : all) {
        e.inUse = m_layout.isInUse(e.name);
        e.expired = e.createdAt.msecsTo(now) > m_maxAgeSeconds * 1000;
    }
    // Expired entries go; so do older generations of a key.
    QList<CacheEntry> kept;
    for (const CacheEntry &e : all) {
        const bool superseded = std::any_of(all.cbegin(), all.cend(), [&](const CacheEntry &o) { return o.key == e.key && o.createdAt > e.createdAt; });
        if (!((e.expired || superseded) && take(e, report)))
            kept.append(e);
    }
    evictUnused(kept, report);
    removeLeftovers(scan, report);
    StorePruner(m_layout).removeStaleStamps();
    return report;
}

void CachePruner::evictUnused(const QList<CacheEntry> &kept, Report &report) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const StorePruner store(m_layout);
    const StoreUse::Scan stored = StoreUse::scan(m_layout, kept);
    store.removeImplausible(stored.implausible, report.removed, report.warnings);
    const auto unused = [](const StoreFolderUse &u) { return u.usedBySets == 0 && !u.marked; };
    const auto evictFolder = [&](const StoreFolderUse &u) {
        if (!store.evict(u.distribution.folderName))
            return false;
        report.removed.append(QStringLiteral("store/") + u.distribution.folderName);
        report.freedBytes += u.distribution.sizeBytes;
        return true;
    };
    // A store folder's content never changes (its wheel is pinned by sha256): its age is the time
    // since its last use, not since it was stored.
    QList<StoreFolderUse> folders;
    for (const StoreFolderUse &u : stored.folders) {
        const bool old = !u.lastUsed.isValid() || u.lastUsed.msecsTo(now) > m_maxAgeSeconds * 1000;
        if (!(unused(u) && old && evictFolder(u)))
            folders.append(u);
    }
    // Then the least recently used, entries and store folders alike, until both together fit
    // (a composed entry's own files are a .pth and pip: its packages' bytes are the store's).
    QList<CacheEntry> entries = kept;
    qint64 total = 0;
    for (const CacheEntry &e : std::as_const(entries))
        total += e.sizeBytes;
    for (const StoreFolderUse &u : std::as_const(folders))
        total += u.distribution.sizeBytes;
    QList<bool> entryTried(entries.size(), false);
    QList<bool> folderTried(folders.size(), false);
    while (total > m_maxSizeBytes) {
        qsizetype e = -1;
        qsizetype f = -1;
        for (qsizetype i = 0; i < entries.size(); ++i)
            if (!entryTried.at(i) && !entries.at(i).inUse && (e < 0 || entries.at(i).lastUsed < entries.at(e).lastUsed))
                e = i;
        for (qsizetype i = 0; i < folders.size(); ++i)
            if (!folderTried.at(i) && unused(folders.at(i)) && (f < 0 || folders.at(i).lastUsed < folders.at(f).lastUsed))
                f = i;
        if (e < 0 && f < 0)
            break;
        if (e >= 0 && (f < 0 || entries.at(e).lastUsed <= folders.at(f).lastUsed)) {
            entryTried[e] = true;
            if (!take(entries.at(e), report))
                continue;
            total -= entries.at(e).sizeBytes;
            // Its store folders lose a user, and were last used when it was.
            for (StoreFolderUse &u : folders)
                if (entries.at(e).storeFolders.contains(u.distribution.folderName)) {
                    --u.usedBySets;
                    if (entries.at(e).lastUsed > u.lastUsed)
                        u.lastUsed = entries.at(e).lastUsed;
                }
        } else {
            folderTried[f] = true;
            if (evictFolder(folders.at(f)))
                total -= folders.at(f).distribution.sizeBytes;
        }
    }
}

CachePruner::Report CachePruner::clear() const
{
    Report report;
    const CacheLayout::Scan scan = m_layout.scan();
    removeImplausible(scan.implausible, report);
    for (CacheEntry e : scan.entries) {
        e.inUse = m_layout.isInUse(e.name);
        if (e.inUse) {
            report.keptInUse.append(e.name);
        } else if (evict(e)) {
            report.removed.append(e.name);
            report.freedBytes += e.sizeBytes;
        } else if (m_layout.isInUse(e.name) || isBeingBuilt(e.key)) { // taken meanwhile, or its key is being built
            report.keptInUse.append(e.name);
        } else {
            report.warnings.append(QStringLiteral("cannot remove %1").arg(m_layout.entryDir(e.name)));
        }
    }
    // Then every store folder that no entry left names and no live process uses.
    const StorePruner store(m_layout);
    const StoreUse::Scan stored = StoreUse::scan(m_layout, m_layout.scan().entries);
    store.removeImplausible(stored.implausible, report.removed, report.warnings);
    for (const StoreFolderUse &u : stored.folders) {
        const QString &name = u.distribution.folderName;
        if (u.usedBySets > 0 || u.marked) {
            report.storeKeptInUse.append(name);
        } else if (store.evict(name)) {
            report.removed.append(QStringLiteral("store/") + name);
            report.freedBytes += u.distribution.sizeBytes;
        } else if (StoreUse::isNeeded(m_layout, name)) {
            report.storeKeptInUse.append(name);
        } else {
            report.warnings.append(QStringLiteral("cannot remove %1").arg(u.distribution.dir));
        }
    }
    removeLeftovers(scan, report);
    StorePruner(m_layout).removeStaleStamps();
    return report;
}

void CachePruner::removeLeftovers(const CacheLayout::Scan &scan, Report &report) const
{
    // Only real folders and files in the cache's own (real) subfolders are removed; a link is
    // at most unlinked, never followed (AgentFolder).
    const AgentFolder &folder = m_layout.folder();
    QSet<QString> keys; // that have an entry or a build in progress: their lock files stay
    for (const CacheEntry &e : scan.entries)
        keys.insert(e.key);
    // Unfinished builds ({key}.{pid}.{n}) and evictions ({entry}.{pid}.evicted) of processes
    // that died.
    for (const AgentFolder::Entry &item : folder.list(m_layout.stagingDir())) {
        if (item.kind != AgentFolder::Kind::Directory)
            continue;
        if (ProcessTable::isAlive(CacheLayout::stagingPid(item.name))) {
            keys.insert(item.name.section(u'.', 0, 0).section(u'-', 0, 0));
            continue;
        }
        const QString dir = m_layout.stagingDir() + u'/' + item.name;
        FileProtection::unprotectTree(folder, dir);
        if (folder.removeTree(dir))
            report.removed.append(item.name);
    }
    // The markers of executions that died.
    for (const AgentFolder::Entry &marker : folder.list(m_layout.inUseDir())) {
        if (marker.kind == AgentFolder::Kind::Regular && !ProcessTable::isAlive(CacheLayout::markerPid(marker.name)))
            folder.removeFile(m_layout.inUseDir() + u'/' + marker.name);
    }
    // Owner files that outlived their builder, and the lock files of keys with nothing left.
    // Each only under the key's lock, so that no builder is disturbed; a waiter that still
    // has a removed lock file open takes the new one (AgentFolder::tryLock).
    QSet<QString> locked;
    for (const AgentFolder::Entry &item : folder.list(m_layout.locksDir())) {
        if (item.kind == AgentFolder::Kind::Regular && (item.name.endsWith(QLatin1String(".lock")) || item.name.endsWith(QLatin1String(".owner"))))
            locked.insert(item.name.section(u'.', 0, 0));
    }
    for (const QString &key : std::as_const(locked)) {
        const auto held = folder.tryLock(m_layout.lockFile(key));
        if (!held || !held->isValid())
            continue;
        folder.removeFile(m_layout.ownerFile(key));
        if (!keys.contains(key))
            folder.removeFile(m_layout.lockFile(key));
    }
}

void CachePruner::removeImplausible(const QList<std::pair<QString, QString>> &implausible, Report &report) const
{
    // Nothing a build writes looks like these, so nobody can be using one legitimately: an
    // in-use marker is no reason to keep it (a script can plant one as easily).
    const AgentFolder &folder = m_layout.folder();
    for (const auto &[name, why] : implausible) {
        const QString dir = m_layout.entryDir(name);
        FileProtection::unprotectTree(folder, dir); // a link is neither followed nor changed
        if (Status removed = folder.removeTree(dir); !removed) {
            report.warnings.append(removed.error().message);
            continue;
        }
        folder.removeFile(CacheEntryFile::usedMarkerOf(dir));
        report.removed.append(name);
        report.warnings.append(QStringLiteral("removed the implausible environment cache entry %1: %2").arg(dir, why));
    }
}

} // namespace oa
