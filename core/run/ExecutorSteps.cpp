// The Executor's steps that concern who runs task code and what it depends on: the run-as
// user's grants, the dependency source, the interpreter the task asks for, RequireHashes, the
// package policy, and keeping the previous run. Split from Executor.cpp, which sequences the stages.
#include "Executor.h"

#include "dependencies/PackagePolicy.h"
#include "PreviousRun.h"
#include "syntax/RequirementsText.h"
#include "syntax/Requirement.h"
#include "dependencies/RequirementsTree.h"
#include "fs/TreeOwnership.h"
#include "syntax/VersionSpecifier.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

Failure refused(const QString &where, const QString &why)
{
    return fail(ExitCode::InvalidExecution, QStringLiteral("%1: %2").arg(where, why));
}

} // namespace

std::shared_ptr<const ProcessCredentials> Executor::runAsCredentials() const
{
    return m_options.runAs ? m_options.runAs->credentials() : nullptr;
}

Status Executor::grantToRunAsUser(const QString &dir, bool taskFolder)
{
    if (!m_options.runAs)
        return ok();
    const RunAsUser &user = *m_options.runAs;
    const AgentFolder folder = m_paths.folder();
    Status granted = ok();
    if (taskFolder) {
        // What the executor writes, execution.json and the previous run stay its own; the rest
        // is the task's.
        const QString id = m_options.executionId;
        QSet<QString> executorFiles;
        for (const QString &file : {m_paths.executionFile(id), m_paths.previousDir(id)})
            executorFiles.insert(QFileInfo(file).fileName());
        for (const QString &name : AgentPaths::runOutputNames())
            executorFiles.insert(name);
        m_taskShared = true; // reclaimed at cleanup, even after a partial grant
        granted = TreeOwnership::give(folder, dir, uid_t(user.uid()), gid_t(user.gid()), executorFiles);
        if (granted)
            granted = TreeOwnership::shareFolder(folder, dir, gid_t(user.gid()));
    } else {
        granted = TreeOwnership::give(folder, dir, uid_t(user.uid()), gid_t(user.gid()));
    }
    if (!granted)
        return fail(ExitCode::EnvironmentFailed, QStringLiteral("cannot let the run-as user %1 write %2: %3").arg(user.name(), dir, granted.failure().message));
    return ok();
}

void Executor::removeForgedRunFiles()
{
    // The sticky task folder kept the user from replacing what the executor wrote, but not from
    // making a name the executor did not write this run (pip.log in a run without packages):
    // the hand-back would make it the executor's, and the next run would keep it in previous/.
    const AgentFolder folder = m_paths.folder();
    for (const QString &name : AgentPaths::runOutputNames()) {
        const QString path = m_paths.taskDir(m_options.executionId) + u'/' + name;
        const QString what = folder.foreignEntryAt(path);
        if (what.isEmpty())
            continue;
        if (const Status removed = folder.removeTree(path); !removed)
            warn(QStringLiteral("%1 is %2, which task code left at a name of the executor's, and cannot be removed: %3")
                     .arg(path, what, removed.failure().message), lcCleanup);
        else
            warn(QStringLiteral("%1 was %2, which task code left at a name of the executor's; it was removed, so that it is never "
                                "taken for the executor's record").arg(path, what), lcCleanup);
    }
    // previous/ is the executor's only when it made it at the start of this run (root's, not
    // writable by the user); one the task made on a first run would pass for the run before.
    const QString previous = m_paths.previousDir(m_options.executionId);
    struct stat st {};
    if (::lstat(QFile::encodeName(previous).constData(), &st) != 0 || (S_ISDIR(st.st_mode) && st.st_uid == ::geteuid()))
        return;
    if (const Status removed = folder.removeTree(previous); !removed)
        warn(QStringLiteral("%1 was made by task code (uid %2), not by the executor, and cannot be removed: %3")
                 .arg(previous).arg(st.st_uid).arg(removed.failure().message), lcCleanup);
    else
        warn(QStringLiteral("%1 was made by task code (uid %2), not by the executor; it was removed, so that it is never taken for "
                            "the run before this one").arg(previous).arg(st.st_uid), lcCleanup);
}

void Executor::keepPreviousRun()
{
    PreviousRun previous(m_paths, m_options.executionId);
    const Status kept = previous.keep();
    for (const QString &warning : previous.warnings())
        warn(warning);
    if (!kept)
        warn(QStringLiteral("the previous run was not kept whole, so this run's logs may follow its own: %1").arg(kept.failure().message));
    if (!previous.moved().isEmpty())
        m_log.info(lcExecutor, QStringLiteral("Moved the previous run's {PreviousFiles} into {PreviousDir}"),
                   {{QStringLiteral("PreviousFiles"), previous.moved().join(QStringLiteral(", "))},
                    {QStringLiteral("PreviousDir"), m_paths.previousDir(m_options.executionId)}});
}

QProcessEnvironment Executor::pipEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_options.pipEnvironment.cbegin(); it != m_options.pipEnvironment.cend(); ++it)
        env.insert(it.key(), it.value());
    env.insert(QStringLiteral("HOME"), pipHomeDirectory());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), pipHomeDirectory() + QStringLiteral("/.config"));
    return env;
}

