#include "CgroupScope.h"

#include "LoggingCategories.h"
#include "ProcessTable.h"

#include <QDir>
#include <QFile>
#include <QThread>

#ifdef Q_OS_LINUX
#include <signal.h>
#endif

namespace oa {

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeValue(const QString &path, const QByteArray &value)
{
    QFile file(path);
    // Unbuffered: a cgroup file takes one write() and reports errors on it.
    return file.open(QIODevice::WriteOnly | QIODevice::Unbuffered) && file.write(value) == value.size();
}

// The directory of this process's cgroup in the unified (v2) hierarchy, or empty.
QString ownCgroupDir()
{
    QString relative;
    for (const QByteArray &line : readAll(QStringLiteral("/proc/self/cgroup")).split('\n')) {
        if (line.startsWith("0::"))
            relative = QString::fromUtf8(line.mid(3));
    }
    if (relative.isEmpty())
        return {};
    // mountinfo: id parent major:minor root mountpoint options ... - fstype source superoptions
    for (const QByteArray &line : readAll(QStringLiteral("/proc/self/mountinfo")).split('\n')) {
        const qsizetype dash = line.indexOf(" - ");
        if (dash < 0 || !line.mid(dash + 3).startsWith("cgroup2 "))
            continue;
        const QList<QByteArray> fields = line.left(dash).split(' ');
        if (fields.size() < 5)
            continue;
        const QString root = QString::fromUtf8(fields.at(3));
        const QString mountPoint = QString::fromUtf8(fields.at(4));
        if (relative.startsWith(root))
            return QDir::cleanPath(mountPoint + u'/' + relative.mid(root.size()));
    }
    return {};
}

// Empty cgroups left by executors that were killed before they could remove theirs. Names are
// "openautomate-{executor PID}-…": a live executor's cgroup is never touched.
void removeStaleSiblings(const QString &parent)
{
    const QStringList names = QDir(parent).entryList({QStringLiteral("openautomate-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : names) {
        const qint64 owner = name.section(u'-', 1, 1).toLongLong();
        const QString dir = parent + u'/' + name;
        if (owner > 0 && !ProcessTable::isAlive(owner) && readAll(dir + QStringLiteral("/cgroup.procs")).trimmed().isEmpty())
            QDir().rmdir(dir);
    }
}

} // namespace

std::unique_ptr<CgroupScope> CgroupScope::create(const QString &name, std::optional<qint64> memoryMaxBytes, QString *why)
{
#ifdef Q_OS_LINUX
    const QString parent = ownCgroupDir();
    if (parent.isEmpty() || !QFile::exists(parent + QStringLiteral("/cgroup.procs"))) {
        *why = QStringLiteral("no cgroup v2 hierarchy for this process");
        return nullptr;
    }
    removeStaleSiblings(parent);
    std::unique_ptr<CgroupScope> scope(new CgroupScope);
    scope->m_dir = parent + u'/' + name;
    if (!QDir().mkdir(scope->m_dir)) {
        *why = QStringLiteral("cannot create %1 (cgroup v2 is not writable here)").arg(scope->m_dir);
        return nullptr;
    }
    scope->m_procsFile = QFile::encodeName(scope->m_dir + QStringLiteral("/cgroup.procs"));
    if (memoryMaxBytes) {
        // The kernel enforces the limit only if the parent hands the memory controller down;
        // enabling it fails while the parent itself holds processes (the no-internal-process rule).
        const bool delegated = readAll(parent + QStringLiteral("/cgroup.subtree_control")).contains("memory")
                               || writeValue(parent + QStringLiteral("/cgroup.subtree_control"), "+memory");
        if (delegated && writeValue(scope->m_dir + QStringLiteral("/memory.max"), QByteArray::number(*memoryMaxBytes))) {
            writeValue(scope->m_dir + QStringLiteral("/memory.swap.max"), "0"); // swap must not stretch the limit
            scope->m_memoryEnforced = true;
        }
    }
    return scope;
#else
    Q_UNUSED(name)
    Q_UNUSED(memoryMaxBytes)
    *why = QStringLiteral("cgroups are a Linux feature");
    return nullptr;
#endif
}

CgroupScope::~CgroupScope()
{
    if (!members().isEmpty()) {
        killAll();
        for (int i = 0; i < 100 && !members().isEmpty(); ++i)
            QThread::msleep(20);
    }
    if (!QDir().rmdir(m_dir))
        qCWarning(lcProcess).noquote() << "cannot remove the cgroup" << m_dir;
}

QList<qint64> CgroupScope::members() const
{
    QList<qint64> pids;
    for (const QByteArray &line : readAll(m_dir + QStringLiteral("/cgroup.procs")).split('\n'))
        if (const qint64 pid = line.trimmed().toLongLong(); pid > 0)
            pids.append(pid);
    return pids;
}

void CgroupScope::signalAll(int signal) const
{
#ifdef Q_OS_LINUX
    for (const qint64 pid : members())
        ::kill(pid_t(pid), signal);
#else
    Q_UNUSED(signal)
#endif
}

void CgroupScope::killAll() const
{
    if (!writeValue(m_dir + QStringLiteral("/cgroup.kill"), "1"))
        signalAll(9); // kernels before 5.14 have no cgroup.kill
}

std::optional<double> CgroupScope::cpuSeconds() const
{
    for (const QByteArray &line : readAll(m_dir + QStringLiteral("/cpu.stat")).split('\n'))
        if (line.startsWith("usage_usec "))
            return double(line.mid(11).trimmed().toLongLong()) / 1e6;
    return std::nullopt;
}

std::optional<qint64> CgroupScope::memoryPeakBytes() const
{
    const QByteArray peak = readAll(m_dir + QStringLiteral("/memory.peak")).trimmed(); // kernel 5.19+
    if (peak.isEmpty())
        return std::nullopt;
    return peak.toLongLong();
}

int CgroupScope::oomKills() const
{
    for (const QByteArray &line : readAll(m_dir + QStringLiteral("/memory.events")).split('\n'))
        if (line.startsWith("oom_kill "))
            return line.mid(9).trimmed().toInt();
    return 0;
}

} // namespace oa
