#include "ExecutionControl.h"

#include "records/ExecutionLog.h"
#include "base/LoggingCategories.h"
#include "records/StatusRecord.h"

#include <QCoreApplication>
#include <QFile>

#include <csignal>
#include <cstdio>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace oa {

namespace {

volatile std::sig_atomic_t g_signals = 0;
volatile std::sig_atomic_t g_lastSignal = 0;

extern "C" void onStopSignal(int signal)
{
    g_lastSignal = signal;
    g_signals = g_signals + 1;
}

constexpr qint64 kStatusIntervalMs = 1000;

QString signalName(int signal)
{
    return signal == SIGINT ? QStringLiteral("SIGINT") : QStringLiteral("SIGTERM");
}

} // namespace

ExecutionControl::ExecutionControl(const AgentPaths &paths, const QString &executionId, ExecutionLog &log)
    : m_paths(paths), m_id(executionId), m_log(log), m_cancel(paths, executionId)
{
#ifdef Q_OS_UNIX
    m_ttyProgress = ::isatty(STDOUT_FILENO) == 1;
#endif
}

ExecutionControl::~ExecutionControl()
{
    m_cancel.close();
}

void ExecutionControl::installSignalHandlers()
{
#ifdef Q_OS_UNIX
    struct sigaction action = {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
#else
    std::signal(SIGTERM, onStopSignal);
    std::signal(SIGINT, onStopSignal);
#endif
}

Status ExecutionControl::begin(const QElapsedTimer &startedAt)
{
    m_started = &startedAt;
    m_begun = true;
    m_paths.folder().removeFile(progressFile()); // progress describes this run only
    m_progress = std::make_unique<ProgressReader>(progressFile());
    if (Status opened = m_cancel.open(QCoreApplication::applicationPid()); !opened)
        return opened;
#ifdef Q_OS_UNIX
    m_containment.processGroup = true; // ChildProcess puts every child in its own session
#endif
    m_containment.subreaper = m_tree.becomeSubreaper();
    if (!m_containment.subreaper)
        m_log.warning(lcProcess, QStringLiteral("Cannot become the child subreaper: a daemon that leaves the script's session and cgroups can outlive the run"));
    writeStatus(QStringLiteral("Running"));
    return ok();
}

void ExecutionControl::setLimits(const RunLimits &limits)
{
    m_limits = limits;
}

void ExecutionControl::setStage(Stage stage)
{
    m_stage = stage;
    if (m_begun)
        writeStatus(m_stop ? QStringLiteral("Stopping") : QStringLiteral("Running"));
}

QList<QByteArray> ExecutionControl::enterScriptRun()
{
    m_inScript = true;
    QStringList notes;
    const QList<QByteArray> procsFiles = m_tree.enterScript(
        QStringLiteral("openautomate-%1-%2").arg(QCoreApplication::applicationPid()).arg(m_id), m_limits.maxMemoryBytes, &notes);
    const CgroupScope *v2 = m_tree.cgroupV2();
    const MemoryCgroupV1 *v1 = m_tree.cgroupV1Memory();
    m_containment.cgroupV2 = v2 ? v2->path() : QString();
    m_containment.cgroupV1Memory = v1 ? v1->path() : QString();
    const QString kernelLimit = m_tree.kernelMemoryLimit();
    m_containment.memoryLimit = !m_limits.maxMemoryBytes ? QString() : kernelLimit.isEmpty() ? QStringLiteral("sampling") : kernelLimit;
    m_sampler.setPeakFromKernel(!kernelLimit.isEmpty());
    const auto orNone = [](const QString &text) { return text.isEmpty() ? QStringLiteral("none") : text; };
    m_log.info(lcProcess, QStringLiteral("Containing the script by process group, subreaper {Subreaper}, cgroup {Cgroup}, memory cgroup (v1) {MemoryCgroup}; "
                                         "memory limit enforced by {MemoryLimit}{Notes}"),
               {{QStringLiteral("Subreaper"), m_containment.subreaper},
                {QStringLiteral("Cgroup"), orNone(m_containment.cgroupV2)},
                {QStringLiteral("MemoryCgroup"), orNone(m_containment.cgroupV1Memory)},
                {QStringLiteral("MemoryLimit"), orNone(m_containment.memoryLimit)},
                {QStringLiteral("Notes"), notes.isEmpty() ? QString() : QStringLiteral(" (") + notes.join(QStringLiteral("; ")) + u')'}});
    return procsFiles;
}

std::optional<StopRequest> ExecutionControl::leaveScriptRun()
{
    m_sampler.raise(m_tree.cpuSeconds(), m_tree.memoryPeakBytes());
    std::optional<StopRequest> late;
    if (!m_stop && (late = kernelMemoryStop()))
        m_stop = late;
    m_inScript = false;
    m_tree.leaveScript(); // kills anything left inside, removes the cgroups
    return late;
}

std::optional<StopRequest> ExecutionControl::kernelMemoryStop() const
{
    if (m_tree.memoryLimitKills() <= 0)
        return std::nullopt;
    const QString which = m_tree.kernelMemoryLimit() == u"cgroup-v1" ? QStringLiteral("cgroup v1 memory limit (memory.limit_in_bytes)")
                                                                      : QStringLiteral("cgroup v2 memory limit (memory.max)");
    return StopRequest{ErrorKind::LimitExceeded,
                       QStringLiteral("memory limit exceeded: the kernel's %1 stopped a process of the tree at MaxMemoryMB %2 (peak %3 MB)")
                           .arg(which)
                           .arg(m_limits.maxMemoryBytes.value_or(0) / (1024 * 1024))
                           .arg(m_sampler.figures().peakMemoryBytes / (1024 * 1024))};
}

std::optional<ContainmentReport> ExecutionControl::containment() const
{
    return m_begun ? std::optional<ContainmentReport>(m_containment) : std::nullopt;
}

void ExecutionControl::signalTree(qint64 processGroup, int signal)
{
    m_tree.signal(processGroup, signal);
}

QList<qint64> ExecutionControl::treeMembers(qint64 processGroup)
{
    return m_tree.members(processGroup);
}

QString ExecutionControl::progressFile() const
{
    return m_paths.taskDir(m_id) + QStringLiteral("/progress.jsonl");
}

const ProgressReader::Progress &ExecutionControl::progress() const
{
    static const ProgressReader::Progress none;
    return m_progress ? m_progress->progress() : none;
}

std::optional<StopRequest> ExecutionControl::pendingStop()
{
    if (g_signals > 0 && !m_stop) {
        m_stop = StopRequest{ErrorKind::Cancelled, QStringLiteral("cancelled by %1 to the executor").arg(signalName(g_lastSignal))};
    } else if (m_begun && !m_stop && m_cancel.requested()) {
        m_cancel.acknowledge();
        m_stop = StopRequest{ErrorKind::Cancelled, QStringLiteral("cancelled on request (openautomate-executor --cancel)")};
    } else if (!m_stop && m_limits.timeoutMs && m_started && m_started->elapsed() >= *m_limits.timeoutMs) {
        m_stop = StopRequest{ErrorKind::TimedOut, QStringLiteral("timed out after %1 s (TimeoutSeconds %2)")
                                                     .arg(double(m_started->elapsed()) / 1000.0, 0, 'f', 1)
                                                     .arg(double(*m_limits.timeoutMs) / 1000.0)};
    }
    if (m_stop && g_signals > 1)
        m_stop->immediate = true; // asked twice: no more grace
    return m_stop;
}

std::optional<StopRequest> ExecutionControl::check(qint64 processGroup)
{
    const bool wasStopping = m_stop.has_value();
    if (m_inScript && processGroup > 0) {
        m_sampler.sample(treeMembers(processGroup));
        m_sampler.raise(m_tree.cpuSeconds(), m_tree.memoryPeakBytes());
        const ResourceSampler::Figures f = m_sampler.figures();
        if (!m_stop)
            m_stop = kernelMemoryStop();
        // Where the kernel enforces the limit, it alone decides: the sampled sum of RSS counts
        // shared pages more than once, and would stop a tree the kernel still lets run.
        if (!m_stop && m_containment.memoryLimit == u"sampling" && f.peakMemoryBytes > *m_limits.maxMemoryBytes)
            m_stop = StopRequest{ErrorKind::LimitExceeded,
                                 QStringLiteral("memory limit exceeded: the process tree reached %1 MB (MaxMemoryMB %2)")
                                     .arg(f.peakMemoryBytes / (1024 * 1024)).arg(*m_limits.maxMemoryBytes / (1024 * 1024))};
        if (!m_stop && m_limits.maxCpuSeconds && f.cpuSeconds > *m_limits.maxCpuSeconds)
            m_stop = StopRequest{ErrorKind::LimitExceeded,
                                 QStringLiteral("CPU limit exceeded: the process tree used %1 s of CPU (MaxCpuSeconds %2)")
                                     .arg(f.cpuSeconds, 0, 'f', 1).arg(*m_limits.maxCpuSeconds)};
        readProgress();
    }
    const std::optional<StopRequest> stop = pendingStop();
    if (stop && !wasStopping) {
        m_log.warning(lcExecutor, QStringLiteral("Stopping the process tree: {Reason}"), {{QStringLiteral("Reason"), stop->message}});
        writeStatus(QStringLiteral("Stopping"));
    } else if (m_begun && (!m_lastStatus.isValid() || m_lastStatus.elapsed() >= kStatusIntervalMs)) {
        writeStatus(stop ? QStringLiteral("Stopping") : QStringLiteral("Running"));
    }
    return stop;
}

void ExecutionControl::readProgress()
{
    if (!m_progress || !m_progress->poll())
        return;
    const ProgressReader::Progress &p = m_progress->progress();
    const int percent = p.percent ? int(*p.percent) : -1;
    if (m_ttyProgress) {
        std::fprintf(stdout, "\r\033[K[%3d%%] %s", qMax(percent, 0), p.message.left(100).toLocal8Bit().constData());
        std::fflush(stdout);
    } else if (percent != m_lastShownPercent) {
        m_log.info(lcRun, QStringLiteral("Progress {Percent}%: {ProgressMessage}"),
                   {{QStringLiteral("Percent"), p.percent.value_or(0)}, {QStringLiteral("ProgressMessage"), p.message}});
    }
    m_lastShownPercent = percent;
}

void ExecutionControl::writeStatus(const QString &state, const QString &outcome)
{
    m_lastStatus.start();
    const ResourceSampler::Figures f = m_sampler.figures();
    const ProgressReader::Progress &p = progress();
    StatusRecord status;
    status.executionId = m_id;
    status.state = state;
    status.stage = stageName(m_stage);
    status.percent = p.percent;
    status.message = p.message;
    status.pid = QCoreApplication::applicationPid();
    status.startedAt = m_startedAt;
    status.updatedAt = QDateTime::currentDateTimeUtc();
    status.memoryBytes = f.memoryBytes;
    status.peakMemoryBytes = f.peakMemoryBytes;
    status.cpuSeconds = f.cpuSeconds;
    status.badProgressLines = p.badLines;
    status.outcome = outcome;
    status.runAsUser = m_runAsUser;
    if (m_stop)
        status.stopReason = m_stop->message;
    // Through the gatekeeper: a script that plants a link or a FIFO at status.json gets it
    // replaced, never written through. A failure (a full disk) keeps the last good file and is
    // logged once; result.json, not status.json, is what must be saved, so status.json is
    // replaced atomically but never flushed (a power loss may leave it old or empty).
    const QString path = m_paths.statusFile(m_id);
    const Status saved = m_paths.folder().writeAtomically(path, status.toJson(), nullptr, AgentFolder::Durability::AtomicOnly);
    if (!saved && !m_statusFailed)
        m_log.warning(lcExecutor, QStringLiteral("Cannot update {StatusFile}: {Reason}"),
                      {{QStringLiteral("StatusFile"), path}, {QStringLiteral("Reason"), saved.error().message}});
    m_statusFailed = !saved;
}

void ExecutionControl::end(const QString &outcome)
{
    if (m_progress)
        m_progress->poll(); // the last lines the script wrote before it exited
    if (m_ttyProgress && m_lastShownPercent >= 0) {
        std::fputc('\n', stdout);
        std::fflush(stdout);
    }
    if (m_begun)
        writeStatus(QStringLiteral("Finished"), outcome);
    m_cancel.close();
}

} // namespace oa
