// The monitor's refresh (TaskRescanner) keeps a row while nothing it was read from changed, and
// notices every change: a new task, a removed one, a record rewritten in place with the same size
// within the kernel's timestamp tick, a lock that appears, goes, or whose holder died (no file
// changes then), a changed requirements file. Its rows are TaskScanner's, hostile shapes included.
#include "fs/AgentPaths.h"
#include "tasks/TaskRescanner.h"
#include "tasks/TaskScanner.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <signal.h>
#include <sys/stat.h>

using namespace oatest;
using oa::TaskState;

class TestTaskRescanner : public QObject {
    Q_OBJECT
private slots:
    void unchangedRefreshReadsNothing();
    void noticesNewAndRemovedTasks();
    void noticesARecordRewrittenInPlace_data();
    void noticesARecordRewrittenInPlace();
    void noticesLocksComingGoingAndDying();
    void noticesAChangedRequirementsFile();
    void hostileShapesAreRefusedAsTheScannerRefusesThem();

private:
    static void settle() { QTest::qWait(int(oa::TaskRescanner::kSettleMs) + 30); }
};

namespace {

const oa::TaskSummary *rowOf(const oa::TaskRescanner::Snapshot &snapshot, const QString &id)
{
    for (const oa::TaskSummary &t : snapshot.tasks)
        if (t.id == id)
            return &t;
    return nullptr;
}

QByteArray status(int pid)
{
    return QJsonDocument(QJsonObject{{"State", "Running"}, {"Stage", "Run"}, {"Pid", pid}, {"UpdatedAt", "2026-11-01T08:00:01Z"}}).toJson();
}

// Rewrites `path` in place (same inode, truncated and written): what a tool that edits a file does.
void rewrite(const QString &path, const QByteArray &content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(content), content.size());
}

} // namespace

void TestTaskRescanner::unchangedRefreshReadsNothing()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("pending"), "print(1)\n", QJsonObject{{"Requirements", QJsonArray{"requests"}}});
    agent.makeScriptTask(QStringLiteral("done"), "print(1)\n");
    writeResult(agent, QStringLiteral("done"), QStringLiteral("Succeeded"), 0);
    agent.makeScriptTask(QStringLiteral("txt"), "print(1)\n");
    QVERIFY(writeFileBytes(agent.taskFile(QStringLiteral("txt"), QStringLiteral("requirements.txt")), "requests\nidna\n"));
    agent.makeTaskRaw(QStringLiteral("broken"), "not json");
    const oa::AgentPaths paths(agent.base());
    settle();
    oa::TaskRescanner rescanner;
    const auto first = rescanner.refresh(paths);
    QCOMPARE(rescanner.reads(), 4);
    // The same rows, Requirements column included, as a full scan gives.
    QCOMPARE(first.tasks, oa::TaskScanner(paths).scan(true));
    QCOMPARE(rowOf(first, QStringLiteral("txt"))->dependencies.packages, (QStringList{"requests", "idna"}));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(rescanner.refresh(paths).tasks, first.tasks);
    QCOMPARE(rescanner.reads(), 4);
}

void TestTaskRescanner::noticesNewAndRemovedTasks()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("a"), "print(1)\n");
    const oa::AgentPaths paths(agent.base());
    settle();
    oa::TaskRescanner rescanner;
    QCOMPARE(rescanner.refresh(paths).tasks.size(), 1);
    agent.makeScriptTask(QStringLiteral("b"), "print(1)\n");
    auto snapshot = rescanner.refresh(paths);
    QCOMPARE(snapshot.tasks.size(), 2);
    QVERIFY(rowOf(snapshot, QStringLiteral("b")));
    QVERIFY(QDir(agent.taskDir(QStringLiteral("a"))).removeRecursively());
    snapshot = rescanner.refresh(paths);
    QCOMPARE(snapshot.tasks.size(), 1);
    QVERIFY(!rowOf(snapshot, QStringLiteral("a")));
    // Gone and back with other content: read again, never the kept row.
    agent.makeScriptTask(QStringLiteral("a"), "print(2)\n", QJsonObject{{"Arguments", "--again"}});
    QCOMPARE(rowOf(rescanner.refresh(paths), QStringLiteral("a"))->arguments, QStringLiteral("--again"));
}

void TestTaskRescanner::noticesARecordRewrittenInPlace_data()
{
    QTest::addColumn<bool>("settled"); // the first look came after the settle margin, or at once
    QTest::newRow("long after the first write") << true;
    QTest::newRow("within the same tick") << false;
}

