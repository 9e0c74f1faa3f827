// Locks across real processes: parallel launches of one ID, and recovery after kill -9.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>
#include <signal.h>

using namespace oatest;

class TestExecutorConcurrency : public QObject {
    Q_OBJECT
private slots:
    void parallelLaunchesRunOnce();
    void killedExecutorTakesItsTreeAlong();
    void refusedLaunchLeavesTheRunAlone();
    void locksNeverGoStaleByAge_data();
    void locksNeverGoStaleByAge();
};

void TestExecutorConcurrency::parallelLaunchesRunOnce()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("same"),
                         "import time\n"
                         "with open('runs.txt', 'a') as f: f.write('run\\n')\n"
                         "time.sleep(4)\n");
    constexpr int kLaunches = 12;
    std::vector<std::unique_ptr<QProcess>> processes;
    for (int i = 0; i < kLaunches; ++i) {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(cleanEnvironment());
        p->start(executorPath(), executorArgs(agent, QStringLiteral("same")));
        processes.push_back(std::move(p));
    }
    int ran = 0;
    int refused = 0;
    for (auto &p : processes) {
        QVERIFY(p->waitForFinished(120000));
        if (p->exitCode() == 0)
            ++ran;
        else if (p->exitCode() == 2)
            ++refused;
        else
            qWarning() << "unexpected exit" << p->exitCode() << p->readAllStandardError();
    }
    QCOMPARE(ran, 1);
    QCOMPARE(refused, kLaunches - 1);
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("same"), QStringLiteral("runs.txt"))), QByteArray("run\n"));
    // Only the one that ran wrote its log: the refused ones left no trace in the task folder.
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("same"), QStringLiteral("executor.log"))).count("starting execution"), 1);
}

void TestExecutorConcurrency::killedExecutorTakesItsTreeAlong()
{
    Agent agent;
    // The script starts a background grandchild, records both PIDs, then waits for ever; the
    // second run finds 'again' and finishes at once.
    agent.makeScriptTask(QStringLiteral("crash"),
                         "import os, subprocess, sys, time\n"
                         "if os.path.exists('again'):\n"
                         "    print('second run'); sys.exit(0)\n"
                         "child = subprocess.Popen(['sleep', '300'])\n"
                         "open('pids.tmp', 'w').write(f'{os.getpid()} {child.pid}')\n"
                         "os.rename('pids.tmp', 'pids')\n"
                         "time.sleep(300)\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("crash")));
    const QString pidsFile = agent.taskFile(QStringLiteral("crash"), QStringLiteral("pids"));
    const QList<qint64> pids = waitForPids(pidsFile, 2);
    QCOMPARE(pids.size(), 2);
    const qint64 script = pids.at(0);
    const qint64 grandchild = pids.at(1);
    QVERIFY(isProcessAlive(script));
    QVERIFY(isProcessAlive(grandchild));

    ::kill(pid_t(executor.processId()), SIGKILL);
    QVERIFY(executor.waitForFinished());
    QTRY_VERIFY_WITH_TIMEOUT(!isProcessAlive(script) && !isProcessAlive(grandchild), 2000);

    // The dead executor's lock is still on disk; the next launch takes it over and runs.
    QVERIFY(QFile::exists(agent.lockFile(QStringLiteral("crash"))));
    QFile again(agent.taskFile(QStringLiteral("crash"), QStringLiteral("again")));
    QVERIFY(again.open(QIODevice::WriteOnly));
    again.close();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("crash")));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("crash"), QStringLiteral("output.log"))), QByteArray("second run\n"));
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("crash"), QStringLiteral("result.json"))).value("Outcome").toString(),
             QStringLiteral("Succeeded"));
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("crash"))));
}

void TestExecutorConcurrency::refusedLaunchLeavesTheRunAlone()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("busy"), "import os, time\n"
                                                 "open('started.tmp', 'w').write('1')\n"
                                                 "os.rename('started.tmp', 'started')\n"
                                                 "time.sleep(300)\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("busy")));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(agent.taskFile(QStringLiteral("busy"), QStringLiteral("started"))), 60000);
    const QStringList locksBefore = QDir(agent.base() + QStringLiteral("/Locks")).entryList(QDir::Files);

    // The refused launch must leave the running execution's files (lock, run file) as they were,
    // so that it can still be cancelled.
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("busy")), cleanEnvironment(), 60000).exitCode, 2);
    QCOMPARE(QDir(agent.base() + QStringLiteral("/Locks")).entryList(QDir::Files), locksBefore);
    const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("busy")},
                                   cleanEnvironment(), 60000);
    QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
    QVERIFY(executor.waitForFinished(30000));
    QCOMPARE(executor.exitCode(), 8);
}

void TestExecutorConcurrency::locksNeverGoStaleByAge_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("another host's lock, two days old") << "foreign";
    QTest::newRow("a live holder on this host that took it two days ago") << "live";
    QTest::newRow("an unreadable lock, two days old") << "unreadable";
}

void TestExecutorConcurrency::locksNeverGoStaleByAge()
{
    QFETCH(QString, kind);
    Agent agent;
    const QString id = QStringLiteral("old");
    agent.makeScriptTask(id, "open('ran', 'w').write('ran')\n");
    const QString lockFile = agent.lockFile(id);
    QProcess holder;
    if (kind == QLatin1String("foreign")) {
        writeForeignLock(agent, id);
    } else if (kind == QLatin1String("live")) {
        QVERIFY(startLockHolder(holder, lockFile));
    } else {
        QDir().mkpath(agent.base() + QStringLiteral("/Locks"));
        QFile garbage(lockFile);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a lock record\n");
    }
    QCOMPARE(QProcess::execute(QStringLiteral("touch"), {QStringLiteral("-d"), QStringLiteral("2 days ago"), lockFile}), 0);
    const QByteArray before = readFile(lockFile);

    const Run run = runExecutor(executorArgs(agent, id), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("ran"))));
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("result.json"))));
    QCOMPARE(readFile(lockFile), before);
    if (holder.state() != QProcess::NotRunning) {
        holder.kill();
        holder.waitForFinished();
    }
}

QTEST_GUILESS_MAIN(TestExecutorConcurrency)
#include "tst_executor_concurrency.moc"
