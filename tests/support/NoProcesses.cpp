// Linked into the tests of the "quick" tier only (tests/CMakeLists.txt, oa_add_test QUICK): from
// before main() on, the test may start no process. A seccomp filter traps execve, fork, vfork
// and every clone that is not a thread, and the trap ends the test at once with a message that
// says so, so that a quick test which starts to spawn processes (a Python probe, a helper) fails
// the first time it runs instead of slowly leaving the tier. Threads still work: clone3 answers
// ENOSYS, and glibc then makes its threads with clone(CLONE_THREAD), which passes. A process the
// test starts traps in the test itself (clone) or, where the kernel let the clone by, in the
// child at execve; either way the message below is printed and the test fails.
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

#if defined(__x86_64__)
constexpr unsigned kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kArch = AUDIT_ARCH_AARCH64;
#else
#error "tests/support/NoProcesses.cpp: add this architecture's AUDIT_ARCH"
#endif

void trapped(int, siginfo_t *info, void *)
{
    // Async-signal-safe: write(2) and _exit only.
    static const char text[] = "\nFAIL: a test of the quick tier started a process (trapped system call ";
    (void)!write(STDERR_FILENO, text, sizeof text - 1);
    char digits[16];
    int n = info->si_syscall, len = 0;
    do {
        digits[sizeof digits - 1 - len++] = char('0' + n % 10);
        n /= 10;
    } while (n > 0 && len < 15);
    (void)!write(STDERR_FILENO, digits + sizeof digits - len, size_t(len));
    static const char tail[] = "); quick tests run no process: move it to the unit label\n";
    (void)!write(STDERR_FILENO, tail, sizeof tail - 1);
    _exit(70);
}

#define OA_SYSCALL_TRAP(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP)

__attribute__((constructor)) void forbidProcesses()
{
    struct sigaction action {};
    action.sa_sigaction = trapped;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGSYS, &action, nullptr);

    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        OA_SYSCALL_TRAP(__NR_execve),
        OA_SYSCALL_TRAP(__NR_execveat),
#ifdef __NR_fork
        OA_SYSCALL_TRAP(__NR_fork),
#endif
#ifdef __NR_vfork
        OA_SYSCALL_TRAP(__NR_vfork),
#endif
        // clone3's flags sit behind a pointer that a filter cannot read: refuse it, glibc falls back.
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
        // clone: a thread (CLONE_THREAD) passes; so does a task that shares the memory and does
        // not stand in for a vfork (LeakSanitizer's tracer at exit, under the ASan pass). A fork,
        // a vfork and posix_spawn (CLONE_VM | CLONE_VFORK) are new processes.
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 5),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])), // the flags' low word
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_VFORK, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_VM, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program {};
    program.len = static_cast<unsigned short>(sizeof filter / sizeof filter[0]);
    program.filter = filter;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
        static const char text[] = "FAIL: the quick tier's seccomp filter could not be installed\n";
        (void)!write(STDERR_FILENO, text, sizeof text - 1);
        _exit(71);
    }
}

} // namespace
