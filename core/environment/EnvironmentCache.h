#pragma once

#include "fs/AgentFolder.h"
#include "CacheEntryFile.h"
#include "CacheLayout.h"
#include "CachePruner.h"
#include "process/ChildProcess.h"
#include "EnvironmentKey.h"
#include "base/Error.h"
#include "PythonInterpreter.h"
#include "StoreUse.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <utility>

namespace oa {

class ExecutionLog;

// The shared cache of built environments (EnvCache/ in the base folder, or --env-cache-dir),
// as the executor and the admin commands use it: lookup, the build lock, in-use markers and
// listing here; CacheLayout says where everything is, CacheBuilder builds and publishes,
// CachePruner evicts.
//
// An execution's own venv (venvs/{id}) reaches an entry through a .pth file, so nothing is
// copied or linked, and the cache may sit on any filesystem. The entry is immutable
// (FileProtection): a script's `pip install` lands in its own venv, and a script cannot delete
// or rewrite a shared file or write a .pyc into it.
class EnvironmentCache {
public:
    struct Settings {
        QString dir;
        QString agentBase; // the agent's base folder: a cache inside it is walked from there
        qint64 maxAgeSeconds = 7 * 24 * 3600;
        qint64 maxSizeBytes = qint64(10) * 1024 * 1024 * 1024;
        qint64 buildWaitMs = 30 * 60 * 1000;
        // pip builds as this user (a run-as user): third-party build code never runs as root.
        // The executor then copies what it installed into an entry of its own, read-only.
        std::shared_ptr<const ProcessCredentials> buildAs;
        // Set over the executor's environment for pip's install step (executor.conf's
        // [PipEnvironment]). The key must be built with the same (EnvironmentKey::build).
        QMap<QString, QString> pipEnvironment;
        QString pipWorkingDirectory; // pip install's working folder: empty, the executor's; default "/"
        QString pipHome;             // pip's HOME (PythonEnvironment::isolatePip); empty: the user's own
        // Sandbox = bubblewrap: the pip step runs in this sandbox, with its own build's staging
        // folder writable too (never the cache's other folders); none: unsandboxed.
        std::optional<SandboxSpec> pipSandbox;
    };

    explicit EnvironmentCache(Settings settings);
    ~EnvironmentCache(); // releases this process's use of an entry

    const Settings &settings() const { return m_settings; }

    // A fresh entry for `key`, built now if there is none (or waiting for the execution that is
    // building it). Marks it in use by `executionId` until release(). pip's output of a build
    // goes to `pipLog`. Fails with RequirementsFailed (pip, or a cache that cannot be used or
    // built), EnvironmentFailed (a wait that never ended), or the RunControl's stop (timeout,
    // cancel) while waiting or building.
    Result<CacheEntry> acquire(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                               const QString &requirementsFile, const QString &executionId, const QString &pipLog,
                               ExecutionLog &log, RunControl *control);
    void release();
    // The store folders (absolute) of the entry acquire() returned, which its site-packages'
    // .pth names: the script's sandbox must let it read them as it reads the entry.
    const QStringList &storeFoldersInUse() const { return m_storeFoldersInUse; }
    // What acquire() found wrong with the cache on the way (implausible entries ignored or
    // removed, a prune that failed), for executor.log and result.json; taken once.
    QStringList takeWarnings() { return std::exchange(m_warnings, {}); }

    // The entries that can be used (with inUse and expired set), the implausible ones, the
    // cache's subfolders that are not folders, and the store's folders with their users
    // (StoreUse). Changes nothing but the markers of processes that died.
    struct Listing {
        QList<CacheEntry> entries;
        QList<std::pair<QString, QString>> implausible; // name, why
        QStringList problems;
        QList<StoreFolderUse> store;
        QList<std::pair<QString, QString>> implausibleStore; // name in store/, why
    };
    Listing list() const;

    // What a cache folder holds, read without creating anything (for the monitor,
    // CacheSummarizer): how many complete entries and plausible store folders, and their total
    // size (each file once: a composed entry's packages are counted in the store).
    struct Summary {
        int entries = 0;
        int distributions = 0;
        qint64 bytes = 0;
    };

    using PruneReport = CachePruner::Report;
    // See CachePruner::prune(). Fails when the cache folder cannot be used at all.
    Result<PruneReport> prune() const;
    // See CachePruner::clear(): --clear-env-cache, and the monitor's Clear environment cache.
    Result<PruneReport> clear() const;

    // Writes {venv site-packages}/openautomate-env.pth, through the gatekeeper of the venv's
    // base folder, so that the venv sees the entry. EnvironmentFailed naming the file when it
    // cannot be written whole.
    static Status link(const AgentFolder &folder, const CacheEntry &entry, const QString &venvSitePackages);

private:
    // prune() and clear(): the cache's folders made sound first, then `how`.
    Result<PruneReport> removeWith(PruneReport (CachePruner::*how)() const) const;
    // The newest usable entry for `key`; implausible ones met on the way become warnings.
    std::optional<CacheEntry> freshEntry(const QString &key);
    void warn(const QString &warning);
    // Why a store-composed entry cannot be used: one of its store folders is not the plausible
    // folder of a distribution its provenance names (StoreFolder::read). Empty when it can.
    QString storeProblem(const CacheEntry &entry) const;
    // Marks `entry` in use: false when it vanished meanwhile (an eviction won the race).
    Result<bool> markInUse(const CacheEntry &entry, const QString &executionId);
    // Says whom a waiter waits for; with `onlyWithOwner`, only once the builder is known.
    // True when it said something.
    bool reportWait(const QString &key, ExecutionLog &log, bool onlyWithOwner) const;

    Settings m_settings;
    CacheLayout m_layout;
    QString m_marker; // our in-use marker, while we hold one
    QStringList m_storeFoldersInUse;
    QStringList m_warnings;
};

} // namespace oa
