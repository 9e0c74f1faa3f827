// The Executor's steps that concern who runs task code and what it depends on: the run-as
// user's grants, the dependency source, and the interpreter version the task asks for; and
// keeping the previous run. Split
// from Executor.cpp, which sequences the stages.
#include "Executor.h"

#include "PreviousRun.h"
#include "TreeOwnership.h"
#include "VersionSpecifier.h"

#include <QFileInfo>
#include <QSet>

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
    if (m_deps.requiresPython.isEmpty())
        return ok();
    // The task's own words: a bad specifier in a script or a lock is the task's fault (exit 4);
    // one no offered interpreter satisfies is the environment's (exit 5).
    auto wanted = VersionSpecifier::parse(m_deps.requiresPython, m_deps.requiresPythonFrom);
    if (!wanted)
        return wanted.failure();
    if (!wanted->matches(m_interpreter->version))
        return fail(ExitCode::EnvironmentFailed, QStringLiteral("the task needs Python %1 (%2), and no interpreter this agent offers matches it: "
                                                                "%3 is %4")
                                                     .arg(m_deps.requiresPython, m_deps.requiresPythonFrom, m_interpreter->executable, m_interpreter->version));
    return ok();
}

} // namespace oa