Status Executor::selectDependencies()
{
    auto deps = DependencyResolver::select(m_paths.folder(), *m_info);
    if (!deps)
        return deps.failure();
    m_deps = std::move(deps).value();
    m_record.dependencySource = dependencySourceName(m_deps.source);
    m_record.dependencyFile = m_deps.file;
    return ok();
}

Status Executor::completeDependencies()
{
    const QString generated = lockRequirementsFile();
    if (Status s = DependencyResolver::complete(m_deps, m_paths.folder(), m_interpreter->executable, generated, pipEnvironment(),
                                                &m_control, runAsCredentials());
        !s)
        return s;
    for (const QString &warning : std::as_const(m_deps.warnings))
        warn(warning, lcPip);
    m_log.info(lcConfig, QStringLiteral("Dependencies from {DependencySource}: {Requirements}"),
               {{QStringLiteral("DependencySource"), m_deps.file.isEmpty() ? dependencySourceName(m_deps.source) : m_deps.file},
                {QStringLiteral("Requirements"), !m_deps.requirements.isEmpty() ? m_deps.requirements.join(QStringLiteral(", "))
                                                 : !m_deps.requirementsFile.isEmpty() ? m_deps.requirementsFile
                                                                                      : QStringLiteral("none")}});
    return ok();
}

OfferedPythons Executor::offeredPythons() const
{
    return {m_options.python, m_options.pythonOrigin, m_options.pythons, m_options.pythonsOrigin};
}

OfferedPythons::Locator Executor::interpreterLocator()
{
    return [this](const QString &program, const QString &origin) {
        auto found = PythonInterpreter::locate(program, cacheDir() + QStringLiteral("/interpreters.json"), &m_control, origin);
        if (found)
            for (const QString &warning : std::as_const(found->warnings))
                warn(warning, lcVenv);
        return found;
    };
}

QString Executor::unrunnableBecause(const QString &executable) const
{
    if (!m_options.runAs)
        return {};
    if (const int error = m_options.runAs->access(executable, X_OK); error != 0)
        return QStringLiteral("cannot be run by the run-as user %1: %2").arg(m_options.runAs->name(), qt_error_string(error));
    return {};
}

Status Executor::chooseInterpreter()
{
    if (m_deps.requiresPython.isEmpty())
        return ok();
    // The task's own words: a bad specifier in a script or a lock is the task's fault (exit 4);
    // one no offered interpreter satisfies is the environment's (exit 5).
    auto wanted = VersionSpecifier::parse(m_deps.requiresPython, m_deps.requiresPythonFrom);
    if (!wanted)
        return wanted.failure();
    QStringList warnings;
    auto chosen = offeredPythons().choose(*wanted, m_deps.requiresPythonFrom, *m_interpreter, interpreterLocator(),
                                          [this](const QString &executable) { return unrunnableBecause(executable); }, &warnings);
    for (const QString &warning : std::as_const(warnings))
        warn(warning, lcVenv);
    if (!chosen)
        return chosen.failure();
    if (chosen->executable != m_interpreter->executable)
        m_log.info(lcVenv, QStringLiteral("Python {PythonVersion} from {PythonExecutable} matches {RequiresPython} ({RequiresPythonFrom})"),
                   {{QStringLiteral("PythonVersion"), chosen->version},
                    {QStringLiteral("PythonExecutable"), chosen->executable},
                    {QStringLiteral("RequiresPython"), m_deps.requiresPython},
                    {QStringLiteral("RequiresPythonFrom"), m_deps.requiresPythonFrom}});
    m_interpreter = std::move(chosen).value();
    m_record.pythonExecutable = m_interpreter->executable;
    m_record.pythonVersion = m_interpreter->version;
    return ok();
}

Status Executor::checkHashesRequired() const
{
    if (!m_options.requireHashes || !m_deps.needsPackages())
        return ok();
    const QString setting = m_options.requireHashesOrigin.isEmpty() ? QStringLiteral("RequireHashes") : m_options.requireHashesOrigin;
    if (!m_deps.requirements.isEmpty())
        return fail(ExitCode::InvalidExecution,
                    QStringLiteral("%1 is on, and the packages from %2 carry no hashes (%3); ship a requirements.txt with "
                                   "--hash=sha256:… on every line, or a Pipfile.lock")
                        .arg(setting, m_deps.file.isEmpty() ? QStringLiteral("execution.json Requirements") : m_deps.file,
                             m_deps.requirements.join(QStringLiteral(", "))));
    auto content = m_paths.folder().readFile(m_deps.requirementsFile, ExecutionInfo::kMaxFileBytes);
    if (!content)
        return fail(ExitCode::InvalidExecution, content.failure().message);
    // A lock's requirements are written from it: name the lock, not the file made from it.
    const bool fromLock = m_deps.source == DependencySource::PipfileLock;
    for (const RequirementsText::Line &line : RequirementsText::parse(content.value()))
        if (!line.isOption() && !line.hasHash())
            return fail(ExitCode::InvalidExecution,
                        fromLock ? QStringLiteral("%1 is on, and %2 has no hashes for \"%3\"; lock it again with pipenv lock")
                                       .arg(setting, m_deps.file, line.requirement())
                                 : QStringLiteral("%1 is on, and %2:%3: \"%4\" has no --hash; pin every package with "
                                                  "--hash=sha256:… (pip hash FILE prints it)")
                                       .arg(setting, m_deps.requirementsFile).arg(line.number).arg(line.requirement()));
    return ok();
}

