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
    // One line of the table, from /proc/PID/stat.
    struct Entry {
        qint64 pid = 0;
        qint64 parent = 0;
        qint64 group = 0;
        qint64 session = 0;
        char state = '?';
        QByteArray name; // comm: at most 15 bytes of the program's name
        bool dead() const { return state == 'Z' || state == 'X' || state == 'x'; }
    };
    // Every process, zombies included, read once.
    static QList<Entry> snapshot();
    // Every descendant of `root` in `table`, following parent links, zombies included (callers
    // tell them apart with dead()); each of `exclude` and its own descendants are left out.
    static QList<Entry> descendantsOf(const QList<Entry> &table, qint64 root, const QList<qint64> &exclude = {});
    // The living descendants of `pid` now.
    static QList<qint64> descendantsOf(qint64 pid, const QList<qint64> &exclude = {});

    static bool isAlive(qint64 pid);
    // Alive, and still the program `appName` names (QLockFile's test against a recycled PID).
    static bool isRunning(qint64 pid, const QString &appName);
    static QList<qint64> livingMembersOfGroup(qint64 processGroup);
    // Processes (zombies too) any of whose user IDs (real, effective, saved, filesystem) or group
    // IDs is `id`: what is left of a dynamic user's run, or what makes an ID unfit to hand out.
    static QList<qint64> processesOfId(qint64 id);
    // The fields of /proc/PID/stat after "pid (comm) ": [0] is the state, [1] the parent, [2] the
    // process group, [3] the session, [11]/[12] utime/stime, [21] rss (man 5 proc, minus 3).
    // Empty when unreadable.
    static QList<QByteArray> statFields(qint64 pid);
};

} // namespace oa
