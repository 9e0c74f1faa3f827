#pragma once

#include "CacheLayout.h"

#include <QString>
#include <QStringList>

namespace oa {

// Eviction and clean-up of the environment cache: after every build, and on
// --prune-env-cache. Entries in use are never evicted.
class CachePruner {
public:
    struct Report {
        QStringList removed;
        qint64 freedBytes = 0;
        QStringList warnings; // what was found wrong with the cache, and what could not be removed
        QStringList keptInUse; // clear(): entries an execution uses, left alone
        QStringList storeKeptInUse; // clear(): store folders an entry left or a live run needs
    };

    CachePruner(const CacheLayout &layout, qint64 maxAgeSeconds, qint64 maxSizeBytes);

    // Removes implausible entries (CacheEntryFile::read), expired entries that have a newer
    // generation or no user; then implausible store folders and the store folders nothing needs
    // (StoreUse) whose last use is older than maxAgeSeconds; then the least recently used of the
    // entries no execution uses and the store folders nothing needs, one at a time, until entries
    // and store together fit maxSizeBytes; then crashed builds and stale markers. Removed store
    // folders are reported as "store/{folder}".
    Report prune() const;
    // Removes every entry that no execution uses and every store folder nothing needs then,
    // whatever their age (the immutable attribute is lifted first), and what prune() removes
    // besides. Entries in use are listed in keptInUse, store folders still needed in storeKeptInUse.
    Report clear() const;

private:
    // Moves an entry out of sight, checks for users again, and deletes it; the store folders it
    // names keep its last use (StoreUse::recordUse). Not while its key's build lock is held.
    bool evict(const CacheEntry &entry) const;
    void removeImplausible(const QList<std::pair<QString, QString>> &implausible, Report &report) const;
    void removeLeftovers(const CacheLayout::Scan &scan, Report &report) const;
    // prune()'s steps after the entries' expiry: the store by age, then entries and store by
    // size. `kept` are the entries left, in use or not.
    void evictUnused(const QList<CacheEntry> &kept, Report &report) const;
    // Whether another process holds the key's build lock (a build of it runs).
    bool isBeingBuilt(const QString &key) const;
    // evict() of an entry no execution uses, reported; false when it stays.
    bool take(const CacheEntry &entry, Report &report) const;

    const CacheLayout &m_layout;
    qint64 m_maxAgeSeconds;
    qint64 m_maxSizeBytes;
};

} // namespace oa
