#pragma once

#include "fs/AgentFolder.h"
#include "CacheEntryFile.h"
#include "base/Error.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace oa {

// Where the environment cache keeps what, and the one gatekeeper through which all of it is
// read, written and removed:
//
//   entries/{key}-{created ms}/site-packages   packages, compiled once, then made immutable
//   entries/{key}-{created ms}/entry.json      inputs, pip freeze, size; COMPLETE beside it
//   entries/{key}-{created ms}.used            its mtime is the last use (LRU)
//   staging/{key}.{pid}.{n}/                   a build in progress; a dead builder's is removed
//   staging/{entry}.{pid}.evicted/             an entry on its way out
//   locks/{key}.lock, {key}.owner              one builder per key; others wait and then reuse
//   in-use/{entry}@{execution}.{pid}           who uses an entry now: never evicted while alive
//   store/{name}-{version}-{sha16}/            one wheel unpacked once, shared by composed venvs
//   locks/store-{sha16}.lock                   one unpack per wheel (DistributionStore)
//   staging/store.{pid}.{n}/                   a wheel being unpacked, or a store folder evicted
//   staging/yield.{pid}.{n}/                   a build's store has started: its head start stops compiling (BackgroundStore)
//   store/{name}-{version}-{sha16}.used        its mtime is the store folder's last use (StoreUse)
//   in-use/{store folder}@store-{n}.{pid}      a process that stores or composes from it now
//   in-use/kept/{execution}.{hash}.json        a kept venv and what it uses while it exists (KeptVenvs)
//
// The scripts that use the cache may run as root, so nothing in it is trusted: every path is
// walked with O_NOFOLLOW (AgentFolder), and a link anywhere below the cache folder is refused.
class CacheLayout {
public:
    // `agentBase` is the agent's base folder. A cache inside it (the default, {base}/EnvCache) is
    // walked from the base, so that EnvCache itself cannot be a planted link either. A cache the
    // administrator put elsewhere (--env-cache-dir) is walked from its own folder, which may be
    // a link of the administrator's.
    CacheLayout(const QString &dir, const QString &agentBase);

    const AgentFolder &folder() const { return m_folder; }
    QString dir() const { return m_dir; }
    QString entriesDir() const { return m_dir + QStringLiteral("/entries"); }
    QString stagingDir() const { return m_dir + QStringLiteral("/staging"); }
    QString locksDir() const { return m_dir + QStringLiteral("/locks"); }
    QString inUseDir() const { return m_dir + QStringLiteral("/in-use"); }
    QString keptVenvsDir() const { return inUseDir() + QStringLiteral("/kept"); }
    QString storeDir() const { return m_dir + QStringLiteral("/store"); }
    // "store-" and no dot: the pruner reads a lock's key up to the first dot, and removes the
    // lock file of a key with nothing left under that very lock, as it does for entries.
    QString storeLockFile(const QString &sha256) const { return lockFile(QStringLiteral("store-") + sha256.left(16)); }
    QString entryDir(const QString &name) const { return entriesDir() + u'/' + name; }
    QString lockFile(const QString &key) const { return locksDir() + u'/' + key + QStringLiteral(".lock"); }
    QString ownerFile(const QString &key) const { return locksDir() + u'/' + key + QStringLiteral(".owner"); }
    QString inUseMarker(const QString &entryName, const QString &executionId, qint64 pid) const;
    // A store folder's own marker in in-use/: "{folder}@store-{n}.{pid}", so that isInUse()
    // and the pruner's sweep of dead markers treat it as they treat an entry's.
    QString storeInUseMarker(const QString &folderName, quint32 n) const;
    QString storeFolderDir(const QString &folderName) const { return storeDir() + u'/' + folderName; }

    // Creates the cache folder and its subfolders. A subfolder that is a link (or a file, a
    // FIFO, ...) is unlinked, never followed, and replaced by a real folder; `warnings` says so.
    // A folder that cannot be made (a read-only filesystem, the cache folder a file, no
    // permission) is ErrorKind::Install, naming the folder and the error: such a
    // cache can never be built into, so nobody waits for it.
    Status prepare(QStringList *warnings = nullptr) const;
    // The subfolders that are not folders (or the cache folder itself, when it lies in the
    // agent's folder), described, for a listing that changes nothing.
    QStringList misplaced() const;

    // The entries whose names start with `prefix` (all of them with an empty one): those that
    // can be used, and the implausible ones with the reason.
    struct Scan {
        QList<CacheEntry> entries;
        QList<std::pair<QString, QString>> implausible; // name, why (CacheEntryFile::read)
    };
    Scan scan(const QString &prefix = QString()) const;

    // Whether a live execution holds a marker for `entryName`, or a kept venv uses it
    // (KeptVenvs). The markers of executions that died are removed on the way, and so are the
    // records of kept venvs that are gone.
    bool isInUse(const QString &entryName) const;

    // The PID in a staging folder's name ({key}.{pid}.{n}, {entry}.{pid}.evicted) or a
    // marker's ({…}.{pid}); 0 if none.
    static qint64 stagingPid(const QString &name);
    static qint64 markerPid(const QString &name);

    // A failure of the cache, as the run reports it: exit 6, what was being done, and why.
    static Error unusable(const QString &what, const Error &cause);

private:
    QStringList subfolders() const;

    QString m_dir;
    AgentFolder m_folder;
};

} // namespace oa
