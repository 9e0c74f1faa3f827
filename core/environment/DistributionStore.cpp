#include "DistributionStore.h"

#include "fs/FileProtection.h"
#include "fs/FolderSize.h"
#include "InstallReport.h"
#include "StoreUse.h"
#include "process/ChildProcess.h"
#include "wheel/WheelArchive.h"
#include "wheel/WheelInstaller.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QThread>
#include <QUrl>

namespace oa {

namespace {

constexpr int kStoreWaitStepMs = 100;
// Past this many unpacked bytes a distribution is compiled by a worker per core (compileall -j 0).
constexpr qint64 kParallelCompileBytes = 4 * 1024 * 1024;

} // namespace

DistributionStore::DistributionStore(const CacheLayout &layout, RunControl *control, qint64 waitMs)
    : m_layout(layout), m_control(control), m_waitMs(waitMs)
{
}

DistributionStore::~DistributionStore()
{
    release();
}

void DistributionStore::release()
{
    for (const QString &marker : std::as_const(m_markers))
        m_layout.folder().removeFile(marker);
    m_markers.clear();
    m_marked.clear();
}

Status DistributionStore::markInUse(const QString &folderName)
{
    if (m_marked.contains(folderName))
        return ok();
    const QString marker = m_layout.storeInUseMarker(folderName, QRandomGenerator::global()->generate());
    if (Status touched = m_layout.folder().touch(marker); !touched)
        return CacheLayout::unusable(QStringLiteral("cannot mark the store folder %1 in use").arg(folderName), touched.error());
    m_markers.append(marker);
    m_marked.append(folderName);
    return ok();
}

QString DistributionStore::stagingName() const
{
    // {store}.{pid}.{n}: the pruner removes a staging folder whose PID (the second part) died.
    return m_layout.stagingDir()
           + QStringLiteral("/store.%1.%2").arg(QCoreApplication::applicationPid()).arg(QRandomGenerator::global()->generate());
}

std::optional<StoredDistribution> DistributionStore::find(const PinnedWheel &wheel)
{
    StoreFolder::Reading reading = StoreFolder::read(m_layout.folder(), m_layout.storeDir(), wheel.name, wheel.version, wheel.sha256);
    if (!reading.problem.isEmpty())
        m_warnings.append(QStringLiteral("the store folder %1 is not used: %2")
                              .arg(m_layout.storeDir() + u'/' + StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256), reading.problem));
    return reading.distribution;
}

Result<UniqueFd> DistributionStore::lock(const PinnedWheel &wheel)
{
    // Only a live holder makes anyone wait: the kernel drops a dead one's flock.
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        auto taken = m_layout.folder().tryLock(m_layout.storeLockFile(wheel.sha256));
        if (!taken)
            return CacheLayout::unusable(QStringLiteral("cannot take the store lock of %1 %2").arg(wheel.name, wheel.version), taken.error());
        if (taken->isValid())
            return std::move(taken).value();
        if (m_control)
            if (auto stop = m_control->check(0))
                return fail(stop->kind, stop->message);
        if (waited.elapsed() > m_waitMs)
            return fail(ErrorKind::Environment, QStringLiteral("waited %1 s for another execution to store %2 %3")
                                                         .arg(waited.elapsed() / 1000).arg(wheel.name, wheel.version));
        QThread::msleep(kStoreWaitStepMs);
    }
}

Status DistributionStore::evict(const QString &folderName, const QString &why)
{
    // Out of sight first, so that nobody finds it half removed; an immutable folder cannot be
    // renamed, so the attribute goes first. Nothing in it is ever followed (FileProtection,
    // AgentFolder::removeTree).
    const AgentFolder &folder = m_layout.folder();
    const QString dir = m_layout.storeDir() + u'/' + folderName;
    FileProtection::unprotectTree(folder, dir);
    const QString trash = stagingName() + QStringLiteral(".evicted");
    if (Status moved = folder.rename(dir, trash); !moved)
        return CacheLayout::unusable(QStringLiteral("cannot move the implausible store folder %1 aside").arg(dir), moved.error());
    m_warnings.append(QStringLiteral("moved the implausible store folder %1 aside and stored the wheel again: %2").arg(dir, why));
    FileProtection::unprotectTree(folder, trash);
    if (Status removed = folder.removeTree(trash); !removed)
        m_warnings.append(removed.error().message); // out of sight; the next prune tries again
    return ok();
}

