#include "ChildProcess.h"

#include "base/LoggingCategories.h"
#include "ProcessGuardian.h"
#include "ProcessTable.h"
#include "PrivilegeDrop.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QProcess>
#include <QThread>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <cerrno>
#endif
#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace oa {

namespace {

constexpr int kLeftoverGraceMs = 2000;
constexpr int kSandboxTeardownMs = 2000;

// What a child whose privileges could not be dropped writes to its stderr before it exits.
constexpr char kDropFailed[] = "openautomate-executor: cannot take the run-as user's credentials (";
constexpr char kDropFailedEnd[] = " failed); the child did not run\n";
constexpr int kDropFailedExit = 126;

void confine(QProcess &process, const QList<QByteArray> &cgroupProcsFiles, const std::shared_ptr<const ProcessCredentials> &credentials)
{
#ifdef Q_OS_LINUX
    const pid_t parent = ::getpid();
    // Runs in Qt 6.4's vfork-like child: raw syscalls only, no allocation, no Qt. Everything it
    // reads (the procs files, the groups) was made in the parent and is only read here, through
    // const access, which never detaches a Qt container.
    process.setChildProcessModifier([parent, cgroupProcsFiles, credentials] {
        for (const QByteArray &procsFile : cgroupProcsFiles) { // into the execution's cgroups before any code of its own
            const int fd = ::open(procsFile.constData(), O_WRONLY | O_CLOEXEC);
            if (fd >= 0) {
                [[maybe_unused]] const ssize_t written = ::write(fd, "0", 1);
                ::close(fd);
            }
        }
        ::setsid(); // own session and process group (pgid == pid)
        if (credentials) {
            // A child that cannot drop them never runs: it would run as root. Its stderr says
            // which step failed, in three writes, since nothing here may build a string.
            const PrivilegeDropResult dropped =
                dropPrivileges(credentials->uid, credentials->gid, credentials->groups.data(), credentials->groups.size());
            if (!dropped.ok()) {
                const char *step = privilegeDropStepName(dropped.failedAt);
                size_t length = 0;
                while (step[length] != '\0')
                    ++length;
                [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, kDropFailed, sizeof kDropFailed - 1);
                written = ::write(STDERR_FILENO, step, length);
                written = ::write(STDERR_FILENO, kDropFailedEnd, sizeof kDropFailedEnd - 1);
                ::_exit(kDropFailedExit);
            }
        }
        // No setuid or file-capability program can raise the child (or anything it starts) again.
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            ::_exit(kDropFailedExit);
        // After setuid(): a change of credentials clears the death signal.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL); // dies with the thread that started it (our main thread)
        if (::getppid() != parent)          // the executor died before prctl took effect
            ::_exit(127);
    });
#else
    Q_UNUSED(process)
    Q_UNUSED(cgroupProcsFiles)
    Q_UNUSED(credentials)
#endif
}

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
    TreeStopper(QProcess &process, qint64 group, RunControl *control) : m_process(process), m_group(group), m_control(control) {}

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
        m_process.terminate();
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
        m_process.kill();
#endif
    }

    QProcess &m_process;
    qint64 m_group;
    RunControl *m_control;
    bool m_terminated = false;
    bool m_hardKilled = false;
    QDeadlineTimer m_graceEnds;
};

constexpr int kControlTickMs = 200;

} // namespace

ProcessExit ChildProcess::run(const ProcessSpec &spec, RunControl *control)
{
    ProcessExit result;
    QProcess process;
    if (spec.sandbox) {
        process.setProgram(spec.sandbox->bubblewrap);
        process.setArguments(bubblewrapArguments(*spec.sandbox, spec.program, spec.arguments));
    } else {
        process.setProgram(spec.program);
        process.setArguments(spec.arguments);
    }
    process.setProcessEnvironment(spec.environment);
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
    if (spec.credentials || !spec.home.isEmpty()) {
        QProcessEnvironment environment = spec.environment;
        if (spec.credentials) {
            environment.insert(QStringLiteral("HOME"), spec.credentials->home);
            environment.insert(QStringLiteral("USER"), spec.credentials->userName);
            environment.insert(QStringLiteral("LOGNAME"), spec.credentials->userName);
        }
        if (!spec.home.isEmpty())
            environment.insert(QStringLiteral("HOME"), spec.home);
        process.setProcessEnvironment(environment);
    }
    confine(process, spec.cgroupProcsFiles, spec.credentials);

    qCDebug(lcProcess).noquote() << "starting" << process.program() << process.arguments().join(u' ');
    process.start();
    if (!process.waitForStarted(-1)) {
        result.startError = process.errorString();
#ifdef Q_OS_UNIX
        // Qt reports the child's failed execve() as "execve: " + strerror(errno), in this
        // process's locale: compared with the same function's text for E2BIG.
        result.argumentsTooLong = result.startError.endsWith(qt_error_string(E2BIG));
#endif
        return result;
    }
    result.started = true;
    result.pid = process.processId();
    ProcessGuardian::instance().watch(result.pid);

    // An event loop rather than waitForFinished(): the RunControl's tick runs in it (deadlines,
    // cancel requests, resource samples), and there is no 30 s default to forget about.
    TreeStopper stopper(process, result.pid, control);
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
    if (process.state() != QProcess::NotRunning) {
        QEventLoop loop;
        QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        QTimer timer;
        timer.setInterval(kControlTickMs);
        QObject::connect(&timer, &QTimer::timeout, &loop, tick);
        timer.start();
        loop.exec();
    }
    if (spec.stdoutFile.isEmpty())
        result.capturedStdout = process.readAllStandardOutput();
    if (process.exitStatus() == QProcess::CrashExit)
        result.signal = process.exitCode(); // Qt puts the signal number there
    else
        result.exitCode = process.exitCode();

    // A sandbox's first process (bwrap's init, PID 1 of its namespace) may still be on its way
    // out when bwrap has reported the program's exit; its namespace, and anything the program
    // left in it, ends with it. Not a leftover of the program's: give it a moment.
    if (spec.sandbox)
        waitUntilGone(result.pid, QDeadlineTimer(kSandboxTeardownMs), control);
    result.othersAliveAtExit = int(ProcessTable::descendantsOf(QCoreApplication::applicationPid(), ProcessGuardian::instance().pid()).size());
    // Whatever the child left in its group goes too: after a stop, at once; else gracefully.
    result.leftoversStopped = stopGroup(result.pid, result.stopped ? stopper.remainingGraceMs() : kLeftoverGraceMs,
                                        &result.survivors, control);
    ProcessGuardian::instance().release();
    return result;
}

} // namespace oa
