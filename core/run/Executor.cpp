#include "Executor.h"

#include "base/LoggingCategories.h"
#include "environment/PythonEnvironment.h"
#include "PreviousRun.h"

#include <QCoreApplication>

#include <exception>

namespace oa {

namespace {

// --list, --which-runs and the monitor read result.json only up to 4 MiB (JsonFile), and a run
// whose result cannot be read shows as Pending. So nothing a task can multiply (warnings about
// its files, surviving processes, what its build code leaves in the venv or in pip's report)
// may grow the file without limit: these bound it, even with every character JSON-escaped to six
// bytes, to about 2 MiB at most. executor.log keeps everything.
constexpr qsizetype kMaxRecordedWarnings = 100;
constexpr qsizetype kMaxWarningChars = 1000;
constexpr qsizetype kMaxRecordedSurvivors = 100;
constexpr qsizetype kMaxPipFreezeLines = 1000;
constexpr qsizetype kMaxPipFreezeChars = 64 * 1024;
constexpr qsizetype kMaxProvenanceEntries = 1000;
constexpr qsizetype kMaxProvenanceChars = 128 * 1024;

// `text` cut to at most `max` characters, the cut marked, never between a surrogate pair.
QString cut(const QString &text, qsizetype max)
{
    if (text.size() <= max)
        return text;
    qsizetype keep = max - 1;
    if (keep > 0 && text.at(keep - 1).isHighSurrogate())
        --keep;
    return text.left(keep) + QChar(0x2026);
}

qsizetype charsOf(const InstalledDistribution &d)
{
    return d.name.size() + d.version.size() + d.file.size() + d.url.size() + d.sha256.size() + d.source.size();
}

} // namespace

void Executor::warn(const QString &what, ExecutionLog::Category category)
{
    if (what.isEmpty())
        return;
    m_log.warning(category, QStringLiteral("{Warning}"), {{QStringLiteral("Warning"), what}});
    recordWarning(what);
}

void Executor::recordWarning(const QString &warning)
{
    if (m_record.warnings.size() < kMaxRecordedWarnings)
        m_record.warnings.append(cut(warning, kMaxWarningChars));
    else
        ++m_warningsLeftOut;
}

void Executor::boundRecordedLists()
{
    if (m_record.survivors.size() > kMaxRecordedSurvivors) {
        const qsizetype more = m_record.survivors.size() - kMaxRecordedSurvivors;
        m_record.survivors.resize(kMaxRecordedSurvivors);
        warn(QStringLiteral("%1 more surviving process(es) are not in Survivors; executor.log names them all").arg(more), lcProcess);
    }
    qsizetype freezeChars = 0;
    qsizetype freezeKept = 0;
    for (const QString &line : std::as_const(m_record.pipFreeze)) {
        if (freezeKept == kMaxPipFreezeLines || freezeChars + line.size() > kMaxPipFreezeChars)
            break;
        freezeChars += line.size();
        ++freezeKept;
    }
    if (freezeKept < m_record.pipFreeze.size()) {
        const qsizetype more = m_record.pipFreeze.size() - freezeKept;
        m_record.pipFreeze.resize(freezeKept);
        warn(QStringLiteral("%1 more line(s) of pip freeze are not in PipFreeze (at most %2 lines, %3 characters); executor.log has them all")
                 .arg(more).arg(kMaxPipFreezeLines).arg(kMaxPipFreezeChars),
             lcPip);
    }
    if (m_record.provenance && !m_record.provenance->installed.isEmpty()) {
        qsizetype chars = 0;
        for (const InstalledDistribution &d : std::as_const(m_record.provenance->installed))
            chars += charsOf(d);
        const qsizetype count = m_record.provenance->installed.size();
        // Half a list would say "installed only these": the whole account is dropped instead,
        // and --which-runs then reports the run as unknown rather than as not having it.
        if (count > kMaxProvenanceEntries || chars > kMaxProvenanceChars) {
            m_record.provenance->installed.clear();
            m_record.provenance->unavailable = QStringLiteral("pip's report named %1 distribution(s) in %2 characters, more than result.json records (%3, %4 characters)")
                                                   .arg(count).arg(chars).arg(kMaxProvenanceEntries).arg(kMaxProvenanceChars);
            warn(QStringLiteral("which files were installed, and from where, is not recorded: %1").arg(m_record.provenance->unavailable), lcPip);
        }
    }
    if (m_warningsLeftOut > 0) {
        m_record.warnings.append(QStringLiteral("%1 more warning(s) were not recorded here; executor.log has them all").arg(m_warningsLeftOut));
        m_warningsLeftOut = 0;
    }
}

void Executor::warn(const QStringList &warnings, ExecutionLog::Category category)
{
    for (const QString &warning : warnings)
        warn(warning, category);
}

Status Executor::freshLog(const QString &path)
{
    QString replaced;
    const auto fd = m_paths.folder().openForWriting(path, AgentFolder::WriteMode::Truncate, &replaced);
    warn(replaced);
    if (!fd)
        return fd.error();
    return ok();
}

Executor::Executor(ExecutorOptions options)
    : m_options(std::move(options)), m_paths(m_options.baseDir), m_log(m_options.executionId),
      m_control(m_paths, m_options.executionId, m_log), m_grants(m_paths, m_options.executionId, m_options.runAs),
      m_pip(m_paths, m_options.executionId, m_options.pipEnvironment, m_options.requireHashes, m_options.packagePolicy.onlyBinary),
      m_interpreters({m_options.python, m_options.pythonOrigin, m_options.pythons, m_options.pythonsOrigin},
                     cacheDir() + QStringLiteral("/interpreters.json"), &m_control, m_options.runAs),
      m_deps(m_paths, m_options.executionId, {m_options.requireHashes, m_options.requireHashesOrigin, m_options.packagePolicy}),
      m_folders(m_paths, m_options.executionId), m_sandbox(m_options.sandbox, m_options.network, m_options.bubblewrapPath)
{
    m_clock.start();
    m_record.executionId = m_options.executionId;
    recordRunAs();
}

void Executor::recordRunAs()
{
    if (m_options.runAs) {
        m_record.runAsUser = m_options.runAs->name();
        m_record.runAsUid = m_options.runAs->uid();
        m_record.runAsGid = m_options.runAs->gid();
        m_record.runAsConfigured = true;
        m_record.runAsDynamic = m_options.runAs->isDynamic();
    } else {
        const CurrentUser self = CurrentUser::get();
        m_record.runAsUser = self.name;
        m_record.runAsUid = self.uid;
        m_record.runAsGid = self.gid;
    }
    m_control.setRunAsUser(m_record.runAsUser);
}

Executor::~Executor() = default;

Status Executor::timed(Stage stage, const std::function<Status()> &body)
{
    m_record.stage = stage;
    m_control.setStage(stage);
    QElapsedTimer timer;
    timer.start();
    const Status status = body();
    m_record.stageDurationsMs.append({stage, timer.elapsed()});
    return status;
}

int Executor::run()
{
    m_record.startedAt = QDateTime::currentDateTimeUtc();
    m_control.setStartedAt(m_record.startedAt);
    if (!AgentPaths::isValidExecutionId(m_options.executionId)) {
        m_log.error(lcExecutor, QStringLiteral("Invalid execution ID \"{ExecutionIdGiven}\": use 1 to 128 letters, digits, '-', '_' or '.', not \".\" or \"..\""),
                    {{QStringLiteral("ExecutionIdGiven"), m_options.executionId}});
        return int(ExitCode::InvalidArguments);
    }
    m_log.info(lcExecutor, QStringLiteral("Executor {ExecutorVersion} starting execution {ExecutionId} in {BaseDir} as PID {Pid}"),
               {{QStringLiteral("ExecutorVersion"), QStringLiteral(OA_VERSION)},
                {QStringLiteral("ExecutionId"), m_options.executionId},
                {QStringLiteral("BaseDir"), m_paths.baseDir()},
                {QStringLiteral("Pid"), QCoreApplication::applicationPid()}});

    // Until the lock is held, nothing may be written into the task: a refused duplicate (exit 2)
    // and a missing task (exit 3) leave no trace but the console.
    const Status locked = timed(Stage::Lock, [this] { return acquireLock(); });
    if (!locked) {
        m_log.error(lcLock, QStringLiteral("{Message}"), {{QStringLiteral("Message"), locked.error().message}});
        return int(exitCodeFor(Stage::Lock, locked.error()));
    }

    Status status = ok();
    try {
        status = runStages();
    } catch (const std::exception &e) {
        status = fail(ErrorKind::Internal, QStringLiteral("unexpected error: %1").arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        status = fail(ErrorKind::Internal, QStringLiteral("unexpected error of unknown type"));
    }
    return finish(status);
}

Status Executor::acquireLock()
{
    const QString id = m_options.executionId;
    // The task folder must be a real folder under Tasks/: a link (to anywhere) is refused before
    // anything is written, so that no log or result can land outside the base.
    const Result<AgentFolder::Kind> kind = m_paths.folder().kindAt(m_paths.taskDir(id));
    if (!kind)
        return Error{ErrorKind::NotFound, QStringLiteral("the task folder %1 cannot be used: %2").arg(m_paths.taskDir(id), kind.error().message),
                     kind.error().systemError};
    const AgentFolder::Kind task = kind.value();
    if (task == AgentFolder::Kind::Missing)
        return fail(ErrorKind::NotFound, QStringLiteral("the task folder %1 does not exist").arg(m_paths.taskDir(id)));
    if (task != AgentFolder::Kind::Directory)
        return fail(ErrorKind::NotFound, QStringLiteral("the task folder %1 is %2, not a folder; refusing to run it")
                                                .arg(m_paths.taskDir(id), AgentFolder::kindName(task)));
    if (const Status made = m_paths.ensureDir(m_paths.locksDir()); !made)
        return made;
    m_lock = std::make_unique<TaskLock>(m_paths.lockFile(id));
    if (const Status acquired = m_lock->tryAcquire(); !acquired)
        return acquired;
    for (const QString &replaced : m_lock->replaced()) // something planted at the lock path
        warn(replaced, lcLock);
    m_log.info(lcLock, QStringLiteral("Locked {LockFile}"), {{QStringLiteral("LockFile"), m_lock->path()}});
    return ok();
}

void Executor::keepPreviousRun()
{
    PreviousRun previous(m_paths, m_options.executionId, m_options.keepRuns);
    const Status kept = previous.keep();
    for (const QString &warning : previous.warnings())
        warn(warning);
    if (!kept)
        warn(QStringLiteral("the previous run was not kept whole, so this run's logs may follow its own: %1").arg(kept.error().message));
    if (!previous.moved().isEmpty())
        m_log.info(lcExecutor, QStringLiteral("Moved the previous run's {PreviousFiles} into {PreviousDir}"),
                   {{QStringLiteral("PreviousFiles"), previous.moved().join(QStringLiteral(", "))},
                    {QStringLiteral("PreviousDir"), m_paths.previousDir(m_options.executionId)}});
}

RunLimits Executor::limitsFor(const ExecutionInfo &info)
{
    SiteLimits site = m_options.siteLimits;
    TaskLimits task{info.timeoutSeconds, info.graceSeconds, info.maxMemoryMB, info.maxCpuSeconds, {}};
    // The command line is the service's own choice: it wins over execution.json and the file.
    if (m_options.timeoutSeconds) {
        task.timeoutSeconds = m_options.timeoutSeconds;
        site.maxTimeoutSeconds.reset();
    }
    if (m_options.graceSeconds)
        task.graceSeconds = m_options.graceSeconds;
    const TaskLimits effective = effectiveLimits(site, task);
    for (const QString &warning : effective.warnings)
        warn(warning, lcConfig);
    RunLimits limits;
    if (effective.timeoutSeconds)
        limits.timeoutMs = qint64(*effective.timeoutSeconds * 1000.0);
    if (effective.graceSeconds)
        limits.graceMs = qint64(*effective.graceSeconds * 1000.0);
    if (effective.maxMemoryMB)
        limits.maxMemoryBytes = qint64(*effective.maxMemoryMB * 1024.0 * 1024.0);
    limits.maxCpuSeconds = effective.maxCpuSeconds;
    return limits;
}

std::optional<Error> Executor::stopped(const ProcessExit &exit)
{
    if (!exit.survivors.isEmpty()) {
        QStringList pids;
        for (const qint64 pid : exit.survivors)
            pids.append(QString::number(pid));
        const QString warning = QStringLiteral("%1 process(es) survived the stop: PID %2").arg(exit.survivors.size()).arg(pids.join(QStringLiteral(", ")));
        m_log.error(lcProcess, QStringLiteral("{Warning}"), {{QStringLiteral("Warning"), warning}});
        recordWarning(warning);
        m_record.survivors += exit.survivors;
    }
    return exit.stopError();
}

Status Executor::runStages()
{
    const auto stopRequested = [this]() -> std::optional<Error> {
        if (auto stop = m_control.pendingStop())
            return fail(stop->kind, stop->message);
        return std::nullopt;
    };
    if (Status s = readAndValidate(); !s)
        return s;
    if (Status begun = m_control.begin(m_clock); !begun)
        return begun;
    if (auto stop = stopRequested())
        return *stop;
    if (Status s = prepareEnvironment(); !s)
        return s;
    if (auto stop = stopRequested())
        return *stop;
    return timed(Stage::Run, [this] { return runScript(); });
}

Status Executor::readAndValidate()
{
    const QString id = m_options.executionId;
    QByteArray json;
    const Status read = timed(Stage::Read, [&]() -> Status {
        const AgentFolder folder = m_paths.folder();
        const QString executionFile = m_paths.executionFile(id);
        if (folder.kindOf(executionFile) == AgentFolder::Kind::Missing)
            return fail(ErrorKind::NotFound, QStringLiteral("%1 does not exist").arg(executionFile));
        m_taskFilesAllowed = true;
        keepPreviousRun(); // before this run writes anything: its logs then hold this run only
        QString replaced;
        if (const Status opened = m_log.openFile(folder, m_paths.executorLogFile(id), &replaced); !opened)
            qCWarning(lcExecutor).noquote() << opened.error().message << "; logging to the console only";
        warn(replaced);
        // Never blocks (a FIFO is refused at once) and never reads more than any real file needs.
        auto content = folder.readFile(executionFile, ExecutionInfo::kMaxFileBytes);
        if (!content)
            return content.error(); // refused or unreadable: exit 4, as this is the Read stage
        json = std::move(content).value();
        return ok();
    });
    if (!read)
        return read;

    return timed(Stage::Validate, [&]() -> Status {
        auto info = ExecutionInfo::parse(json, id, m_paths.taskDir(id));
        if (!info)
            return info.error();
        m_info = std::move(info).value();
        for (const QString &warning : std::as_const(m_info->warnings))
            warn(warning, lcConfig);
        if (m_options.keepVenv)
            m_info->keepVirtualEnvironment = true;
        m_control.setLimits(limitsFor(*m_info));
        if (Status s = m_deps.select(*m_info); !s)
            return s;
        m_record.dependencySource = dependencySourceName(m_deps.resolved().source);
        m_record.dependencyFile = m_deps.resolved().file;
        m_log.info(lcConfig, QStringLiteral("Script {ScriptPath} with {ArgumentCount} argument(s); dependency source: {DependencySource}"),
                   {{QStringLiteral("ScriptPath"), m_info->scriptPath},
                    {QStringLiteral("ArgumentCount"), m_info->arguments.size()},
                    {QStringLiteral("DependencySource"), m_deps.sourceText()}});
        return ok();
    });
}

int Executor::finish(const Status &status)
{
    if (!status) {
        const Error &failure = status.error();
        // The one place a failure becomes the exit code: by its kind and the stage it stopped.
        const ExitCode code = exitCodeFor(m_record.stage, failure);
        m_exitCode = int(code);
        m_record.outcome = outcomeForExitCode(code);
        m_record.message = failure.message;
        // A stop the operator or the configuration asked for (a cancel, the timeout, a limit)
        // is the run doing as told: no error in the log, whose Error lines mark real faults.
        const QVariantMap fields{{QStringLiteral("Stage"), stageName(m_record.stage)}, {QStringLiteral("Message"), failure.message}};
        if (code == ExitCode::Cancelled)
            m_log.info(lcExecutor, QStringLiteral("{Stage} stopped: {Message}"), fields);
        else if (code == ExitCode::TimedOut || code == ExitCode::ResourceLimitExceeded)
            m_log.warning(lcExecutor, QStringLiteral("{Stage} stopped: {Message}"), fields);
        else
            m_log.error(lcExecutor, QStringLiteral("{Stage} failed: {Message}"), fields);
    }
    const Stage endedIn = m_record.stage;
    timed(Stage::Cleanup, [this] {
        cleanUp();
        return ok();
    });
    m_record.stage = endedIn;
    m_record.exitCode = m_exitCode;
    m_control.end(outcomeName(m_record.outcome));
    m_record.containment = m_control.containment();
    if (m_record.containment) {
        m_record.containment->noNewPrivileges = true; // ChildProcess sets it on every child
        m_record.containment->runAsUser = m_record.runAsConfigured ? m_record.runAsUser : QString();
    }
    const ProgressReader::Progress &progress = m_control.progress();
    m_record.progressPercent = progress.percent;
    m_record.progressMessage = progress.message;
    m_record.progressUpdates = progress.updates;
    m_record.badProgressLines = progress.badLines;
    if (progress.badLines > 0)
        warn(QStringLiteral("%1 progress line(s) were not valid and were ignored").arg(progress.badLines), lcRun);
    m_record.finishedAt = QDateTime::currentDateTimeUtc();

    if (m_taskFilesAllowed) {
        const QString resultFile = m_paths.resultFile(m_options.executionId);
        warn(m_paths.folder().plantedAt(resultFile));
        recordErrorSummary(); // after cleanup: the run-as user can no longer change stderr.log
        boundRecordedLists(); // last: the warnings above count too
        if (const Status saved = m_record.save(m_paths.folder(), resultFile); !saved) {
            // The previous result.json is intact; the service must not report an outcome that
            // nobody can read back, so whatever happened, this run ends as an internal error.
            m_log.error(lcExecutor, QStringLiteral("The result could not be saved, so the run ends with exit code {ExitCode}: {Message}"),
                        {{QStringLiteral("ExitCode"), int(ExitCode::Unexpected)}, {QStringLiteral("Message"), saved.error().message}});
            m_exitCode = int(ExitCode::Unexpected);
        }
    }
    m_log.info(lcExecutor, QStringLiteral("Finished with outcome {Outcome} and exit code {ExitCode} in {DurationMs} ms"),
               {{QStringLiteral("Outcome"), outcomeName(m_record.outcome)},
                {QStringLiteral("ExitCode"), m_exitCode},
                {QStringLiteral("DurationMs"), m_record.startedAt.msecsTo(m_record.finishedAt)}});
    m_log.closeFile();
    if (m_lock)
        m_lock->release(); // last: the task is not free until its files are final
    return m_exitCode;
}

} // namespace oa
