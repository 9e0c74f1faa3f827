// The executor's headless lock and task tools, against real locks: a live helper, executors
// killed with SIGKILL (their tasks Interrupted), a lock file from another host.
#include "base/LocalTime.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

namespace {

QMap<QString, QJsonObject> listedTasks(const QByteArray &json)
{
    QMap<QString, QJsonObject> tasks;
    for (const QJsonValue &t : QJsonDocument::fromJson(json).object().value("Tasks").toArray())
        tasks.insert(t.toObject().value("Id").toString(), t.toObject());
    return tasks;
}

} // namespace

class TestLockTools : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void listJson();
    void listTable();
    void locksJson();
    void clearOrphanedRemovesExactlyThose();
    void clearLockRules_data();
    void clearLockRules();
    void usageErrors_data();
    void usageErrors();
    void linkedLocksFolderIsNeverUsed();

private:
    QStringList tool(const QStringList &args) const { return QStringList{QStringLiteral("--base-dir"), m_agent.base()} + args; }
    Agent m_agent;
    QProcess m_holder;
};

void TestLockTools::initTestCase()
{
    m_agent.makeScriptTask(QStringLiteral("live"), "print(1)\n");
    QVERIFY(startLockHolder(m_holder, m_agent.lockFile(QStringLiteral("live"))));
    QVERIFY(makeOrphanedLock(m_agent, QStringLiteral("dead-1")));
    QVERIFY(makeOrphanedLock(m_agent, QStringLiteral("dead-2")));
    m_agent.makeScriptTask(QStringLiteral("remote"), "print(1)\n");
    writeForeignLock(m_agent, QStringLiteral("remote"));
    m_agent.makeScriptTask(QStringLiteral("done"), "print(1)\n");
    writeResult(m_agent, QStringLiteral("done"), QStringLiteral("Succeeded"), 0);
}

void TestLockTools::cleanupTestCase()
{
    m_holder.kill();
    m_holder.waitForFinished();
}

void TestLockTools::listJson()
{
    const Run run = runExecutor(tool({QStringLiteral("--list"), QStringLiteral("--json")}));
    QCOMPARE(run.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(doc.value("BaseDir").toString(), m_agent.base());
    const QMap<QString, QJsonObject> tasks = listedTasks(run.out);
    QCOMPARE(tasks.value("live").value("State").toString(), QStringLiteral("Running"));
    QCOMPARE(tasks.value("remote").value("State").toString(), QStringLiteral("RunningElsewhere"));
    QCOMPARE(tasks.value("done").value("State").toString(), QStringLiteral("Succeeded"));
    QVERIFY(tasks.value("done").value("Stage").isNull());
    // Killed in the Run stage: Interrupted, with the stage and start from its status.json, and
    // its dead lock shown as Orphaned.
    const QJsonObject dead = tasks.value("dead-1");
    QCOMPARE(dead.value("State").toString(), QStringLiteral("Interrupted"));
    QCOMPARE(dead.value("Stage").toString(), QStringLiteral("Run"));
    QCOMPARE(dead.value("StartedAt").toString(),
             QDateTime::fromString(readJson(m_agent.taskFile(QStringLiteral("dead-1"), QStringLiteral("status.json"))).value("StartedAt").toString(),
                                   Qt::ISODateWithMs).toString(Qt::ISODate));
    QVERIFY(!dead.value("StatusUpdatedAt").toString().isEmpty());
    QVERIFY(dead.value("Message").toString().contains(QStringLiteral("without a result in stage Run")));
    QCOMPARE(dead.value("Lock").toObject().value("Verdict").toString(), QStringLiteral("Orphaned"));
}

void TestLockTools::listTable()
{
    const Run run = runExecutor(tool({QStringLiteral("--list")}));
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.startsWith("ID"));
    const QList<QByteArray> lines = run.out.split('\n');
    QCOMPARE(lines.first().simplified(), QByteArray("ID STATE STAGE EXIT STARTED DURATION SCRIPT DETAIL REASON"));
    const auto row = [&](const QByteArray &id) {
        for (const QByteArray &line : lines)
            if (line.startsWith(id + ' '))
                return line.simplified();
        return QByteArray();
    };
    // ID, state, stage, no exit code, the start time (local, the locale's format with a four-digit
    // year and the zone; JSON's StartedAt is UTC), no duration, then why and the lock left behind.
    const QDateTime started = QDateTime::fromString(
        listedTasks(runExecutor(tool({QStringLiteral("--list"), QStringLiteral("--json")})).out).value("dead-1").value("StartedAt").toString(),
        Qt::ISODate);
    QVERIFY(started.isValid());
    const QByteArray startedText = oa::LocalTime::dateTime(started, true).simplified().toUtf8();
    QVERIFY(startedText.contains(QByteArray::number(started.toLocalTime().date().year())));
    QVERIFY2(row("dead-1").startsWith("dead-1 Interrupted Run - " + startedText + " - "), row("dead-1").constData());
    QVERIFY(row("dead-1").contains("without a result in stage Run"));
    QVERIFY(row("dead-1").contains(" - main.py orphaned lock: PID"));
    QVERIFY(row("done").startsWith("done Succeeded - 0 "));
    QVERIFY(row("done").endsWith(" -")); // a success has no reason
    // An interrupted run's reason is what the scan found, in REASON once; DETAIL has the lock.
    QCOMPARE(row("dead-1").count("without a result in stage Run"), 1);
    QVERIFY(run.out.contains("\n5 tasks in "));
}

