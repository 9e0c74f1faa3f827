#include "ChildProcess.h"

#include "base/LoggingCategories.h"
#include "CgroupSpawn.h"
#include "ChildConfinement.h"
#include "LiveChildren.h"
#include "ProcessGuardian.h"
#include "ProcessTable.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QProcess>
#include <QThread>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <cerrno>
#endif
#ifdef Q_OS_UNIX
#include <signal.h>
#include <unistd.h>
#endif

namespace oa {

namespace {

constexpr int kLeftoverGraceMs = 2000;
constexpr int kSandboxTeardownMs = 2000;

QList<qint64> membersOf(qint64 processGroup, RunControl *control)
{
    return control ? control->treeMembers(processGroup) : ProcessTable::livingMembersOfGroup(processGroup);
}

void signalTree(qint64 processGroup, int signal, RunControl *control)
{
    if (control)
        control->signalTree(processGroup, signal);
#ifdef Q_OS_UNIX
    else
        ::kill(-pid_t(processGroup), signal);
#endif
}

bool waitUntilGone(qint64 processGroup, QDeadlineTimer deadline, RunControl *control)
{
    while (!membersOf(processGroup, control).isEmpty()) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(20);
    }
    return true;
}

} // namespace

void RunControl::signalTree(qint64 processGroup, int signal)
{
#ifdef Q_OS_UNIX
    ::kill(-pid_t(processGroup), signal);
#else
    Q_UNUSED(processGroup)
    Q_UNUSED(signal)
#endif
}

QList<qint64> RunControl::treeMembers(qint64 processGroup)
{
    return ProcessTable::livingMembersOfGroup(processGroup);
}

int ChildProcess::stopGroup(qint64 processGroup, qint64 graceMs, QList<qint64> *survivors, RunControl *control)
{
    const int alive = int(membersOf(processGroup, control).size());
    if (alive == 0)
        return 0;
#ifdef Q_OS_UNIX
    if (graceMs > 0)
        signalTree(processGroup, SIGTERM, control);
    if (graceMs <= 0 || !waitUntilGone(processGroup, QDeadlineTimer(graceMs), control)) {
        signalTree(processGroup, SIGKILL, control);
        if (!waitUntilGone(processGroup, QDeadlineTimer(kLeftoverGraceMs), control)) {
            const QList<qint64> left = membersOf(processGroup, control);
            qCWarning(lcProcess) << "processes of group" << processGroup << "survived SIGKILL:" << left;
            if (survivors)
                *survivors = left;
        }
    }
#endif
    return alive;
}

namespace {

// Stops a running child's tree for a StopRequest: SIGTERM to the whole group at once, SIGKILL
// to whatever is left when the grace period ends. The event loop keeps running throughout.
class TreeStopper {
public:
    // `process` is null for a child CgroupSpawn started (Linux only, where signals do it all).
    TreeStopper(QProcess *process, qint64 group, RunControl *control) : m_process(process), m_group(group), m_control(control) {}

    void stop(const StopRequest &request, qint64 graceMs)
    {
        if (m_hardKilled)
            return;
        if (request.immediate || graceMs <= 0) {
            hardKill();
            return;
        }
        if (m_terminated)
            return;
        m_terminated = true;
#ifdef Q_OS_UNIX
        signalTree(m_group, SIGTERM, m_control);
#else
        m_process->terminate();
#endif
        m_graceEnds = QDeadlineTimer(graceMs);
    }

    // What is left of the grace period after the child itself exited: its group gets that too.
    qint64 remainingGraceMs() const
    {
        return m_terminated && !m_hardKilled ? qMax<qint64>(0, m_graceEnds.remainingTime()) : 0;
    }

    void tick()
    {
        if (m_terminated && !m_hardKilled && m_graceEnds.hasExpired())
            hardKill();
    }

private:
    void hardKill()
    {
        m_hardKilled = true;
#ifdef Q_OS_UNIX
        signalTree(m_group, SIGKILL, m_control);
#else
        m_process->kill();
#endif
    }

    QProcess *m_process;
    qint64 m_group;
    RunControl *m_control;
    bool m_terminated = false;
    bool m_hardKilled = false;
    QDeadlineTimer m_graceEnds;
};

constexpr int kControlTickMs = 200;

} // namespace

namespace {

// The fallback start, and the only one off Linux or without a cgroup v2 to start in: QProcess
// forks, and ChildConfinement runs in its child modifier (joining the cgroups by writes there).
bool startWithQProcess(QProcess &process, const ProcessSpec &spec, const QString &program, const QStringList &arguments,
                       const QProcessEnvironment &environment, const ChildConfinement &confinement, ProcessExit *result)
{
    process.setProgram(program);
    process.setArguments(arguments);
    process.setProcessEnvironment(environment);
    if (!spec.workingDirectory.isEmpty())
        process.setWorkingDirectory(spec.workingDirectory);
    process.setStandardInputFile(QProcess::nullDevice());
    const QIODevice::OpenMode mode = spec.appendOutput ? QIODevice::Append : QIODevice::Truncate;
    if (!spec.stdoutFile.isEmpty()) {
        process.setStandardOutputFile(spec.stdoutFile, mode);
        if (spec.stderrFile.isEmpty())
            process.setProcessChannelMode(QProcess::MergedChannels);
        else
            process.setStandardErrorFile(spec.stderrFile, mode);
    } else if (spec.captureStderr) {
        process.setProcessChannelMode(QProcess::MergedChannels);
    } else {
        process.setStandardErrorFile(QProcess::nullDevice());
    }
#ifdef Q_OS_UNIX
    // Runs in Qt 6.4's vfork-like child: see ChildConfinement::applyInChild.
    process.setChildProcessModifier([confinement] { confinement.applyInChild(); });
#else
    Q_UNUSED(confinement)
#endif
    process.start();
    if (process.waitForStarted(-1))
        return true;
    result->startError = process.errorString();
#ifdef Q_OS_UNIX
    // Qt reports the child's failed execve() as "execve: " + strerror(errno), in this
    // process's locale: compared with the same function's text for E2BIG.
    result->argumentsTooLong = result->startError.endsWith(qt_error_string(E2BIG));
#endif
    return false;
}

} // namespace

