#include "EnvironmentCache.h"

#include "ExecutionLog.h"
#include "FileProtection.h"
#include "JsonFile.h"
#include "Leftovers.h"
#include "LoggingCategories.h"
#include "ProcessTable.h"
#include "PythonEnvironment.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QThread>

#include <algorithm>

namespace oa {

namespace {

constexpr int kWaitStepMs = 200;
constexpr int kWaitReportMs = 30000;

bool writeFile(const QString &path, const QByteArray &data)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size() && file.commit();
}

void touch(const QString &path)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.setFileTime(QDateTime::currentDateTimeUtc(), QFileDevice::FileModificationTime);
}

// "name==version" of every distribution in a site-packages folder, sorted, as pip freeze
// prints them: read from each *.dist-info/METADATA.
QStringList installedDistributions(const QString &sitePackages)
{
    QStringList found;
    for (const QString &info : QDir(sitePackages).entryList({QStringLiteral("*.dist-info")}, QDir::Dirs)) {
        QFile metadata(sitePackages + u'/' + info + QStringLiteral("/METADATA"));
        if (!metadata.open(QIODevice::ReadOnly))
            continue;
        QString name;
        QString version;
        while (!metadata.atEnd() && (name.isEmpty() || version.isEmpty())) {
            const QByteArray line = metadata.readLine().trimmed();
            if (line.isEmpty())
                break; // the headers end at the first empty line
            if (line.startsWith("Name:"))
                name = QString::fromUtf8(line.mid(5).trimmed());
            else if (line.startsWith("Version:"))
                version = QString::fromUtf8(line.mid(8).trimmed());
        }
        if (!name.isEmpty())
            found.append(name.toLower().replace(u'_', u'-') + QStringLiteral("==") + version);
    }
    found.sort();
    return found;
}

QString pidOf(const QString &name, QChar separator, int field)
{
    return name.section(separator, field, field);
}

} // namespace

EnvironmentCache::EnvironmentCache(Settings settings) : m_settings(std::move(settings))
{
    for (const char *sub : {"entries", "staging", "locks", "in-use"})
        QDir().mkpath(path(QString::fromLatin1(sub)));
}

EnvironmentCache::~EnvironmentCache()
{
    release();
}

void EnvironmentCache::release()
{
    if (!m_marker.isEmpty())
        QFile::remove(m_marker);
    m_marker.clear();
}

std::optional<CacheEntry> EnvironmentCache::readEntry(const QString &dir)
{
    if (!QFile::exists(dir + QStringLiteral("/COMPLETE")))
        return std::nullopt;
    const auto json = readJsonObject(dir + QStringLiteral("/entry.json"));
    if (!json)
        return std::nullopt;
    const QJsonObject &o = *json;
    CacheEntry e;
    e.dir = dir;
    e.name = QFileInfo(dir).fileName();
    e.key = o.value(QStringLiteral("Key")).toString();
    e.sitePackages = dir + QStringLiteral("/site-packages");
    for (const QJsonValue &v : o.value(QStringLiteral("PipFreeze")).toArray())
        e.freeze.append(v.toString());
    e.inputs = o.value(QStringLiteral("Inputs")).toString();
    e.createdAt = QDateTime::fromString(o.value(QStringLiteral("CreatedAt")).toString(), Qt::ISODateWithMs);
    e.sizeBytes = o.value(QStringLiteral("SizeBytes")).toInteger();
    e.lastUsed = QFileInfo(dir + QStringLiteral(".used")).lastModified().toUTC();
    return e;
}

QList<CacheEntry> EnvironmentCache::entries() const
{
    QList<CacheEntry> list;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QStringList names = QDir(path(QStringLiteral("entries"))).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : names) {
        if (auto e = readEntry(path(QStringLiteral("entries/")) + name)) {
            e->inUse = isInUse(name);
            e->expired = e->createdAt.msecsTo(now) > m_settings.maxAgeSeconds * 1000;
            list.append(*e);
        }
    }
    return list;
}

