#pragma once

#include "AgentPaths.h"
#include "ChildProcess.h"
#include "EnvironmentKey.h"
#include "ExitCode.h"
#include "PythonInterpreter.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace oa {

class ExecutionLog;

// A published, read-only set of installed packages that executions share.
struct CacheEntry {
    QString key;            // EnvironmentKey::digest()
    QString name;           // "{key}-{created ms}": a key may have several generations
    QString dir;
    QString sitePackages;
    QStringList freeze;     // what pip resolved, recorded when it was built
    QString inputs;         // EnvironmentKey::describe()
    QDateTime createdAt;
    qint64 sizeBytes = 0;
    bool reused = false;    // false: this execution built it
    // For listings:
    QDateTime lastUsed;
    bool inUse = false;
    bool expired = false;
};

// The shared cache of built environments (EnvCache/ in the base folder, or --env-cache-dir).
//
//   entries/{key}-{gen}/site-packages   packages, compiled once, then made immutable
//   entries/{key}-{gen}/entry.json      inputs, pip freeze, size; COMPLETE is written last
//   entries/{key}-{gen}.used            its mtime is the last use (LRU)
//   staging/{key}.{pid}.{n}/            a build in progress; a dead builder's is removed
//   locks/{key}.lock, {key}.owner       one builder per key; others wait and then reuse
//   in-use/{entry}@{execution}.{pid}    who uses an entry now: never evicted while alive
//
// An execution's own venv (venvs/{id}) reaches an entry through a .pth file, so nothing is
// copied or linked, and the cache may sit on any filesystem. The entry is immutable
// (FileProtection): a script's `pip install` lands in its own venv, and a script cannot delete
// or rewrite a shared file or write a .pyc into it.
class EnvironmentCache {
public:
    struct Settings {
        QString dir;
        qint64 maxAgeSeconds = 7 * 24 * 3600;
        qint64 maxSizeBytes = qint64(10) * 1024 * 1024 * 1024;
        qint64 buildWaitMs = 30 * 60 * 1000;
    };

    explicit EnvironmentCache(Settings settings);
    ~EnvironmentCache(); // releases this process's use of an entry

    const Settings &settings() const { return m_settings; }

    // A fresh entry for `key`, built now if there is none (or waiting for the execution that is
    // building it). Marks it in use by `executionId` until release(). pip's output of a build
    // goes to `pipLog`. Fails with RequirementsFailed (pip), EnvironmentFailed, or the
    // RunControl's stop (timeout, cancel) while waiting or building.
    Result<CacheEntry> acquire(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                               const QString &requirementsFile, const QString &executionId, const QString &pipLog,
                               ExecutionLog &log, RunControl *control);
    void release();

    QList<CacheEntry> entries() const;
    qint64 totalBytes() const;

    // Reads a cache folder without creating anything (for the monitor): how many complete
    // entries it holds and their total size.
    struct Summary {
        int entries = 0;
        qint64 bytes = 0;
    };
    static Summary summarize(const QString &cacheDir);

    struct PruneReport {
        QStringList removed;
        qint64 freedBytes = 0;
    };
    // Removes expired entries that have a newer generation or no user, crashed builds and stale
    // markers, then the least recently used entries until the cache fits maxSizeBytes. Entries
    // in use are never removed.
    PruneReport prune() const;

    // Writes {venv site-packages}/openautomate-env.pth so that the venv sees the entry.
    static Status link(const CacheEntry &entry, const QString &venvSitePackages);

private:
    std::optional<CacheEntry> freshEntry(const QString &key) const;
    Result<CacheEntry> build(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                             const QString &requirementsFile, const QString &pipLog, ExecutionLog &log, RunControl *control);
    bool markInUse(const CacheEntry &entry, const QString &executionId);
    bool isInUse(const QString &entryName) const;
    bool removeEntry(const QString &entryName) const;
    static std::optional<CacheEntry> readEntry(const QString &dir);
    QString path(const QString &relative) const { return m_settings.dir + u'/' + relative; }

    Settings m_settings;
    QString m_marker; // our in-use marker, while we hold one
};

} // namespace oa
