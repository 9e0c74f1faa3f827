// The Executor's Environment stage, in its order: the interpreter, the task folder shared with
// the run-as user, Temp/<id>, the dependencies completed, the interpreter the task asks for, the
// package sources checked and pip's sandbox made, the venv. Each step is another class's; this
// file only orders them and records what they report. Split from Executor.cpp.
#include "Executor.h"

#include "environment/PythonEnvironment.h"

namespace oa {

void Executor::useInterpreter(PythonInterpreter interpreter)
{
    m_interpreter = std::move(interpreter);
    m_record.pythonExecutable = m_interpreter->executable;
    m_record.pythonVersion = m_interpreter->version;
}

Status Executor::prepareEnvironment()
{
    const Status created = timed(Stage::Environment, [&]() -> Status {
        if (m_options.dynamicUserRange && !m_lease.held()) {
            if (Status s = leaseDynamicUser(); !s)
                return s;
        }
        auto interpreter = m_interpreters.defaultInterpreter();
        warn(m_interpreters.takeWarnings(), lcVenv);
        if (!interpreter)
            return interpreter.error();
        useInterpreter(std::move(interpreter).value());
        if (Status s = m_interpreters.checkRunnable(*m_interpreter); !s)
            return s;
        if (Status s = prepareSandbox(); !s) // before any task code: it never runs unsandboxed
            return s;
        const Status shared = m_grants.shareTaskFolder();
        warn(m_grants.takeWarnings(), lcExecutor);
        if (!shared)
            return shared;
        // Temp/<id> first: a lock's hash-pinned requirements are written there.
        const Status temp = m_folders.makeTemp();
        warn(m_folders.takeWarnings(), lcCleanup);
        if (!temp)
            return temp;
        // A dynamic user has no account and so no home: its HOME is a private folder of the run,
        // handed to it with the rest of Temp/<id> and removed with it.
        if (m_options.runAs && m_options.runAs->isDynamic()) {
            if (Status s = m_paths.ensureDir(m_options.runAs->home()); !s)
                return s;
        }
        const Status completed = m_deps.complete(m_interpreter->executable, m_pip.lockRequirementsFile(), m_pip.environment(),
                                                 &m_control, m_grants.credentials());
        if (!completed)
            return completed;
        warn(m_deps.takeWarnings(), lcPip);
        const ResolvedDependencies &deps = m_deps.resolved();
        m_log.info(lcConfig, QStringLiteral("Dependencies from {DependencySource}: {Requirements}"),
                   {{QStringLiteral("DependencySource"), m_deps.sourceText()},
                    {QStringLiteral("Requirements"), !deps.requirements.isEmpty() ? deps.requirements.join(QStringLiteral(", "))
                                                     : !deps.requirementsFile.isEmpty() ? deps.requirementsFile
                                                                                        : QStringLiteral("none")}});
        if (Status s = chooseInterpreter(); !s)
            return s;
        if (Status s = m_deps.check(m_pip.checkedRequirementsDir()); !s)
            return s;
        if (m_deps.resolved().needsPackages()) {
            if (Status s = m_pip.prepare(m_grants); !s)
                return s;
        }
        // With the cache, the venv needs no pip of its own: the packages (and pip) come from
        // the shared entry. Without it, the venv gets pip as before.
        const Status venvMade = m_folders.makeVenv(*m_interpreter, m_deps.resolved().needsPackages() && !usesCache(), &m_control, m_grants);
        warn(m_folders.takeWarnings(), lcCleanup);
        if (!venvMade)
            return venvMade;
        m_log.info(lcVenv, QStringLiteral("Created virtual environment {VenvPath} with Python {PythonVersion} from {PythonExecutable}"),
                   {{QStringLiteral("VenvPath"), m_folders.venvDir()},
                    {QStringLiteral("PythonVersion"), m_interpreter->version},
                    {QStringLiteral("PythonExecutable"), m_interpreter->executable}});
        return ok();
    });
    if (!created || !m_deps.resolved().needsPackages())
        return created;

    return timed(Stage::Requirements, [this] {
        const Status installed = usesCache() ? linkCachedEnvironment() : installRequirements();
        const Status cleared = m_pip.removeScratch();
        return !installed ? installed : cleared;
    });
}

Status Executor::chooseInterpreter()
{
    const ResolvedDependencies &deps = m_deps.resolved();
    auto chosen = m_interpreters.forVersion(*m_interpreter, deps.requiresPython, deps.requiresPythonFrom);
    warn(m_interpreters.takeWarnings(), lcVenv);
    if (!chosen)
        return chosen.error();
    if (chosen->executable != m_interpreter->executable)
        m_log.info(lcVenv, QStringLiteral("Python {PythonVersion} from {PythonExecutable} matches {RequiresPython} ({RequiresPythonFrom})"),
                   {{QStringLiteral("PythonVersion"), chosen->version},
                    {QStringLiteral("PythonExecutable"), chosen->executable},
                    {QStringLiteral("RequiresPython"), deps.requiresPython},
                    {QStringLiteral("RequiresPythonFrom"), deps.requiresPythonFrom}});
    if (!deps.requiresPython.isEmpty())
        useInterpreter(std::move(chosen).value());
    return ok();
}

QString Executor::cacheDir() const
{
    return m_options.envCacheDir.isEmpty() ? m_paths.baseDir() + QStringLiteral("/EnvCache") : m_options.envCacheDir;
}

bool Executor::usesCache() const
{
    return m_options.useEnvCache && m_info && m_info->useEnvironmentCache && m_interpreter
           && !m_interpreter->pipCommand().isEmpty();
}

} // namespace oa
