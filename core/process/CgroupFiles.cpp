#include "CgroupFiles.h"

#include "ProcessTable.h"

#include "base/LoggingCategories.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QThread>

#ifdef Q_OS_LINUX
#include <signal.h>
#endif

namespace oa::cgroupfs {

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

std::optional<qint64> keyedValue(const QString &path, const QByteArray &key)
{
    const QByteArray prefix = key + ' ';
    for (const QByteArray &line : readAll(path).split('\n'))
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().toLongLong();
    return std::nullopt;
}

QList<qint64> pidsIn(const QString &procsFile)
{
    QList<qint64> pids;
    for (const QByteArray &line : readAll(procsFile).split('\n'))
        if (const qint64 pid = line.trimmed().toLongLong(); pid > 0)
            pids.append(pid);
    return pids;
}

QString cgroupOf(qint64 pid, const Hierarchy &hierarchy)
{
    const QString file = pid > 0 ? QStringLiteral("/proc/%1/cgroup").arg(pid) : QStringLiteral("/proc/self/cgroup");
    // Lines are "id:controllers:/path"; v2's is "0::/path", and a v1 line may list several
    // controllers ("cpu,cpuacct").
    for (const QByteArray &line : readAll(file).split('\n')) {
        const QList<QByteArray> fields = line.split(':');
        if (fields.size() < 3)
            continue;
        const bool match = hierarchy.unified() ? fields.at(0) == "0" && fields.at(1).isEmpty()
                                               : fields.at(1).split(',').contains(hierarchy.controller);
        if (match)
            return QString::fromUtf8(line.mid(fields.at(0).size() + fields.at(1).size() + 2));
    }
    return {};
}

QString ownCgroupDir(const Hierarchy &hierarchy)
{
    const QString relative = cgroupOf(0, hierarchy);
    if (relative.isEmpty())
        return {};
    // mountinfo: id parent major:minor root mountpoint options ... - fstype source superoptions
    for (const QByteArray &line : readAll(QStringLiteral("/proc/self/mountinfo")).split('\n')) {
        const qsizetype dash = line.indexOf(" - ");
        if (dash < 0)
            continue;
        const QList<QByteArray> tail = line.mid(dash + 3).split(' ');
        const bool match = hierarchy.unified() ? tail.value(0) == "cgroup2"
                                               : tail.value(0) == "cgroup" && tail.value(2).split(',').contains(hierarchy.controller);
        const QList<QByteArray> fields = line.left(dash).split(' ');
        if (!match || fields.size() < 5)
            continue;
        const QString root = QString::fromUtf8(fields.at(3));
        const QString mountPoint = QString::fromUtf8(fields.at(4));
        if (relative.startsWith(root))
            return QDir::cleanPath(mountPoint + u'/' + relative.mid(root.size()));
    }
    return {};
}

void removeStaleSiblings(const QString &parent)
{
    const QStringList names = QDir(parent).entryList({QStringLiteral("openautomate-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : names) {
        const qint64 owner = name.section(u'-', 1, 1).toLongLong();
        const QString dir = parent + u'/' + name;
        if (owner > 0 && !ProcessTable::isAlive(owner) && pidsIn(dir + QStringLiteral("/cgroup.procs")).isEmpty())
            QDir().rmdir(dir);
    }
}

void Directory::signalAll(int signal) const
{
#ifdef Q_OS_LINUX
    for (const qint64 pid : members())
        ::kill(pid_t(pid), signal);
#else
    Q_UNUSED(signal)
#endif
}

void Directory::killAll() const
{
    if (writeValue(path + QStringLiteral("/cgroup.kill"), "1"))
        return;
#ifdef Q_OS_LINUX
    QSet<qint64> killed;
    for (int pass = 0; pass < 50; ++pass) {
        bool fresh = false;
        for (const qint64 pid : members()) {
            if (!killed.contains(pid)) {
                ::kill(pid_t(pid), SIGKILL);
                killed.insert(pid);
                fresh = true;
            }
        }
        if (!fresh)
            break;
    }
#endif
}

void Directory::remove() const
{
    if (!members().isEmpty()) {
        killAll();
        for (int i = 0; i < 100 && !members().isEmpty(); ++i) {
            QThread::msleep(20);
            if (i % 10 == 9)
                killAll(); // a member forked between the passes
        }
    }
    if (!QDir().rmdir(path))
        qCWarning(lcProcess).noquote() << "cannot remove the cgroup" << path;
}

} // namespace oa::cgroupfs
