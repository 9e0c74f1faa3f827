#include "CgroupSpawn.h"

#include "ChildProcess.h"
#include "base/LoggingCategories.h"

#include <QEventLoop>
#include <QFile>
#include <QSocketNotifier>
#include <QStandardPaths>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <signal.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

extern char **environ;

namespace oa {

#if defined(Q_OS_LINUX) && defined(SYS_clone3)
namespace {

constexpr unsigned long kCgroup2Magic = 0x63677270; // CGROUP2_SUPER_MAGIC
constexpr std::uint64_t kClonePidfd = 0x00001000;   // CLONE_PIDFD
constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL; // CLONE_INTO_CGROUP, Linux 5.7+

// The kernel's struct clone_args up to its `cgroup` field (CLONE_ARGS_SIZE_VER2), spelled out
// here: glibc 2.36 has no clone3() wrapper, and <linux/sched.h> clashes with <sched.h>.
struct CloneArgs {
    std::uint64_t flags, pidfd, childTid, parentTid, exitSignal, stack, stackSize, tls, setTid, setTidSize, cgroup;
};

// What a child whose chdir() or execve() failed sends through the close-on-exec pipe.
struct StartFailure {
    char function[8];
    int error;
};

[[noreturn]] void failInChild(int pipe, const char *function, int error) noexcept
{
    StartFailure failure{};
    for (std::size_t i = 0; i + 1 < sizeof failure.function && function[i] != '\0'; ++i)
        failure.function[i] = function[i];
    failure.error = error;
    [[maybe_unused]] const ssize_t written = ::write(pipe, &failure, sizeof failure);
    ::_exit(127);
}

// dup2() clears close-on-exec on the copy, but does nothing when the descriptor already is the
// target: then the flag is cleared by hand.
bool placeAt(int fd, int target) noexcept
{
    if (fd == target)
        return ::fcntl(fd, F_SETFD, 0) == 0;
    return ::dup2(fd, target) == target;
}

// A close-on-exec descriptor at 3 or above, so that placing one child descriptor at 0, 1 or 2
// never overwrites another (an executor started with stdin closed gets fd 0 from open()).
int aboveStdio(int fd)
{
    if (fd < 0 || fd > STDERR_FILENO)
        return fd;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
    ::close(fd);
    return moved;
}

// The child's descriptors as the parent opened them; the parent's copies are closed when the
// child has them (or the start failed).
struct ChildFds {
    int in = -1, out = -1, err = -1, errorWrite = -1, errorRead = -1, captureRead = -1, cgroup = -1;
    ~ChildFds()
    {
        for (int fd : {in, out, err, errorWrite, errorRead, captureRead, cgroup})
            if (fd >= 0 && fd != out) // err may be out (merged)
                ::close(fd);
        if (out >= 0)
            ::close(out);
    }
};

int openOutput(const QString &file, bool append)
{
    return aboveStdio(::open(QFile::encodeName(file).constData(),
                             O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666));
}

// The directory of the first listed cgroup.procs file that lies in a cgroup v2, opened, and
// its index in `files`; -1 when none does.
int openUnifiedCgroup(const QList<QByteArray> &files, qsizetype *index)
{
    for (qsizetype i = 0; i < files.size(); ++i) {
        const qsizetype slash = files[i].lastIndexOf('/');
        if (slash <= 0)
            continue;
        const int fd = ::open(files[i].left(slash).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct statfs fs {};
        if (::fstatfs(fd, &fs) == 0 && static_cast<unsigned long>(fs.f_type) == kCgroup2Magic) {
            *index = i;
            return fd;
        }
        ::close(fd);
    }
    return -1;
}

} // namespace
#endif

CgroupSpawn::CgroupSpawn() = default;

CgroupSpawn::~CgroupSpawn()
{
#ifdef Q_OS_LINUX
    m_exitNotifier.reset();
    m_captureNotifier.reset();
    if (m_pid > 0 && !m_reaped) { // never left behind unattended (ChildProcess waits for the exit first)
        ::kill(pid_t(m_pid), SIGKILL);
        siginfo_t info{};
        while (::waitid(P_PID, id_t(m_pid), &info, WEXITED) != 0 && errno == EINTR) {
        }
    }
    if (m_pidfd >= 0)
        ::close(m_pidfd);
    if (m_captureFd >= 0)
        ::close(m_captureFd);
#endif
}

bool CgroupSpawn::disabledByEnvironment()
{
    const QString value = qEnvironmentVariable("OPENAUTOMATE_CLONE_INTO_CGROUP").trimmed().toLower();
    return value == u"off" || value == u"0" || value == u"false" || value == u"no";
}

CgroupSpawn::Start CgroupSpawn::start(const ProcessSpec &spec, const QString &program, const QStringList &arguments,
                                      const QProcessEnvironment &environment, ChildConfinement confinement, ProcessExit *result)
{
#if defined(Q_OS_LINUX) && defined(SYS_clone3)
    if (disabledByEnvironment()) {
        qCDebug(lcProcess) << "clone3 into the cgroup is turned off (OPENAUTOMATE_CLONE_INTO_CGROUP)";
        return Start::Unavailable;
    }
    ChildFds fds;
    qsizetype unifiedIndex = -1;
    fds.cgroup = openUnifiedCgroup(confinement.cgroupProcsFiles, &unifiedIndex);
    if (fds.cgroup < 0)
        return Start::Unavailable; // nothing to gain: no cgroup v2 to start in
    confinement.cgroupProcsFiles.removeAt(unifiedIndex); // the child is born there; the others it joins

    // Everything the child reads is made here: after clone3() only system calls.
    QString path = program;
    if (!path.contains(u'/')) { // as QProcess does: a bare name is looked up in the executor's PATH
        const QString found = QStandardPaths::findExecutable(path);
        if (!found.isEmpty())
            path = found;
    }
    const QByteArray encodedPath = QFile::encodeName(path);
    std::vector<QByteArray> argStorage{encodedPath};
    for (const QString &argument : arguments)
        argStorage.push_back(argument.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &argument : argStorage)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<QByteArray> envStorage;
    std::vector<char *> envp;
    if (!environment.inheritsFromParent()) {
        for (const QString &entry : environment.toStringList())
            envStorage.push_back(entry.toLocal8Bit());
        for (QByteArray &entry : envStorage)
            envp.push_back(entry.data());
        envp.push_back(nullptr);
    }
    char **const childEnvironment = environment.inheritsFromParent() ? environ : envp.data();
    const QByteArray workingDirectory = QFile::encodeName(spec.workingDirectory);

    fds.in = aboveStdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!spec.stdoutFile.isEmpty()) {
        fds.out = openOutput(spec.stdoutFile, spec.appendOutput);
        if (fds.out < 0) {
            result->startError = QStringLiteral("Could not open output redirection for writing");
            return Start::Failed;
        }
        fds.err = spec.stderrFile.isEmpty() ? fds.out : openOutput(spec.stderrFile, spec.appendOutput);
    } else {
        int capture[2];
        if (::pipe2(capture, O_CLOEXEC) != 0)
            return Start::Unavailable;
        fds.captureRead = aboveStdio(capture[0]);
        fds.out = aboveStdio(capture[1]);
        fds.err = spec.captureStderr ? fds.out : aboveStdio(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    }
    int errorPipe[2];
    if (fds.in < 0 || fds.err < 0 || ::pipe2(errorPipe, O_CLOEXEC) != 0) {
        result->startError = QStringLiteral("cannot set up the child's descriptors: %1").arg(qt_error_string(errno));
        return Start::Failed;
    }
    fds.errorRead = aboveStdio(errorPipe[0]);
    fds.errorWrite = aboveStdio(errorPipe[1]);

    int pidfd = -1;
    CloneArgs args{};
    args.flags = kCloneIntoCgroup | kClonePidfd;
    args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
    args.exitSignal = SIGCHLD;
    args.cgroup = std::uint64_t(fds.cgroup);
    // No CLONE_VM: the child has its own copy of this process's memory, so it may return from
    // syscall() on the same stack. It runs system calls only: another thread may have held a
    // lock (malloc's) at the moment of the copy.
    const long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) {
        struct sigaction defaults {};
        defaults.sa_handler = SIG_DFL;
        ::sigaction(SIGPIPE, &defaults, nullptr); // as QProcess leaves it: a closed pipe ends a writer
        if (!placeAt(fds.in, STDIN_FILENO) || !placeAt(fds.out, STDOUT_FILENO) || !placeAt(fds.err, STDERR_FILENO))
            failInChild(fds.errorWrite, "dup2", errno);
        if (!workingDirectory.isEmpty() && ::chdir(workingDirectory.constData()) != 0)
            failInChild(fds.errorWrite, "chdir", errno);
        confinement.applyInChild();
        ::execve(argv[0], argv.data(), childEnvironment);
        failInChild(fds.errorWrite, "execve", errno);
    }
    if (pid < 0) {
        // ENOSYS (before 5.3), E2BIG or EINVAL (before 5.7: no CLONE_INTO_CGROUP), EOPNOTSUPP (a
        // cgroup that cannot take a process), EBUSY, EPERM, ...: QProcess and a write will do.
        qCDebug(lcProcess) << "clone3 into" << confinement.cgroupProcsFiles.size() << "cgroup(s) refused:" << qt_error_string(errno);
        return Start::Unavailable;
    }
    m_pid = pid;
    m_pidfd = pidfd;
    ::close(fds.errorWrite);
    fds.errorWrite = -1;
    StartFailure failure{};
    ssize_t got = 0;
    do // end of file: execve() succeeded and closed the pipe
        got = ::read(fds.errorRead, &failure, sizeof failure);
    while (got < 0 && errno == EINTR);
    if (got == ssize_t(sizeof failure)) {
        siginfo_t info{}; // the child _exit()s right after its report
        while (::waitid(P_PID, id_t(m_pid), &info, WEXITED) != 0 && errno == EINTR) {
        }
        m_reaped = true;
        const QString function = QString::fromLatin1(failure.function, qsizetype(strnlen(failure.function, sizeof failure.function)));
        result->startError = function + QStringLiteral(": ") + qt_error_string(failure.error);
        result->argumentsTooLong = function == u"execve" && failure.error == E2BIG;
        return Start::Failed;
    }
    if (fds.captureRead >= 0) {
        m_captureFd = fds.captureRead;
        fds.captureRead = -1;
        ::fcntl(m_captureFd, F_SETFL, ::fcntl(m_captureFd, F_GETFL) | O_NONBLOCK);
        m_captureNotifier = std::make_unique<QSocketNotifier>(m_captureFd, QSocketNotifier::Read);
        QObject::connect(m_captureNotifier.get(), &QSocketNotifier::activated, m_captureNotifier.get(), [this] { readCaptured(); });
    }
    qCDebug(lcProcess) << "started" << m_pid << "inside its cgroup v2 (clone3)";
    return Start::Started;
#else
    Q_UNUSED(spec)
    Q_UNUSED(program)
    Q_UNUSED(arguments)
    Q_UNUSED(environment)
    Q_UNUSED(confinement)
    Q_UNUSED(result)
    return Start::Unavailable;
#endif
}

bool CgroupSpawn::exited()
{
#ifdef Q_OS_LINUX
    if (m_reaped || m_pid <= 0)
        return true;
    siginfo_t info{};
    if (::waitid(P_PID, id_t(m_pid), &info, WEXITED | WNOHANG) != 0 || info.si_pid == 0)
        return false;
    m_reaped = true;
    if (info.si_code == CLD_EXITED)
        m_exitCode = info.si_status;
    else
        m_signal = info.si_status; // CLD_KILLED, CLD_DUMPED
#endif
    return m_reaped;
}

void CgroupSpawn::quitOnExit(QEventLoop &loop)
{
    m_exitNotifier = std::make_unique<QSocketNotifier>(m_pidfd, QSocketNotifier::Read);
    QObject::connect(m_exitNotifier.get(), &QSocketNotifier::activated, &loop, [this, &loop] {
        if (exited()) {
            m_exitNotifier->setEnabled(false);
            loop.quit();
        }
    });
}

void CgroupSpawn::readCaptured()
{
#ifdef Q_OS_LINUX
    char buffer[65536];
    for (;;) {
        const ssize_t got = ::read(m_captureFd, buffer, sizeof buffer);
        if (got > 0) {
            m_captured.append(buffer, got);
            continue;
        }
        if (got == 0 && m_captureNotifier) // every writer is gone: nothing more will come
            m_captureNotifier->setEnabled(false);
        if (got < 0 && errno == EINTR)
            continue;
        return;
    }
#endif
}

void CgroupSpawn::collect(ProcessExit *result)
{
    if (m_captureFd >= 0)
        readCaptured();
    result->exitCode = m_exitCode;
    result->signal = m_signal;
    result->capturedStdout = m_captured;
}

} // namespace oa
