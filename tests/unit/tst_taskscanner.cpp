#include "TaskScanner.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

using namespace oatest;
using oa::TaskState;

// One fixture agent folder holds a task in every state, each made the way it happens in
// production: a real live holder, a real executor killed with SIGKILL, a foreign lock file.
class TestTaskScanner : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void states_data();
    void states();
    void rowFields();
    void sortedAndOnlyValidIds();

private:
    Agent m_agent;
    QProcess m_holder;
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
    QVERIFY(makeOrphanedLock(m_agent, QStringLiteral("orphaned")));
    script(QStringLiteral("elsewhere"));
    writeForeignLock(m_agent, QStringLiteral("elsewhere"));
    m_tasks = oa::TaskScanner(oa::AgentPaths(m_agent.base())).scan();
}

void TestTaskScanner::cleanupTestCase()
{
    m_holder.kill();
    m_holder.waitForFinished();
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
    QTest::newRow("killed executor") << "orphaned" << int(TaskState::Orphaned);
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
    QCOMPARE(ids.size(), 12);
}

QTEST_GUILESS_MAIN(TestTaskScanner)
#include "tst_taskscanner.moc"
