#include "CachePruner.h"

#include "FileProtection.h"
#include "ProcessTable.h"

#include <QDateTime>

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
    FileProtection::unprotectTree(folder, dir);
    // Out of sight first, so that no lookup finds it half deleted; then check the users again.
    const QString trash = m_layout.stagingDir() + u'/' + entryName + QStringLiteral(".evicted");
    if (!folder.rename(dir, trash))
        return false;
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
    QList<CacheEntry> all = m_layout.scan().entries;
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
    removeLeftovers(report);
    return report;
}

void CachePruner::removeLeftovers(Report &report) const
{
    const AgentFolder &folder = m_layout.folder();
    // Unfinished builds of builders that died, and evictions cut short.
    for (const AgentFolder::Entry &item : folder.list(m_layout.stagingDir())) {
        const bool evicted = item.name.endsWith(QLatin1String(".evicted"));
        if (item.kind != AgentFolder::Kind::Directory || (!evicted && ProcessTable::isAlive(CacheLayout::stagingPid(item.name))))
            continue;
        const QString dir = m_layout.stagingDir() + u'/' + item.name;
        FileProtection::unprotectTree(folder, dir);
        if (folder.removeTree(dir))
            report.removed.append(item.name);
    }
    // Entries that were never completed, unless their key is being built now.
    const CacheLayout::Scan scan = m_layout.scan();
    for (const auto &[name, problem] : scan.unusable) {
        const auto building = folder.tryLock(m_layout.lockFile(name.section(u'-', 0, 0)));
        if (!building || !building->isValid())
            continue;
        FileProtection::unprotectTree(folder, m_layout.entryDir(name));
        if (folder.removeTree(m_layout.entryDir(name)))
            report.removed.append(name);
    }
}

} // namespace oa
