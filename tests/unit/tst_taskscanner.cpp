#include "tasks/TaskScanner.h"
#include "TestSupport.h"
#include "base/LocalTime.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

using namespace oatest;
using oa::TaskState;

namespace {

// A status.json as the executor writes it; `state` Running, Stopping or Finished.
void writeStatus(const Agent &agent, const QString &id, const QString &state, const QString &stage)
{
    QFile file(agent.taskFile(id, QStringLiteral("status.json")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("ExecutionId"), id},
                                         {QStringLiteral("State"), state},
                                         {QStringLiteral("Stage"), stage},
                                         {QStringLiteral("Pid"), 4242},
                                         {QStringLiteral("StartedAt"), QStringLiteral("2026-11-01T07:59:00.000Z")},
                                         {QStringLiteral("UpdatedAt"), QStringLiteral("2026-11-01T08:00:01.000Z")}})
                   .toJson());
}

} // namespace

// One fixture agent folder holds a task in every state, each made the way it happens in
// production: a real live holder, real executors killed with SIGKILL (their lock left, or
// cleared), a foreign lock file.
class TestTaskScanner : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void states_data();
    void states();
    void rowFields();
    void interruptedAndOrphanedCarryStageAndStart();
    void previousRun();
    void sortedAndOnlyValidIds();

private:
    Agent m_agent;
    QProcess m_holder;
    QProcess m_freshHolder;
    QList<oa::TaskSummary> m_tasks;
};

void TestTaskScanner::initTestCase()
{
    const auto script = [this](const QString &id) { m_agent.makeScriptTask(id, "print(1)\n"); };
    script(QStringLiteral("pending"));
    m_agent.makeScriptTask(QStringLiteral("pending-args"), "print(1)\n",
                           {{QStringLiteral("Arguments"), QJsonArray{QStringLiteral("a b"), QStringLiteral("c")}},
                            {QStringLiteral("Requirements"), QJsonArray{QStringLiteral("x"), QStringLiteral("y")}}});
    for (const auto &[id, outcome, code] : {std::tuple{"succeeded", "Succeeded", 0}, std::tuple{"failed", "Failed", 3},
                                            std::tuple{"timedout", "TimedOut", 7}, std::tuple{"cancelled", "Cancelled", 8},
                                            std::tuple{"pipfailed", "RequirementsFailed", 6}}) {
        script(QString::fromLatin1(id));
        writeResult(m_agent, QString::fromLatin1(id), QString::fromLatin1(outcome), code);
    }
    QVERIFY(QDir().mkpath(m_agent.taskDir(QStringLiteral("nojson"))));
    m_agent.makeTaskRaw(QStringLiteral("badjson"), "{ nope");
    script(QStringLiteral("running"));
    writeResult(m_agent, QStringLiteral("running"), QStringLiteral("Failed"), 1); // an earlier run's result
    QVERIFY(startLockHolder(m_holder, m_agent.lockFile(QStringLiteral("running"))));
    script(QStringLiteral("live-fresh")); // a first run, alive: status.json says Running and there is no result
    QVERIFY(startLockHolder(m_freshHolder, m_agent.lockFile(QStringLiteral("live-fresh"))));
    writeStatus(m_agent, QStringLiteral("live-fresh"), QStringLiteral("Running"), QStringLiteral("Run"));
    // Killed mid-run: Interrupted with its dead lock still there, and once the lock is cleared.
    QVERIFY(makeOrphanedLock(m_agent, QStringLiteral("killed")));
    QVERIFY(makeOrphanedLock(m_agent, QStringLiteral("killed-cleared")));
    QVERIFY(QFile::remove(m_agent.lockFile(QStringLiteral("killed-cleared"))));
    script(QStringLiteral("stopping")); // died while stopping, its lock cleared
    writeStatus(m_agent, QStringLiteral("stopping"), QStringLiteral("Stopping"), QStringLiteral("Requirements"));
    script(QStringLiteral("ran-before")); // a status.json that says Running, but a result: not Interrupted
    writeStatus(m_agent, QStringLiteral("ran-before"), QStringLiteral("Running"), QStringLiteral("Run"));
    writeResult(m_agent, QStringLiteral("ran-before"), QStringLiteral("Succeeded"), 0);
    // Killed after it saved its result, before it released the lock: Orphaned.
    QVERIFY(makeOrphanedLock(m_agent, QStringLiteral("orphaned")));
    writeStatus(m_agent, QStringLiteral("orphaned"), QStringLiteral("Finished"), QStringLiteral("Run"));
    writeResult(m_agent, QStringLiteral("orphaned"), QStringLiteral("Failed"), 1);
    script(QStringLiteral("elsewhere"));
    writeForeignLock(m_agent, QStringLiteral("elsewhere"));
    m_tasks = oa::TaskScanner(oa::AgentPaths(m_agent.base())).scan();
}

