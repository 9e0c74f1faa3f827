#include "ProcessTree.h"

#include "LiveChildren.h"
#include "ProcessGuardian.h"

#include <QCoreApplication>
#include <QFile>
#include <QSet>

#include <optional>

#ifdef Q_OS_LINUX
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#endif

namespace oa {

ProcessTree::~ProcessTree()
{
    leaveScript();
}

bool ProcessTree::becomeSubreaper()
{
#ifdef Q_OS_LINUX
    m_subreaper = m_subreaper || ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
#endif
    return m_subreaper;
}

namespace {
std::optional<bool> g_cgroupsEnabled; // set once by the executor's main, before any run
} // namespace

void ProcessTree::setCgroupsEnabled(bool enabled)
{
    g_cgroupsEnabled = enabled;
}

bool ProcessTree::cgroupsDisabled()
{
    if (g_cgroupsEnabled)
        return !*g_cgroupsEnabled;
    const QString value = qEnvironmentVariable("OPENAUTOMATE_CGROUPS").trimmed().toLower();
    return value == u"off" || value == u"0" || value == u"false" || value == u"no";
}

QList<QByteArray> ProcessTree::enterScript(const QString &name, std::optional<qint64> memoryLimitBytes, QStringList *notes)
{
    m_inScript = true;
    m_escapes.clear();
    if (cgroupsDisabled()) {
        notes->append(QStringLiteral("cgroups are turned off (Cgroups = off, or OPENAUTOMATE_CGROUPS=off)"));
        return {};
    }
    QList<QByteArray> procsFiles;
    if (auto v2 = CgroupScope::create(name, memoryLimitBytes)) {
        m_v2 = std::move(v2).value();
        procsFiles.append(m_v2->procsFile());
        ProcessGuardian::instance().watchCgroup(QFile::encodeName(m_v2->path() + QStringLiteral("/cgroup.kill")));
    } else {
        notes->append(v2.error().message);
    }
    // v1 only for what v2 cannot do here: the memory limit.
    if (memoryLimitBytes && !(m_v2 && m_v2->memoryEnforced())) {
        if (auto v1 = MemoryCgroupV1::create(name, *memoryLimitBytes)) {
            m_v1 = std::move(v1).value();
            procsFiles.append(m_v1->procsFile());
            ProcessGuardian::instance().watchCgroupMembers(m_v1->procsFile());
            if (!m_v1->swapLimited())
                notes->append(QStringLiteral("swap is not accounted in %1: swap may stretch the memory limit").arg(m_v1->path()));
        } else {
            notes->append(v1.error().message);
        }
    }
    return procsFiles;
}

void ProcessTree::leaveScript()
{
    m_inScript = false;
    if (m_v2) {
        ProcessGuardian::instance().watchCgroup({});
        m_v2.reset(); // kills anything left inside, removes the cgroup
    }
    if (m_v1) {
        ProcessGuardian::instance().watchCgroupMembers({});
        m_v1.reset();
    }
}

QList<qint64> ProcessTree::members(qint64 processGroup)
{
    const QList<ProcessTable::Entry> table = ProcessTable::snapshot();
    const qint64 self = QCoreApplication::applicationPid();
    const qint64 guardian = ProcessGuardian::instance().pid();
    QSet<qint64> inCgroups;
    if (m_v2)
        for (const qint64 pid : m_v2->members())
            inCgroups.insert(pid);
    if (m_v1)
        for (const qint64 pid : m_v1->members())
            inCgroups.insert(pid);
    QSet<qint64> descendants;
    // Another child that runs beside this one (LiveChildren) is no member of this tree.
    for (const ProcessTable::Entry &entry : ProcessTable::descendantsOf(table, self, LiveChildren::instance().others(processGroup) << guardian)) {
        descendants.insert(entry.pid);
        // An orphan that died as the executor's child. Never a running child: Qt (forkfd) or
        // CgroupSpawn (its pidfd) reaps it, and never waitpid(-1), which would take it from them.
        if (entry.dead() && entry.parent == self && entry.pid != processGroup)
            LiveChildren::instance().reapUnlisted(entry.pid);
    }
    QList<qint64> living;
    for (const ProcessTable::Entry &entry : table) {
        if (entry.dead() || entry.pid == self || entry.pid == guardian)
            continue;
        if (entry.group == processGroup || inCgroups.contains(entry.pid) || descendants.contains(entry.pid)) {
            living.append(entry.pid);
            if (m_inScript && processGroup > 1)
                noteEscapes(entry, processGroup);
        }
    }
    return living;
}

void ProcessTree::noteEscapes(const ProcessTable::Entry &entry, qint64 processGroup)
{
    QStringList left;
    if (entry.session != processGroup)
        left.append(QStringLiteral("the script's session"));
    else if (entry.group != processGroup)
        left.append(QStringLiteral("the script's process group"));
    const auto outside = [&](const QString &expected, const cgroupfs::Hierarchy &hierarchy, const QString &what) {
        const QString now = cgroupfs::cgroupOf(entry.pid, hierarchy);
        if (!now.isEmpty() && now != expected)
            left.append(QStringLiteral("%1 for %2").arg(what, now));
    };
    if (m_v2)
        outside(m_v2->relativePath(), cgroupfs::Hierarchy::v2(), QStringLiteral("the execution's cgroup"));
    if (m_v1)
        outside(m_v1->relativePath(), cgroupfs::Hierarchy::v1("memory"), QStringLiteral("the execution's memory cgroup (v1)"));
    if (left.isEmpty())
        return;
    Escape &escape = m_escapes[entry.pid];
    escape.name = entry.name;
    for (const QString &part : std::as_const(left))
        if (!escape.left.contains(part))
            escape.left.append(part);
}

QStringList ProcessTree::escapeWarnings(const QList<qint64> &survivors) const
{
    QStringList warnings;
    for (auto it = m_escapes.cbegin(); it != m_escapes.cend(); ++it) {
        QString left = it->left.join(QStringLiteral(", "));
        if (it->left.size() > 1)
            left.replace(left.lastIndexOf(QStringLiteral(", ")), 2, QStringLiteral(" and "));
        warnings.append(QStringLiteral("process %1 (%2) left %3; %4")
                            .arg(it.key())
                            .arg(QString::fromUtf8(it->name), left,
                                 survivors.contains(it.key()) ? QStringLiteral("it survived the stop") : QStringLiteral("it was stopped with the run")));
    }
    return warnings;
}

void ProcessTree::signal(qint64 processGroup, int signal)
{
#ifdef Q_OS_LINUX
    if (processGroup > 1)
        ::kill(-pid_t(processGroup), signal);
    if (m_v2 && signal == SIGKILL)
        m_v2->killAll();
    else if (m_v2)
        m_v2->signalAll(signal);
    if (m_v1 && signal == SIGKILL)
        m_v1->killAll();
    else if (m_v1)
        m_v1->signalAll(signal);
    const qint64 guardian = ProcessGuardian::instance().pid();
    for (const qint64 pid : ProcessTable::descendantsOf(QCoreApplication::applicationPid(), LiveChildren::instance().others(processGroup) << guardian))
        ::kill(pid_t(pid), signal);
#else
    Q_UNUSED(processGroup)
    Q_UNUSED(signal)
#endif
}

QString ProcessTree::kernelMemoryLimit() const
{
    if (m_v2 && m_v2->memoryEnforced())
        return QStringLiteral("cgroup-v2");
    if (m_v1)
        return QStringLiteral("cgroup-v1");
    return {};
}

std::optional<double> ProcessTree::cpuSeconds() const
{
    return m_v2 ? m_v2->cpuSeconds() : std::nullopt;
}

std::optional<qint64> ProcessTree::memoryPeakBytes() const
{
    if (m_v1 && !(m_v2 && m_v2->memoryEnforced()))
        return m_v1->memoryPeakBytes();
    return m_v2 ? m_v2->memoryPeakBytes() : std::nullopt;
}

int ProcessTree::memoryLimitKills() const
{
    if (m_v2 && m_v2->memoryEnforced())
        return m_v2->oomKills();
    return m_v1 ? m_v1->oomKills() : 0;
}

} // namespace oa
