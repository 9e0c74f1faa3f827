#include "EnvironmentCache.h"

#include "CacheBuilder.h"
#include "records/ExecutionLog.h"
#include "StoreFolder.h"
#include "fs/JsonFile.h"
#include "base/LoggingCategories.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <algorithm>

namespace oa {

namespace {

constexpr int kWaitStepMs = 200;
constexpr int kWaitReportMs = 30000;
constexpr int kOwnerGraceMs = 2000;

} // namespace

EnvironmentCache::EnvironmentCache(Settings settings)
    : m_settings(std::move(settings)), m_layout(m_settings.dir, m_settings.agentBase)
{
}

EnvironmentCache::~EnvironmentCache()
{
    release();
}

void EnvironmentCache::release()
{
    if (!m_marker.isEmpty())
        m_layout.folder().removeFile(m_marker);
    m_marker.clear();
}

EnvironmentCache::Listing EnvironmentCache::list() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    CacheLayout::Scan scan = m_layout.scan();
    for (CacheEntry &e : scan.entries) {
        e.inUse = m_layout.isInUse(e.name);
        e.expired = e.createdAt.msecsTo(now) > m_settings.maxAgeSeconds * 1000;
    }
    StoreUse::Scan store = StoreUse::scan(m_layout, scan.entries);
    return {scan.entries, scan.implausible, m_layout.misplaced(), store.folders, store.implausible};
}

void EnvironmentCache::warn(const QString &warning)
{
    if (!m_warnings.contains(warning))
        m_warnings.append(warning);
}

Result<EnvironmentCache::PruneReport> EnvironmentCache::removeWith(PruneReport (CachePruner::*how)() const) const
{
    QStringList replaced;
    if (Status prepared = m_layout.prepare(&replaced); !prepared)
        return prepared.error();
    PruneReport report = (CachePruner(m_layout, m_settings.maxAgeSeconds, m_settings.maxSizeBytes).*how)();
    report.warnings = replaced + report.warnings;
    return report;
}

Result<EnvironmentCache::PruneReport> EnvironmentCache::prune() const
{
    return removeWith(&CachePruner::prune);
}

Result<EnvironmentCache::PruneReport> EnvironmentCache::clear() const
{
    return removeWith(&CachePruner::clear);
}

std::optional<CacheEntry> EnvironmentCache::freshEntry(const QString &key)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::optional<CacheEntry> best;
    const CacheLayout::Scan scan = m_layout.scan(key + u'-');
    for (const auto &[name, why] : scan.implausible)
        warn(QStringLiteral("ignored the environment cache entry %1: %2").arg(m_layout.entryDir(name), why));
    for (const CacheEntry &e : scan.entries) {
        if (const QString problem = storeProblem(e); !problem.isEmpty()) {
            warn(QStringLiteral("ignored the environment cache entry %1: %2").arg(e.dir, problem));
            continue;
        }
        // A maximum age of 0 means "always rebuild": no entry is ever fresh.
        if (m_settings.maxAgeSeconds > 0 && e.createdAt.msecsTo(now) <= m_settings.maxAgeSeconds * 1000
            && (!best || e.createdAt > best->createdAt))
            best = e;
    }
    return best;
}

QString EnvironmentCache::storeProblem(const CacheEntry &entry) const
{
    // The store is untrusted input like the entries: each folder is read as DistributionStore
    // would read it before using it; an entry whose folder was tampered with is built again
    // (which moves the implausible folder aside and stores the wheel anew).
    // The executor's pip is no distribution of the set: it is checked against the entry's Pip record.
    for (const QString &name : entry.storeFolders) {
        const auto named = std::find_if(entry.provenance.installed.cbegin(), entry.provenance.installed.cend(), [&](const InstalledDistribution &d) {
            return StoreFolder::nameFor(d.name, d.version, d.sha256) == name;
        });
        const bool pip = named == entry.provenance.installed.cend() && name == entry.pipFolder();
        if (named == entry.provenance.installed.cend() && !pip)
            return QStringLiteral("its store folder %1 is none of the distributions it records").arg(name);
        const StoreFolder::Reading reading = pip ? StoreFolder::read(m_layout.folder(), m_layout.storeDir(), QStringLiteral("pip"), entry.pipVersion, entry.pipSha256)
                                                 : StoreFolder::read(m_layout.folder(), m_layout.storeDir(), named->name, named->version, named->sha256);
        if (!reading.distribution)
            return QStringLiteral("its store folder %1 %2").arg(name, reading.problem.isEmpty() ? QStringLiteral("is gone") : QStringLiteral("is not usable: ") + reading.problem);
    }
    return {};
}