void Executor::addPolicyToPipEnvironment()
{
    // pip's own switches, in the venv and in the cache alike; the cache key sees pip's
    // environment, so entries built under them are their own. RequireHashes: hash-checking
    // mode for every install, dependencies included. OnlyBinary: wheels only, so no setup.py
    // or build backend of any package runs (a requirements.txt cannot undo it: see PackagePolicy).
    if (m_options.requireHashes)
        m_options.pipEnvironment.insert(QStringLiteral("PIP_REQUIRE_HASHES"), QStringLiteral("1"));
    if (m_options.packagePolicy.onlyBinary)
        m_options.pipEnvironment.insert(QStringLiteral("PIP_ONLY_BINARY"), QStringLiteral(":all:"));
}

QString Executor::lockRequirementsFile() const
{
    return m_paths.tempDir(m_options.executionId) + QStringLiteral("/requirements-from-Pipfile.lock.txt");
}

QString Executor::checkedRequirementsDir() const
{
    return m_paths.tempDir(m_options.executionId) + QStringLiteral("/requirements");
}

QString Executor::pipWorkingDirectory() const
{
    return m_paths.tempDir(m_options.executionId) + QStringLiteral("/pip");
}

QString Executor::pipHomeDirectory() const
{
    return m_paths.tempDir(m_options.executionId) + QStringLiteral("/pip-home");
}

Status Executor::checkPackageSources()
{
    if (Status s = checkHashesRequired(); !s)
        return s;
    const PackagePolicy &policy = m_options.packagePolicy;
    const QString taskDir = m_paths.taskDir(m_options.executionId);
    // pip gets each requirement as written again from what was parsed (Requirement), never the task's text.
    const auto checkEach = [&policy, &taskDir](QStringList &requirements, const QString &where) -> Status {
        for (qsizetype i = 0; i < requirements.size(); ++i) {
            auto parsed = Requirement::parseWithoutHashes(requirements.at(i));
            if (!parsed)
                return refused(where.arg(i), parsed.failure().message);
            // A relative path means the task's folder, never pip's (empty) working folder.
            auto anchored = parsed->anchoredIn(taskDir);
            if (!anchored)
                return refused(where.arg(i), anchored.failure().message);
            if (auto problem = policy.requirementProblem(anchored.value()))
                return refused(where.arg(i), *problem);
            requirements[i] = anchored->toArgument();
        }
        return ok();
    };
    Status checked = ok();
    switch (m_deps.source) {
    case DependencySource::None:
        break;
    case DependencySource::Requirements:
        checked = checkEach(m_deps.requirements, QStringLiteral("execution.json: Requirements[%1]"));
        break;
    case DependencySource::Script:
        checked = checkEach(m_deps.requirements, m_deps.file + QStringLiteral(": inline script metadata: dependencies[%1]"));
        break;
    case DependencySource::PipfileLock:
        // The lock installs each package by name and version from the agent's own index; a
        // reference beside them is still the task asking for somewhere else.
        for (const auto &[entry, reference] : std::as_const(m_deps.lockReferences)) {
            const auto parsed = Requirement::parseWithoutHashes(reference);
            const auto problem = parsed ? policy.requirementProblem(parsed.value()) : std::optional<QString>(parsed.failure().message);
            if (problem && checked)
                checked = refused(QStringLiteral("%1: %2").arg(m_deps.file, entry), *problem);
        }
        break;
    case DependencySource::RequirementsTxt: {
        auto tree = RequirementsTree::check(m_paths.folder(), policy, m_deps.requirementsFile, taskDir,
                                            checkedRequirementsDir());
        if (!tree) {
            checked = tree.failure();
        } else { // pip reads the checked copy, never the task's own file
            auto copy = tree->writeCopy(m_paths.folder());
            if (copy)
                m_deps.requirementsFile = *copy;
            else
                checked = copy.failure();
        }
        break;
    }
    }
    if (!checked || !m_deps.needsPackages())
        return checked;
    // pip's working folder: empty, root's, inside Temp/<id> (made in this stage, never reused),
    // so that neither the service's working folder nor the task's can put a module on pip's
    // sys.path or decide what a relative path means.
    if (Status s = m_paths.ensureDir(pipWorkingDirectory(), ExitCode::EnvironmentFailed); !s)
        return s;
    // pip's HOME: as empty and as new, so that no user's pip.conf is read; only its cache
    // folder is pip's user's to write.
    const QString pipCache = pipHomeDirectory() + QStringLiteral("/.cache");
    if (Status s = m_paths.ensureDir(pipCache, ExitCode::EnvironmentFailed); !s)
        return s;
    return grantToRunAsUser(pipCache);
}

} // namespace oa
