#pragma once

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
};

} // namespace oa