void TestLockTools::locksJson()
{
    const Run run = runExecutor(tool({QStringLiteral("--locks"), QStringLiteral("--json")}));
    QCOMPARE(run.exitCode, 0);
    const QJsonArray locks = QJsonDocument::fromJson(run.out).object().value("Locks").toArray();
    QCOMPARE(locks.size(), 4);
    for (const QJsonValue &v : locks) {
        const QJsonObject l = v.toObject();
        QVERIFY(l.contains("Pid") && l.contains("Host") && l.contains("AgeSeconds") && l.contains("ProcessName"));
        if (l.value("ExecutionId") == QStringLiteral("live")) {
            QCOMPARE(l.value("Verdict").toString(), QStringLiteral("Live"));
            QCOMPARE(l.value("Pid").toInteger(), m_holder.processId());
        }
    }
}

void TestLockTools::clearOrphanedRemovesExactlyThose()
{
    const Run run = runExecutor(tool({QStringLiteral("--clear-orphaned-locks"), QStringLiteral("--json")}));
    QCOMPARE(run.exitCode, 0);
    QStringList removed;
    for (const QJsonValue &v : QJsonDocument::fromJson(run.out).object().value("Removed").toArray())
        removed.append(v.toObject().value("ExecutionId").toString());
    removed.sort();
    QCOMPARE(removed, QStringList({"dead-1", "dead-2"}));
    QVERIFY(!QFile::exists(m_agent.lockFile(QStringLiteral("dead-1"))));
    QVERIFY(!QFile::exists(m_agent.lockFile(QStringLiteral("dead-2"))));
    QVERIFY(QFile::exists(m_agent.lockFile(QStringLiteral("live"))));
    QVERIFY(QFile::exists(m_agent.lockFile(QStringLiteral("remote"))));
    const Run again = runExecutor(tool({QStringLiteral("--clear-orphaned-locks")}));
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.contains("0 orphaned locks removed"));
    // With its lock cleared, a killed run is still Interrupted, never Pending.
    const Run list = runExecutor(tool({QStringLiteral("--list"), QStringLiteral("--json")}));
    const QJsonObject dead = listedTasks(list.out).value("dead-2");
    QCOMPARE(dead.value("State").toString(), QStringLiteral("Interrupted"));
    QCOMPARE(dead.value("Stage").toString(), QStringLiteral("Run"));
    QVERIFY(!dead.value("StartedAt").toString().isEmpty());
    QVERIFY(dead.value("Lock").isNull());
}

void TestLockTools::clearLockRules_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("said");
    QTest::addColumn<bool>("stillThere");
    QTest::addColumn<QString>("id");
    QTest::newRow("live") << QStringList{"--clear-lock", "live"} << 2 << QByteArray("never removed") << true << "live";
    QTest::newRow("live with --force") << QStringList{"--clear-lock", "live", "--force"} << 2 << QByteArray("never removed") << true << "live";
    QTest::newRow("foreign needs --force") << QStringList{"--clear-lock", "remote"} << 2 << QByteArray("needs --force") << true << "remote";
    QTest::newRow("foreign with --force") << QStringList{"--clear-lock", "remote", "--force"} << 0
                                          << QByteArray("may now start a second time") << false << "remote";
    QTest::newRow("no such lock") << QStringList{"--clear-lock", "remote"} << 3 << QByteArray("there is no lock") << false << "remote";
    QTest::newRow("invalid ID") << QStringList{"--clear-lock", "../x"} << 1 << QByteArray("Invalid execution ID") << false << "x";
}

void TestLockTools::clearLockRules()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, said);
    QFETCH(bool, stillThere);
    QFETCH(QString, id);
    const Run run = runExecutor(tool(args));
    QCOMPARE(run.exitCode, exitCode);
    const QByteArray all = run.out + run.err;
    QVERIFY2(all.contains(said), all.constData());
    QCOMPARE(QFile::exists(m_agent.lockFile(id)), stillThere);
}

void TestLockTools::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("two tools") << QStringList{"--list", "--locks"};
    QTest::newRow("tool plus ID") << QStringList{"--list", "some-id"};
    QTest::newRow("--json alone") << QStringList{"--json", "some-id"};
}

void TestLockTools::usageErrors()
{
    QFETCH(QStringList, args);
    QCOMPARE(runExecutor(tool(args)).exitCode, 1);
}

// The gatekeeper's rule for Locks/: a link in its place (to a folder elsewhere holding an
// orphaned lock of this host) is neither listed nor cleared through, and what it points to stays.
void TestLockTools::linkedLocksFolderIsNeverUsed()
{
    Agent agent;
    QVERIFY(makeOrphanedLock(agent, QStringLiteral("dead")));
    QTemporaryDir elsewhere;
    const QString outside = elsewhere.path() + QStringLiteral("/Locks");
    QVERIFY(QDir().rename(agent.base() + QStringLiteral("/Locks"), outside));
    QVERIFY(QFile::link(outside, agent.base() + QStringLiteral("/Locks")));
    const QStringList base{QStringLiteral("--base-dir"), agent.base()};
    const Run locks = runExecutor(base + QStringList{QStringLiteral("--locks"), QStringLiteral("--json")});
    QCOMPARE(locks.exitCode, 0);
    QVERIFY2(!locks.out.contains("dead"), locks.out.constData());
    QCOMPARE(runExecutor(base + QStringList{QStringLiteral("--clear-lock"), QStringLiteral("dead")}).exitCode, 3);
    QCOMPARE(runExecutor(base + QStringList{QStringLiteral("--clear-orphaned-locks")}).exitCode, 0);
    QVERIFY(QFile::exists(outside + QStringLiteral("/dead.lock")));
}
QTEST_GUILESS_MAIN(TestLockTools)
#include "tst_lock_tools.moc"