qint64 EnvironmentCache::totalBytes() const
{
    qint64 total = 0;
    for (const CacheEntry &e : entries())
        total += e.sizeBytes;
    return total;
}

EnvironmentCache::Summary EnvironmentCache::summarize(const QString &cacheDir)
{
    Summary summary;
    const QString entriesDir = cacheDir + QStringLiteral("/entries");
    for (const QString &name : QDir(entriesDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (const auto e = readEntry(entriesDir + u'/' + name)) {
            ++summary.entries;
            summary.bytes += e->sizeBytes;
        }
    }
    return summary;
}

std::optional<CacheEntry> EnvironmentCache::freshEntry(const QString &key) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    std::optional<CacheEntry> best;
    const QStringList names = QDir(path(QStringLiteral("entries"))).entryList({key + QStringLiteral("-*")}, QDir::Dirs);
    for (const QString &name : names) {
        const auto e = readEntry(path(QStringLiteral("entries/")) + name);
        if (e && e->key == key && e->createdAt.msecsTo(now) <= m_settings.maxAgeSeconds * 1000 && (!best || e->createdAt > best->createdAt))
            best = e;
    }
    return best;
}

bool EnvironmentCache::markInUse(const CacheEntry &entry, const QString &executionId)
{
    release();
    m_marker = path(QStringLiteral("in-use/%1@%2.%3").arg(entry.name, executionId).arg(QCoreApplication::applicationPid()));
    touch(m_marker);
    touch(entry.dir + QStringLiteral(".used"));
    // An eviction may have raced us between the lookup and the marker: check again.
    return QFile::exists(entry.dir + QStringLiteral("/COMPLETE"));
}

bool EnvironmentCache::isInUse(const QString &entryName) const
{
    const QString dir = path(QStringLiteral("in-use"));
    for (const QString &marker : QDir(dir).entryList({entryName + QStringLiteral("@*")}, QDir::Files)) {
        if (ProcessTable::isAlive(marker.section(u'.', -1).toLongLong()))
            return true;
        QFile::remove(dir + u'/' + marker); // its executor died
    }
    return false;
}

Result<CacheEntry> EnvironmentCache::acquire(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                                             const QString &requirementsFile, const QString &executionId, const QString &pipLog,
                                             ExecutionLog &log, RunControl *control)
{
    const QString digest = key.digest();
    if (auto entry = freshEntry(digest); entry && markInUse(*entry, executionId)) {
        entry->reused = true;
        return *entry;
    }

    // One builder per key. The others wait, say for whom, and then reuse what it built.
    QLockFile buildLock(path(QStringLiteral("locks/%1.lock").arg(digest)));
    buildLock.setStaleLockTime(0); // only a dead builder's lock is stale
    QElapsedTimer waited;
    waited.start();
    qint64 lastReport = -kWaitReportMs;
    while (!buildLock.tryLock(0)) {
        if (waited.elapsed() - lastReport >= kWaitReportMs) {
            lastReport = waited.elapsed();
            const QJsonObject owner = readJsonObject(path(QStringLiteral("locks/%1.owner").arg(digest))).value_or(QJsonObject());
            log.info(lcVenv, QStringLiteral("Waiting for PID {BuilderPid} (execution {BuilderExecutionId}) to build environment {EnvKey}"),
                     {{QStringLiteral("BuilderPid"), owner.value(QStringLiteral("Pid")).toInteger()},
                      {QStringLiteral("BuilderExecutionId"), owner.value(QStringLiteral("ExecutionId")).toString()},
                      {QStringLiteral("EnvKey"), digest}});
        }
        if (control)
            if (auto stop = control->check(0))
                return fail(stop->code, stop->message);
        if (waited.elapsed() > m_settings.buildWaitMs)
            return fail(ExitCode::EnvironmentFailed, QStringLiteral("waited %1 s for another execution to build environment %2")
                                                         .arg(waited.elapsed() / 1000).arg(digest));
        QThread::msleep(kWaitStepMs);
    }
    writeFile(path(QStringLiteral("locks/%1.owner").arg(digest)),
              QJsonDocument(QJsonObject{{QStringLiteral("Pid"), QCoreApplication::applicationPid()},
                                        {QStringLiteral("ExecutionId"), executionId}})
                  .toJson(QJsonDocument::Compact));
    if (auto entry = freshEntry(digest); entry && markInUse(*entry, executionId)) {
        entry->reused = true; // built by the execution we waited for
        return *entry;
    }
    auto built = build(key, python, requirements, requirementsFile, pipLog, log, control);
    QFile::remove(path(QStringLiteral("locks/%1.owner").arg(digest)));
    buildLock.unlock();
    if (!built)
        return built;
    if (!markInUse(built.value(), executionId))
        return fail(ExitCode::EnvironmentFailed, QStringLiteral("the environment %1 vanished right after it was built").arg(built->dir));
    const PruneReport pruned = prune();
    if (!pruned.removed.isEmpty())
        log.info(lcVenv, QStringLiteral("Evicted {Evicted} from the environment cache ({FreedBytes} bytes)"),
                 {{QStringLiteral("Evicted"), pruned.removed.join(QStringLiteral(", "))}, {QStringLiteral("FreedBytes"), pruned.freedBytes}});
    return built;
}

