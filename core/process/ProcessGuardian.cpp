#include "ProcessGuardian.h"

#include "base/LoggingCategories.h"

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif
#ifdef Q_OS_WIN
#include <windows.h>
#endif

namespace oa {

ProcessGuardian &ProcessGuardian::instance()
{
    static ProcessGuardian guardian;
    return guardian;
}

#ifdef Q_OS_LINUX

namespace {

// SIGKILL to every PID a cgroup.procs file lists, pass after pass until it lists none (a member
// may fork while it is read), for at most about a second. Async-signal-safe: no allocation.
void killListed(const char *procsFile)
{
    static char text[65536];
    for (int pass = 0; pass < 100; ++pass) {
        const int fd = ::open(procsFile, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        const ssize_t n = ::read(fd, text, sizeof text - 1);
        ::close(fd);
        if (n <= 0)
            return; // empty: every member is gone
        pid_t pid = 0;
        for (ssize_t i = 0; i <= n; ++i) {
            if (i < n && text[i] >= '0' && text[i] <= '9') {
                pid = pid * 10 + (text[i] - '0');
            } else {
                if (pid > 1)
                    ::kill(pid, SIGKILL);
                pid = 0;
            }
        }
        const struct timespec pause = {0, 10 * 1000 * 1000};
        ::nanosleep(&pause, nullptr);
    }
}

// Runs in the forked guardian: only async-signal-safe calls from here on.
[[noreturn]] void guardianMain(int readFd)
{
    ::setsid(); // out of the executor's group: a signal meant for the executor's group misses it
    ::dup2(readFd, STDIN_FILENO);
    const int devNull = ::open("/dev/null", O_RDWR);
    if (devNull >= 0) {
        // Don't hold the service's stdout/stderr pipes open after the executor is gone.
        ::dup2(devNull, STDOUT_FILENO);
        ::dup2(devNull, STDERR_FILENO);
    }
    // Close everything else, the lock file's descriptor above all: its flock must die with
    // the executor, or a crashed executor's lock would look held.
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
        for (int fd = 3; fd < 65536; ++fd)
            ::close(fd);

    // Messages: a positive number is a process group to guard, the same with kReleaseBit set one
    // to guard no more, 0 none at all; a negative number -N announces N bytes: a kind ('K' a
    // cgroup.kill file, 'P' a v1 cgroup.procs file) and its path (none: forget it). Groups are
    // few: a build runs at most two children at once (pip's resolve, and the pip it stores).
    static qint64 guarded[ProcessGuardian::kMaxGroups];
    for (qint64 &group : guarded)
        group = 0;
    static char cgroupKill[4096];
    static char cgroupProcs[4096];
    cgroupKill[0] = '\0';
    cgroupProcs[0] = '\0';
    const auto readFully = [](void *buffer, size_t size) {
        size_t done = 0;
        while (done < size) {
            const ssize_t n = ::read(STDIN_FILENO, static_cast<char *>(buffer) + done, size - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            done += size_t(n);
        }
        return true;
    };
    for (;;) {
        qint64 value = 0;
        if (!readFully(&value, sizeof value))
            break; // EOF: the executor closed the pipe, or died
        if (value == 0) {
            for (qint64 &group : guarded)
                group = 0;
            continue;
        }
        if (value > 0) {
            const bool release = (value & ProcessGuardian::kReleaseBit) != 0;
            const qint64 group = value & ~ProcessGuardian::kReleaseBit;
            for (qint64 &slot : guarded) {
                if (release ? slot == group : slot == 0) {
                    slot = release ? 0 : group;
                    break;
                }
            }
            continue;
        }
        char kind = 0;
        const size_t length = size_t(-value) - 1;
        if (length >= sizeof cgroupKill || !readFully(&kind, 1))
            break;
        char *path = kind == 'K' ? cgroupKill : cgroupProcs;
        if (length > 0 && !readFully(path, length))
            break;
        path[length] = '\0';
    }
    for (const qint64 group : guarded)
        if (group > 1)
            ::kill(-static_cast<pid_t>(group), SIGKILL);
    if (cgroupKill[0] != '\0') {
        const int fd = ::open(cgroupKill, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            [[maybe_unused]] const ssize_t written = ::write(fd, "1", 1);
            ::close(fd);
        }
    }
    if (cgroupProcs[0] != '\0')
        killListed(cgroupProcs);
    ::_exit(0);
}

} // namespace

bool ProcessGuardian::ensureStarted()
{
    const std::lock_guard<std::mutex> started(m_startMutex); // children may start from two threads
    if (m_writeFd >= 0)
        return true;
    // A guardian that somebody killed must not take the executor with it through SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    int fds[2];
    // O_CLOEXEC: no child may inherit the write end, or the pipe would never see EOF.
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        qCWarning(lcProcess) << "cannot create the guardian pipe; grandchildren may outlive a killed executor";
        return false;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        qCWarning(lcProcess) << "cannot fork the process guardian; grandchildren may outlive a killed executor";
        return false;
    }
    if (pid == 0)
        guardianMain(fds[0]);
    ::close(fds[0]);
    m_writeFd = fds[1];
    m_guardianPid = pid;
    qCDebug(lcProcess) << "process guardian started, PID" << pid;
    return true;
}

void ProcessGuardian::send(qint64 value)
{
    if (!ensureStarted())
        return;
    ssize_t n;
    do {
        n = ::write(m_writeFd, &value, sizeof value); // 8 bytes to a pipe: atomic
    } while (n < 0 && errno == EINTR);
}

void ProcessGuardian::watch(qint64 processGroup)
{
    send(processGroup);
}

void ProcessGuardian::release(qint64 processGroup)
{
    if (m_writeFd >= 0 && processGroup > 0)
        send(processGroup | kReleaseBit);
}

void ProcessGuardian::sendPath(char kind, const QByteArray &path)
{
    if (path.size() >= 4096 || !ensureStarted())
        return;
    const QByteArray body = kind + path;
    const qint64 header = -qint64(body.size());
    // One write, header and path together (well under PIPE_BUF): the guardian never sees half
    // a message.
    QByteArray message(reinterpret_cast<const char *>(&header), sizeof header);
    message += body;
    ssize_t n;
    do {
        n = ::write(m_writeFd, message.constData(), size_t(message.size()));
    } while (n < 0 && errno == EINTR);
}

void ProcessGuardian::watchCgroup(const QByteArray &cgroupKillFile)
{
    sendPath('K', cgroupKillFile);
}

void ProcessGuardian::watchCgroupMembers(const QByteArray &cgroupProcsFile)
{
    sendPath('P', cgroupProcsFile);
}

ProcessGuardian::~ProcessGuardian()
{
    if (m_writeFd < 0)
        return;
    send(0);
    ::close(m_writeFd);
    int status = 0;
    ::waitpid(static_cast<pid_t>(m_guardianPid), &status, 0);
}

#elif defined(Q_OS_WIN)

bool ProcessGuardian::ensureStarted()
{
    if (m_job)
        return true;
    HANDLE job = ::CreateJobObjectW(nullptr, nullptr);
    if (!job)
        return false;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits = {};
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (!::SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits)
        || !::AssignProcessToJobObject(job, ::GetCurrentProcess())) {
        ::CloseHandle(job);
        qCWarning(lcProcess) << "cannot set up the kill-on-close job object";
        return false;
    }
    m_job = job; // deliberately never closed: the kernel closes it when the executor dies
    return true;
}

void ProcessGuardian::watch(qint64) { ensureStarted(); }
void ProcessGuardian::release(qint64) {}
void ProcessGuardian::watchCgroup(const QByteArray &) {}
void ProcessGuardian::watchCgroupMembers(const QByteArray &) {}
void ProcessGuardian::send(qint64) {}
void ProcessGuardian::sendPath(char, const QByteArray &) {}
ProcessGuardian::~ProcessGuardian() = default;

#else

bool ProcessGuardian::ensureStarted() { return false; }
void ProcessGuardian::watch(qint64) {}
void ProcessGuardian::release(qint64) {}
void ProcessGuardian::watchCgroup(const QByteArray &) {}
void ProcessGuardian::watchCgroupMembers(const QByteArray &) {}
void ProcessGuardian::send(qint64) {}
void ProcessGuardian::sendPath(char, const QByteArray &) {}
ProcessGuardian::~ProcessGuardian() = default;

#endif

} // namespace oa
