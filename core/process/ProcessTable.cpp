#include "ProcessTable.h"

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <QMultiHash>
#include <QSet>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#endif

namespace oa {

#ifdef Q_OS_LINUX
namespace {

// "pid (comm) state ppid pgrp ...", and comm may itself hold spaces or ')'. Read with one
// open and one read, relative to an open /proc when there is one: every run's end scans the
// whole table a few times, and QFile's two statx calls per file were most of that scan's cost.
QByteArray statLine(qint64 pid, int procDir = AT_FDCWD)
{
    char path[48];
    std::snprintf(path, sizeof path, procDir == AT_FDCWD ? "/proc/%lld/stat" : "%lld/stat", static_cast<long long>(pid));
    const int fd = ::openat(procDir, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return {};
    QByteArray line(1024, Qt::Uninitialized);
    ssize_t n;
    do
        n = ::read(fd, line.data(), size_t(line.size()));
    while (n < 0 && errno == EINTR);
    ::close(fd);
    line.truncate(n > 0 ? qsizetype(n) : 0);
    return line;
}

bool readEntry(qint64 pid, ProcessTable::Entry &out, int procDir = AT_FDCWD)
{
    const QByteArray line = statLine(pid, procDir);
    const qsizetype open = line.indexOf('(');
    const qsizetype close = line.lastIndexOf(')');
    if (open < 0 || close < open)
        return false;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    if (fields.size() < 4 || fields.at(0).isEmpty())
        return false;
    out.pid = pid;
    out.name = line.mid(open + 1, close - open - 1);
    out.state = fields.at(0).at(0);
    out.parent = fields.at(1).toLongLong();
    out.group = fields.at(2).toLongLong();
    out.session = fields.at(3).toLongLong();
    return true;
}

} // namespace
#endif

QList<QByteArray> ProcessTable::statFields(qint64 pid)
{
#ifdef Q_OS_LINUX
    const QByteArray line = statLine(pid);
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return {};
    return line.mid(close + 2).split(' ');
#else
    Q_UNUSED(pid)
    return {};
#endif
}

QList<ProcessTable::Entry> ProcessTable::snapshot()
{
    QList<Entry> table;
#ifdef Q_OS_LINUX
    // readdir, not QDir: QDir stats every entry to filter folders, and /proc's are all numeric.
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return table;
    while (const dirent *d = ::readdir(proc)) {
        char *end = nullptr;
        const long long pid = std::strtoll(d->d_name, &end, 10);
        Entry entry;
        if (pid > 0 && *end == '\0' && readEntry(pid, entry, ::dirfd(proc))) // one that went in between is no entry
            table.append(entry);
    }
    ::closedir(proc);
#endif
    return table;
}

QList<ProcessTable::Entry> ProcessTable::descendantsOf(const QList<Entry> &table, qint64 root, const QList<qint64> &exclude)
{
    QMultiHash<qint64, qsizetype> childrenOf;
    for (qsizetype i = 0; i < table.size(); ++i)
        childrenOf.insert(table.at(i).parent, i);
    QList<Entry> found;
    QList<qint64> parents{root};
    // Parent links form a tree; `seen` only guards against a PID recycled while /proc was read.
    QSet<qint64> seen{root};
    while (!parents.isEmpty()) {
        const qint64 parent = parents.takeLast();
        for (auto it = childrenOf.constFind(parent); it != childrenOf.cend() && it.key() == parent; ++it) {
            const Entry &child = table.at(*it);
            if (exclude.contains(child.pid) || seen.contains(child.pid))
                continue;
            seen.insert(child.pid);
            found.append(child);
            parents.append(child.pid);
        }
    }
    return found;
}

QList<qint64> ProcessTable::descendantsOf(qint64 pid, const QList<qint64> &exclude)
{
    QList<qint64> living;
    for (const Entry &entry : descendantsOf(snapshot(), pid, exclude))
        if (!entry.dead())
            living.append(entry.pid);
    return living;
}

bool ProcessTable::isAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
#ifdef Q_OS_LINUX
    Entry entry;
    return readEntry(pid, entry) && !entry.dead();
#elif defined(Q_OS_UNIX)
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
#else
    return false;
#endif
}

bool ProcessTable::isRunning(qint64 pid, const QString &appName)
{
    if (!isAlive(pid))
        return false;
#ifdef Q_OS_LINUX
    // Like QLockFile: compare the executable's file name; an unreadable link proves nothing.
    const QString exe = QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget();
    if (!exe.isEmpty() && !appName.isEmpty()) {
        QString name = QFileInfo(exe).fileName();
        name.remove(QStringLiteral(" (deleted)")); // a binary replaced by an upgrade still runs
        return name == appName;
    }
#else
    Q_UNUSED(appName)
#endif
    return true;
}

QList<qint64> ProcessTable::livingMembersOfGroup(qint64 processGroup)
{
    QList<qint64> members;
    if (processGroup <= 1)
        return members;
#ifdef Q_OS_UNIX
    // Cheap first: no process in the group at all (not even a zombie).
    if (::kill(-pid_t(processGroup), 0) == -1 && errno == ESRCH)
        return members;
#endif
#ifdef Q_OS_LINUX
    for (const Entry &entry : snapshot())
        if (entry.group == processGroup && !entry.dead())
            members.append(entry.pid);
#endif
    return members;
}

QList<qint64> ProcessTable::processesOfId(qint64 id)
{
    QList<qint64> found;
#ifdef Q_OS_LINUX
    const QByteArray wanted = QByteArray::number(id);
    for (const Entry &entry : snapshot()) {
        QFile status(QStringLiteral("/proc/%1/status").arg(entry.pid));
        if (!status.open(QIODevice::ReadOnly))
            continue; // gone since the snapshot
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (!line.startsWith("Uid:") && !line.startsWith("Gid:"))
                continue;
            const QList<QByteArray> ids = line.mid(4).simplified().split(' ');
            if (ids.contains(wanted)) {
                found.append(entry.pid);
                break;
            }
        }
    }
#else
    Q_UNUSED(id)
#endif
    return found;
}

} // namespace oa
