// Per-ID names under Locks/ never collide. IDs that extend one another ("job", "job.cancel-1"),
// or that look like another ID's file names ("a.lock", "job.run"), each keep their own lock, run
// file and cancel requests, with the real executor and real processes.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace oatest;

namespace {

// Counts its runs, and waits for ever, except when it is a second run at the same time: that one
// says so and exits at once, so that a broken lock shows as two lines instead of a hang.
const QByteArray kCountingScript = "import os, sys, time\n"
                                   "with open('runs.txt', 'a') as f: f.write('run\\n')\n"
                                   "if os.path.exists('started'): sys.exit(0)\n"
                                   "open('started.tmp', 'w').write(str(os.getpid()))\n"
                                   "os.rename('started.tmp', 'started')\n"
                                   "time.sleep(300)\n";

// Every file under Locks/ with its content.
QMap<QString, QByteArray> locksContent(const Agent &agent)
{
    QMap<QString, QByteArray> content;
    const QString dir = agent.base() + QStringLiteral("/Locks");
    for (const QString &name : QDir(dir).entryList(QDir::Files | QDir::Hidden))
        content.insert(name, readFile(dir + u'/' + name));
    return content;
}

QStringList cancelArgs(const Agent &agent, const QString &id)
{
    return {QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), id};
}

} // namespace

class TestLockNames : public QObject {
    Q_OBJECT
private slots:
    void neighbourRunLeavesFilesAlone_data();
    void neighbourRunLeavesFilesAlone();
    void cancelReachesOnlyItsTarget();
    void locksListedUnderTheirOwnIds();

private:
    // Starts the executor on a kCountingScript task and waits until its script runs.
    bool startRunning(QProcess &executor, const Agent &agent, const QString &id);
};

bool TestLockNames::startRunning(QProcess &executor, const Agent &agent, const QString &id)
{
    agent.makeScriptTask(id, kCountingScript);
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, id));
    QDeadlineTimer deadline(60000);
    while (!QFile::exists(agent.taskFile(id, QStringLiteral("started"))) && !deadline.hasExpired())
        QTest::qWait(25);
    return QFile::exists(agent.taskFile(id, QStringLiteral("started")));
}

void TestLockNames::neighbourRunLeavesFilesAlone_data()
{
    QTest::addColumn<QString>("running");
    QTest::addColumn<QString>("other");
    QTest::newRow("job.cancel-1 runs, job runs") << "job.cancel-1" << "job";
    QTest::newRow("job runs, job.cancel-1 runs") << "job" << "job.cancel-1";
    QTest::newRow("job.run runs, job runs") << "job.run" << "job";
    QTest::newRow("a.lock runs, a runs") << "a.lock" << "a";
    QTest::newRow("a runs, a.lock runs") << "a" << "a.lock";
    QTest::newRow("JOB.cancel-1 runs, job runs (IDs are case-sensitive)") << "JOB.cancel-1" << "job";
}

void TestLockNames::neighbourRunLeavesFilesAlone()
{
    QFETCH(QString, running);
    QFETCH(QString, other);
    Agent agent;
    QProcess executor;
    QVERIFY(startRunning(executor, agent, running));
    // Everything under Locks/ now is the running execution's (its lock, its run file) or the guard.
    const QMap<QString, QByteArray> before = locksContent(agent);
    QVERIFY(before.contains(running + QStringLiteral(".lock")));
    QVERIFY(before.size() >= 2);

    agent.makeScriptTask(other, "print('other ran')\n");
    const Run neighbour = runExecutor(executorArgs(agent, other), cleanEnvironment(), 60000);
    QVERIFY2(neighbour.exitStatus == QProcess::NormalExit && neighbour.exitCode == 0, neighbour.err.constData());
    QCOMPARE(readFile(agent.taskFile(other, QStringLiteral("output.log"))), QByteArray("other ran\n"));

    const QMap<QString, QByteArray> after = locksContent(agent);
    for (auto it = before.begin(); it != before.end(); ++it)
        QVERIFY2(after.contains(it.key()) && after.value(it.key()) == it.value(), qPrintable(it.key() + QStringLiteral(" was changed")));
    // The lock still protects the running execution: a second launch is refused.
    const Run second = runExecutor(executorArgs(agent, running), cleanEnvironment(), 60000);
    QCOMPARE(second.exitCode, 2);
    QCOMPARE(readFile(agent.taskFile(running, QStringLiteral("runs.txt"))), QByteArray("run\n"));
    // And the cancel channel still reaches it.
    const Run cancel = runExecutor(cancelArgs(agent, running), cleanEnvironment(), 60000);
    QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
    QVERIFY(executor.waitForFinished(30000));
    QCOMPARE(executor.exitCode(), 8);
    QVERIFY(!QFile::exists(agent.lockFile(running)));
}

