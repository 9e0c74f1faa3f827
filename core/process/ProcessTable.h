#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QtGlobal>

namespace oa {

// Read-only questions about the live process table (/proc on Linux). Zombies count as dead:
// they run no code, and in a container whose PID 1 never reaps they would linger for ever.
class ProcessTable {
public:
    static bool isAlive(qint64 pid);
    // Alive, and still the program `appName` names (QLockFile's test against a recycled PID).
    static bool isRunning(qint64 pid, const QString &appName);
    static QList<qint64> livingMembersOfGroup(qint64 processGroup);
    // The fields of /proc/PID/stat after "pid (comm) ": [0] is the state, [2] the process
    // group, [11]/[12] utime/stime, [21] rss (man 5 proc, minus 3). Empty when unreadable.
    static QList<QByteArray> statFields(qint64 pid);
};

} // namespace oa
