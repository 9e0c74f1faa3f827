#pragma once

#include <QHash>
#include <QList>
#include <QtGlobal>

#include <optional>

namespace oa {

// Samples a process tree (one process group) from /proc: resident memory and CPU time.
//  - Memory: the sum of the members' RSS at each sample, and each member's own high-water mark
//    (VmHWM); the peak is the larger of the two ever seen. A spike that comes and goes between
//    two samples is seen only through VmHWM of a process that is still alive at a sample.
//  - CPU: user + system time of every member ever seen, at its last sample. CPU a process uses
//    after its last sample (at most one interval), or a process that lives less than one
//    interval, is missed.
class ResourceSampler {
public:
    struct Figures {
        qint64 memoryBytes = 0;     // now
        qint64 peakMemoryBytes = 0; // since reset()
        double cpuSeconds = 0;      // since reset()
    };

    void sample(const QList<qint64> &pids);
    // Exact figures from a cgroup replace the sampled ones when they are larger.
    void raise(std::optional<double> cpuSeconds, std::optional<qint64> peakMemoryBytes);
    // Where the kernel enforces the memory limit, the peak is what it charged (raise()), never
    // a sum of RSS: shared pages and libraries another cgroup paid for would count too.
    void setPeakFromKernel(bool fromKernel) { m_peakFromKernel = fromKernel; }
    Figures figures() const { return m_figures; }

private:
    QHash<qint64, double> m_cpuByPid;
    Figures m_figures;
    bool m_peakFromKernel = false;
};

} // namespace oa
