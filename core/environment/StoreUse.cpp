#include "StoreUse.h"

#include "KeptVenvs.h"
#include "fs/JsonFile.h"
#include "process/ProcessTable.h"

#include <QFile>
#include <QSet>

#include <fcntl.h>
#include <sys/stat.h>

namespace oa {

namespace {

const QString kStoreStampSuffix = QStringLiteral(".used");
const QString kEntryMetadataName = QStringLiteral("/entry.json");
const QString kEntryStoreFolders = QStringLiteral("StoreFolders");

} // namespace

QString StoreUse::stampOf(const CacheLayout &layout, const QString &folderName)
{
    return layout.storeFolderDir(folderName) + kStoreStampSuffix;
}

bool StoreUse::isStamp(const QString &name)
{
    return name.endsWith(kStoreStampSuffix);
}

bool StoreUse::recordUse(const CacheLayout &layout, const QString &folderName, const QDateTime &when)
{
    const AgentFolder &folder = layout.folder();
    const QString stamp = stampOf(layout, folderName);
    if (!when.isValid())
        return bool(folder.touch(stamp));
    const QDateTime current = folder.modificationTime(stamp);
    if (current.isValid() && current >= when)
        return true;
    const auto fd = folder.openForWriting(stamp, AgentFolder::WriteMode::Append);
    if (!fd)
        return false;
    const qint64 ms = when.toMSecsSinceEpoch();
    const struct timespec times[2] = {{ms / 1000, (ms % 1000) * 1000000}, {ms / 1000, (ms % 1000) * 1000000}};
    return ::futimens(fd->get(), times) == 0;
}

QDateTime StoreUse::stampedUse(const CacheLayout &layout, const QString &folderName)
{
    const QDateTime stamped = layout.folder().modificationTime(stampOf(layout, folderName));
    if (stamped.isValid())
        return stamped;
    // Stored before stamps were kept, or its stamp removed by hand: when it was stored.
    return layout.folder().modificationTime(layout.storeFolderDir(folderName) + u'/' + QLatin1String(StoreFolder::kMarkerFile));
}

QDateTime StoreUse::stampedUse(const OpenFolder &store, const QString &folderName)
{
    const auto mtime = [](const struct stat &st) {
        return QDateTime::fromMSecsSinceEpoch(qint64(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000, Qt::UTC);
    };
    if (const auto stamp = store.statOf(QFile::encodeName(folderName + kStoreStampSuffix)); stamp && S_ISREG(stamp->st_mode))
        return mtime(*stamp);
    // No stamp: when it was stored (its marker's time), read below the folder itself, never
    // through a link in its place.
    const auto dir = store.folder(folderName);
    if (const auto marker = dir ? dir->statOf(StoreFolder::kMarkerFile) : std::nullopt; marker && S_ISREG(marker->st_mode))
        return mtime(*marker);
    return {};
}

QSet<QString> StoreUse::liveMarkers(const CacheLayout &layout)
{
    QSet<QString> live;
    for (const AgentFolder::Entry &marker : layout.folder().list(layout.inUseDir())) {
        if (marker.kind != AgentFolder::Kind::Regular || !marker.name.contains(u'@'))
            continue;
        if (ProcessTable::isAlive(CacheLayout::markerPid(marker.name)))
            live.insert(marker.name.section(u'@', 0, 0));
        else
            layout.folder().removeFile(layout.inUseDir() + u'/' + marker.name); // its process died
    }
    return live + KeptVenvs(layout.folder(), layout.keptVenvsDir()).inUse();
}

QHash<QString, int> StoreUse::namedByAnyEntry(const CacheLayout &layout)
{
    const AgentFolder &folder = layout.folder();
    QHash<QString, int> named;
    const auto count = [&](const QString &entryDir) {
        const auto json = readJsonObject(folder, entryDir + kEntryMetadataName);
        if (json)
            for (const QString &name : jsonStrings(json->value(kEntryStoreFolders)))
                ++named[name];
    };
    for (const AgentFolder::Entry &item : folder.list(layout.entriesDir()))
        if (item.kind == AgentFolder::Kind::Directory)
            count(layout.entriesDir() + u'/' + item.name);
    // An entry another pruner moved out of sight ({entry}.{pid}.evicted) comes back when it
    // turns out to be in use: while that pruner lives, the entry still counts.
    for (const AgentFolder::Entry &item : folder.list(layout.stagingDir()))
        if (item.kind == AgentFolder::Kind::Directory && item.name.endsWith(QLatin1String(".evicted"))
            && !item.name.startsWith(QLatin1String("store.")) && ProcessTable::isAlive(CacheLayout::stagingPid(item.name)))
            count(layout.stagingDir() + u'/' + item.name);
    return named;
}

bool StoreUse::isNeeded(const CacheLayout &layout, const QString &folderName)
{
    return layout.isInUse(folderName) || namedByAnyEntry(layout).contains(folderName);
}

StoreUse::Scan StoreUse::scan(const CacheLayout &layout, const QList<CacheEntry> &entries)
{
    Scan scan;
    QString unreadable;
    const std::optional<OpenFolder> store = StoreFolder::openStore(layout.folder(), layout.storeDir(), unreadable);
    if (!store)
        return scan; // nothing stored yet; a store/ that is no folder is CacheLayout::misplaced()'s
    const QSet<QString> marked = liveMarkers(layout);
    for (const AgentFolder::Entry &item : store->entries()) {
        if (item.kind == AgentFolder::Kind::Regular && isStamp(item.name))
            continue;
        StoreFolder::Reading reading = StoreFolder::readPublished(*store, item.name);
        if (!reading.distribution) {
            if (!reading.problem.isEmpty())
                scan.implausible.append({item.name, reading.problem});
            continue;
        }
        StoreFolderUse use;
        use.distribution = *reading.distribution;
        use.marked = marked.contains(item.name);
        use.inUse = use.marked;
        use.lastUsed = stampedUse(*store, item.name);
        for (const CacheEntry &e : entries) {
            if (!e.storeFolders.contains(item.name))
                continue;
            ++use.usedBySets;
            use.inUse = use.inUse || e.inUse;
            if (e.lastUsed.isValid() && (!use.lastUsed.isValid() || e.lastUsed > use.lastUsed))
                use.lastUsed = e.lastUsed;
        }
        scan.folders.append(use);
    }
    return scan;
}

} // namespace oa
