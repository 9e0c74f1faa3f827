#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace oa::cgroupfs {

// The small file operations both cgroup versions share. Cgroup files are pseudo-files: each
// value is one read() or one write(), and errors show up on that call.

QByteArray readAll(const QString &path);
bool writeValue(const QString &path, const QByteArray &value);
// The number after "key " on a line of a flat keyed file (cpu.stat, memory.events, …).
std::optional<qint64> keyedValue(const QString &path, const QByteArray &key);
// The PIDs listed in a cgroup.procs file (empty when it cannot be read).
QList<qint64> pidsIn(const QString &procsFile);

// Which hierarchy: the unified one (cgroup v2), or the v1 hierarchy that holds one controller.
struct Hierarchy {
    QByteArray controller; // empty: the unified (v2) hierarchy
    bool unified() const { return controller.isEmpty(); }
    static Hierarchy v2() { return {}; }
    static Hierarchy v1(const QByteArray &controller) { return {controller}; }
};

// The cgroup `pid` is in within `hierarchy`, as /proc/PID/cgroup names it ("/a/b"); empty when
// unknown. 0 is this process.
QString cgroupOf(qint64 pid, const Hierarchy &hierarchy);
// The directory of this process's own cgroup in `hierarchy`, or empty when it is not mounted.
QString ownCgroupDir(const Hierarchy &hierarchy);

// Removes the empty cgroups "openautomate-{PID}-…" below `parent` whose executor (the PID) is dead:
// those were left by executors that were killed before they could remove theirs. A live
// executor's cgroup is never touched.
void removeStaleSiblings(const QString &parent);

// One cgroup directory this executor created, in either version: its members, signals to them,
// and its removal.
class Directory {
public:
    QString path;

    QList<qint64> members() const { return pidsIn(path + QStringLiteral("/cgroup.procs")); }
    void signalAll(int signal) const;
    // cgroup.kill (v2, kernel 5.14+) stops every member at once; without it (v1, older kernels)
    // each member gets SIGKILL, pass after pass while new PIDs show up (a forking member).
    void killAll() const;
    // Kills what is left, waits up to 2 s for it to go, and removes the directory.
    void remove() const;
};

} // namespace oa::cgroupfs