Result<StoredDistribution> DistributionStore::build(const PinnedWheel &wheel, const PythonInterpreter &python, const QString &log)
{
    const AgentFolder &folder = m_layout.folder();
    if (wheel.path.isEmpty())
        return fail(ErrorKind::Install, QStringLiteral("%1 %2 (sha256 %3) is neither in the store nor in a wheel folder").arg(wheel.name, wheel.version, wheel.sha256));
    auto archive = WheelArchive::open(wheel.path);
    if (!archive)
        return archive.error();
    // The hash of the very file libzip reads (one descriptor), before a byte is unpacked.
    const auto sha256 = archive->fileSha256();
    if (!sha256)
        return sha256.error();
    if (QString::fromLatin1(*sha256) != wheel.sha256.toLower())
        return fail(ErrorKind::Install, QStringLiteral("%1: hash mismatch: its sha256 is %2, the set pins %3")
                                            .arg(wheel.path, QString::fromLatin1(*sha256), wheel.sha256));
    if (InstallReport::normalizeName(archive->name()) != InstallReport::normalizeName(wheel.name) || archive->version() != wheel.version)
        return fail(ErrorKind::Install, QStringLiteral("%1 holds %2 %3, not %4 %5").arg(wheel.path, archive->name(), archive->version(), wheel.name, wheel.version));

    WheelInstallOptions options;
    options.python = python.executable;
    options.pythonVersion = python.version.section(u'.', 0, 1);
    const QString staging = stagingName();
    const auto installed = WheelInstaller(options).install(*archive, staging);
    if (!installed)
        return installed.error(); // the installer removed its target whole
    const auto failBuild = [&](const Error &failure) -> Result<StoredDistribution> {
        folder.removeTree(staging); // nothing half built is ever published
        return failure;
    };
    StoredDistribution d;
    d.name = installed->name;
    d.version = installed->version;
    d.sha256 = wheel.sha256.toLower();
    d.file = archive->fileName();
    d.url = wheel.url.isEmpty() ? QUrl::fromLocalFile(wheel.path).toString(QUrl::FullyEncoded) : wheel.url;
    d.source = InstallReport::sourceOf(d.url);
    d.python = python.executable;
    d.folderName = StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256);
    d.dir = m_layout.storeDir() + u'/' + d.folderName;
    d.sitePackages = d.dir + u'/' + installed->sitePackages;

    // Compiled once, here: the published folder is immutable, so no user could write a .pyc.
    // Test suites inside packages are never imported, as in cache entries. A worker per core
    // (-j 0) only for a large distribution: starting the pool costs more than a small one's
    // whole compile (ten small wheels: 1.9 s with it, about 1.3 s without).
    ProcessSpec spec;
    spec.program = python.executable;
    spec.arguments = {QStringLiteral("-I"), QStringLiteral("-m"), QStringLiteral("compileall"), QStringLiteral("-q")};
    if (folderSize(staging) > kParallelCompileBytes)
        spec.arguments << QStringLiteral("-j") << QStringLiteral("0");
    spec.arguments << QStringLiteral("-x") << QStringLiteral("[/\\\\]tests?[/\\\\]") << staging + u'/' + installed->sitePackages;
    spec.workingDirectory = QStringLiteral("/"); // never a folder a task could plant a module in
    spec.environment.insert(QStringLiteral("PYTHONIOENCODING"), QStringLiteral("utf-8"));
    spec.stdoutFile = log;
    spec.appendOutput = true;
    const ProcessExit exit = ChildProcess::run(spec, m_control);
    if (auto stopped = exit.stopError())
        return failBuild(*stopped);
    if (!exit.succeeded())
        return failBuild(fail(ErrorKind::Install, QStringLiteral("storing %1 failed while compiling it (%2); the output is in %3")
                                                      .arg(d.file, exit.exitMessage(), log)));
    d.sizeBytes = folderSize(staging);
    if (Status marked = StoreFolder::writeMarker(folder, staging, d); !marked)
        return failBuild(CacheLayout::unusable(QStringLiteral("cannot record the store folder of %1").arg(d.file), marked.error()));
    // One rename that never replaces anything publishes it whole; then nobody may change it.
    if (Status published = folder.rename(staging, d.dir); !published)
        return failBuild(CacheLayout::unusable(QStringLiteral("cannot publish %1 into the store").arg(d.file), published.error()));
    FileProtection::protectTree(folder, d.dir);
    return d;
}

Result<StoredDistribution> DistributionStore::ensure(const PinnedWheel &wheel, const PythonInterpreter &python, const QString &log)
{
    // Marked before the first look: a pruner that moved the folder aside before this sees it
    // missing below and waits for the wheel's lock; one that moves it after finds the marker when
    // it checks for users again, and puts it back (StorePruner).
    const QString folderName = StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256);
    if (Status marked = markInUse(folderName); !marked)
        return marked.error();
    auto stored = ensureMarked(wheel, python, log);
    if (stored && !StoreUse::recordUse(m_layout, folderName))
        m_warnings.append(QStringLiteral("cannot record the use of the store folder %1").arg(stored->dir));
    return stored;
}

Result<StoredDistribution> DistributionStore::ensureMarked(const PinnedWheel &wheel, const PythonInterpreter &python, const QString &log)
{
    // Without the lock first: a stored wheel is only read. Anything else is looked at again
    // under the lock, where an implausible folder is moved aside.
    if (auto stored = StoreFolder::read(m_layout.folder(), m_layout.storeDir(), wheel.name, wheel.version, wheel.sha256).distribution)
        return *stored;
    auto held = lock(wheel);
    if (!held)
        return held.error();
    // Under the lock: another process may have stored it while we waited.
    StoreFolder::Reading reading = StoreFolder::read(m_layout.folder(), m_layout.storeDir(), wheel.name, wheel.version, wheel.sha256);
    if (reading.distribution)
        return *reading.distribution;
    if (!reading.problem.isEmpty())
        if (Status evicted = evict(StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256), reading.problem); !evicted)
            return evicted.error();
    return build(wheel, python, log);
}

Result<QList<StoredDistribution>> DistributionStore::ensureAll(const QList<PinnedWheel> &wheels, const PythonInterpreter &python, const QString &log)
{
    QList<StoredDistribution> stored;
    for (const PinnedWheel &wheel : wheels) {
        auto one = ensure(wheel, python, log);
        if (!one)
            return one.error();
        stored.append(*one);
    }
    return stored;
}

} // namespace oa
