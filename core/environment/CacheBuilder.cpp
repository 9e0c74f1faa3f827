#include "CacheBuilder.h"

#include "BytecodeCompiler.h"
#include "DistributionStore.h"
#include "records/ExecutionLog.h"
#include "fs/FileProtection.h"
#include "fs/FolderSize.h"
#include "base/LoggingCategories.h"
#include "process/ProcessTable.h"
#include "PythonEnvironment.h"
#include "ResolvedSet.h"
#include "StoreComposition.h"
#include "TestSuites.h"
#include "StorePlan.h"
#include "fs/TreeOwnership.h"
#include "wheel/WheelNames.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QUrl>

#include <cerrno>

#include <unistd.h>

namespace oa {

namespace {

// How much of a METADATA file is read for its Name and Version headers: they come first, and
// the long description after them is of no interest.
constexpr qsizetype kMetadataHeaderBytes = 64 * 1024;

QByteArray readHead(const AgentFolder &folder, const QString &path)
{
    const auto fd = folder.openForReading(path);
    if (!fd)
        return {};
    QByteArray head(kMetadataHeaderBytes, Qt::Uninitialized);
    qsizetype filled = 0;
    while (filled < head.size()) {
        const ssize_t n = ::read(fd->get(), head.data() + filled, size_t(head.size() - filled));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        filled += n;
    }
    head.truncate(filled);
    return head;
}

Error stepFailed(const QString &step, const ProcessExit &exit, const QString &pipLog)
{
    return fail(ErrorKind::Install,
                QStringLiteral("building the environment failed while %1 (%2); the output is in %3").arg(step, exit.exitMessage(), pipLog));
}

} // namespace

CacheBuilder::CacheBuilder(const CacheLayout &layout, ExecutionLog &log, RunControl *control,
                           std::shared_ptr<const ProcessCredentials> buildAs, QMap<QString, QString> pipEnvironment,
                           QString pipWorkingDirectory, QString pipHome)
    : m_layout(layout), m_log(log), m_control(control), m_buildAs(std::move(buildAs)), m_pipEnvironment(std::move(pipEnvironment)),
      m_pipWorkingDirectory(std::move(pipWorkingDirectory)), m_pipHome(std::move(pipHome))
{
}

// pip install of the set with `options`, as every step that resolves the set runs it.
QStringList CacheBuilder::pipInstall(const PythonInterpreter &python, const QStringList &options, const QStringList &requirements,
                                     const QString &requirementsFile)
{
    QStringList command = python.pipCommand() + QStringList{QStringLiteral("install"), QStringLiteral("--disable-pip-version-check"),
                                                            QStringLiteral("--no-input")}
                          + options;
    if (!requirementsFile.isEmpty())
        command << QStringLiteral("-r") << requirementsFile;
    if (!requirements.isEmpty())
        command << QStringLiteral("--") << requirements;
    return command;
}

Error CacheBuilder::pipFailed(const ProcessExit &exit, const QString &pipLog)
{
    const auto read = AgentFolder::readRegularFile(pipLog, 64 * 1024 * 1024);
    const QString output = read ? QString::fromUtf8(*read) : QString();
    return fail(PythonEnvironment::pipFailureKind(output), QStringLiteral("pip install failed (%1): %2; pip's output is in %3")
                                                               .arg(exit.exitMessage(), PythonEnvironment::describePipFailure(output), pipLog));
}

QList<std::pair<QString, QString>> CacheBuilder::distributionsIn(const QString &sitePackages) const
{
    QList<std::pair<QString, QString>> found;
    for (const AgentFolder::Entry &info : m_layout.folder().list(sitePackages)) {
        if (info.kind != AgentFolder::Kind::Directory || !info.name.endsWith(QLatin1String(".dist-info")))
            continue;
        QString name;
        QString version;
        const QByteArray head = readHead(m_layout.folder(), sitePackages + u'/' + info.name + QStringLiteral("/METADATA"));
        for (const QByteArray &raw : head.split('\n')) {
            const QByteArray line = raw.trimmed();
            if (line.isEmpty())
                break; // the headers end at the first empty line
            if (line.startsWith("Name:"))
                name = QString::fromUtf8(line.mid(5).trimmed());
            else if (line.startsWith("Version:"))
                version = QString::fromUtf8(line.mid(8).trimmed());
        }
        if (!name.isEmpty())
            found.append({name, version});
    }
    return found;
}

QStringList CacheBuilder::installedDistributions(const QStringList &sitePackages) const
{
    QStringList found;
    for (const QString &site : sitePackages)
        for (const auto &[name, version] : distributionsIn(site))
            if (canonicalProjectName(name) != QLatin1String("pip")) // as pip freeze leaves it out (CacheEntry::pipVersion)
                found.append(name.toLower().replace(u'_', u'-') + QStringLiteral("==") + version);
    found.sort();
    return found;
}

void CacheBuilder::removeDeadBuilds(const QString &key)
{
    // Nobody else builds this key now (we hold its lock): a builder's folder whose PID is dead
    // is what it left when it died; so is a store batch of a dead PID (store.{pid}.{n}: wheels
    // it was storing, pip's among them while pip resolved), whoever's key it was for.
    const AgentFolder &folder = m_layout.folder();
    for (const AgentFolder::Entry &stale : folder.list(m_layout.stagingDir())) {
        if (stale.kind != AgentFolder::Kind::Directory || !(stale.name.startsWith(key + u'.') || stale.name.startsWith(QLatin1String("store.")))
            || ProcessTable::isAlive(CacheLayout::stagingPid(stale.name)))
            continue;
        const QString dir = m_layout.stagingDir() + u'/' + stale.name;
        FileProtection::unprotectTree(folder, dir);
        if (Status removed = folder.removeTree(dir); !removed)
            m_log.warning(lcVenv, QStringLiteral("{Warning}"), {{QStringLiteral("Warning"), removed.error().message}});
        else
            m_log.warning(lcVenv, QStringLiteral("Removed the unfinished build {Staging} of a builder that died"),
                          {{QStringLiteral("Staging"), stale.name}});
    }
}

std::optional<Error> CacheBuilder::run(const QStringList &command, const QString &pipLog, ProcessExit &exit,
                                         const std::shared_ptr<const ProcessCredentials> &as, const QString &tempDir,
                                         const QMap<QString, QString> &variables, const QString &workingDirectory,
                                         const std::optional<SandboxSpec> &sandbox)
{
    ProcessSpec spec;
    spec.program = command.first();
    spec.arguments = command.mid(1);
    for (auto it = variables.cbegin(); it != variables.cend(); ++it)
        spec.environment.insert(it.key(), it.value());
    spec.environment.insert(QStringLiteral("PYTHONIOENCODING"), QStringLiteral("utf-8"));
    spec.stdoutFile = pipLog;
    spec.appendOutput = true;
    spec.credentials = as;
    // Never the executor's working folder, which a task may be able to write: python puts it
    // first on sys.path for -m, and the root steps below must not import a planted module.
    spec.workingDirectory = workingDirectory.isEmpty() ? QStringLiteral("/") : workingDirectory;
    if (!tempDir.isEmpty()) // pip's own temporary files: in a folder the build user owns
        spec.environment.insert(QStringLiteral("TMPDIR"), tempDir);
    PythonEnvironment::isolatePip(spec, m_pipHome);
    spec.sandbox = sandbox;
    exit = ChildProcess::run(spec, m_control);
    return exit.stopError();
}

std::optional<Error> CacheBuilder::install(const PythonInterpreter &python, const EnvironmentKey &key, const QStringList &requirements,
                                             const QString &requirementsFile, const QString &staging, const QString &site,
                                             const QString &pipLog, Provenance &provenance)
{
    const AgentFolder &folder = m_layout.folder();
    // As a run-as user, pip writes only into folders of that user's, inside the staging folder.
    // tmp/ also takes pip's installation report, which must not be published with the entry.
    const QString target = m_buildAs ? staging + QStringLiteral("/build") : site;
    const QString temp = staging + QStringLiteral("/tmp");
    for (const QString &dir : m_buildAs ? QStringList{target, temp} : QStringList{temp}) {
        if (Status made = folder.ensureDir(dir); !made)
            return CacheLayout::unusable(QStringLiteral("cannot prepare the build folder %1").arg(dir), made.error());
        if (!m_buildAs)
            continue;
        if (Status given = TreeOwnership::give(folder, dir, m_buildAs->uid, m_buildAs->gid); !given)
            return CacheLayout::unusable(QStringLiteral("cannot prepare the build folder %1").arg(dir), given.error());
    }
    const QString report = temp + QStringLiteral("/pip-report.json");
    const Result<QStringList> reportArguments = InstallReport::pipArguments(python.pipCommandVersion(), report);
    if (!reportArguments)
        provenance.unavailable = reportArguments.error().message;
    const QStringList command = pipInstall(python, QStringList{QStringLiteral("--no-compile"), QStringLiteral("--target"), target}
                                                       + (reportArguments ? reportArguments.value() : QStringList()),
                                           requirements, requirementsFile);
    std::optional<SandboxSpec> sandbox = m_pipSandbox;
    if (sandbox)
        sandbox->writable.append(staging); // this build's own staging folder, never the cache's others
    ProcessExit exit;
    if (auto stopped = run(command, pipLog, exit, m_buildAs, m_buildAs ? temp : QString(), m_pipEnvironment, m_pipWorkingDirectory, sandbox))
        return stopped;
    if (!exit.succeeded())
        return pipFailed(exit, pipLog);
    // pip and everything it started are gone (ChildProcess stops the whole tree): the report is
    // read now, through the gatekeeper, since the build user could have put anything there; and
    // not at all when something pip started outlived it and could have rewritten it since.
    if (reportArguments)
        provenance = InstallReport::read(folder, report, [&key] { return key.configuredFindLinks(); }, exit.othersAliveAtExit);
    if (m_buildAs) {
        // What they wrote is copied into files of the executor's own: a descriptor the user
        // still held on a staged file cannot reach the entry, and special files or setuid bits
        // never get into it.
        if (Status copied = TreeOwnership::copyAsOwn(folder, target, site); !copied)
            return fail(ErrorKind::Install,
                        QStringLiteral("the packages that pip installed as %1 cannot be taken over: %2").arg(m_buildAs->userName, copied.error().message));
        m_log.info(lcVenv, QStringLiteral("pip ran as {RunAsUser}; its packages were copied into the entry, owned by the executor"),
                   {{QStringLiteral("RunAsUser"), m_buildAs->userName}});
    }
    for (const QString &dir : m_buildAs ? QStringList{target, temp} : QStringList{temp}) {
        if (Status removed = folder.removeTree(dir); !removed)
            return CacheLayout::unusable(QStringLiteral("cannot remove the build folder %1").arg(dir), removed.error());
    }
    return std::nullopt;
}

std::optional<Error> CacheBuilder::installWithPip(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                                                    const QString &requirementsFile, const QString &staging, const QString &site,
                                                    const QString &pipLog, Provenance &provenance)
{
    // 1. Install, without compiling: compilation comes once, below, for what is really imported.
    if (auto failed = install(python, key, requirements, requirementsFile, staging, site, pipLog, provenance))
        return failed;
    // The key holds each referenced file's digest as read before pip ran; a file swapped while
    // pip ran would be cached under the old content's key. pip's report says what it installed.
    if (const QString changed = EnvironmentKey::referenceChangedDuringInstall(key.references, provenance); !changed.isEmpty())
        return fail(ErrorKind::Install, changed);
    ProcessExit exit;
    // 2. Compile once, in parallel. Test suites inside packages are never imported, so they
    //    are left out.
    //    A module that does not compile, or a full disk, fails the build: an entry is shared
    //    and immutable, so whatever is wrong with it now would be wrong for every user.
    const ProcessSpec compile = BytecodeCompiler::command(python, {site}, testSuitesBelow(site), pipLog);
    if (auto stopped = run(QStringList{compile.program} + compile.arguments, pipLog, exit))
        return stopped;
    if (!exit.succeeded())
        return stepFailed(QStringLiteral("compiling the installed packages"), exit, pipLog);
    return std::nullopt;
}

Result<CacheBuilder::Composed> CacheBuilder::composeFromStore(const StorePlan &plan, DistributionStore &store, const PythonInterpreter &python,
                                                              const QString &site, const QString &pipLog)
{
    // 1. and 2. Each wheel unpacked, checked against its RECORD and compiled once, in the store
    //    (or found there); the entry's site-packages gets one .pth naming their folders (step 3).
    //    The executor's pip (step 3) goes into the same batch, compiled in the same pool, unless
    //    the set has a pip of its own.
    const bool withPip = m_pip && !namesPip(plan.wheels);
    auto stored = store.ensureAll(withPip ? plan.wheels + QList<PinnedWheel>{m_pip->wheel} : plan.wheels, python, pipLog);
    if (!stored)
        return stored.error();
    if (withPip)
        stored.value().removeLast(); // step 3 finds it in the store
    const AgentFolder &folder = m_layout.folder();
    // The closure must be pinned, as pip's hash-checking mode demands: else the set is pip's.
    Composed result;
    const MarkerEvaluator markers(python.markerEnvironment);
    QStringList pinnedNames; // of the lines kept: one left out by its marker is pip's to ignore, and pins nothing
    for (const PinnedWheel &wheel : plan.wheels)
        pinnedNames.append(canonicalProjectName(wheel.name));
    for (qsizetype i = 0; i < stored->size() && result.unpinned.isEmpty(); ++i)
        for (const AgentFolder::Entry &info : folder.list(stored->at(i).sitePackages))
            if (info.kind == AgentFolder::Kind::Directory && info.name.endsWith(QLatin1String(".dist-info")))
                if (const QString missing = StorePlan::unpinnedDependency(readHead(folder, stored->at(i).sitePackages + u'/' + info.name + QStringLiteral("/METADATA")),
                                                                          plan.extras.value(i), pinnedNames, markers);
                    !missing.isEmpty())
                    result.unpinned = QStringLiteral("%1 %2 requires %3, which the set does not pin").arg(stored->at(i).name, stored->at(i).version, missing);
    if (!result.unpinned.isEmpty())
        return result;
    // Made only now: a build user's pip must find no site-packages (install()).
    if (Status made = folder.ensureDir(site); !made)
        return CacheLayout::unusable(QStringLiteral("cannot prepare %1").arg(site), made.error());
    // Scripts go to site-packages/bin, where pip install --target puts them for a pip-built entry.
    const QString bin = site + QStringLiteral("/bin");
    for (const StoredDistribution &d : std::as_const(*stored))
        if (folder.kindOf(d.dir + QStringLiteral("/bin")) == AgentFolder::Kind::Directory) {
            if (Status made = folder.ensureDir(bin); !made)
                return CacheLayout::unusable(QStringLiteral("cannot prepare %1").arg(bin), made.error());
            break;
        }
    if (Status copied = StoreComposition::copyScripts(folder, folder, *stored, bin, python.executable); !copied)
        return copied.error();
    // What pip's installation report would say of the same wheels: each named by the task's
    // requirements file (requested), none a direct reference, taken from the wheel folder it
    // lies in, or from where the store took it when only the store has it.
    for (qsizetype i = 0; i < stored->size(); ++i) {
        const StoredDistribution &d = stored->at(i);
        const PinnedWheel &wheel = plan.wheels.at(i);
        InstalledDistribution installed;
        const auto metadata = distributionsIn(d.sitePackages);
        installed.name = metadata.isEmpty() ? d.name : metadata.first().first;
        installed.version = metadata.isEmpty() ? d.version : metadata.first().second;
        installed.file = wheel.path.isEmpty() ? d.file : QFileInfo(wheel.path).fileName();
        installed.url = wheel.path.isEmpty() ? d.url : QUrl::fromLocalFile(wheel.path).toString(QUrl::FullyEncoded);
        installed.sha256 = d.sha256;
        installed.source = InstallReport::sourceOf(installed.url);
        installed.requested = true;
        result.provenance.append(installed);
    }
    result.stored = std::move(stored).value();
    return result;
}

Result<CacheEntry> CacheBuilder::build(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                                       const QString &requirementsFile, const QString &pipLog)
{
    const AgentFolder &folder = m_layout.folder();
    const QString digest = key.digest();
    removeDeadBuilds(digest);
    const QString staging = m_layout.stagingDir()
                            + QStringLiteral("/%1.%2.%3").arg(digest).arg(QCoreApplication::applicationPid()).arg(QRandomGenerator::global()->generate());
    const QString site = staging + QStringLiteral("/site-packages");
    if (Status made = folder.ensureDir(m_buildAs ? staging : site); !made)
        return CacheLayout::unusable(QStringLiteral("cannot start building environment %1").arg(digest), made.error());
    const auto failBuild = [&](const Error &failure) -> Result<CacheEntry> {
        folder.removeTree(staging); // a failed build is never cached
        return failure;
    };

    // 0. A hash-pinned set whose every wheel is at hand is composed from the store: no pip.
    DistributionStore store(m_layout, m_control);
    if (auto failed = locatePip(python, store))
        return failBuild(*failed);
    const Result<StorePlan> plan = StorePlan::make(key, python, store);
    for (const QString &warning : store.takeWarnings())
        m_log.warning(lcVenv, QStringLiteral("{Warning}"), {{QStringLiteral("Warning"), warning}});
    if (!plan)
        return failBuild(plan.error());
    Provenance provenance;
    QStringList sites{site};
    QList<StoredDistribution> composedSet; // the set's store folders, when the store installs it
    QString notFromStore = plan->notEligible;
    if (notFromStore.isEmpty()) {
        m_log.info(lcVenv, QStringLiteral("Building environment {EnvKey} for the cache from the store of distributions, without pip "
                                          "({Packages} wheels pinned by hash); the compile output goes to {PipLog}"),
                   {{QStringLiteral("EnvKey"), digest}, {QStringLiteral("Packages"), plan->wheels.size()}, {QStringLiteral("PipLog"), pipLog}});
        if (!plan->leftOut.isEmpty())
            m_log.info(lcVenv, QStringLiteral("Left out, as pip would ignore them here, requirements whose marker is false: {LeftOut}"),
                       {{QStringLiteral("LeftOut"), plan->leftOut.join(QStringLiteral(", "))}});
        auto composed = composeFromStore(*plan, store, python, site, pipLog);
        for (const QString &warning : store.takeWarnings())
            m_log.warning(lcVenv, QStringLiteral("{Warning}"), {{QStringLiteral("Warning"), warning}});
        if (!composed)
            return failBuild(composed.error());
        notFromStore = composed->unpinned; // the stored wheels stay, for the next set that pins them all
        provenance.installed = composed->provenance;
        composedSet = composed->stored;
    }
    // A set the plan refused (not hash-pinned, or a pinned wheel not at hand): pip resolves it
    // and the store installs what pip chose, unless pip's settings could make it take something
    // else than wheels that fit (StorePlan::pipSettingsProblem: pip's install keeps that).
    if (!plan->notEligible.isEmpty() && StorePlan::pipSettingsProblem(key).isEmpty()) {
        m_log.info(lcVenv, QStringLiteral("Building environment {EnvKey} for the cache: pip resolves the set ({NotPinned}), the store of "
                                          "distributions installs it; pip's output goes to {PipLog}"),
                   {{QStringLiteral("EnvKey"), digest}, {QStringLiteral("NotPinned"), plan->notEligible}, {QStringLiteral("PipLog"), pipLog}});
        Composed composed;
        const Result<QString> resolved = resolveIntoStore(key, python, requirements, requirementsFile, staging, site, pipLog, store, composed);
        if (!resolved)
            return failBuild(resolved.error());
        notFromStore = *resolved;
        provenance.installed = composed.provenance;
        composedSet = composed.stored;
    }
    if (!notFromStore.isEmpty()) {
        provenance = {};
        m_log.info(lcVenv, QStringLiteral("Building environment {EnvKey} for the cache; pip's output goes to {PipLog}"),
                   {{QStringLiteral("EnvKey"), digest}, {QStringLiteral("PipLog"), pipLog}});
        m_log.info(lcVenv, QStringLiteral("pip builds it, not the store of distributions: {NotFromStore}"),
                   {{QStringLiteral("NotFromStore"), notFromStore}});
        if (auto failed = installWithPip(key, python, requirements, requirementsFile, staging, site, pipLog, provenance))
            return failBuild(*failed);
    }
    // 3. The executor's pip from the store, and the .pth naming the store folders.
    const auto pip = composePip(store, python, site, pipLog, composedSet);
    if (!pip)
        return failBuild(pip.error());
    // 4. Record what was resolved, from the .dist-info folders (no second pip start), and
    //    complete the entry while it is still out of sight.
    CacheEntry entry = CacheEntryFile::make(digest, m_layout.entriesDir());
    for (const StoredDistribution &d : std::as_const(composedSet)) {
        sites.append(d.sitePackages);
        entry.storeFolders.append(d.folderName);
    }
    if (*pip) {
        entry.storeFolders.append((*pip)->folderName);
        entry.pipVersion = (*pip)->version;
        entry.pipSha256 = (*pip)->sha256;
    }
    entry.freeze = installedDistributions(sites);
    entry.provenance = provenance;
    entry.inputs = key.describe();
    entry.sizeBytes = folderSize(staging);
    if (Status written = CacheEntryFile::write(folder, staging, entry, python.executable); !written)
        return failBuild(CacheLayout::unusable(QStringLiteral("cannot record environment %1").arg(digest), written.error()));
    // 5. Publish: one atomic rename of a complete entry, then make it immutable.
    if (Status published = folder.rename(staging, entry.dir); !published)
        return failBuild(CacheLayout::unusable(QStringLiteral("cannot publish environment %1").arg(digest), published.error()));
    const bool immutable = FileProtection::protectTree(folder, entry.dir);
    m_log.info(lcVenv, QStringLiteral("Published environment {EnvEntry} ({SizeBytes} bytes, {Packages}); immutable: {Immutable}"),
               {{QStringLiteral("EnvEntry"), entry.name}, {QStringLiteral("SizeBytes"), entry.sizeBytes},
                {QStringLiteral("Packages"), entry.freeze.join(QStringLiteral(", "))}, {QStringLiteral("Immutable"), immutable}});
    return entry;
}

} // namespace oa
