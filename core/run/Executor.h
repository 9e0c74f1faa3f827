#pragma once

#include "fs/AgentPaths.h"
#include "dependencies/DependencyResolver.h"
#include "environment/EnvironmentCache.h"
#include "environment/StoredPip.h"
#include "EnvironmentFolders.h"
#include "ExecutionControl.h"
#include "InterpreterSelection.h"
#include "PipSandbox.h"
#include "RunAsGrants.h"
#include "SandboxPlan.h"
#include "TaskDependencies.h"
#include "records/ExecutionInfo.h"
#include "records/ExecutionLog.h"
#include "environment/InterpreterChoice.h"
#include "base/LoggingCategories.h"
#include "ExitCodes.h"
#include "records/Limits.h"
#include "dependencies/PackagePolicy.h"
#include "environment/PythonInterpreter.h"
#include "records/ResultRecord.h"
#include "process/RunAsUser.h"
#include "lock/DynamicUserLease.h"
#include "lock/TaskLock.h"

#include <QElapsedTimer>
#include <QMap>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace oa {

struct ExecutorOptions {
    QString baseDir;      // already resolved (AgentPaths::resolveBaseDir)
    QString executionId;
    QString python;       // --python, OPENAUTOMATE_PYTHON or Python; may be empty
    QString pythonOrigin; // where `python` came from, for a message about it
    QStringList pythons;  // Pythons: the interpreters offered to a task that asks for a version
    QString pythonsOrigin;
    bool requireHashes = false; // RequireHashes: every install hash-checked
    QString requireHashesOrigin;
    PackagePolicy packagePolicy; // executor.conf's AllowDirectReferences, AllowedHosts, …, OnlyBinary
    bool keepVenv = false;
    int keepRuns = 1; // KeepRuns: how many earlier runs of the ID stay (previous/, previous.2/, …)
    std::optional<double> timeoutSeconds; // --timeout: wins over TimeoutSeconds and MaxTimeoutSeconds
    std::optional<double> graceSeconds;   // --grace-seconds: wins over GraceSeconds
    SiteLimits siteLimits;                // executor.conf's defaults and maxima for execution.json's limits
    // executor.conf's [PipEnvironment] and [ScriptEnvironment]: set over the executor's own
    // environment for pip (and the cache key) and for the script.
    QMap<QString, QString> pipEnvironment;
    QMap<QString, QString> scriptEnvironment;
    bool useEnvCache = true;              // --no-env-cache turns it off
    QString envCacheDir;                  // --env-cache-dir; default {base}/EnvCache
    std::optional<qint64> envCacheMaxAgeSeconds;
    std::optional<qint64> envCacheMaxSizeBytes;
    // --run-as / OPENAUTOMATE_RUN_AS, resolved: task code (pip, the script) runs as this user.
    std::optional<RunAsUser> runAs;
    // RunAsUser = dynamic: the DynamicUserRange to lease a user ID of its own from (runAs unset).
    std::optional<std::pair<qint64, qint64>> dynamicUserRange;
    // Sandbox, Network and BubblewrapPath: pip and the script under bubblewrap (SandboxPlan).
    SandboxMechanism sandbox = SandboxMechanism::None;
    NetworkAccess network = NetworkAccess::Host;
    QString bubblewrapPath = QStringLiteral("/usr/bin/bwrap");
};

// Sequences one execution: lock, read, validate, environment, requirements, run, cleanup.
// The stages' work is done by small classes of their own: RunAsGrants (what the run-as user is
// given and taken back), PipSandbox (where pip runs and what it sees), InterpreterSelection
// (which interpreter, probed), TaskDependencies (the dependency source, checked before pip),
// EnvironmentFolders (Temp/<id> and the venv, made new and removed), PythonEnvironment and
// EnvironmentCache (pip), ScriptRunner (the script), ExecutionControl (the tick). This one orders
// them, times each stage, records what they report in result.json, makes sure that cleanup and
// result.json happen on every path once the lock is held, and maps the end to the exit code.
class Executor {
public:
    explicit Executor(ExecutorOptions options);
    ~Executor();

    // Runs the whole execution and returns the process exit code (see ExitCode, or the
    // script's own code).
    int run();

private:
    // The stages, in their order.
    Status acquireLock();
    Status runStages();
    Status readAndValidate();
    Status prepareEnvironment();
    Status installRequirements();
    Status linkCachedEnvironment();
    Status runScript();
    void cleanUp();
    int finish(const Status &status);
    // result.json's ErrorSummary: why the run did not succeed (ErrorSummary), or null.
    void recordErrorSummary();

