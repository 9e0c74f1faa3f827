#pragma once

#include "CacheLayout.h"
#include "StoreUse.h"

#include <QString>
#include <QStringList>

#include <utility>

namespace oa {

// Removes folders from the store of distributions for CachePruner, each under its wheel's lock
// (locks/store-{sha16}.lock, the one DistributionStore stores it under), so that no store or
// eviction of the same wheel runs meanwhile.
class StorePruner {
public:
    explicit StorePruner(const CacheLayout &layout) : m_layout(layout) {}

    // Moves a folder nothing needs out of sight, checks for users again (StoreUse::isNeeded),
    // and deletes it; puts it back when a user came meanwhile. False when it stays: in use, its
    // wheel being stored or evicted by someone else right now, or not movable.
    bool evict(const QString &folderName) const;

    // Removes what StoreUse::scan found implausible, whatever markers claim (nothing a store
    // writes looks like it, so nobody uses it legitimately): a folder moved out of sight first,
    // a file, link or FIFO unlinked where it stands, never followed. Each is read again under
    // its wheel's lock first: a store may just have replaced it by a plausible folder.
    // `removed` gets "store/{name}", `warnings` what was removed and why.
    void removeImplausible(const QList<std::pair<QString, QString>> &implausible, QStringList &removed, QStringList &warnings) const;

    // Removes the stamps (store/{folder}.used) whose folder is gone.
    void removeStaleStamps() const;

private:
    // The wheel's lock, taken without waiting; `held` is false when someone else holds it. A
    // name that does not end in 16 hex digits is no wheel's, so nobody stores it: `held` is true
    // and there is no lock to take (nullopt).
    std::optional<UniqueFd> lockFor(const QString &folderName, bool &held) const;
    QString trashName() const;

    const CacheLayout &m_layout;
};

} // namespace oa
