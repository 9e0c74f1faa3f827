#pragma once

#include "CacheEntryFile.h"
#include "CacheLayout.h"
#include "StoreFolder.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <utility>

namespace oa {

// One folder of the store of distributions, with who uses it and since when.
struct StoreFolderUse {
    StoredDistribution distribution;
    int usedBySets = 0;  // the cache entries whose StoreFolders name it
    bool marked = false; // a live process marked it (DistributionStore: a build, a run composed from the store), or a kept venv uses it
    bool inUse = false;  // marked, or named by an entry that an execution uses
    QDateTime lastUsed;  // the later of its stamp and the last use of every entry that names it
};

// Who uses the store's folders. A store folder is needed while:
//  - an entry names it (entry.json's StoreFolders), also one on its way out of a live pruner,
//    which puts the entry back when it turns out to be in use; or
//  - a live process holds its marker in-use/{folder}@store-{n}.{pid}, taken by
//    DistributionStore::ensure() before it even looks at the folder, and kept while that
//    DistributionStore lives: by a build until its entry is published (the entry names it from
//    then on), by a run whose own venv is composed from the store for as long as the run lasts; or
//  - a venv kept after its run names it, and that venv still exists (KeptVenvs).
// Its last use is store/{folder}.used's modification time: set when DistributionStore hands the
// folder out, and carried over from an entry's last use when the pruner evicts that entry.
class StoreUse {
public:
    struct Scan {
        QList<StoreFolderUse> folders;                  // the plausible ones (StoreFolder::readPublished)
        QList<std::pair<QString, QString>> implausible; // name in store/, why
    };
    // Reads store/ once; `entries` are the cache's plausible entries with inUse set. Changes
    // nothing but the markers of processes that died.
    static Scan scan(const CacheLayout &layout, const QList<CacheEntry> &entries);

    // Whether anything needs the folder now (see above), read afresh: the pruner asks this after
    // it moved the folder out of sight, as CachePruner::evict asks it of an entry. Conservative:
    // every entry.json in entries/ counts, plausible or not.
    static bool isNeeded(const CacheLayout &layout, const QString &folderName);

    // store/{folder}.used, and whether a name in store/ is such a stamp.
    static QString stampOf(const CacheLayout &layout, const QString &folderName);
    static bool isStamp(const QString &name);
    // Records a use at `when` (now, when invalid): the stamp's time becomes the later of the two,
    // so that a folder's last use only ever moves forward. False when the stamp cannot be written.
    static bool recordUse(const CacheLayout &layout, const QString &folderName, const QDateTime &when = QDateTime());
    // The folder's own last use: its stamp, else when it was stored (its marker's time).
    static QDateTime stampedUse(const CacheLayout &layout, const QString &folderName);
    static QDateTime stampedUse(const OpenFolder &store, const QString &folderName);

private:
    // The names before '@' of the markers in in-use/ whose process lives, and the names kept
    // venvs that still exist use (KeptVenvs).
    static QSet<QString> liveMarkers(const CacheLayout &layout);
    // How many entries name each store folder, from every entry.json in entries/ and in the
    // trash of live pruners.
    static QHash<QString, int> namedByAnyEntry(const CacheLayout &layout);
};

} // namespace oa
