#pragma once

#include "CgroupFiles.h"
#include "base/Error.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace oa {

// One execution's own cgroup v2, under the executor's cgroup, when the unified hierarchy is
// mounted and writable there. It sees what a process group cannot:
//  - membership survives setsid() and double forks, so a daemonizing script cannot escape;
//  - cgroup.kill stops every member at once (kernel 5.14+);
//  - cpu.stat counts the CPU of every member, exited ones included, exactly;
//  - memory.max makes the kernel enforce MaxMemoryMB, when the memory controller is delegated
//    to the executor's cgroup (memory.events then tells an OOM kill from a crash).
// Without cgroup v2 the executor relies on process groups, PR_SET_PDEATHSIG and /proc sampling.
class CgroupScope {
public:
    ~CgroupScope();
    CgroupScope(const CgroupScope &) = delete;
    CgroupScope &operator=(const CgroupScope &) = delete;

    // A System error saying why when cgroup v2 is not available or not writable (with mkdir's
    // errno when the folder cannot be made). `name` must start with "openautomate-{this process's PID}-".
    static Result<std::unique_ptr<CgroupScope>> create(const QString &name, std::optional<qint64> memoryMaxBytes);

    QString path() const { return m_dir.path; }
    // As /proc/PID/cgroup names it: what a member's "0::" line says.
    QString relativePath() const { return m_relative; }
    // What a child writes "0" into to move itself in, before it runs any code of its own.
    QByteArray procsFile() const { return m_procsFile; }
    QList<qint64> members() const { return m_dir.members(); }
    void signalAll(int signal) const { m_dir.signalAll(signal); }
    void killAll() const { m_dir.killAll(); }
    std::optional<double> cpuSeconds() const;
    std::optional<qint64> memoryPeakBytes() const;
    bool memoryEnforced() const { return m_memoryEnforced; }
    int oomKills() const;

private:
    CgroupScope() = default;
    cgroupfs::Directory m_dir;
    QString m_relative;
    QByteArray m_procsFile;
    bool m_memoryEnforced = false;
};

} // namespace oa
