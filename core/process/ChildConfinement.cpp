#include "ChildConfinement.h"

#include "PrivilegeDrop.h"

#ifdef Q_OS_LINUX
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace oa {

namespace {

// What a child whose privileges could not be dropped writes to its stderr before it exits.
constexpr char kDropFailed[] = "openautomate-executor: cannot take the run-as user's credentials (";
constexpr char kDropFailedEnd[] = " failed); the child did not run\n";
constexpr int kDropFailedExit = 126;

} // namespace

void ChildConfinement::applyInChild() const noexcept
{
#ifdef Q_OS_LINUX
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
    ::prctl(PR_SET_PDEATHSIG, SIGKILL); // dies with the thread that started it (and waits for it)
    if (::getppid() != parent)          // the executor died before prctl took effect
        ::_exit(127);
#endif
}

} // namespace oa