void TestLockNames::cancelReachesOnlyItsTarget()
{
    Agent agent;
    QProcess longer;
    QProcess shorter;
    // The longer ID first: the shorter one's start is what used to clear "job.cancel-*".
    QVERIFY(startRunning(longer, agent, QStringLiteral("job.cancel-1")));
    QVERIFY(startRunning(shorter, agent, QStringLiteral("job")));

    const Run cancel = runExecutor(cancelArgs(agent, QStringLiteral("job.cancel-1")), cleanEnvironment(), 60000);
    QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
    QVERIFY(longer.waitForFinished(30000));
    QCOMPARE(longer.exitCode(), 8);
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("job.cancel-1"), QStringLiteral("result.json"))).value("Outcome").toString(),
             QStringLiteral("Cancelled"));

    QTest::qWait(500); // time for a wrongly addressed request to be acted on
    QCOMPARE(shorter.state(), QProcess::Running);
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("job"), QStringLiteral("result.json"))));
    const Run cancelJob = runExecutor(cancelArgs(agent, QStringLiteral("job")), cleanEnvironment(), 60000);
    QVERIFY2(cancelJob.exitCode == 0, cancelJob.err.constData());
    QVERIFY(shorter.waitForFinished(30000));
    QCOMPARE(shorter.exitCode(), 8);
}

void TestLockNames::locksListedUnderTheirOwnIds()
{
    Agent agent;
    const QStringList ids{QStringLiteral("a"), QStringLiteral("a.lock"), QStringLiteral("job"), QStringLiteral("job.cancel-1")};
    std::vector<std::unique_ptr<QProcess>> holders;
    QMap<QString, qint64> pids;
    for (const QString &id : ids) {
        holders.push_back(std::make_unique<QProcess>());
        QVERIFY(startLockHolder(*holders.back(), agent.lockFile(id)));
        pids.insert(id, holders.back()->processId());
    }
    // Names that belong to no lock of a valid ID, or to another case of one.
    for (const char *junk : {"job@run", "job@cancel-0123456789abcdef0123456789abcdef", "x.LOCK", "x@y.lock", "@guard", ".lock"}) {
        QFile file(agent.base() + QStringLiteral("/Locks/") + QLatin1String(junk));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    const Run run = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--locks"), QStringLiteral("--json")},
                                cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 0);
    QStringList listed;
    for (const QJsonValue &v : QJsonDocument::fromJson(run.out).object().value("Locks").toArray()) {
        const QJsonObject lock = v.toObject();
        const QString id = lock.value("ExecutionId").toString();
        listed.append(id);
        QCOMPARE(lock.value("Verdict").toString(), QStringLiteral("Live"));
        QCOMPARE(lock.value("Pid").toInteger(), pids.value(id));
        QCOMPARE(lock.value("Path").toString(), agent.lockFile(id));
    }
    QCOMPARE(listed, ids);
    for (auto &holder : holders) {
        holder->kill();
        holder->waitForFinished();
    }
}

QTEST_GUILESS_MAIN(TestLockNames)
#include "tst_lock_names.moc"
