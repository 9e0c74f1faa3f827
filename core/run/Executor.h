#pragma once

#include "fs/AgentPaths.h"
#include "dependencies/DependencyResolver.h"
#include "environment/EnvironmentCache.h"
#include "ExecutionControl.h"
#include "records/ExecutionInfo.h"
#include "records/ExecutionLog.h"
#include "environment/InterpreterChoice.h"
#include "base/LoggingCategories.h"
#include "base/ExitCode.h"
#include "records/Limits.h"
#include "dependencies/PackagePolicy.h"
#include "environment/PythonInterpreter.h"
#include "records/ResultRecord.h"
#include "process/RunAsUser.h"
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
};

// Sequences one execution: lock, read, validate, venv, requirements, run, cleanup.
// Each stage is its own small class; this one only orders them, times them, and makes sure
// that cleanup and result.json happen on every path once the lock is held.
class Executor {
public:
    explicit Executor(ExecutorOptions options);
    ~Executor();

    // Runs the whole execution and returns the process exit code (see ExitCode, or the
    // script's own code).
    int run();

private:
    Status acquireLock();
    Status runStages();
    Status readAndValidate();
    Status prepareEnvironment();
    Status runScript();
    bool usesCache() const;
    QString cacheDir() const;
    Status installRequirements();
    Status linkCachedEnvironment();
    // result.json's Provenance; a warning when it is unavailable, saying why.
    void recordProvenance(const Provenance &provenance);
    int finish(const Status &status);
    // Logs a warning and records it in result.json's Warnings (empty: nothing to say).
    void warn(const QString &what, ExecutionLog::Category category = lcExecutor);
    // Creates `path` empty through the gatekeeper, replacing anything planted there, so that a
    // child process that opens it by name writes into a regular file of the task.
    Status freshLog(const QString &path);
    void cleanUp();
    // Before the task folder is taken back from the run-as user: whatever is at one of the
    // executor's names (AgentPaths::runOutputNames) and is not its own file is removed, warned.
    void removeForgedRunFiles();
    // Moves the last run's files into Tasks/<id>/previous/ (PreviousRun); a failure is a
    // warning, never the end of this run.
    void keepPreviousRun();
    // With a run-as user: lets it write `dir` (Temp/<id>, the venv), or share the task folder
    // with it (it may add files, and its own input files become its, but not the executor's).
    Status grantToRunAsUser(const QString &dir, bool taskFolder = false);
    // Validate: the one dependency source (ExecutorSteps.cpp). Environment: its packages read
    // with the interpreter, and the interpreter checked against the Python version it asks for.
    Status selectDependencies();
    Status completeDependencies();
    std::shared_ptr<const ProcessCredentials> runAsCredentials() const;
    // The configuration's Python and Pythons, and how this run probes one of them.
    OfferedPythons offeredPythons() const;
    OfferedPythons::Locator interpreterLocator();
    // Why the run-as user cannot run `executable`; empty when it can, or when there is none.
    QString unrunnableBecause(const QString &executable) const;
    // With a version asked for: the newest offered interpreter that matches replaces the default.
    Status chooseInterpreter();
    // RequireHashes: a task whose packages carry no hashes is refused before pip runs.
    Status checkHashesRequired() const;
    // Before pip runs: RequireHashes, then the package policy on every dependency source; then
    // pip's own empty working folder (pipWorkingDirectory).
    Status checkPackageSources();
    // The settings that reach pip as its own switches: RequireHashes and OnlyBinary.
    void addPolicyToPipEnvironment();
    QString pipWorkingDirectory() const;
    // pip's HOME, Temp/<id>/pip-home: root's and empty but for .cache, its user's (isolatePip).
    QString pipHomeDirectory() const;
    // In Temp/<id> too: the lock's hash-pinned requirements, and the checked requirements.txt copy.
    QString lockRequirementsFile() const;
    QString checkedRequirementsDir() const;
    // What pip needed in Temp/<id> (its working folder and home, the checked requirements, the
    // lock's hash-pinned file) is the executor's: removed before the script, whose TMPDIR it is, runs.
    Status removePipScratch();
    // What pip sees: the service's environment with the configuration's [PipEnvironment] over it,
    // and its private HOME, so that the cache key reads the pip.conf files pip reads.
    QProcessEnvironment pipEnvironment() const;

    // Runs `body` as `stage`, recording its duration and that the run is now in it.
    Status timed(Stage stage, const std::function<Status()> &body);
    // The run's limits from execution.json, the site's defaults and maxima, and the command line.
    RunLimits limitsFor(const ExecutionInfo &info);
    // A child's stop (timeout, cancel, limit) as this step's failure, with its survivors noted.
    std::optional<Failure> stopped(const ProcessExit &exit);

    ExecutorOptions m_options;
    AgentPaths m_paths;
    ExecutionLog m_log;
    QElapsedTimer m_clock; // since the executor started: the timeout counts from here
    ExecutionControl m_control;
    std::unique_ptr<TaskLock> m_lock;
    std::optional<ExecutionInfo> m_info;
    ResolvedDependencies m_deps;
    std::optional<PythonInterpreter> m_interpreter;
    std::unique_ptr<EnvironmentCache> m_cache;
    ResultRecord m_record;
    int m_exitCode = 0;
    bool m_taskFilesAllowed = false; // execution.json exists: logs and result.json may be written
    bool m_ownsVenv = false;
    bool m_ownsTemp = false;
    bool m_taskShared = false; // the task folder was shared with the run-as user: reclaimed at cleanup
};

} // namespace oa
