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
    // The store folders (names in store/) that its site-packages' .pth names: the set's, when
    // it is composed from the store of distributions, and the executor's pip (below).
    QStringList storeFolders;
    // The executor's pip: the interpreter's bundled wheel in the store, among storeFolders, so
    // that `python -m pip` works in a venv that uses the entry. Empty when the set has a pip of
    // its own, the interpreter has no bundled wheel, or the entry was built before pip came from
    // the store (its pip is then unpacked in its site-packages). Never part of freeze or
    // provenance: pip is the executor's tool, not a requirement (pip freeze leaves it out too).
    QString pipVersion;
    QString pipSha256;
    // pip's store folder; empty without one.
    QString pipFolder() const;
    // Whether the set itself comes from the store (a folder other than pip's).
    bool composedFromStore() const { return storeFolders.size() > (pipFolder().isEmpty() ? 0 : 1); }
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
    // CreatedAt not in the future (beyond kClockSkewSeconds), site-packages a real folder,
    // StoreFolders plain names, and a Pip record naming a version and a sha256 whose folder is
    // among them.
    struct Reading {
        std::optional<CacheEntry> entry;
        QString problem; // when there is no entry: why, or empty when nothing is there at all
    };
    static Reading read(const AgentFolder &folder, const QString &entriesDir, const QString &name);
};

} // namespace oa
