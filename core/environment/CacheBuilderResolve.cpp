// CacheBuilder's steps 1 and 2 for a set that is not hash-pinned (issue 22, "Resolve only when
// needed"): pip resolves, the store installs.
#include "CacheBuilder.h"

#include "BackgroundStore.h"
#include "DistributionStore.h"
#include "base/LoggingCategories.h"
#include "records/ExecutionLog.h"
#include "fs/TreeOwnership.h"
#include "ResolvedSet.h"
#include "SdistWheelBuild.h"
#include "StoreBytecode.h"
#include "StorePlan.h"
#include "WheelGuess.h"

#include <QFileInfo>

namespace oa {

std::optional<Error> CacheBuilder::download(const PythonInterpreter &python, ResolvedSet &set, const QString &staging, const QString &work,
                                              const QString &pipLog, const std::optional<SandboxSpec> &sandbox)
{
    const AgentFolder &folder = m_layout.folder();
    // The executor's own file, which pip only reads: "name==version --hash=sha256:…" of each
    // wheel, so that pip takes from the agent's index (its settings, as the build user, in the
    // sandbox) exactly the file it resolved, and refuses any other.
    const QString wanted = staging + QStringLiteral("/download.txt");
    if (Status written = folder.writeAtomically(wanted, set.downloadRequirements()); !written)
        return CacheLayout::unusable(QStringLiteral("cannot prepare %1").arg(wanted), written.error());
    const QString into = work + QStringLiteral("/wheels");
    if (Status made = folder.ensureDir(into); !made)
        return CacheLayout::unusable(QStringLiteral("cannot prepare the build folder %1").arg(into), made.error());
    if (m_buildAs)
        if (Status given = TreeOwnership::give(folder, into, m_buildAs->uid, m_buildAs->gid); !given)
            return CacheLayout::unusable(QStringLiteral("cannot prepare the build folder %1").arg(into), given.error());
    const QStringList command = python.pipCommand()
                                + QStringList{QStringLiteral("download"), QStringLiteral("--disable-pip-version-check"), QStringLiteral("--no-input"),
                                              QStringLiteral("--no-deps"), QStringLiteral("--only-binary"), QStringLiteral(":all:"),
                                              QStringLiteral("--require-hashes"), QStringLiteral("--dest"), into, QStringLiteral("-r"), wanted};
    ProcessExit exit;
    if (auto stopped = run(command, pipLog, exit, m_buildAs, m_buildAs ? work : QString(), m_pipEnvironment, m_pipWorkingDirectory, sandbox))
        return stopped;
    if (!exit.succeeded())
        return pipFailed(exit, pipLog);
    // What the build user downloaded is copied into files of the executor's own, as install()
    // takes pip's packages: a link or a FIFO at a wheel's name never reaches the store.
    QString wheels = into;
    if (m_buildAs) {
        wheels = staging + QStringLiteral("/wheels");
        if (Status copied = TreeOwnership::copyAsOwn(folder, into, wheels); !copied)
            return fail(ErrorKind::Install, QStringLiteral("the wheels that pip downloaded as %1 cannot be taken over: %2")
                                                .arg(m_buildAs->userName, copied.error().message));
    }
    for (PinnedWheel &wheel : set.wheels) {
        if (!wheel.path.isEmpty())
            continue;
        const QString name = ResolvedSet::downloadedName(wheel);
        if (name.isEmpty() || name.contains(u'/') || folder.kindOf(wheels + u'/' + name) != AgentFolder::Kind::Regular)
            return fail(ErrorKind::Install, QStringLiteral("pip download did not write %1 (%2 %3, from %4); its output is in %5")
                                                .arg(name, wheel.name, wheel.version, wheel.url, pipLog));
        wheel.path = wheels + u'/' + name;
    }
    return std::nullopt;
}

Result<QString> CacheBuilder::resolveIntoStore(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                                               const QString &requirementsFile, const QString &staging, const QString &site,
                                               const QString &pipLog, DistributionStore &store, Composed &composed)
{
    const QString pipVersion = python.pipCommandVersion();
    if (!InstallReport::pipSupportsReport(pipVersion))
        return pipVersion.isEmpty() ? QStringLiteral("the version of pip is not known; resolving alone needs pip 22.2 or later")
                                    : QStringLiteral("pip %1 cannot resolve alone (--dry-run --report needs pip 22.2 or later)").arg(pipVersion);
    const AgentFolder &folder = m_layout.folder();
    // pip's folders as install() makes them, so that pip and any build code it runs see the
    // same: tmp/ for its temporary files, its report and what it downloads, and with a build
    // user build/, both the user's. Removed before the entry is published or pip installs.
    const QString work = staging + QStringLiteral("/tmp");
    const QString build = staging + QStringLiteral("/build");
    for (const QString &dir : m_buildAs ? QStringList{build, work} : QStringList{work}) {
        if (Status made = folder.ensureDir(dir); !made)
            return CacheLayout::unusable(QStringLiteral("cannot prepare the build folder %1").arg(dir), made.error());
        if (m_buildAs)
            if (Status given = TreeOwnership::give(folder, dir, m_buildAs->uid, m_buildAs->gid); !given)
                return CacheLayout::unusable(QStringLiteral("cannot prepare the build folder %1").arg(dir), given.error());
    }
    const auto cleanUp = [&]() -> std::optional<Error> {
        for (const QString &dir : QStringList{work, build, staging + QStringLiteral("/wheels"), staging + QStringLiteral("/sdists")})
            if (Status removed = folder.removeTree(dir); !removed)
                return CacheLayout::unusable(QStringLiteral("cannot remove the build folder %1").arg(dir), removed.error());
        folder.removeFile(staging + QStringLiteral("/download.txt"));
        return std::nullopt;
    };
    std::optional<SandboxSpec> sandbox = m_pipSandbox;
    if (sandbox)
        sandbox->writable.append(staging); // this build's own staging folder, never the cache's others

    // While pip resolves, one core is idle: the store takes ahead the executor's pip, if it lacks
    // it or its bytecode, and the wheels pip is all but sure to pick (BackgroundStore).
    std::optional<PinnedWheel> pipAhead;
    if (m_pip)
        if (const auto stored = store.find(m_pip->wheel); !stored || StoreBytecode::lacks(*stored, python))
            pipAhead = m_pip->wheel;
    const QList<PinnedWheel> guesses = WheelGuess::make(key, python);
    std::optional<BackgroundStore> ahead;
    if (pipAhead || !guesses.isEmpty()) {
        if (!guesses.isEmpty()) {
            QStringList files;
            for (const PinnedWheel &guess : guesses)
                files.append(QFileInfo(guess.path).fileName());
            m_log.info(lcVenv, QStringLiteral("While pip resolves, the store takes ahead the wheels pinned with == that it will most likely pick: {Guesses}"),
                       {{QStringLiteral("Guesses"), files.join(QStringLiteral(", "))}});
        }
        ahead.emplace(m_layout, python, pipAhead, guesses, pipLog);
    }

    // 1. pip resolves with everything install() gives it (the same requirements, settings,
    //    isolation, user and sandbox), and installs nothing.
    const QString report = work + QStringLiteral("/pip-report.json");
    ProcessExit exit;
    const QStringList command = pipInstall(python, {QStringLiteral("--dry-run"), QStringLiteral("--ignore-installed"), QStringLiteral("--report"), report},
                                           requirements, requirementsFile);
    if (auto stopped = run(command, pipLog, exit, m_buildAs, m_buildAs ? work : QString(), m_pipEnvironment, m_pipWorkingDirectory, sandbox))
        return *stopped;
    if (!exit.succeeded())
        return pipFailed(exit, pipLog); // what pip install would have said: it resolves the same way
    const auto wheelFolders = [&key] { return key.configuredFindLinks(); };
    ResolvedSet set = ResolvedSet::fromReport(InstallReport::read(folder, report, wheelFolders, exit.othersAliveAtExit), wheelFolders());
    if (!set.notStorable.isEmpty()) {
        if (auto failed = cleanUp())
            return *failed;
        return set.notStorable;
    }
    // The key holds each referenced file's digest as read before pip ran (as for install()).
    if (const QString changed = EnvironmentKey::referenceChangedDuringInstall(key.references, Provenance{set.provenance, {}}); !changed.isEmpty())
        return fail(ErrorKind::Install, changed);
    if (set.needsDownload())
        if (auto failed = download(python, set, staging, work, pipLog, sandbox))
            return *failed;
    // An sdist is built into a wheel by pip (as the build user, in the sandbox, into staging),
    // unless the store holds one built from the same file already; then stored like any wheel.
    // `sdists` holds their locks until the store has published the wheels, below.
    std::optional<SdistWheelBuild> sdists;
    if (!set.sdists.isEmpty()) {
        const auto runPip = [&](const QStringList &arguments, ProcessExit &wheelExit) {
            return run(python.pipCommand() + arguments, pipLog, wheelExit, m_buildAs, m_buildAs ? work : QString(), m_pipEnvironment,
                       m_pipWorkingDirectory, sandbox);
        };
        sdists.emplace(m_layout, staging, pipLog, m_buildAs, m_control, DistributionStore::kDefaultWaitMs);
        if (auto failed = sdists->build(set, store, python, runPip))
            return *failed;
        m_log.info(lcVenv, QStringLiteral("Source distributions: built into wheels by pip now: {Built}; their wheels already in the store: {Reused}"),
                   {{QStringLiteral("Built"), sdists->built().join(QStringLiteral(", "))},
                    {QStringLiteral("Reused"), sdists->reused().join(QStringLiteral(", "))}});
    }

    // 2. Every wheel the store does not hold yet is checked against the sha256 pip resolved it
    //    with before any is stored: a wheel folder whose file changed since pip read it (or a
    //    download that is not what the index served pip) stores nothing. The store checks the
    //    very descriptor it unpacks again.
    for (const PinnedWheel &wheel : std::as_const(set.wheels)) {
        if (store.find(wheel))
            continue;
        const auto fd = AgentFolder(QFileInfo(wheel.path).path()).openForReading(wheel.path);
        if (!fd)
            return fail(ErrorKind::Install, QStringLiteral("%1 cannot be read: %2").arg(wheel.path, fd.error().message));
        if (const QString sha256 = InstallReport::sha256OfOpenFile(fd->get()); sha256 != wheel.sha256)
            return fail(ErrorKind::Install, QStringLiteral("%1: hash mismatch: its sha256 is %2, but pip resolved %3 %4 with sha256 %5 "
                                                           "(the file changed after pip read it); nothing was stored")
                                                .arg(wheel.path, sha256.isEmpty() ? QStringLiteral("unreadable") : sha256, wheel.name,
                                                     wheel.version, wheel.sha256));
    }
    StorePlan plan;
    plan.wheels = set.wheels;
    plan.extras = QList<QStringList>(set.wheels.size()); // pip's closure: every dependency is in the set
    // The set's wheels are stored while the head start may still be storing a guess; the store
    // waits for that one only then, having tried the lock of each wheel (DistributionStore::
    // ensureAll). From here on the set's own store needs both cores: pip's compile stops after
    // the files it is compiling, and this venv takes pip with the bytecode it has.
    if (ahead) {
        ahead->yieldCompile();
        if (m_pip)
            store.acceptWithoutBytecode(m_pip->wheel.sha256);
    }
    auto done = composeFromStore(plan, store, python, site, pipLog);
    for (const QString &warning : ahead ? ahead->finish() : QStringList()) // stops a guess pip did not pick
        m_log.warning(lcVenv, QStringLiteral("{Warning}"), {{QStringLiteral("Warning"), warning}});
    if (ahead && !ahead->storedAhead().isEmpty())
        m_log.info(lcVenv, QStringLiteral("Stored by the head start while pip resolved: {StoredAhead}"),
                   {{QStringLiteral("StoredAhead"), ahead->storedAhead().join(QStringLiteral(", "))}});
    for (const QString &warning : store.takeWarnings())
        m_log.warning(lcVenv, QStringLiteral("{Warning}"), {{QStringLiteral("Warning"), warning}});
    if (!done)
        return done.error();
    if (auto failed = cleanUp())
        return *failed;
    if (!done->unpinned.isEmpty())
        return done->unpinned;
    composed = std::move(done).value();
    composed.provenance = set.provenance; // pip's own account of the set, as its install records it
    return QString();
}

} // namespace oa
