// The base interpreter's probe through the real executor: it runs under the run's control
// (timeout, cancel, SIGTERM) like every other child.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using namespace oatest;

namespace {

// An interpreter wrapper that never answers: it starts a sleep in the background (in its own
// process group, which the executor gave it), records the sleep's PID (written whole, then
// renamed), and waits.
QString writeHangingWrapper(const QString &dir)
{
    const QString wrapper = dir + QStringLiteral("/python-wrapper.sh");
    QFile file(wrapper);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QStringLiteral("#!/bin/sh\n"
                              "sleep 1000 &\n"
                              "echo $! > '%1/sleep.pid.tmp'\n"
                              "mv '%1/sleep.pid.tmp' '%1/sleep.pid'\n"
                              "wait\n")
                   .arg(dir)
                   .toUtf8());
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return wrapper;
}

// Kills the wrapper's sleep if a failed test left it behind.
struct SleepReaper {
    QString pidFile;
    ~SleepReaper()
    {
        const qint64 pid = readFile(pidFile).trimmed().toLongLong();
        if (pid > 0 && isProcessAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
};

} // namespace

class TestInterpreterProbe : public QObject {
    Q_OBJECT
private slots:
    void hangingProbeTimesOut();
    void hangingProbeStops_data();
    void hangingProbeStops();

private:
    // The stopped run ended in the Environment stage, and the wrapper's tree is gone.
    static void checkStoppedInEnvironment(const Agent &agent, const QString &id, int exitCode, const QString &pidFile);
};

void TestInterpreterProbe::checkStoppedInEnvironment(const Agent &agent, const QString &id, int exitCode, const QString &pidFile)
{
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QCOMPARE(result.value("ExitCode").toInt(), exitCode);
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Environment"));
    const qint64 sleep = readFile(pidFile).trimmed().toLongLong();
    QVERIFY(sleep > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!isProcessAlive(sleep), 3000); // its process group was stopped too
    QVERIFY(!QFile::exists(agent.lockFile(id)));
}

void TestInterpreterProbe::hangingProbeTimesOut()
{
    QTemporaryDir dir;
    const QString wrapper = writeHangingWrapper(dir.path());
    QVERIFY(!wrapper.isEmpty());
    SleepReaper reaper{dir.filePath(QStringLiteral("sleep.pid"))};
    Agent agent;
    agent.makeScriptTask(QStringLiteral("hang"), "print(1)\n");
    QElapsedTimer clock;
    clock.start();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("hang"), {QStringLiteral("--python"), wrapper, QStringLiteral("--timeout"),
                                                                            QStringLiteral("2")}),
                                cleanEnvironment(), 30000);
    QVERIFY2(run.exitCode == 7, run.err.constData());
    QVERIFY2(clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
    checkStoppedInEnvironment(agent, QStringLiteral("hang"), 7, reaper.pidFile);
}

void TestInterpreterProbe::hangingProbeStops_data()
{
    QTest::addColumn<bool>("sigterm"); // else --cancel
    QTest::newRow("SIGTERM to the executor") << true;
    QTest::newRow("--cancel") << false;
}

void TestInterpreterProbe::hangingProbeStops()
{
    QFETCH(bool, sigterm);
    QTemporaryDir dir;
    const QString wrapper = writeHangingWrapper(dir.path());
    QVERIFY(!wrapper.isEmpty());
    SleepReaper reaper{dir.filePath(QStringLiteral("sleep.pid"))};
    Agent agent;
    agent.makeScriptTask(QStringLiteral("stop"), "print(1)\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("stop"), {QStringLiteral("--python"), wrapper}));
    // The wrapper wrote its sleep's PID: the executor is in the Environment stage, probing.
    QCOMPARE(waitForPids(reaper.pidFile).size(), 1);
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("stop"), QStringLiteral("status.json"))).value("Stage").toString(),
             QStringLiteral("Environment"));
    if (sigterm) {
        ::kill(pid_t(executor.processId()), SIGTERM);
    } else {
        const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("stop")});
        QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
    }
    const bool finished = executor.waitForFinished(15000);
    if (!finished) {
        executor.kill();
        executor.waitForFinished();
    }
    QVERIFY2(finished, "the executor ignored the stop while the interpreter probe hung");
    QCOMPARE(executor.exitStatus(), QProcess::NormalExit);
    QCOMPARE(executor.exitCode(), 8);
    checkStoppedInEnvironment(agent, QStringLiteral("stop"), 8, reaper.pidFile);
}

QTEST_GUILESS_MAIN(TestInterpreterProbe)
#include "tst_interpreter_probe.moc"
