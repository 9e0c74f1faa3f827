#pragma once

#include "CgroupScope.h"
#include "MemoryCgroupV1.h"
#include "ProcessTable.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace oa {

// Everything a stop must reach, and where a run's processes are held:
//  - the running child's process group (its session: the child called setsid);
//  - while the script runs, the execution's cgroup v2 and, where v2 cannot limit memory but
//    the v1 memory hierarchy can, its v1 memory cgroup;
//  - every descendant of the executor. The executor is a child subreaper, so an orphan (a
//    double-forked daemon) is re-parented to it instead of to init, whatever session or
//    cgroup it moved to. Those that die become its zombies: they are reaped here, by PID.
// A process found outside the script's session or the execution's cgroups is noted as an
// escape, for result.json's Warnings.
class ProcessTree {
public:
    ProcessTree() = default;
    ~ProcessTree();
    ProcessTree(const ProcessTree &) = delete;
    ProcessTree &operator=(const ProcessTree &) = delete;

    // PR_SET_CHILD_SUBREAPER for this process, before it starts any child. False where the
    // kernel refuses it (or off Linux).
    bool becomeSubreaper();
    bool isSubreaper() const { return m_subreaper; }

    // The script's run begins: the cgroups are created, as far as the system allows and
    // OPENAUTOMATE_CGROUPS does not forbid. Returns the cgroup.procs files the child joins
    // through; `notes` gets what could not be used, and why.
    QList<QByteArray> enterScript(const QString &name, std::optional<qint64> memoryLimitBytes, QStringList *notes);
    // The script's run is over: anything left in the cgroups is killed, and they are removed.
    void leaveScript();

    // The living processes of the tree. Also reaps the executor's dead orphans and notes escapes.
    QList<qint64> members(qint64 processGroup);
    void signal(qint64 processGroup, int signal);

    const CgroupScope *cgroupV2() const { return m_v2.get(); }
    const MemoryCgroupV1 *cgroupV1Memory() const { return m_v1.get(); }
    // "cgroup-v2" or "cgroup-v1" when the kernel enforces the memory limit, else empty.
    QString kernelMemoryLimit() const;
    std::optional<double> cpuSeconds() const;
    std::optional<qint64> memoryPeakBytes() const;
    int memoryLimitKills() const;

    // One warning per process that left the script's session or the execution's cgroups, as
    // far as it was seen; `survivors` are those still alive after the stop.
    QStringList escapeWarnings(const QList<qint64> &survivors) const;

    // The administrator turned cgroups off: Cgroups = off in executor.conf or
    // OPENAUTOMATE_CGROUPS=off, as the executor's settings resolved them (setCgroupsEnabled);
    // without that call, OPENAUTOMATE_CGROUPS=off (or 0, false, no) alone.
    static bool cgroupsDisabled();
    static void setCgroupsEnabled(bool enabled);

private:
    void noteEscapes(const ProcessTable::Entry &entry, qint64 processGroup);

    struct Escape {
        QByteArray name;
        QStringList left; // what it left: "the script's session", "the execution's cgroup for /", …
    };
    bool m_subreaper = false;
    bool m_inScript = false;
    std::unique_ptr<CgroupScope> m_v2;
    std::unique_ptr<MemoryCgroupV1> m_v1;
    QMap<qint64, Escape> m_escapes;
};

} // namespace oa
