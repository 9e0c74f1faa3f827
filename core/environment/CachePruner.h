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
    };

    CachePruner(const CacheLayout &layout, qint64 maxAgeSeconds, qint64 maxSizeBytes);

    // Removes implausible entries (CacheEntryFile::read), expired entries that have a newer
    // generation or no user, then the least recently used entries until the cache fits
    // maxSizeBytes, then crashed builds and stale markers.
    Report prune() const;
    // Removes every entry that no execution uses, whatever its age (its immutable attribute is
    // lifted first), and what prune() removes besides. Entries in use are listed in keptInUse.
    Report clear() const;

private:
    // Moves an entry out of sight, checks for users again, and deletes it.
    bool evict(const QString &entryName) const;
    void removeImplausible(const QList<std::pair<QString, QString>> &implausible, Report &report) const;
    void removeLeftovers(const CacheLayout::Scan &scan, Report &report) const;

    const CacheLayout &m_layout;
    qint64 m_maxAgeSeconds;
    qint64 m_maxSizeBytes;
};

} // namespace oa
