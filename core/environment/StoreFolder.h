#pragma once

#include "fs/AgentFolder.h"
#include "fs/OpenFolder.h"
#include "base/Error.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// One distribution in the environment cache's store: a wheel unpacked once (WheelInstaller),
// compiled once, root-owned and immutable, shared by every venv composed from it.
struct StoredDistribution {
    QString name;         // as its dist-info folder spells it
    QString version;
    QString sha256;       // the wheel file's, lower-case hex
    QString file;         // the wheel's file name
    QString url;          // where it was taken from when it was stored (file:// URL)
    QString source;       // that file's folder (InstallReport::sourceOf)
    QString python;       // the interpreter its scripts' and wrappers' "#!" lines name
    QString folderName;   // {normalized name}-{version}-{first 16 hex of sha256}
    QString dir;          // store/{folderName}, absolute
    QString sitePackages; // {dir}/lib/pythonX.Y/site-packages, absolute
    qint64 sizeBytes = 0;
    // The interpreters' cache tags ("cpython-311") whose .pyc files it holds: the one that
    // stored it, then each that added its own (StoreBytecode). Empty in a folder stored before
    // the marker said, which is then compiled again for its next user.
    QStringList bytecode;
    // Set while its protection is lifted to add `compiling`'s bytecode: a folder found so by a
    // process that gets its lock was left so by one that died, and is compiled and protected again.
    QString compiling;
    bool reused = false;  // false: this process unpacked it now
};

// A store folder's name, its marker ({dir}/stored.json, written last, before the publishing
// rename) and what makes an existing folder plausible. Anyone who runs a script as root can
// write into the cache, so a folder found in store/ is untrusted: it is used only when it is
// exactly what DistributionStore publishes.
class StoreFolder {
public:
    static constexpr const char *kMarkerFile = "stored.json";

    // {PEP 503 name}-{version}-{first 16 hex of sha256}.
    static QString nameFor(const QString &name, const QString &version, const QString &sha256);

    // Writes {buildDir}/stored.json atomically, every step checked. `distribution`'s dir and
    // sitePackages are those it will have once published; the marker keeps sitePackages
    // relative to dir.
    static Status writeMarker(const AgentFolder &folder, const QString &buildDir, const StoredDistribution &distribution);

    struct Reading {
        std::optional<StoredDistribution> distribution;
        QString problem; // when there is none: why, or empty when nothing is there at all
    };
    // What is at {storeDir}/{nameFor(name, version, sha256)}. Plausible only when: a real folder,
    // and its site-packages and dist-info folders, each owned by the executor's user and
    // writable by nobody else; the marker the executor's own regular file with one name,
    // naming this very wheel (sha256, name, version) and a site-packages laid out as the
    // installer lays it out; and the dist-info's METADATA naming the same name and version.
    static Reading read(const AgentFolder &folder, const QString &storeDir, const QString &name, const QString &version,
                        const QString &sha256);
    // The same in the store folder `store`, already open: for a caller that reads many.
    static Reading read(const OpenFolder &store, const QString &name, const QString &version, const QString &sha256);

    // What is at {storeDir}/{folderName} when only the name is known (the pruner, the listing):
    // the marker says which wheel it holds, its name must be nameFor() that wheel, and then
    // read() decides. A marker that is missing or unreadable makes the folder implausible.
    static Reading readPublished(const AgentFolder &folder, const QString &storeDir, const QString &folderName);
    static Reading readPublished(const OpenFolder &store, const QString &folderName);

    // store/ opened through `folder`'s walk; nullopt when it is missing (nothing stored yet,
    // `problem` empty) or cannot be opened (a link, say: `problem` says why).
    static std::optional<OpenFolder> openStore(const AgentFolder &folder, const QString &storeDir, QString &problem);

private:
    // Empty when the open folder is owned by the executor's user and not writable by group or
    // others; else what it is.
    static QString foreignFolder(const OpenFolder &folder);
};

} // namespace oa
