#include "ChildProcess.h"

#include "LoggingCategories.h"
#include "ProcessGuardian.h"
#include "ProcessTable.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QProcess>
#include <QThread>

#ifdef Q_OS_LINUX
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace oa {

namespace {

constexpr int kLeftoverGraceMs = 2000;

void confine(QProcess &process)
{
#ifdef Q_OS_LINUX
    const pid_t parent = ::getpid();
    // Runs in Qt 6.4's vfork-like child: raw syscalls only, no allocation, no Qt.
    process.setChildProcessModifier([parent] {
        ::setsid();                           // own session and process group (pgid == pid)
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);   // dies with the thread that started it (our main thread)
        if (::getppid() != parent)            // the executor died before prctl took effect
            ::_exit(127);
    });
#else
    Q_UNUSED(process)
#endif
}

bool waitUntilGone(qint64 processGroup, QDeadlineTimer deadline)
{
    while (!ProcessTable::livingMembersOfGroup(processGroup).isEmpty()) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(20);
    }
    return true;
}

} // namespace

int ChildProcess::stopGroup(qint64 processGroup, int graceMs)
{
    const int alive = int(ProcessTable::livingMembersOfGroup(processGroup).size());
    if (alive == 0)
        return 0;
#ifdef Q_OS_UNIX
    ::kill(-pid_t(processGroup), SIGTERM);
    if (!waitUntilGone(processGroup, QDeadlineTimer(graceMs))) {
        ::kill(-pid_t(processGroup), SIGKILL);
        if (!waitUntilGone(processGroup, QDeadlineTimer(kLeftoverGraceMs)))
            qCWarning(lcProcess) << "processes of group" << processGroup << "survived SIGKILL:"
                                 << ProcessTable::livingMembersOfGroup(processGroup);
    }
#endif
    return alive;
}

ProcessExit ChildProcess::run(const ProcessSpec &spec)
{
    ProcessExit result;
    QProcess process;
    process.setProgram(spec.program);
    process.setArguments(spec.arguments);
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
    confine(process);

    qCDebug(lcProcess).noquote() << "starting" << spec.program << spec.arguments.join(u' ');
    process.start();
    if (!process.waitForStarted(-1)) {
        result.startError = process.errorString();
        return result;
    }
    result.started = true;
    result.pid = process.processId();
    ProcessGuardian::instance().watch(result.pid);

    // An event loop rather than waitForFinished(): it keeps the executor responsive to timers
    // and signals while a long script runs, and has no 30 s default to forget about.
    if (process.state() != QProcess::NotRunning) {
        QEventLoop loop;
        QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (spec.stdoutFile.isEmpty())
        result.capturedStdout = process.readAllStandardOutput();
    if (process.exitStatus() == QProcess::CrashExit)
        result.signal = process.exitCode(); // Qt puts the signal number there
    else
        result.exitCode = process.exitCode();

    result.leftoversStopped = stopGroup(result.pid, kLeftoverGraceMs);
    ProcessGuardian::instance().release();
    return result;
}

} // namespace oa