void TestTaskRescanner::noticesARecordRewrittenInPlace()
{
    // Same size, same inode, and (in the second row) within the tick that stamped the first
    // content: mtime alone, at a second's or a tick's granularity, would miss each of them.
    QFETCH(bool, settled);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("died"), "print(1)\n");
    QVERIFY(writeFileBytes(agent.taskFile(QStringLiteral("died"), QStringLiteral("status.json")), status(1111)));
    agent.makeScriptTask(QStringLiteral("done"), "print(1)\n");
    writeResult(agent, QStringLiteral("done"), QStringLiteral("Failed"), 1);
    agent.makeScriptTask(QStringLiteral("args"), "print(1)\n", QJsonObject{{"Arguments", "--one"}});
    const oa::AgentPaths paths(agent.base());
    if (settled)
        settle();
    oa::TaskRescanner rescanner;
    auto snapshot = rescanner.refresh(paths);
    QCOMPARE(rowOf(snapshot, QStringLiteral("died"))->state, TaskState::Interrupted);
    QVERIFY(rowOf(snapshot, QStringLiteral("died"))->message.contains(QLatin1String("PID 1111")));
    QCOMPARE(rowOf(snapshot, QStringLiteral("done"))->exitCode, std::optional<int>(1));
    const qint64 sizeBefore = QFileInfo(agent.taskFile(QStringLiteral("died"), QStringLiteral("status.json"))).size();

    rewrite(agent.taskFile(QStringLiteral("died"), QStringLiteral("status.json")), status(2222));
    writeResult(agent, QStringLiteral("done"), QStringLiteral("Failed"), 2);
    QJsonObject execution = readJson(agent.taskFile(QStringLiteral("args"), QStringLiteral("execution.json")));
    execution.insert("Arguments", "--two");
    rewrite(agent.taskFile(QStringLiteral("args"), QStringLiteral("execution.json")), QJsonDocument(execution).toJson());
    QCOMPARE(QFileInfo(agent.taskFile(QStringLiteral("died"), QStringLiteral("status.json"))).size(), sizeBefore);

    snapshot = rescanner.refresh(paths);
    QVERIFY(rowOf(snapshot, QStringLiteral("died"))->message.contains(QLatin1String("PID 2222")));
    QCOMPARE(rowOf(snapshot, QStringLiteral("done"))->exitCode, std::optional<int>(2));
    QCOMPARE(rowOf(snapshot, QStringLiteral("args"))->arguments, QStringLiteral("--two"));
    QCOMPARE(snapshot.tasks, oa::TaskScanner(paths).scan(true));
}

void TestTaskRescanner::noticesLocksComingGoingAndDying()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("t"), "print(1)\n");
    QVERIFY(writeFileBytes(agent.taskFile(QStringLiteral("t"), QStringLiteral("status.json")), status(1)));
    const oa::AgentPaths paths(agent.base());
    settle();
    oa::TaskRescanner rescanner;
    QCOMPARE(rowOf(rescanner.refresh(paths), QStringLiteral("t"))->state, TaskState::Interrupted);

    QProcess holder;
    QVERIFY(startLockHolder(holder, agent.lockFile(QStringLiteral("t"))));
    settle();
    auto snapshot = rescanner.refresh(paths);
    QCOMPARE(rowOf(snapshot, QStringLiteral("t"))->state, TaskState::Running);
    QCOMPARE(snapshot.locks.size(), 1);
    const int reads = rescanner.reads();
    QCOMPARE(rowOf(rescanner.refresh(paths), QStringLiteral("t"))->state, TaskState::Running);
    QCOMPARE(rescanner.reads(), reads); // a live holder and unchanged files: nothing read

    // The holder dies; its lock file stays as it was: no file changes, the verdict does.
    ::kill(pid_t(holder.processId()), SIGKILL);
    QVERIFY(holder.waitForFinished(10000));
    snapshot = rescanner.refresh(paths);
    QCOMPARE(snapshot.locks.value(0).verdict, oa::LockVerdict::Orphaned);
    QCOMPARE(rowOf(snapshot, QStringLiteral("t"))->state, TaskState::Interrupted);
    QVERIFY(rowOf(snapshot, QStringLiteral("t"))->lock.has_value());

    QVERIFY(QFile::remove(agent.lockFile(QStringLiteral("t"))));
    snapshot = rescanner.refresh(paths);
    QVERIFY(snapshot.locks.isEmpty());
    QVERIFY(!rowOf(snapshot, QStringLiteral("t"))->lock.has_value());
}

