#include "Executor.h"

#include "base/LoggingCategories.h"
#include "environment/CacheLayout.h"
#include "environment/EnvironmentCache.h"
#include "environment/KeptVenvs.h"
#include "environment/PythonEnvironment.h"
#include "environment/StoredPip.h"
#include "records/ErrorSummary.h"
#include "ScriptRunner.h"

#include <QFileInfo>

// The Run and Cleanup stages: the script under containment, then the run's own folders removed
// and a run-as user's task folder taken back.
namespace oa {

Status Executor::runScript()
{
    const QString id = m_options.executionId;
    if (Status s = m_grants.give(m_folders.tempDir()); !s) // Temp/<id> was made in the Environment stage
        return s;

    const PythonEnvironment venv(*m_interpreter, m_paths.venvDir(id));
    ScriptLaunch launch;
    launch.executionId = id;
    launch.python = venv.pythonExecutable();
    launch.venvDir = venv.directory();
    launch.venvBinDir = venv.binDirectory();
    launch.scriptFile = m_info->scriptFile;
    launch.arguments = m_info->arguments;
    launch.taskDir = m_paths.taskDir(id);
    launch.tempDir = m_paths.tempDir(id);
    launch.outputLog = m_paths.outputLogFile(id);
    launch.errorLog = m_paths.errorLogFile(id);
    launch.progressFile = m_control.progressFile();
    launch.credentials = m_grants.credentials();
    launch.siteEnvironment = m_options.scriptEnvironment;
    launch.sandbox = scriptSandbox();
    if (!m_options.runAs && executorIsRoot()) {
        // No run-as user is configured: the administrator's choice (a configured one that cannot
        // be applied is exit 1 before any run). The event says so (RunAsConfigured: false), so
        // that a reader can tell this routine warning from a run-as user that was not applied;
        // the monitor does not mark the executor-log tab for it. result.json keeps the warning.
        const QString rootWarning = QStringLiteral("task code ran as root (uid 0): no run-as user is set (--run-as, OPENAUTOMATE_RUN_AS), "
                                                   "so the script could change anything on this machine, the cache and other tasks included");
        m_log.warning(lcRun, QStringLiteral("{Warning}"),
                      {{QStringLiteral("Warning"), rootWarning}, {QStringLiteral("RunAsConfigured"), false}, {QStringLiteral("RunAsUid"), 0}});
        recordWarning(rootWarning);
    }
    for (const QString &log : {launch.outputLog, launch.errorLog}) {
        if (Status fresh = freshLog(log); !fresh)
            return fresh;
    }

    m_log.info(lcRun, QStringLiteral("Running {ScriptFile}; stdout to {OutputLog}, stderr to {ErrorLog}"),
               {{QStringLiteral("ScriptFile"), launch.scriptFile},
                {QStringLiteral("OutputLog"), launch.outputLog},
                {QStringLiteral("ErrorLog"), launch.errorLog}});
    launch.cgroupProcsFiles = m_control.enterScriptRun();
    ProcessExit exit = ScriptRunner::run(launch, &m_control);
    if (auto kernelKill = m_control.leaveScriptRun(); kernelKill && !exit.stopped)
        exit.stopped = kernelKill; // the kernel stopped it before a tick could notice
    const ResourceSampler::Figures figures = m_control.resources();
    m_record.peakMemoryBytes = figures.peakMemoryBytes;
    m_record.cpuSeconds = figures.cpuSeconds;
    for (const QString &escape : m_control.escapeWarnings(exit.survivors))
        warn(escape, lcProcess);
    if (auto stop = stopped(exit))
        return *stop;
    if (!exit.started)
        return ScriptRunner::startFailure(launch, exit);

    if (exit.leftoversStopped > 0) {
        warn(QStringLiteral("the script left %1 process(es) running; they were stopped").arg(exit.leftoversStopped), lcRun);
    }
    m_exitCode = exit.conventionalExitCode();
    m_record.scriptExitCode = m_exitCode;
    if (exit.result() == ProcessResult::Crashed) {
        m_record.scriptSignal = exit.signal;
        m_record.message = QStringLiteral("the script was %1 (exit code %2)").arg(exit.exitMessage()).arg(m_exitCode);
    } else {
        m_record.message = QStringLiteral("the script exited with code %1").arg(m_exitCode);
    }
    m_record.outcome = m_exitCode == 0 ? Outcome::Succeeded : Outcome::Failed;
    return ok();
}

void Executor::recordErrorSummary()
{
    if (m_record.outcome == Outcome::Succeeded) {
        m_record.errorSummary.clear();
        return;
    }
    // The script's own failure is told by what it wrote last; any other end by the executor's
    // own reason, which Message already holds (the pip error line, the invalid field, the timeout).
    if (m_record.outcome == Outcome::Failed && m_record.scriptExitCode)
        m_record.errorSummary = ErrorSummary::ofScriptLog(m_paths.errorLogFile(m_options.executionId), *m_record.scriptExitCode,
                                                          m_record.scriptSignal.has_value(), m_record.message);
    else
        m_record.errorSummary = ErrorSummary::ofMessage(m_record.message);
    m_log.info(lcExecutor, QStringLiteral("Reason: {ErrorSummary}"), {{QStringLiteral("ErrorSummary"), m_record.errorSummary}});
}

void Executor::keepCacheUseOfKeptVenv()
{
    QStringList names;
    if (m_cache && !m_cacheEntryDir.isEmpty()) {
        names.append(QFileInfo(m_cacheEntryDir).fileName());
        for (const QString &folder : m_cache->storeFoldersInUse())
            names.append(QFileInfo(folder).fileName());
    }
    if (m_storedPip && !m_storedPip->folder().isEmpty())
        names.append(QFileInfo(m_storedPip->folder()).fileName());
    if (names.isEmpty())
        return;
    const CacheLayout layout(cacheDir(), m_paths.baseDir());
    const Status kept = KeptVenvs(layout.folder(), layout.keptVenvsDir()).keep(m_folders.venvDir(), m_options.executionId, names);
    if (!kept) {
        warn(QStringLiteral("the kept venv %1 uses %2 of the environment cache, which a prune may now remove: %3")
                 .arg(m_folders.venvDir(), names.join(QStringLiteral(", ")), kept.error().message),
             lcCleanup);
        return;
    }
    m_log.info(lcCleanup, QStringLiteral("The kept venv keeps {CacheUses} of the environment cache in use for as long as it exists"),
               {{QStringLiteral("CacheUses"), names.join(QStringLiteral(", "))}});
}

void Executor::cleanUp()
{
    const bool keepVenv = m_info && m_info->keepVirtualEnvironment;
    if (m_folders.ownsVenv() && keepVenv)
        keepCacheUseOfKeptVenv(); // while this run's markers still hold what it uses
    m_cache.reset(); // this execution no longer uses its cache entry
    m_storedPip.reset(); // nor pip's store folder
    stopDynamicUserProcesses(); // before its files are taken back: nothing of it may still write
    if (m_folders.ownsVenv() && keepVenv)
        m_log.info(lcCleanup, QStringLiteral("Keeping virtual environment {VenvPath}"), {{QStringLiteral("VenvPath"), m_folders.venvDir()}});
    warn(m_folders.remove(keepVenv), lcCleanup);
    if (keepVenv)
        reclaimKeptVenvFromDynamicUser();
    // The run-as user's processes are gone: its task folder, and what it wrote there, become
    // the executor's again, so that another task of the same user cannot change it while idle.
    warn(m_grants.takeBack(), lcCleanup);
    m_lease.markClean(); // nothing of a dynamic user's ID is left in the agent folder now
}

} // namespace oa
