#include "ResourceSampler.h"

#include "ProcessTable.h"

#include <QFile>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace oa {

namespace {

#ifdef Q_OS_LINUX
struct ProcSample {
    double cpuSeconds = 0;
    qint64 rssBytes = 0;
    qint64 hwmBytes = 0;
};

bool readSample(qint64 pid, ProcSample &out)
{
    static const double ticks = double(::sysconf(_SC_CLK_TCK));
    static const qint64 page = qint64(::sysconf(_SC_PAGESIZE));
    const QList<QByteArray> f = ProcessTable::statFields(pid);
    if (f.size() < 22)
        return false;
    out.cpuSeconds = double(f.at(11).toLongLong() + f.at(12).toLongLong()) / ticks;
    out.rssBytes = f.at(21).toLongLong() * page;
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        const QByteArray text = status.readAll();
        const qsizetype at = text.indexOf("VmHWM:");
        if (at >= 0)
            out.hwmBytes = text.mid(at + 6, text.indexOf('\n', at) - at - 6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return true;
}
#endif

} // namespace

void ResourceSampler::raise(std::optional<double> cpuSeconds, std::optional<qint64> peakMemoryBytes)
{
    if (cpuSeconds)
        m_figures.cpuSeconds = qMax(m_figures.cpuSeconds, *cpuSeconds);
    if (peakMemoryBytes)
        m_figures.peakMemoryBytes = qMax(m_figures.peakMemoryBytes, *peakMemoryBytes);
}

void ResourceSampler::sample(const QList<qint64> &pids)
{
#ifdef Q_OS_LINUX
    qint64 rss = 0;
    qint64 hwm = 0;
    for (const qint64 pid : pids) {
        ProcSample s;
        if (!readSample(pid, s))
            continue;
        rss += s.rssBytes;
        hwm = qMax(hwm, s.hwmBytes);
        m_cpuByPid.insert(pid, s.cpuSeconds);
    }
    double cpu = 0;
    for (const double seconds : std::as_const(m_cpuByPid))
        cpu += seconds;
    m_figures.memoryBytes = rss;
    if (!m_peakFromKernel)
        m_figures.peakMemoryBytes = qMax(m_figures.peakMemoryBytes, qMax(rss, hwm));
    m_figures.cpuSeconds = qMax(m_figures.cpuSeconds, cpu);
#else
    Q_UNUSED(pids)
#endif
}

} // namespace oa
