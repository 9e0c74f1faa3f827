#pragma once

#include "ChildConfinement.h"
#include "ProcessExit.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>

class QEventLoop;
class QSocketNotifier;

namespace oa {

struct ProcessSpec;

// Starts a child straight inside its execution's cgroup v2: clone3() with CLONE_INTO_CGROUP
// (Linux 5.7+). A child that writes itself into cgroup.procs after fork() makes the kernel
// migrate it, and that write waits for an RCU grace period (cgroup_threadgroup_rwsem): 7-12 ms
// per run on the development VM, most of a hello world's overhead. A child born in the cgroup
// costs nothing of the kind, and is in it from its first instruction.
//
// It does what QProcess and ChildConfinement do for ChildProcess otherwise: stdin on the null
// device, stdout and stderr into files (appended or truncated), merged, discarded or captured,
// the working directory, the environment, then ChildConfinement in the child (the v1 memory
// cgroup, which CLONE_INTO_CGROUP cannot reach, is still joined by a write there). A failed
// chdir() or execve() is reported through a close-on-exec pipe, in QProcess's words
// ("execve: No such file or directory"). The exit is watched through a pidfd.
class CgroupSpawn {
public:
    enum class Start {
        Started,
        Failed,      // nothing runs; the ProcessExit's startError says why
        Unavailable, // nothing was started: use QProcess (the reason is logged)
    };

    CgroupSpawn();
    ~CgroupSpawn();
    CgroupSpawn(const CgroupSpawn &) = delete;
    CgroupSpawn &operator=(const CgroupSpawn &) = delete;

    // Unavailable when no file of `confinement.cgroupProcsFiles` lies in a cgroup v2, when
    // OPENAUTOMATE_CLONE_INTO_CGROUP=off, or when the kernel refuses clone3() or
    // CLONE_INTO_CGROUP (ENOSYS, EINVAL, EOPNOTSUPP, E2BIG, a cgroup it cannot start a child in).
    Start start(const ProcessSpec &spec, const QString &program, const QStringList &arguments,
                const QProcessEnvironment &environment, ChildConfinement confinement, ProcessExit *result);

    qint64 pid() const { return m_pid; }
    // Reaps the child when it has exited; its status is then kept for collect().
    bool exited();
    // `loop` quits once the child has exited (and has been reaped).
    void quitOnExit(QEventLoop &loop);
    // The exit code or signal, and the captured output, into `result`.
    void collect(ProcessExit *result);

    // OPENAUTOMATE_CLONE_INTO_CGROUP=off (or 0, false, no): every child is started by QProcess
    // and migrates itself, as on kernels without CLONE_INTO_CGROUP. For tests of that path.
    static bool disabledByEnvironment();

private:
    void readCaptured();

    qint64 m_pid = 0;
    int m_pidfd = -1;
    int m_captureFd = -1;
    bool m_reaped = false;
    int m_exitCode = 0;
    int m_signal = 0;
    QByteArray m_captured;
    std::unique_ptr<QSocketNotifier> m_exitNotifier;
    std::unique_ptr<QSocketNotifier> m_captureNotifier;
};

} // namespace oa