ProcessExit ChildProcess::run(const ProcessSpec &spec, RunControl *control)
{
    ProcessExit result;
    const QString program = spec.sandbox ? spec.sandbox->bubblewrap : spec.program;
    const QStringList arguments = spec.sandbox ? bubblewrapArguments(*spec.sandbox, spec.program, spec.arguments) : spec.arguments;
    QProcessEnvironment environment = spec.environment;
    if (spec.credentials) {
        environment.insert(QStringLiteral("HOME"), spec.credentials->home);
        environment.insert(QStringLiteral("USER"), spec.credentials->userName);
        environment.insert(QStringLiteral("LOGNAME"), spec.credentials->userName);
    }
    if (!spec.home.isEmpty())
        environment.insert(QStringLiteral("HOME"), spec.home);
    ChildConfinement confinement;
#ifdef Q_OS_UNIX
    confinement.parent = ::getpid();
#endif
    confinement.cgroupProcsFiles = spec.cgroupProcsFiles;
    confinement.credentials = spec.credentials;

    qCDebug(lcProcess).noquote() << "starting" << program << arguments.join(u' ');
    // Straight into the cgroup v2 where the kernel can (no migration, no RCU grace period to
    // wait for); else QProcess, and the child migrates itself.
    CgroupSpawn direct;
    QProcess process;
    std::unique_lock<std::mutex> starting = LiveChildren::instance().lockForStart();
    const CgroupSpawn::Start directStart = direct.start(spec, program, arguments, environment, confinement, &result);
    if (directStart == CgroupSpawn::Start::Failed)
        return result;
    const bool isDirect = directStart == CgroupSpawn::Start::Started;
    if (!isDirect && !startWithQProcess(process, spec, program, arguments, environment, confinement, &result))
        return result;
    result.started = true;
    result.startedInCgroup = isDirect;
    result.pid = isDirect ? direct.pid() : process.processId();
    // The guardian first: once a child is listed, its group is guarded (oa-test-twochildren
    // waits for both listings before it lets itself be killed).
    ProcessGuardian::instance().watch(result.pid);
    LiveChildren::instance().add(result.pid, starting);

    // An event loop rather than waitForFinished(): the RunControl's tick runs in it (deadlines,
    // cancel requests, resource samples), and there is no 30 s default to forget about.
    TreeStopper stopper(isDirect ? nullptr : &process, result.pid, control);
    const auto tick = [&] {
        if (control) {
            if (auto request = control->check(result.pid)) {
                if (!result.stopped || request->immediate)
                    result.stopped = request;
                stopper.stop(*request, control->graceMs());
            }
        }
        stopper.tick();
    };
    tick(); // a request that came before the start (a cancel during the previous step) acts at once
    if (isDirect ? !direct.exited() : process.state() != QProcess::NotRunning) {
        QEventLoop loop;
        if (isDirect)
            direct.quitOnExit(loop);
        else
            QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer timer;
        timer.setInterval(kControlTickMs);
        QObject::connect(&timer, &QTimer::timeout, &loop, tick);
        timer.start();
        loop.exec();
    }
    if (isDirect) {
        direct.collect(&result);
    } else {
        if (spec.stdoutFile.isEmpty())
            result.capturedStdout = process.readAllStandardOutput();
        if (process.exitStatus() == QProcess::CrashExit)
            result.signal = process.exitCode(); // Qt puts the signal number there
        else
            result.exitCode = process.exitCode();
    }

    // A sandbox's first process (bwrap's init, PID 1 of its namespace) may still be on its way
    // out when bwrap has reported the program's exit; its namespace, and anything the program
    // left in it, ends with it. Not a leftover of the program's: give it a moment.
    if (spec.sandbox)
        waitUntilGone(result.pid, QDeadlineTimer(kSandboxTeardownMs), control);
    result.othersAliveAtExit = int(ProcessTable::descendantsOf(QCoreApplication::applicationPid(),
                                                               LiveChildren::instance().others(result.pid) << ProcessGuardian::instance().pid())
                                       .size());
    // Whatever the child left in its group goes too: after a stop, at once; else gracefully.
    result.leftoversStopped = stopGroup(result.pid, result.stopped ? stopper.remainingGraceMs() : kLeftoverGraceMs,
                                        &result.survivors, control);
    ProcessGuardian::instance().release(result.pid);
    LiveChildren::instance().remove(result.pid);
    return result;
}

} // namespace oa