Result<CacheEntry> EnvironmentCache::build(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                                           const QString &requirementsFile, const QString &pipLog, ExecutionLog &log,
                                           RunControl *control)
{
    const QString digest = key.digest();
    const QString pid = QString::number(QCoreApplication::applicationPid());
    // A builder that died left its staging folder: nobody else builds this key now (we hold the lock).
    for (const QString &stale : QDir(path(QStringLiteral("staging"))).entryList({digest + QStringLiteral(".*")}, QDir::Dirs)) {
        if (!ProcessTable::isAlive(pidOf(stale, u'.', 1).toLongLong())) {
            FileProtection::unprotectTree(AgentFolder(m_settings.dir), path(QStringLiteral("staging/")) + stale);
            QDir(path(QStringLiteral("staging/")) + stale).removeRecursively();
            log.warning(lcVenv, QStringLiteral("Removed the unfinished build {Staging} of a builder that died"), {{QStringLiteral("Staging"), stale}});
        }
    }
    const QString staging = path(QStringLiteral("staging/%1.%2.%3").arg(digest, pid).arg(QRandomGenerator::global()->generate()));
    const QString site = staging + QStringLiteral("/site-packages");
    QDir().mkpath(site);
    const auto failBuild = [&](const Failure &failure) -> Result<CacheEntry> {
        QDir(staging).removeRecursively(); // a failed build is never cached
        return failure;
    };
    const auto step = [&](const QStringList &command, bool capture, ProcessExit &exit) {
        ProcessSpec spec;
        spec.program = command.first();
        spec.arguments = command.mid(1);
        spec.environment.insert(QStringLiteral("PYTHONIOENCODING"), QStringLiteral("utf-8"));
        if (!capture) {
            spec.stdoutFile = pipLog;
            spec.appendOutput = true;
        }
        exit = ChildProcess::run(spec, control);
        return PythonEnvironment::stopFailure(exit);
    };

    log.info(lcVenv, QStringLiteral("Building environment {EnvKey} for the cache; pip's output goes to {PipLog}"),
             {{QStringLiteral("EnvKey"), digest}, {QStringLiteral("PipLog"), pipLog}});
    // 1. Install, without compiling: compilation comes once, below, for what is really imported.
    QStringList install = python.pipCommand() + QStringList{QStringLiteral("install"), QStringLiteral("--disable-pip-version-check"),
                                                            QStringLiteral("--no-input"), QStringLiteral("--no-compile"),
                                                            QStringLiteral("--target"), site};
    if (!requirementsFile.isEmpty())
        install << QStringLiteral("-r") << requirementsFile;
    if (!requirements.isEmpty())
        install << QStringLiteral("--") << requirements;
    ProcessExit exit;
    if (auto stopped = step(install, false, exit))
        return failBuild(*stopped);
    if (!exit.succeeded()) {
        QFile logFile(pipLog);
        const QString output = logFile.open(QIODevice::ReadOnly) ? QString::fromUtf8(logFile.readAll()) : QString();
        return failBuild(fail(ExitCode::RequirementsFailed, QStringLiteral("pip install failed (exit code %1): %2; pip's output is in %3")
                                                                .arg(exit.conventionalExitCode())
                                                                .arg(PythonEnvironment::describePipFailure(output), pipLog)));
    }
    // 2. Compile once, in parallel. Test suites inside packages are never imported, so they
    //    are left out; so is pip (step 3), which only a script that installs something runs.
    if (auto stopped = step({python.executable, QStringLiteral("-m"), QStringLiteral("compileall"), QStringLiteral("-q"),
                             QStringLiteral("-j"), QStringLiteral("0"), QStringLiteral("-x"), QStringLiteral("[/\\\\]tests?[/\\\\]"), site},
                            false, exit))
        return failBuild(*stopped);
    // 3. pip itself, from the interpreter's bundled wheel, so `python -m pip` works in the venv.
    if (!python.bundledPipWheel.isEmpty() && !QFile::exists(site + QStringLiteral("/pip"))) {
        if (auto stopped = step({python.executable, QStringLiteral("-m"), QStringLiteral("zipfile"), QStringLiteral("-e"),
                                 python.bundledPipWheel, site}, false, exit))
            return failBuild(*stopped);
    }
    // 4. Record what was resolved, from the .dist-info folders (no second pip start).
    const QStringList frozen = installedDistributions(site);
    CacheEntry entry;
    entry.key = digest;
    entry.createdAt = QDateTime::currentDateTimeUtc();
    entry.name = QStringLiteral("%1-%2").arg(digest).arg(entry.createdAt.toMSecsSinceEpoch());
    entry.dir = path(QStringLiteral("entries/")) + entry.name;
    entry.sitePackages = entry.dir + QStringLiteral("/site-packages");
    entry.freeze = frozen;
    entry.inputs = key.describe();
    entry.sizeBytes = Leftovers::folderSize(staging);
    const QJsonObject json{{QStringLiteral("Key"), digest},
                           {QStringLiteral("Inputs"), entry.inputs},
                           {QStringLiteral("PipFreeze"), QJsonArray::fromStringList(entry.freeze)},
                           {QStringLiteral("CreatedAt"), entry.createdAt.toString(Qt::ISODateWithMs)},
                           {QStringLiteral("SizeBytes"), entry.sizeBytes},
                           {QStringLiteral("Interpreter"), python.executable}};
    if (!writeFile(staging + QStringLiteral("/entry.json"), QJsonDocument(json).toJson()))
        return failBuild(fail(ExitCode::EnvironmentFailed, QStringLiteral("cannot write %1/entry.json").arg(staging)));
    // 5. Publish: one atomic rename, then the completion marker, then make it immutable.
    if (!QDir().rename(staging, entry.dir))
        return failBuild(fail(ExitCode::EnvironmentFailed, QStringLiteral("cannot publish %1 as %2").arg(staging, entry.dir)));
    if (!writeFile(entry.dir + QStringLiteral("/COMPLETE"), entry.createdAt.toString(Qt::ISODateWithMs).toUtf8())) {
        removeEntry(entry.name);
        return fail(ExitCode::EnvironmentFailed, QStringLiteral("cannot complete %1").arg(entry.dir));
    }
    const bool immutable = FileProtection::protectTree(AgentFolder(m_settings.dir), entry.dir);
    log.info(lcVenv, QStringLiteral("Published environment {EnvEntry} ({SizeBytes} bytes, {Packages}); immutable: {Immutable}"),
             {{QStringLiteral("EnvEntry"), entry.name}, {QStringLiteral("SizeBytes"), entry.sizeBytes},
              {QStringLiteral("Packages"), entry.freeze.join(QStringLiteral(", "))}, {QStringLiteral("Immutable"), immutable}});
    return entry;
}

