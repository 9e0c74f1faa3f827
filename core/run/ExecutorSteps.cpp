// The Executor's steps that concern who runs task code and what it depends on: the run-as
// user's grants, the dependency source, the interpreter the task asks for, RequireHashes, and
// keeping the previous run. Split from Executor.cpp, which sequences the stages.
#include "Executor.h"

#include "PreviousRun.h"
#include "RequirementsText.h"
#include "TreeOwnership.h"
#include "VersionSpecifier.h"

#include <QFileInfo>
#include <QSet>

#include <unistd.h>

namespace oa {

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
    const QString id = m_options.executionId;
    const QString generated = m_paths.tempDir(id) + QStringLiteral("/requirements-from-Pipfile.lock.txt");
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

} // namespace oa