void TestTaskRescanner::noticesAChangedRequirementsFile()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("txt"), "print(1)\n");
    QVERIFY(writeFileBytes(agent.taskFile(QStringLiteral("txt"), QStringLiteral("requirements.txt")), "requests\nidna\n"));
    agent.makeScriptTask(QStringLiteral("nested"), "print(1)\n", QJsonObject{{"ScriptPath", "bot/main.py"}});
    QVERIFY(QDir().mkpath(agent.taskDir(QStringLiteral("nested")) + QStringLiteral("/bot")));
    QVERIFY(writeFileBytes(agent.taskFile(QStringLiteral("nested"), QStringLiteral("bot/main.py")), "print(1)\n"));
    const oa::AgentPaths paths(agent.base());
    settle();
    oa::TaskRescanner rescanner;
    auto snapshot = rescanner.refresh(paths);
    QCOMPARE(rowOf(snapshot, QStringLiteral("txt"))->dependencies.packages.size(), 2);
    QCOMPARE(rowOf(snapshot, QStringLiteral("nested"))->dependencies.source, QStringLiteral("none"));
    const int reads = rescanner.reads();
    rescanner.refresh(paths);
    QCOMPARE(rescanner.reads(), reads);

    rewrite(agent.taskFile(QStringLiteral("txt"), QStringLiteral("requirements.txt")), "requests\nidna\nrich\n");
    // A requirements.txt that appears in a subfolder the script is in changes that folder only.
    QVERIFY(writeFileBytes(agent.taskFile(QStringLiteral("nested"), QStringLiteral("bot/requirements.txt")), "rich\n"));
    snapshot = rescanner.refresh(paths);
    QCOMPARE(rowOf(snapshot, QStringLiteral("txt"))->dependencies.packages.size(), 3);
    QCOMPARE(rowOf(snapshot, QStringLiteral("nested"))->dependencies.source, QStringLiteral("requirements.txt"));
    QCOMPARE(snapshot.tasks, oa::TaskScanner(paths).scan(true));
}

void TestTaskRescanner::hostileShapesAreRefusedAsTheScannerRefusesThem()
{
    Agent agent;
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/Tasks")));
    agent.makeScriptTask(QStringLiteral("real"), "print(1)\n");
    QVERIFY(QFile::link(agent.taskDir(QStringLiteral("real")), agent.taskDir(QStringLiteral("linked"))));
    agent.makeScriptTask(QStringLiteral("fifo"), "print(1)\n");
    QVERIFY(QFile::remove(agent.taskFile(QStringLiteral("fifo"), QStringLiteral("execution.json"))));
    QCOMPARE(::mkfifo(QFile::encodeName(agent.taskFile(QStringLiteral("fifo"), QStringLiteral("execution.json"))).constData(), 0644), 0);
    agent.makeScriptTask(QStringLiteral("linkedresult"), "print(1)\n");
    QVERIFY(QFile::link(QStringLiteral("/etc/passwd"), agent.taskFile(QStringLiteral("linkedresult"), QStringLiteral("result.json"))));
    const oa::AgentPaths paths(agent.base());
    oa::TaskRescanner rescanner;
    const auto snapshot = rescanner.refresh(paths); // returns: the FIFO is never opened
    QCOMPARE(snapshot.tasks, oa::TaskScanner(paths).scan(true));
    QCOMPARE(rowOf(snapshot, QStringLiteral("linked"))->state, TaskState::Invalid);
    QVERIFY(rowOf(snapshot, QStringLiteral("linked"))->scriptPath.isEmpty()); // nothing read through the link
    QCOMPARE(rowOf(snapshot, QStringLiteral("fifo"))->state, TaskState::Invalid);
    QVERIFY(rowOf(snapshot, QStringLiteral("fifo"))->message.contains(QLatin1String("a FIFO")));
    QCOMPARE(rowOf(snapshot, QStringLiteral("linkedresult"))->state, TaskState::Pending);
    // A real folder swapped for a link between two refreshes is refused from then on.
    QVERIFY(QDir(agent.taskDir(QStringLiteral("real"))).rename(agent.taskDir(QStringLiteral("real")), agent.base() + QStringLiteral("/moved")));
    QVERIFY(QFile::link(agent.base() + QStringLiteral("/moved"), agent.taskDir(QStringLiteral("real"))));
    const auto swapped = rescanner.refresh(paths);
    QCOMPARE(rowOf(swapped, QStringLiteral("real"))->state, TaskState::Invalid);
    QVERIFY(rowOf(swapped, QStringLiteral("real"))->scriptPath.isEmpty());
}

QTEST_GUILESS_MAIN(TestTaskRescanner)
#include "tst_taskrescanner.moc"
