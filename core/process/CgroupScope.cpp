#include "CgroupScope.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <utility>

#ifdef Q_OS_LINUX
#include <sys/stat.h>
#endif

namespace oa {

using cgroupfs::readAll;
using cgroupfs::writeValue;

Result<std::unique_ptr<CgroupScope>> CgroupScope::create(const QString &name, std::optional<qint64> memoryMaxBytes)
{
#ifdef Q_OS_LINUX
    const QString parent = cgroupfs::ownCgroupDir(cgroupfs::Hierarchy::v2());
    if (parent.isEmpty() || !QFile::exists(parent + QStringLiteral("/cgroup.procs")))
        return fail(ErrorKind::System, QStringLiteral("no cgroup v2 hierarchy for this process"));
    cgroupfs::removeStaleSiblings(parent);
    std::unique_ptr<CgroupScope> scope(new CgroupScope);
    const QString dir = parent + u'/' + name;
    if (::mkdir(QFile::encodeName(dir).constData(), 0777) != 0)
        return Error{ErrorKind::System, QStringLiteral("cannot create %1 (cgroup v2 is not writable here)").arg(dir), errno};
    scope->m_dir.path = dir;
    scope->m_relative = QDir::cleanPath(cgroupfs::cgroupOf(0, cgroupfs::Hierarchy::v2()) + u'/' + name);
    scope->m_procsFile = QFile::encodeName(dir + QStringLiteral("/cgroup.procs"));
    if (memoryMaxBytes) {
        // The kernel enforces the limit only if the parent hands the memory controller down;
        // enabling it fails while the parent itself holds processes (the no-internal-process rule).
        const bool delegated = readAll(parent + QStringLiteral("/cgroup.subtree_control")).contains("memory")
                               || writeValue(parent + QStringLiteral("/cgroup.subtree_control"), "+memory");
        if (delegated && writeValue(dir + QStringLiteral("/memory.max"), QByteArray::number(*memoryMaxBytes))) {
            writeValue(dir + QStringLiteral("/memory.swap.max"), "0"); // swap must not stretch the limit
            scope->m_memoryEnforced = true;
        }
    }
    return {std::move(scope)};
#else
    Q_UNUSED(name)
    Q_UNUSED(memoryMaxBytes)
    return fail(ErrorKind::System, QStringLiteral("cgroups are a Linux feature"));
#endif
}

CgroupScope::~CgroupScope()
{
    m_dir.remove();
}

std::optional<double> CgroupScope::cpuSeconds() const
{
    if (const auto usec = cgroupfs::keyedValue(m_dir.path + QStringLiteral("/cpu.stat"), "usage_usec"))
        return double(*usec) / 1e6;
    return std::nullopt;
}

std::optional<qint64> CgroupScope::memoryPeakBytes() const
{
    const QByteArray peak = readAll(m_dir.path + QStringLiteral("/memory.peak")).trimmed(); // kernel 5.19+
    if (peak.isEmpty())
        return std::nullopt;
    return peak.toLongLong();
}

int CgroupScope::oomKills() const
{
    return int(cgroupfs::keyedValue(m_dir.path + QStringLiteral("/memory.events"), "oom_kill").value_or(0));
}

} // namespace oa