void TestTaskScanner::cleanupTestCase()
{
    for (QProcess *holder : {&m_holder, &m_freshHolder}) {
        holder->kill();
        holder->waitForFinished();
    }
}

void TestTaskScanner::states_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("state");
    QTest::newRow("no lock, no result") << "pending" << int(TaskState::Pending);
    QTest::newRow("Succeeded") << "succeeded" << int(TaskState::Succeeded);
    QTest::newRow("Failed") << "failed" << int(TaskState::Failed);
    QTest::newRow("TimedOut") << "timedout" << int(TaskState::TimedOut);
    QTest::newRow("Cancelled") << "cancelled" << int(TaskState::Cancelled);
    QTest::newRow("other outcomes are Failed") << "pipfailed" << int(TaskState::Failed);
    QTest::newRow("execution.json missing") << "nojson" << int(TaskState::Invalid);
    QTest::newRow("execution.json unreadable") << "badjson" << int(TaskState::Invalid);
    QTest::newRow("live holder beats an old result") << "running" << int(TaskState::Running);
    QTest::newRow("live holder, no result yet") << "live-fresh" << int(TaskState::Running);
    QTest::newRow("killed executor, its lock left") << "killed" << int(TaskState::Interrupted);
    QTest::newRow("killed executor, its lock cleared") << "killed-cleared" << int(TaskState::Interrupted);
    QTest::newRow("died while stopping") << "stopping" << int(TaskState::Interrupted);
    QTest::newRow("a result beats a Running status.json") << "ran-before" << int(TaskState::Succeeded);
    QTest::newRow("killed after its result") << "orphaned" << int(TaskState::Orphaned);
    QTest::newRow("lock from another host") << "elsewhere" << int(TaskState::RunningElsewhere);
}

void TestTaskScanner::states()
{
    QFETCH(QString, id);
    QFETCH(int, state);
    const auto it = std::find_if(m_tasks.cbegin(), m_tasks.cend(), [&](const oa::TaskSummary &t) { return t.id == id; });
    QVERIFY(it != m_tasks.cend());
    QCOMPARE(oa::taskStateName(it->state), oa::taskStateName(TaskState(state)));
}

void TestTaskScanner::rowFields()
{
    const oa::AgentPaths paths(m_agent.base());
    const auto args = oa::TaskScanner(paths).task(QStringLiteral("pending-args"));
    QVERIFY(args);
    QCOMPARE(args->scriptPath, QStringLiteral("main.py"));
    QCOMPARE(args->arguments, QStringLiteral("a b c"));
    QCOMPARE(args->requirementsCount, 2);

    const auto failed = oa::TaskScanner(paths).task(QStringLiteral("failed"));
    QCOMPARE(failed->exitCode.value_or(-1), 3);
    QCOMPARE(failed->durationMs, 2500);
    QCOMPARE(failed->message, QStringLiteral("fixture: Failed"));
    QCOMPARE(failed->finishedAt, QDateTime::fromString(QStringLiteral("2026-11-01T08:00:02.500Z"), Qt::ISODateWithMs));

    const auto running = oa::TaskScanner(paths).task(QStringLiteral("running"));
    QCOMPARE(running->lock->info.pid, m_holder.processId());
    QVERIFY(!running->exitCode); // the old result does not describe this run
    QCOMPARE(running->startedAt, running->lock->info.acquiredAt);

    const auto elsewhere = oa::TaskScanner(paths).task(QStringLiteral("elsewhere"));
    QCOMPARE(elsewhere->lock->info.hostName, QStringLiteral("bot-07.other-site"));
    QVERIFY(!oa::TaskScanner(paths).task(QStringLiteral("no-such-task")));
}

