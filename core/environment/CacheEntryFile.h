#pragma once

#include "fs/AgentFolder.h"
#include "base/Error.h"
#include "InstallReport.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// A published, read-only set of installed packages that executions share.
struct CacheEntry {
    QString key;            // EnvironmentKey::digest()
    QString name;           // "{key}-{created ms}": a key may have several generations
    QString dir;
    QString sitePackages;
    QStringList freeze;     // what pip resolved, recorded when it was built
    Provenance provenance;  // which files pip installed and from where, recorded when it was built
    QString inputs;         // EnvironmentKey::describe()
    QDateTime createdAt;
    qint64 sizeBytes = 0;
    // Composed from the store of distributions: the store folders (names in store/) that its
    // site-packages' .pth names; empty for an entry pip built.
    QStringList storeFolders;
    bool reused = false;    // false: this execution built it
    // For listings:
    QDateTime lastUsed;
    bool inUse = false;
    bool expired = false;
};

// An entry's metadata, entries/{name}/entry.json, and its completion marker COMPLETE. This one
// type writes them and reads them back, so that the field names exist once.
class CacheEntryFile {
public:
    static QString nameFor(const QString &key, const QDateTime &createdAt);
    // entries/{name}.used, next to the entry: its modification time is the entry's last use.
    static QString usedMarkerOf(const QString &entryDir);
    static bool isUsedMarker(const QString &fileName);

    // A new entry for `key`, created now, to be built in `buildDir` and published as
    // {entriesDir}/{name}.
    static CacheEntry make(const QString &key, const QString &entriesDir);

    // Writes {buildDir}/entry.json and then {buildDir}/COMPLETE, each atomically with every
    // step checked: an entry whose metadata did not reach the disk is never complete.
    static Status write(const AgentFolder &folder, const QString &buildDir, const CacheEntry &entry, const QString &interpreter);

    // How far an entry's CreatedAt may lie ahead of this machine's clock (another host's
    // clock, an NTP step) before the entry is taken for a planted one.
    static constexpr qint64 kClockSkewSeconds = 5 * 60;

    // What is published at {entriesDir}/{name}: an entry that can be used, or why it cannot.
    // Only what a build writes is plausible: a real folder named {key}-{created ms}, with
    // COMPLETE and entry.json regular files, entry.json's Key and CreatedAt those of the name,
    // CreatedAt not in the future (beyond kClockSkewSeconds), site-packages a real folder.
    struct Reading {
        std::optional<CacheEntry> entry;
        QString problem; // when there is no entry: why, or empty when nothing is there at all
    };
    static Reading read(const AgentFolder &folder, const QString &entriesDir, const QString &name);
};

} // namespace oa