Result<bool> EnvironmentCache::markInUse(const CacheEntry &entry, const QString &executionId)
{
    release();
    const AgentFolder &folder = m_layout.folder();
    const QString marker = m_layout.inUseMarker(entry.name, executionId, QCoreApplication::applicationPid());
    if (Status touched = folder.touch(marker); !touched)
        return CacheLayout::unusable(QStringLiteral("cannot mark environment %1 in use").arg(entry.name), touched.error());
    m_marker = marker;
    m_storeFoldersInUse.clear();
    for (const QString &name : entry.storeFolders)
        m_storeFoldersInUse.append(m_layout.storeDir() + u'/' + name);
    if (Status touched = folder.touch(CacheEntryFile::usedMarkerOf(entry.dir)); !touched)
        return CacheLayout::unusable(QStringLiteral("cannot record the use of environment %1").arg(entry.name), touched.error());
    // An eviction may have raced us between the lookup and the marker: look again.
    return CacheEntryFile::read(folder, m_layout.entriesDir(), entry.name).entry.has_value();
}

bool EnvironmentCache::reportWait(const QString &key, ExecutionLog &log, bool onlyWithOwner) const
{
    const auto owner = readJsonObject(m_layout.folder(), m_layout.ownerFile(key));
    if (!owner) {
        if (onlyWithOwner)
            return false;
        log.info(lcVenv, QStringLiteral("Waiting for another execution to build environment {EnvKey}"), {{QStringLiteral("EnvKey"), key}});
        return true;
    }
    log.info(lcVenv, QStringLiteral("Waiting for PID {BuilderPid} (execution {BuilderExecutionId}) to build environment {EnvKey}"),
             {{QStringLiteral("BuilderPid"), owner->value(QStringLiteral("Pid")).toInteger()},
              {QStringLiteral("BuilderExecutionId"), owner->value(QStringLiteral("ExecutionId")).toString()},
              {QStringLiteral("EnvKey"), key}});
    return true;
}