    // Runs `body` as `stage`, recording its duration and that the run is now in it.
    Status timed(Stage stage, const std::function<Status()> &body);
    // Moves the last run's files into Tasks/<id>/previous/ (PreviousRun); a failure is a
    // warning, never the end of this run.
    void keepPreviousRun();
    // RunAsUser = dynamic: a user ID of its own for this run (DynamicUserLease), its private
    // HOME in Temp/<id>, and result.json's RunAs; the stages' classes take the user from here.
    Status leaseDynamicUser();
    // Who task code runs as, in result.json and status.json.
    void recordRunAs();
    // A dynamic user's processes that outlived the run (none should: the tree is stopped) are
    // killed, so that nothing of the ID is left when the lease is let go.
    void stopDynamicUserProcesses();
    // A venv kept (KeepVirtualEnvironment) after a dynamic user's run becomes root's: no file
    // may keep an ID that is let go, and that the next execution may get.
    void reclaimKeptVenvFromDynamicUser();
    // A kept venv names cache content through its .pth files (its entry, the entry's store
    // folders, pip's store folder): recorded as in use for as long as the venv exists
    // (KeptVenvs), before this run's own markers go, so that no prune evicts it meanwhile.
    void keepCacheUseOfKeptVenv();
    // Sandbox = bubblewrap: the task's Network applied, bwrap probed (exit 5 when unusable),
    // result.json's Sandbox. Before any task code runs.
    Status prepareSandbox();
    // The sandbox of the script or of pip (std::nullopt: none), from the run's own paths.
    std::optional<SandboxSpec> scriptSandbox() const;
    std::optional<SandboxSpec> pipSandbox(const QStringList &writable) const;
    // The interpreter the run uses from now on, in result.json too.
    void useInterpreter(PythonInterpreter interpreter);
    // With a version asked for: the newest offered interpreter that matches replaces the default.
    Status chooseInterpreter();
    bool usesCache() const;
    QString cacheDir() const;
    // The path without a cache entry (--no-env-cache, UseEnvironmentCache false): the venv gets
    // pip from the store of distributions (StoredPip), in m_storedPip. False, with the reason in
    // executor.log, when it cannot: the venv then gets pip as it did before the store.
    Result<bool> takePipFromStore();
    // The run's limits from execution.json, the site's defaults and maxima, and the command line.
    RunLimits limitsFor(const ExecutionInfo &info);
    // result.json's Provenance; a warning when it is unavailable, saying why.
    void recordProvenance(const Provenance &provenance);
    // A child's stop (timeout, cancel, limit) as this step's failure, with its survivors noted.
    std::optional<Error> stopped(const ProcessExit &exit);
    // Logs a warning and records it in result.json's Warnings (empty: nothing to say).
    void warn(const QString &what, ExecutionLog::Category category = lcExecutor);
    void warn(const QStringList &warnings, ExecutionLog::Category category);
    // Puts a warning already logged into result.json's Warnings, within their bound.
    void recordWarning(const QString &warning);
    // Bounds what a task can make result.json's lists grow to (Survivors, PipFreeze,
    // Provenance, Warnings), so that the file stays far below the 4 MiB its readers take.
    void boundRecordedLists();
    // Creates `path` empty through the gatekeeper, replacing anything planted there, so that a
    // child process that opens it by name writes into a regular file of the task.
    Status freshLog(const QString &path);

    ExecutorOptions m_options;
    AgentPaths m_paths;
    ExecutionLog m_log;
    QElapsedTimer m_clock; // since the executor started: the timeout counts from here
    ExecutionControl m_control;
    RunAsGrants m_grants;
    PipSandbox m_pip;
    InterpreterSelection m_interpreters;
    TaskDependencies m_deps;
    EnvironmentFolders m_folders;
    std::unique_ptr<TaskLock> m_lock;
    DynamicUserLease m_lease; // held until the executor is done, result.json written
    std::optional<ExecutionInfo> m_info;
    std::optional<PythonInterpreter> m_interpreter;
    std::unique_ptr<EnvironmentCache> m_cache;
    SandboxPlan m_sandbox;
    QString m_cacheEntryDir; // the cache entry linked into the venv: read-only in the sandbox
    std::unique_ptr<StoredPip> m_storedPip; // pip's store folder the venv names: read-only in the sandbox, marked in use
    bool m_pipLogFresh = false; // pip.log was made fresh by this run already (storing pip wrote into it)
    ResultRecord m_record;
    int m_exitCode = 0;
    qsizetype m_warningsLeftOut = 0; // logged, but past the bound of result.json's Warnings
    bool m_taskFilesAllowed = false; // execution.json exists: logs and result.json may be written
};

} // namespace oa