void TestTaskScanner::interruptedAndOrphanedCarryStageAndStart()
{
    const oa::TaskScanner scanner{oa::AgentPaths(m_agent.base())};
    for (const char *id : {"killed", "killed-cleared"}) {
        // What the real executor wrote into status.json before it was killed in the Run stage.
        const QJsonObject status = readJson(m_agent.taskFile(QLatin1String(id), QStringLiteral("status.json")));
        const auto t = scanner.task(QLatin1String(id));
        QVERIFY(t);
        QCOMPARE(t->stage, QStringLiteral("Run"));
        QVERIFY(t->startedAt.isValid());
        QCOMPARE(t->startedAt, QDateTime::fromString(status.value("StartedAt").toString(), Qt::ISODateWithMs));
        QVERIFY(t->startedAt <= t->statusUpdatedAt);
        QVERIFY2(t->message.contains(QStringLiteral("without a result in stage Run")), qPrintable(t->message));
        QVERIFY(!t->exitCode);
        QCOMPARE(t->lock.has_value(), QByteArray(id) == "killed");
    }
    const auto stopping = scanner.task(QStringLiteral("stopping"));
    QCOMPARE(stopping->stage, QStringLiteral("Requirements"));
    QCOMPARE(stopping->startedAt, QDateTime::fromString(QStringLiteral("2026-11-01T07:59:00.000Z"), Qt::ISODateWithMs));
    QVERIFY(stopping->message.contains(QStringLiteral("PID 4242")));
    // Its last update as a person reads a time (issue 23): local, with the zone, not ISO UTC.
    const QString lastUpdate = oa::LocalTime::dateTime(QDateTime::fromString(QStringLiteral("2026-11-01T08:00:01.000Z"), Qt::ISODateWithMs), true);
    QVERIFY2(stopping->message.endsWith(QStringLiteral("its last update was at ") + lastUpdate), qPrintable(stopping->message));
    QVERIFY2(!stopping->message.contains(QStringLiteral("T08:00:01")), qPrintable(stopping->message));

    const auto orphaned = scanner.task(QStringLiteral("orphaned"));
    QCOMPARE(orphaned->stage, QStringLiteral("Run"));
    QCOMPARE(orphaned->startedAt, QDateTime::fromString(QStringLiteral("2026-11-01T07:59:00.000Z"), Qt::ISODateWithMs));
    QVERIFY(orphaned->lock);
}

void TestTaskScanner::previousRun()
{
    const oa::AgentPaths paths(m_agent.base());
    const QString id = QStringLiteral("succeeded");
    QVERIFY(!oa::TaskScanner(paths).previousRun(id));
    // previous/ as a link is never read through.
    QVERIFY(QFile::link(m_agent.taskDir(QStringLiteral("failed")), paths.previousDir(id)));
    QVERIFY(!oa::TaskScanner(paths).previousRun(id));
    QVERIFY(QFile::remove(paths.previousDir(id)));
    // A previous run that was interrupted, and one that finished.
    QVERIFY(QDir().mkpath(paths.previousDir(id)));
    QVERIFY(QFile::copy(m_agent.taskFile(QStringLiteral("killed"), QStringLiteral("status.json")), paths.statusFile(id, oa::AgentPaths::Generation::Previous)));
    auto previous = oa::TaskScanner(paths).previousRun(id);
    QVERIFY(previous);
    QCOMPARE(previous->state, TaskState::Interrupted);
    QCOMPARE(previous->stage, QStringLiteral("Run"));
    QVERIFY(!previous->lock);
    QVERIFY(QFile::copy(m_agent.taskFile(QStringLiteral("failed"), QStringLiteral("result.json")), paths.resultFile(id, oa::AgentPaths::Generation::Previous)));
    previous = oa::TaskScanner(paths).previousRun(id);
    QCOMPARE(previous->state, TaskState::Failed);
    QCOMPARE(previous->exitCode.value_or(-1), 3);
    QCOMPARE(oa::TaskScanner(paths).task(id)->state, TaskState::Succeeded); // the current run is unchanged
    QVERIFY(QDir(paths.previousDir(id)).removeRecursively());
}

void TestTaskScanner::sortedAndOnlyValidIds()
{
    QVERIFY(QDir().mkpath(m_agent.base() + QStringLiteral("/Tasks/bad name")));
    const QList<oa::TaskSummary> tasks = oa::TaskScanner(oa::AgentPaths(m_agent.base())).scan();
    QStringList ids;
    for (const oa::TaskSummary &t : tasks)
        ids.append(t.id);
    QVERIFY(!ids.contains(QStringLiteral("bad name")));
    QStringList sorted = ids;
    sorted.sort();
    QCOMPARE(ids, sorted);
    QCOMPARE(ids.size(), 17);
}

QTEST_GUILESS_MAIN(TestTaskScanner)
#include "tst_taskscanner.moc"
