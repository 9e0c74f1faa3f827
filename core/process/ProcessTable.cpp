#include "ProcessTable.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <signal.h>
#endif

namespace oa {

#ifdef Q_OS_LINUX
namespace {

struct StatLine {
    char state = '?';
    qint64 processGroup = -1;
};

bool readStat(const QString &pidText, StatLine &out)
{
    const QList<QByteArray> fields = ProcessTable::statFields(pidText.toLongLong());
    if (fields.size() < 3 || fields.at(0).isEmpty())
        return false;
    out.state = fields.at(0).at(0);
    out.processGroup = fields.at(2).toLongLong();
    return true;
}

bool isDeadState(char state)
{
    return state == 'Z' || state == 'X' || state == 'x';
}

} // namespace
#endif

QList<QByteArray> ProcessTable::statFields(qint64 pid)
{
#ifdef Q_OS_LINUX
    // "pid (comm) state ppid pgrp ...", and comm may itself hold spaces or ')'.
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = file.read(1024);
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return {};
    return line.mid(close + 2).split(' ');
#else
    Q_UNUSED(pid)
    return {};
#endif
}

bool ProcessTable::isAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
#ifdef Q_OS_LINUX
    StatLine stat;
    return readStat(QString::number(pid), stat) && !isDeadState(stat.state);
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
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        StatLine stat;
        if (numeric && readStat(entry, stat) && stat.processGroup == processGroup && !isDeadState(stat.state))
            members.append(pid);
    }
#endif
    return members;
}

} // namespace oa
