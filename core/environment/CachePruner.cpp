#include "CachePruner.h"

#include "fs/FileProtection.h"
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

bool CachePruner::evict(const QString &entryName) const
{
    const AgentFolder &folder = m_layout.folder();
    const QString dir = m_layout.entryDir(entryName);
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
    folder.removeFile(CacheEntryFile::usedMarkerOf(dir));
    return bool(folder.removeTree(trash));
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
    const auto remove = [&](const CacheEntry &e) {
        if (!e.inUse && evict(e.name)) {
            report.removed.append(e.name);
            report.freedBytes += e.sizeBytes;
            return true;
        }
        return false;
    };
    // Expired entries go; so do older generations of a key.
    QList<CacheEntry> kept;
    for (const CacheEntry &e : all) {
        const bool superseded = std::any_of(all.cbegin(), all.cend(), [&](const CacheEntry &o) { return o.key == e.key && o.createdAt > e.createdAt; });
        if (!((e.expired || superseded) && remove(e)))
            kept.append(e);
    }
    // Then the least recently used, until the cache fits.
    std::sort(kept.begin(), kept.end(), [](const CacheEntry &a, const CacheEntry &b) { return a.lastUsed < b.lastUsed; });
    qint64 total = 0;
    for (const CacheEntry &e : kept)
        total += e.sizeBytes;
    for (const CacheEntry &e : kept) {
        if (total <= m_maxSizeBytes)
            break;
        if (remove(e))
            total -= e.sizeBytes;
    }
    removeLeftovers(scan, report);
    return report;
}

CachePruner::Report CachePruner::clear() const
{
    Report report;
    const CacheLayout::Scan scan = m_layout.scan();
    removeImplausible(scan.implausible, report);
    for (const CacheEntry &e : scan.entries) {
        if (m_layout.isInUse(e.name)) {
            report.keptInUse.append(e.name);
        } else if (evict(e.name)) {
            report.removed.append(e.name);
            report.freedBytes += e.sizeBytes;
        } else if (m_layout.isInUse(e.name)) { // taken meanwhile
            report.keptInUse.append(e.name);
        } else {
            report.warnings.append(QStringLiteral("cannot remove %1").arg(m_layout.entryDir(e.name)));
        }
    }
    removeLeftovers(scan, report);
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
