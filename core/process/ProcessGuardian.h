#pragma once

#include <QtGlobal>

#include <mutex>

namespace oa {

// Makes sure that nothing the executor started outlives it, even when it is killed with
// SIGKILL and runs no code of its own.
//
// Linux: every child runs in its own session (its process group is its PID) with
// PR_SET_PDEATHSIG, which only reaches the direct child. For the grandchildren, a tiny guardian
// process, forked once, waits on a pipe. The executor tells it which group to guard; when the
// executor dies, the kernel closes the pipe, and the guardian SIGKILLs the whole group, and the
// execution's cgroups: all of a v2 one at once (cgroup.kill), a v1 one member by member.
//
// Windows: the executor puts itself in a Job Object with KILL_ON_JOB_CLOSE on first use;
// every process it starts inherits the job, and the kernel kills the job when the executor's
// last handle to it closes, which is at its death.
class ProcessGuardian {
public:
    static ProcessGuardian &instance();

    // At most this many groups are guarded at once: a build runs pip's resolve beside the
    // compile of the pip it stores (BackgroundStore); every other step runs one child at a time.
    static constexpr int kMaxGroups = 8;
    static constexpr qint64 kReleaseBit = qint64(1) << 62;

    // Guard `processGroup` from now on, beside any other group it guards. Thread-safe.
    void watch(qint64 processGroup);
    // The group has been confirmed empty: stop guarding it.
    void release(qint64 processGroup);
    // Also write "1" to this cgroup.kill file when the executor dies (empty: no cgroup).
    void watchCgroup(const QByteArray &cgroupKillFile);
    // Also SIGKILL every PID this cgroup.procs file lists when the executor dies, one by one: a
    // v1 cgroup has no cgroup.kill (empty: none).
    void watchCgroupMembers(const QByteArray &cgroupProcsFile);
    // The guardian's PID, 0 before it started: it is the executor's child, but no part of a run.
    qint64 pid() const { return m_guardianPid; }

    ProcessGuardian(const ProcessGuardian &) = delete;
    ProcessGuardian &operator=(const ProcessGuardian &) = delete;

private:
    ProcessGuardian() = default;
    ~ProcessGuardian();
    bool ensureStarted();
    void send(qint64 value);
    void sendPath(char kind, const QByteArray &path);

    std::mutex m_startMutex;
    int m_writeFd = -1;
    qint64 m_guardianPid = 0;
    void *m_job = nullptr; // Windows job handle
};

} // namespace oa
