// The Executor's Environment stage, in its order: the interpreter, the task folder shared with
// the run-as user, Temp/<id>, the dependencies completed, the interpreter the task asks for, the
// package sources checked and pip's sandbox made, the venv. Each step is another class's; this
// file only orders them and records what they report. Split from Executor.cpp.
#include "Executor.h"

#include "environment/PythonEnvironment.h"

#include <QRegularExpression>

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
        // the shared entry. Without it, pip comes from the store (or, failing that, as before).
        const Result<bool> fromStore = takePipFromStore();
        if (!fromStore)
            return fromStore.error();
        const Status venvMade = m_folders.makeVenv(*m_interpreter, m_deps.resolved().needsPackages() && !usesCache(), &m_control, m_grants,
                                                   *fromStore ? m_storedPip.get() : nullptr);
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

Result<bool> Executor::takePipFromStore()
{
    if (m_options.useEnvCache && m_info && m_info->useEnvironmentCache)
        return false; // pip comes with the cache entry, or (no requirements) is not wanted
    const bool packages = m_deps.resolved().needsPackages();
    const auto fallBack = [&](const QString &why) {
        m_log.info(lcVenv, QStringLiteral("pip does not come from the store of distributions: {Reason}; the venv gets {PipFallback}"),
                   {{QStringLiteral("Reason"), why},
                    {QStringLiteral("PipFallback"), packages ? QStringLiteral("pip of its own, as python -m venv gives it")
                                                             : QStringLiteral("no pip")}});
        m_storedPip.reset();
        return false;
    };
    if (m_interpreter->bundledPipWheel.isEmpty())
        return fallBack(QStringLiteral("%1 has no bundled pip wheel").arg(m_interpreter->executable));
    // The venv's pip scripts start with "#!{venv}/bin/python", which cannot hold white space.
    static const QRegularExpression space(QStringLiteral("\\s"));
    if (m_folders.venvDir().contains(space))
        return fallBack(QStringLiteral("the venv's path %1 has white space, which a script's #! line cannot hold").arg(m_folders.venvDir()));
    // Storing pip (the first time) compiles it; that output goes to pip.log when this run installs
    // packages, and is dropped otherwise (a run without packages leaves no pip.log).
    QString log;
    if (packages) {
        if (Status fresh = freshLog(m_paths.pipLogFile(m_options.executionId)); !fresh)
            return fresh.error();
        m_pipLogFresh = true;
        log = m_paths.pipLogFile(m_options.executionId);
    }
    m_storedPip = std::make_unique<StoredPip>(cacheDir(), m_paths.baseDir(), m_options.executionId);
    const auto stored = m_storedPip->acquire(*m_interpreter, log, &m_control);
    warn(m_storedPip->takeWarnings(), lcVenv);
    if (!stored) {
        const ErrorKind kind = stored.error().kind;
        if (kind == ErrorKind::TimedOut || kind == ErrorKind::Cancelled || kind == ErrorKind::LimitExceeded)
            return stored.error(); // the run's stop, not a store that cannot be used
        warn(QStringLiteral("pip cannot come from the store of distributions: %1").arg(stored.error().message), lcVenv);
        return fallBack(QStringLiteral("the store cannot be used"));
    }
    m_log.info(lcVenv, QStringLiteral("pip {PipVersion} for the venv from the store of distributions ({StoreFolder}, {StoreUse})"),
               {{QStringLiteral("PipVersion"), stored->version},
                {QStringLiteral("StoreFolder"), stored->dir},
                {QStringLiteral("StoreUse"), stored->reused ? QStringLiteral("reused") : QStringLiteral("stored now")}});
    return true;
}

bool Executor::usesCache() const
{
    return m_options.useEnvCache && m_info && m_info->useEnvironmentCache && m_interpreter
           && !m_interpreter->pipCommand().isEmpty();
}

} // namespace oa
