#include "MemoryCgroupV1.h"

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

Result<std::unique_ptr<MemoryCgroupV1>> MemoryCgroupV1::create(const QString &name, qint64 limitBytes)
{
#ifdef Q_OS_LINUX
    const cgroupfs::Hierarchy memory = cgroupfs::Hierarchy::v1("memory");
    const QString parent = cgroupfs::ownCgroupDir(memory);
    if (parent.isEmpty() || !QFile::exists(parent + QStringLiteral("/memory.limit_in_bytes")))
        return fail(ErrorKind::System, QStringLiteral("no cgroup v1 memory hierarchy for this process"));
    cgroupfs::removeStaleSiblings(parent);
    const QString dir = parent + u'/' + name;
    if (::mkdir(QFile::encodeName(dir).constData(), 0777) != 0)
        return Error{ErrorKind::System, QStringLiteral("cannot create %1 (the v1 memory hierarchy is not writable here)").arg(dir), errno};
    std::unique_ptr<MemoryCgroupV1> scope(new MemoryCgroupV1);
    scope->m_dir.path = dir; // from here on the destructor removes it
    scope->m_relative = QDir::cleanPath(cgroupfs::cgroupOf(0, memory) + u'/' + name);
    scope->m_procsFile = QFile::encodeName(dir + QStringLiteral("/cgroup.procs"));
    // The memory limit first: memory + swap may never be set below it.
    const QByteArray limit = QByteArray::number(limitBytes);
    if (!writeValue(dir + QStringLiteral("/memory.limit_in_bytes"), limit))
        return fail(ErrorKind::System, QStringLiteral("cannot set memory.limit_in_bytes in %1").arg(dir));
    scope->m_swapLimited = writeValue(dir + QStringLiteral("/memory.memsw.limit_in_bytes"), limit);
    return {std::move(scope)};
#else
    Q_UNUSED(name)
    Q_UNUSED(limitBytes)
    return fail(ErrorKind::System, QStringLiteral("cgroups are a Linux feature"));
#endif
}

MemoryCgroupV1::~MemoryCgroupV1()
{
    m_dir.remove();
}

std::optional<qint64> MemoryCgroupV1::memoryPeakBytes() const
{
    const QByteArray peak = readAll(m_dir.path + QStringLiteral("/memory.max_usage_in_bytes")).trimmed();
    if (peak.isEmpty())
        return std::nullopt;
    return peak.toLongLong();
}

int MemoryCgroupV1::oomKills() const
{
    if (const auto kills = cgroupfs::keyedValue(m_dir.path + QStringLiteral("/memory.oom_control"), "oom_kill"))
        return int(*kills);
    // Before 4.13 the kernel does not count kills; a hit limit is the nearest sign of one.
    const qint64 hits = qMax(readAll(m_dir.path + QStringLiteral("/memory.failcnt")).trimmed().toLongLong(),
                             readAll(m_dir.path + QStringLiteral("/memory.memsw.failcnt")).trimmed().toLongLong());
    return int(qMin<qint64>(hits, 1));
}

} // namespace oa
