#include "CacheSummarizer.h"

#include "environment/CacheLayout.h"
#include "environment/StoreFolder.h"

#include <QFile>
#include <QMutexLocker>

#include <algorithm>

namespace oa {

CacheSummarizer::Kept CacheSummarizer::read(const OpenFolder &store, const QByteArray &name, qint64 now)
{
    Kept kept;
    kept.name = name;
    const StoreFolder::Reading reading = StoreFolder::readPublished(store, QFile::decodeName(name));
    kept.counted = reading.distribution.has_value();
    if (!kept.counted)
        return kept; // read again next time: an implausible folder is rare (a prune removes it)
    const StoredDistribution &d = *reading.distribution;
    kept.sizeBytes = d.sizeBytes;
    // Every step StoreFolder::read walked, by the names it walked: the site-packages path comes
    // from the marker ("lib/pythonX.Y/site-packages"), the dist-info from its name and version.
    const QByteArray site = QFile::encodeName(d.sitePackages.mid(d.dir.size() + 1));
    const QByteArray distInfo = name + '/' + site + '/' + QFile::encodeName(d.name + u'-' + d.version) + ".dist-info";
    const QList<QByteArray> layout = site.split('/');
    kept.paths = {name, name + '/' + StoreFolder::kMarkerFile};
    QByteArray step = name;
    for (const QByteArray &part : layout)
        kept.paths.append(step += '/' + part);
    kept.paths += {distInfo, distInfo + "/METADATA"};
    const qint64 margin = kSettleMs * 1000000;
    kept.settled = true;
    for (const QByteArray &path : std::as_const(kept.paths)) {
        kept.stamps.append(FileStamp::at(store.fd(), path));
        kept.settled = kept.settled && kept.stamps.constLast().exists() && kept.stamps.constLast().settledBefore(now, margin);
    }
    return kept;
}

bool CacheSummarizer::unchanged(int storeFd, const Kept &kept)
{
    for (qsizetype i = 0; i < kept.paths.size(); ++i)
        if (FileStamp::at(storeFd, kept.paths.at(i)) != kept.stamps.at(i))
            return false;
    return true;
}

EnvironmentCache::Summary CacheSummarizer::summarize(const QString &cacheDir, const QString &agentBase)
{
    QMutexLocker locker(&m_mutex);
    if (cacheDir != m_dir || agentBase != m_base) {
        m_kept.clear();
        m_dir = cacheDir;
        m_base = agentBase;
    }
    EnvironmentCache::Summary summary;
    const CacheLayout layout(cacheDir, agentBase);
    for (const CacheEntry &e : layout.scan().entries) {
        ++summary.entries;
        summary.bytes += e.sizeBytes;
    }
    QString unreadable;
    const std::optional<OpenFolder> store = StoreFolder::openStore(layout.folder(), layout.storeDir(), unreadable);
    if (!store) {
        m_kept.clear();
        return summary;
    }
    // Read before any stamp, so that a stamp that is not older than the margin by this clock is
    // never trusted.
    const qint64 now = FileStamp::nowNs();
    // The listing and the kept folders are both sorted by name: walked side by side.
    const QList<OpenFolder::RawEntry> entries = store->rawEntries();
    std::vector<Kept> next;
    next.reserve(size_t(entries.size()));
    auto old = m_kept.begin();
    for (const OpenFolder::RawEntry &entry : entries) {
        while (old != m_kept.end() && old->name < entry.name)
            ++old; // gone
        Kept *previous = old != m_kept.end() && old->name == entry.name ? &*old++ : nullptr;
        if (entry.kind != AgentFolder::Kind::Directory)
            continue; // a stamp ({folder}.used), or what the pruner removes
        if (previous && previous->counted && previous->settled && unchanged(store->fd(), *previous)) {
            next.push_back(std::move(*previous));
        } else {
            next.push_back(read(*store, entry.name, now));
            ++m_reads;
        }
        if (next.back().counted) {
            ++summary.distributions;
            summary.bytes += next.back().sizeBytes;
        }
    }
    m_kept = std::move(next);
    return summary;
}

int CacheSummarizer::reads() const
{
    QMutexLocker locker(&m_mutex);
    return m_reads;
}

} // namespace oa
