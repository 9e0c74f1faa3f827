// --locks and --which-runs read through one open Locks/ or Tasks/ descriptor (LockInspector::locks,
// PackageRuns::find, TaskScanner::taskIn) instead of a walk from the base per file. They must refuse
// exactly what the walk refuses: each hostile shape below is planted and read both ways.
#include "fs/AgentPaths.h"
#include "fs/OpenFolder.h"
#include "lock/LockInspector.h"
#include "lock/TaskLock.h"
#include "tasks/PackageRuns.h"
#include "tasks/TaskScanner.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QTest>

#include <cerrno>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace oatest;
using oa::LockVerdict;

class TestScanHostile : public QObject {
    Q_OBJECT
private slots:
    void locksReadAsInspectDoes();
    void whichRunsRefusesHostileShapes();
    void runAsIsNeverReadThroughALinkedTaskFolder();
};

namespace {

bool write(const QString &path, const QByteArray &data, mode_t mode = 0644)
{
    return writeFileBytes(path, data) && ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

QByteArray resultWith(const QString &id, const QString &package, const QString &version)
{
    const QJsonObject installed{{"Name", package}, {"Version", version}, {"File", package + "-" + version + "-py3-none-any.whl"}};
    return QJsonDocument(QJsonObject{{"ExecutionId", id},
                                     {"Outcome", "Succeeded"},
                                     {"FinishedAt", "2026-11-26T05:08:39Z"},
                                     {"Provenance", QJsonArray{installed}}})
        .toJson();
}

// A PID that no process has: a dead holder.
qint64 deadPid()
{
    for (qint64 pid = 4000000; pid > 1000; pid -= 997)
        if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
            return pid;
    return 0;
}

} // namespace

void TestScanHostile::locksReadAsInspectDoes()
{
    Agent agent;
    const QString locks = agent.base() + QStringLiteral("/Locks");
    QVERIFY(QDir().mkpath(locks));
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/elsewhere")));
    const QString host = QSysInfo::machineHostName();
    QVERIFY(write(agent.base() + QStringLiteral("/elsewhere/real.lock"), "1\nopenautomate-executor\n" + host.toUtf8() + "\n"));
    QCOMPARE(::mkfifo(QFile::encodeName(agent.lockFile(QStringLiteral("fifo"))).constData(), 0644), 0);
    QVERIFY(QFile::link(agent.base() + QStringLiteral("/elsewhere/real.lock"), agent.lockFile(QStringLiteral("link"))));
    QVERIFY(QDir().mkpath(agent.lockFile(QStringLiteral("dir"))));
    QVERIFY(write(agent.lockFile(QStringLiteral("huge")), QByteArray(oa::TaskLock::kMaxFileBytes + 1, '1')));
    QVERIFY(write(agent.lockFile(QStringLiteral("garbage")), "not a lock\n"));
    writeForeignLock(agent, QStringLiteral("foreign"));
    const qint64 dead = deadPid();
    QVERIFY(dead > 0);
    QVERIFY(write(agent.lockFile(QStringLiteral("orphaned")), QByteArray::number(dead) + "\nopenautomate-executor\n" + host.toUtf8() + "\n"));
    oa::TaskLock live(agent.lockFile(QStringLiteral("live"))); // this process holds it: Live
    QVERIFY(live.tryAcquire().ok());

    const QList<oa::LockRecord> scanned = oa::LockInspector(oa::AgentPaths(agent.base())).locks();
    QStringList ids;
    for (const oa::LockRecord &record : scanned) {
        ids.append(record.executionId);
        // The descriptor scan and the walk by path (LockInspector::inspect) tell the same truth.
        const oa::LockRecord walked = oa::LockInspector::inspect(record.executionId, record.path);
        QVERIFY2(record == walked, qPrintable(record.executionId + ": " + record.problem + " / " + walked.problem));
        QCOMPARE(record.info.acquiredAt, walked.info.acquiredAt);
    }
    QCOMPARE(ids, (QStringList{"dir", "fifo", "foreign", "garbage", "huge", "link", "live", "orphaned"}));
    const auto record = [&](const char *id) { return scanned.at(ids.indexOf(QString::fromLatin1(id))); };
    QCOMPARE(record("fifo").verdict, LockVerdict::Unreadable);
    QCOMPARE(record("fifo").problem, QStringLiteral("a FIFO, not a regular file"));
    QCOMPARE(record("link").problem, QStringLiteral("a symbolic link, not a regular file")); // never followed
    QCOMPARE(record("dir").problem, QStringLiteral("a folder, not a regular file"));
    QVERIFY2(record("huge").problem.contains(QLatin1String("more than the 65536 allowed")), qPrintable(record("huge").problem));
    QVERIFY(record("huge").info.acquiredAt.isValid());
    QVERIFY(record("garbage").problem.contains(QLatin1String("not a QLockFile record")));
    QCOMPARE(record("foreign").verdict, LockVerdict::Foreign);
    QCOMPARE(record("orphaned").verdict, LockVerdict::Orphaned);
    QCOMPARE(record("live").verdict, LockVerdict::Live);
    QCOMPARE(record("live").info.pid, qint64(::getpid()));
}

void TestScanHostile::whichRunsRefusesHostileShapes()
{
    Agent agent;
    const auto task = [&](const char *id) {
        const QString dir = agent.taskDir(QString::fromLatin1(id));
        QDir().mkpath(dir);
        return dir + QStringLiteral("/result.json");
    };
    QVERIFY(write(task("good"), resultWith("good", "oa-demo", "1.0")));
    // A task folder that is a link to a folder whose result.json would match.
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/outside")));
    QVERIFY(write(agent.base() + QStringLiteral("/outside/result.json"), resultWith("linked", "oa-demo", "1.0")));
    QVERIFY(QFile::link(agent.base() + QStringLiteral("/outside"), agent.taskDir(QStringLiteral("linked"))));
    // A result.json that is a link, a FIFO, too large, writable by others, or a hard link.
    QVERIFY(QFile::link(agent.base() + QStringLiteral("/outside/result.json"), task("link")));
    QCOMPARE(::mkfifo(QFile::encodeName(task("fifo")).constData(), 0644), 0);
    QVERIFY(write(task("big"), resultWith("big", "oa-demo", "1.0") + QByteArray(5 * 1024 * 1024, ' ')));
    QVERIFY(write(task("shared"), resultWith("shared", "oa-demo", "1.0"), 0666));
    QVERIFY(write(task("hardlink"), resultWith("hardlink", "oa-demo", "1.0")));
    QCOMPARE(::link(QFile::encodeName(task("hardlink")).constData(), QFile::encodeName(agent.base() + QStringLiteral("/outside/second")).constData()), 0);
    QVERIFY(write(task("foreign"), resultWith("foreign", "oa-demo", "1.0")));
    const bool root = ::geteuid() == 0;
    if (root)
        QCOMPARE(::chown(QFile::encodeName(task("foreign")).constData(), 65534, 65534), 0);

    const auto found = oa::PackageRuns::find(oa::AgentPaths(agent.base()), oa::PackageRuns::Query{QStringLiteral("oa-demo"), QStringLiteral("1.0")});
    QStringList runs;
    for (const auto &run : found.runs)
        runs.append(run.executionId);
    QCOMPARE(runs, (QStringList{"good"}));
    const QString notes = found.notes.join(u'\n');
    const auto noted = [&](const char *id, const char *why) {
        const QString prefix = agent.taskDir(QString::fromLatin1(id));
        for (const QString &note : found.notes)
            if (note.startsWith(prefix) && note.contains(QLatin1String(why)))
                return true;
        return false;
    };
    QVERIFY2(noted("linked", "skipped: the task folder is a link"), qPrintable(notes));
    QVERIFY2(noted("link", "a symbolic link, not a regular file"), qPrintable(notes));
    QVERIFY2(noted("fifo", "a FIFO, not a regular file"), qPrintable(notes));
    QVERIFY2(noted("big", "more than the 4194304 allowed"), qPrintable(notes));
    QVERIFY2(noted("shared", "may be written by its group or by others (mode 666)"), qPrintable(notes));
    QVERIFY2(noted("hardlink", "a hard link to a file with 2 names"), qPrintable(notes));
    if (root)
        QVERIFY2(noted("foreign", "owned by uid 65534 (another user)"), qPrintable(notes));
    QCOMPARE(found.notes.size(), root ? 7 : 6);
}

void TestScanHostile::runAsIsNeverReadThroughALinkedTaskFolder()
{
    Agent agent;
    const QByteArray running = QJsonDocument(QJsonObject{{"State", "Running"}, {"Stage", "Run"}, {"RunAsUser", "oa-bot"}}).toJson();
    agent.makeScriptTask(QStringLiteral("real"), "print(1)\n");
    QVERIFY(write(agent.taskFile(QStringLiteral("real"), QStringLiteral("status.json")), running));
    // The linked task's target says it runs as someone: never believed, never read.
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/outside")));
    QVERIFY(write(agent.base() + QStringLiteral("/outside/status.json"),
                  QJsonDocument(QJsonObject{{"State", "Running"}, {"RunAsUser", "intruder"}}).toJson()));
    QVERIFY(QFile::link(agent.base() + QStringLiteral("/outside"), agent.taskDir(QStringLiteral("linked"))));
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/Locks")));
    oa::TaskLock realLock(agent.lockFile(QStringLiteral("real")));
    oa::TaskLock linkedLock(agent.lockFile(QStringLiteral("linked")));
    QVERIFY(realLock.tryAcquire().ok() && linkedLock.tryAcquire().ok());

    const oa::AgentPaths paths(agent.base());
    const oa::TaskScanner scanner(paths);
    const auto tasksDir = oa::OpenFolder::open(paths.folder(), paths.tasksDir());
    QVERIFY(tasksDir.ok());
    const oa::LockInspector inspector(paths);
    for (const QString &id : {QStringLiteral("real"), QStringLiteral("linked")}) {
        const auto viaFd = scanner.taskIn(*tasksDir, id, inspector.lock(id));
        const auto viaPath = scanner.task(id);
        QVERIFY(viaFd && viaPath);
        QCOMPARE(*viaFd, *viaPath);
    }
    QCOMPARE(scanner.taskIn(*tasksDir, QStringLiteral("real"), inspector.lock(QStringLiteral("real")))->runAsUser, QStringLiteral("oa-bot"));
    const auto linked = scanner.taskIn(*tasksDir, QStringLiteral("linked"), inspector.lock(QStringLiteral("linked")));
    QCOMPARE(linked->state, oa::TaskState::Invalid);
    QVERIFY(linked->runAsUser.isEmpty());
    QVERIFY(!scanner.taskIn(*tasksDir, QStringLiteral("missing"), std::nullopt));
}

QTEST_GUILESS_MAIN(TestScanHostile)
#include "tst_scan_hostile.moc"
