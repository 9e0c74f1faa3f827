#pragma once

#include "CgroupFiles.h"
#include "base/Error.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace oa {

// One execution's own cgroup in the v1 memory hierarchy, for hosts whose cgroup v2 has no
// memory controller (a hybrid layout): the kernel then still enforces MaxMemoryMB.
//  - "openautomate-{executor PID}-{id}" under the executor's own v1 memory cgroup; the script
//    joins it in the child, before it runs code of its own. The executor itself is never in it,
//    so the OOM killer that the limit sets off picks a member, never the executor.
//  - memory.limit_in_bytes, and memory.memsw.limit_in_bytes (memory + swap) where swap is
//    accounted, both at the limit: swap does not stretch it.
//  - memory.oom_control's oom_kill (kernel 4.13+) tells a limit kill from a crash;
//    memory.max_usage_in_bytes is the exact peak of what the kernel charged.
//  - v1 has no cgroup.kill: the members are killed one by one.
class MemoryCgroupV1 {
public:
    ~MemoryCgroupV1();
    MemoryCgroupV1(const MemoryCgroupV1 &) = delete;
    MemoryCgroupV1 &operator=(const MemoryCgroupV1 &) = delete;

    // A System error saying why when there is no writable v1 memory hierarchy (with mkdir's errno
    // when the folder cannot be made) or the limit cannot be set. `name` must start with
    // "openautomate-{this process's PID}-".
    static Result<std::unique_ptr<MemoryCgroupV1>> create(const QString &name, qint64 limitBytes);

    QString path() const { return m_dir.path; }
    QString relativePath() const { return m_relative; } // as /proc/PID/cgroup names it
    QByteArray procsFile() const { return m_procsFile; }
    bool swapLimited() const { return m_swapLimited; }
    QList<qint64> members() const { return m_dir.members(); }
    void signalAll(int signal) const { m_dir.signalAll(signal); }
    void killAll() const { m_dir.killAll(); }
    std::optional<qint64> memoryPeakBytes() const;
    // Processes the kernel's OOM killer stopped inside this cgroup; where the kernel does not
    // count them (before 4.13), how often the limit was hit while something was then killed.
    int oomKills() const;

private:
    MemoryCgroupV1() = default;
    cgroupfs::Directory m_dir;
    QString m_relative;
    QByteArray m_procsFile;
    bool m_swapLimited = false;
};

} // namespace oa