Result<CacheEntry> EnvironmentCache::acquire(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                                             const QString &requirementsFile, const QString &executionId, const QString &pipLog,
                                             ExecutionLog &log, RunControl *control)
{
    QStringList replaced;
    const Status prepared = m_layout.prepare(&replaced);
    for (const QString &warning : replaced)
        warn(warning);
    if (!prepared)
        return prepared.error();
    const QString digest = key.digest();
    const auto reuse = [&]() -> std::optional<Result<CacheEntry>> {
        auto entry = freshEntry(digest);
        if (!entry)
            return std::nullopt;
        const Result<bool> marked = markInUse(*entry, executionId);
        if (!marked)
            return Result<CacheEntry>(marked.error());
        if (!*marked)
            return std::nullopt;
        entry->reused = true;
        return Result<CacheEntry>(*entry);
    };
    if (auto reused = reuse())
        return *reused;

    // One builder per key. The others wait, say for whom, and then reuse what it built. Only
    // a live builder makes anyone wait: a lock that cannot be taken at all (a read-only cache,
    // a file in the way, no permission) will never be taken, so that is exit 6 at once.
    const QString lockPath = m_layout.lockFile(digest);
    UniqueFd buildLock;
    QElapsedTimer waited;
    waited.start();
    qint64 lastReport = -kWaitReportMs;
    for (;;) {
        auto taken = m_layout.folder().tryLock(lockPath);
        if (!taken)
            return CacheLayout::unusable(QStringLiteral("cannot take the build lock of environment %1").arg(digest), taken.error());
        if (taken->isValid()) {
            buildLock = std::move(taken).value();
            break;
        }
        // The builder writes its owner file right after taking the lock: give it a moment, so
        // that the first report can say whom we wait for.
        if (waited.elapsed() - lastReport >= kWaitReportMs && reportWait(digest, log, waited.elapsed() < kOwnerGraceMs))
            lastReport = waited.elapsed();
        if (control)
            if (auto stop = control->check(0))
                return fail(stop->kind, stop->message);
        if (waited.elapsed() > m_settings.buildWaitMs)
            return fail(ErrorKind::Environment, QStringLiteral("waited %1 s for another execution to build environment %2")
                                                         .arg(waited.elapsed() / 1000).arg(digest));
        QThread::msleep(kWaitStepMs);
    }
    const QByteArray owner = QJsonDocument(QJsonObject{{QStringLiteral("Pid"), QCoreApplication::applicationPid()},
                                                       {QStringLiteral("ExecutionId"), executionId}})
                                 .toJson(QJsonDocument::Compact);
    if (Status written = m_layout.folder().writeAtomically(m_layout.ownerFile(digest), owner); !written)
        return CacheLayout::unusable(QStringLiteral("cannot build environment %1").arg(digest), written.error());
    if (auto reused = reuse()) // built by the execution we waited for
        return *reused;
    CacheBuilder builder(m_layout, log, control, m_settings.buildAs, m_settings.pipEnvironment, m_settings.pipWorkingDirectory,
                         m_settings.pipHome);
    builder.setPipSandbox(m_settings.pipSandbox);
    auto built = builder.build(key, python, requirements, requirementsFile, pipLog);
    if (!built) {
        m_layout.folder().removeFile(m_layout.ownerFile(digest));
        return built;
    }
    // The lock is held until the entry is marked in use: a prune leaves the entries of a key
    // whose lock is held alone (CachePruner::evict), so the new entry, expired at once for a
    // maximum age of 0 and without a use yet, is not evicted between its publishing and our mark.
    const Result<bool> marked = markInUse(built.value(), executionId);
    m_layout.folder().removeFile(m_layout.ownerFile(digest));
    buildLock = UniqueFd(); // closing it releases the lock
    if (!marked)
        return marked.error();
    if (!*marked)
        return fail(ErrorKind::Environment, QStringLiteral("the environment %1 vanished right after it was built").arg(built->dir));
    const PruneReport pruned = CachePruner(m_layout, m_settings.maxAgeSeconds, m_settings.maxSizeBytes).prune();
    for (const QString &warning : pruned.warnings)
        warn(warning);
    if (!pruned.removed.isEmpty())
        log.info(lcVenv, QStringLiteral("Evicted {Evicted} from the environment cache ({FreedBytes} bytes)"),
                 {{QStringLiteral("Evicted"), pruned.removed.join(QStringLiteral(", "))}, {QStringLiteral("FreedBytes"), pruned.freedBytes}});
    return built;
}

Status EnvironmentCache::link(const AgentFolder &folder, const CacheEntry &entry, const QString &venvSitePackages)
{
    // site.addsitedir (not a bare path line) so that .pth files inside the entry work too; the
    // venv's own site-packages stays first on sys.path, so what a script installs wins.
    const QByteArray line = "import site; site.addsitedir(" + QJsonDocument(QJsonArray{entry.sitePackages}).toJson(QJsonDocument::Compact).mid(1).chopped(1) + ")\n";
    const QString pth = venvSitePackages + QStringLiteral("/openautomate-env.pth");
    // Not flushed: the venv lives for one run (two fsyncs, 1-10 ms, of every warm run).
    if (Status written = folder.writeAtomically(pth, line, nullptr, AgentFolder::Durability::AtomicOnly); !written)
        return fail(ErrorKind::Environment, QStringLiteral("cannot link the cached environment into the venv: %1").arg(written.error().message));
    return ok();
}

} // namespace oa