bool EnvironmentCache::removeEntry(const QString &entryName) const
{
    const QString dir = path(QStringLiteral("entries/")) + entryName;
    FileProtection::unprotectTree(AgentFolder(m_settings.dir), dir);
    // Out of sight first, so that no lookup finds it half deleted; then check the users again.
    const QString trash = path(QStringLiteral("staging/")) + entryName + QStringLiteral(".evicted");
    if (!QDir().rename(dir, trash))
        return false;
    if (isInUse(entryName)) { // someone took it between the check and the rename: put it back
        QDir().rename(trash, dir);
        FileProtection::protectTree(AgentFolder(m_settings.dir), dir);
        return false;
    }
    QFile::remove(dir + QStringLiteral(".used"));
    return QDir(trash).removeRecursively();
}

EnvironmentCache::PruneReport EnvironmentCache::prune() const
{
    PruneReport report;
    QList<CacheEntry> all = entries();
    const auto remove = [&](const CacheEntry &e) {
        if (!e.inUse && removeEntry(e.name)) {
            report.removed.append(e.name);
            report.freedBytes += e.sizeBytes;
            return true;
        }
        return false;
    };
    // Expired entries go; so do older generations of a key.
    QList<CacheEntry> kept;
    for (const CacheEntry &e : all) {
        const bool superseded = std::any_of(all.cbegin(), all.cend(), [&](const CacheEntry &o) { return o.key == e.key && o.createdAt > e.createdAt; });
        if (!((e.expired || superseded) && remove(e)))
            kept.append(e);
    }
    // Then the least recently used, until the cache fits.
    std::sort(kept.begin(), kept.end(), [](const CacheEntry &a, const CacheEntry &b) { return a.lastUsed < b.lastUsed; });
    qint64 total = 0;
    for (const CacheEntry &e : kept)
        total += e.sizeBytes;
    for (const CacheEntry &e : kept) {
        if (total <= m_settings.maxSizeBytes)
            break;
        if (remove(e))
            total -= e.sizeBytes;
    }
    // Leftovers of crashes: unfinished builds, entries without COMPLETE, evictions cut short.
    const QString staging = path(QStringLiteral("staging"));
    for (const QString &name : QDir(staging).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const bool evicted = name.endsWith(QLatin1String(".evicted"));
        if (evicted || !ProcessTable::isAlive(pidOf(name, u'.', 1).toLongLong())) {
            FileProtection::unprotectTree(AgentFolder(m_settings.dir), staging + u'/' + name);
            if (QDir(staging + u'/' + name).removeRecursively())
                report.removed.append(name);
        }
    }
    for (const QString &name : QDir(path(QStringLiteral("entries"))).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString dir = path(QStringLiteral("entries/")) + name;
        QLockFile building(path(QStringLiteral("locks/%1.lock").arg(name.section(u'-', 0, 0))));
        if (!QFile::exists(dir + QStringLiteral("/COMPLETE")) && building.tryLock(0)) {
            FileProtection::unprotectTree(AgentFolder(m_settings.dir), dir);
            if (QDir(dir).removeRecursively())
                report.removed.append(name);
        }
    }
    return report;
}

Status EnvironmentCache::link(const CacheEntry &entry, const QString &venvSitePackages)
{
    // site.addsitedir (not a bare path line) so that .pth files inside the entry work too; the
    // venv's own site-packages stays first on sys.path, so what a script installs wins.
    const QByteArray line = "import site; site.addsitedir(" + QJsonDocument(QJsonArray{entry.sitePackages}).toJson(QJsonDocument::Compact).mid(1).chopped(1) + ")\n";
    if (!writeFile(venvSitePackages + QStringLiteral("/openautomate-env.pth"), line))
        return fail(ExitCode::EnvironmentFailed, QStringLiteral("cannot write %1/openautomate-env.pth").arg(venvSitePackages));
    return ok();
}

} // namespace oa
