#include "process/ChildProcess.h"
#include "process/LiveChildren.h"
#include "process/ProcessTable.h"
#include "TestSupport.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTest>

#include <memory>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using oa::ChildProcess;
using oa::ProcessSpec;

class TestChildProcess : public QObject {
    Q_OBJECT
private slots:
    void exitCodes_data();
    void exitCodes();
    void stopDescribesItself();
    void stdinIsNull();
    void ownProcessGroup();
    void outputStreamsToFiles();
    void leftoversAreStopped();
    void leftoverIgnoringTermIsKilled();
    void failedStartIsReported();
    void argumentListTooLongIsRecognised();
    void joinsEveryCgroupListed();
    void descendantsFollowParentLinks();
    void childrenOfTwoThreadsAreNotLeftovers();
    void listedChildIsNotReapedByOthers();
    void guardianStopsTheGroupsOfTwoThreads();

private:
    static ProcessSpec shell(const QString &script)
    {
        ProcessSpec spec;
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), script};
        return spec;
    }
    QTemporaryDir m_tmp;
};

void TestChildProcess::exitCodes_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("conventional");
    QTest::addColumn<int>("signal");
    QTest::addColumn<int>("result");
    QTest::addColumn<QString>("message");
    const int failed = int(oa::ProcessResult::FailedExit), crashed = int(oa::ProcessResult::Crashed);
    QTest::newRow("zero") << "exit 0" << 0 << 0 << int(oa::ProcessResult::Succeeded) << "exit code 0";
    QTest::newRow("seven") << "exit 7" << 7 << 0 << failed << "exit code 7";
    QTest::newRow("255") << "exit 255" << 255 << 0 << failed << "exit code 255";
    QTest::newRow("SIGKILL") << "kill -9 $$" << 137 << 9 << crashed << "killed by signal 9 (SIGKILL)";
    QTest::newRow("SIGTERM") << "kill -15 $$" << 143 << 15 << crashed << "killed by signal 15 (SIGTERM)";
}

void TestChildProcess::exitCodes()
{
    QFETCH(QString, script);
    QFETCH(int, conventional);
    QFETCH(int, signal);
    const oa::ProcessExit exit = ChildProcess::run(shell(script));
    QVERIFY(exit.started);
    QCOMPARE(exit.conventionalExitCode(), conventional);
    QCOMPARE(exit.signal, signal);
    QFETCH(int, result);
    QFETCH(QString, message);
    QCOMPARE(int(exit.result()), result);
    QCOMPARE(exit.exitMessage(), message);
    QVERIFY(!exit.stopError());
}

void TestChildProcess::stopDescribesItself()
{
    // A stop wins over the signal it sent: the run ends the way the stop meant (TimedOut here).
    oa::ProcessExit exit;
    exit.started = true;
    exit.signal = 15;
    exit.stopped = oa::StopRequest{oa::ErrorKind::TimedOut, QStringLiteral("timed out after 5 s (TimeoutSeconds 5)")};
    QCOMPARE(exit.result(), oa::ProcessResult::Stopped);
    QCOMPARE(exit.exitMessage(), QStringLiteral("timed out after 5 s (TimeoutSeconds 5)"));
    const auto error = exit.stopError();
    QVERIFY(error);
    QCOMPARE(error->kind, oa::ErrorKind::TimedOut);
    QCOMPARE(error->message, exit.exitMessage());
}

void TestChildProcess::stdinIsNull()
{
    // `cat` reading a pipe that nobody closes would hang; on the null device it sees EOF at once.
    ProcessSpec spec = shell(QStringLiteral("cat; echo done"));
    const oa::ProcessExit exit = ChildProcess::run(spec);
    QVERIFY(exit.succeeded());
    QCOMPARE(exit.capturedStdout, QByteArray("done\n"));
}

void TestChildProcess::ownProcessGroup()
{
    // Fields 5 and 6 of /proc/self/stat after the command name: pgrp and session.
    const oa::ProcessExit exit = ChildProcess::run(shell(QStringLiteral("echo $$; cut -d')' -f2 /proc/$$/stat | cut -d' ' -f4,5")));
    QVERIFY(exit.succeeded());
    const QList<QByteArray> lines = exit.capturedStdout.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    const QByteArray pid = lines.at(0);
    QCOMPARE(lines.at(1), pid + ' ' + pid); // process group leader and session leader
}

void TestChildProcess::outputStreamsToFiles()
{
    ProcessSpec spec = shell(QStringLiteral("echo out; echo err >&2"));
    spec.stdoutFile = m_tmp.filePath(QStringLiteral("o.log"));
    spec.stderrFile = m_tmp.filePath(QStringLiteral("e.log"));
    QVERIFY(ChildProcess::run(spec).succeeded());
    QCOMPARE(oatest::readFile(spec.stdoutFile), QByteArray("out\n"));
    QCOMPARE(oatest::readFile(spec.stderrFile), QByteArray("err\n"));

    spec.stderrFile.clear();
    spec.appendOutput = true;
    QVERIFY(ChildProcess::run(spec).succeeded());
    QCOMPARE(oatest::readFile(spec.stdoutFile), QByteArray("out\nout\nerr\n"));
}

void TestChildProcess::leftoversAreStopped()
{
    const QString pidFile = m_tmp.filePath(QStringLiteral("bg.pid"));
    const oa::ProcessExit exit = ChildProcess::run(shell(QStringLiteral("sleep 300 & echo $! > '%1'").arg(pidFile)));
    QVERIFY(exit.succeeded());
    QCOMPARE(exit.leftoversStopped, 1);
    const qint64 background = oatest::readFile(pidFile).trimmed().toLongLong();
    QVERIFY(background > 0);
    QVERIFY(!oatest::isProcessAlive(background));
    QVERIFY(oa::ProcessTable::livingMembersOfGroup(exit.pid).isEmpty());
}

void TestChildProcess::leftoverIgnoringTermIsKilled()
{
    const QString pidFile = m_tmp.filePath(QStringLiteral("stubborn.pid"));
    const oa::ProcessExit exit = ChildProcess::run(
        shell(QStringLiteral("trap '' TERM; sleep 300 & echo $! > '%1'").arg(pidFile)));
    QVERIFY(exit.succeeded());
    QCOMPARE(exit.leftoversStopped, 1);
    QVERIFY(!oatest::isProcessAlive(oatest::readFile(pidFile).trimmed().toLongLong()));
}

void TestChildProcess::failedStartIsReported()
{
    ProcessSpec spec;
    spec.program = m_tmp.filePath(QStringLiteral("no-such-program"));
    const oa::ProcessExit exit = ChildProcess::run(spec);
    QVERIFY(!exit.started);
    QVERIFY(!exit.startError.isEmpty());
    QCOMPARE(exit.result(), oa::ProcessResult::StartFailed);
    QCOMPARE(exit.exitMessage(), exit.startError);
    QVERIFY(!exit.succeeded());
    QVERIFY(!exit.argumentsTooLong); // a missing program is not the arguments' fault
}

void TestChildProcess::argumentListTooLongIsRecognised()
{
    // 1 MiB in one argument: execve() fails with E2BIG in the child, before /bin/true runs.
    ProcessSpec spec;
    spec.program = QStringLiteral("/bin/true");
    spec.arguments = {QString(1024 * 1024, u'x')};
    const oa::ProcessExit exit = ChildProcess::run(spec);
    QVERIFY(!exit.started);
    QVERIFY2(exit.argumentsTooLong, qPrintable(exit.startError));
}

void TestChildProcess::joinsEveryCgroupListed()
{
    // Plain files stand in for two cgroups' cgroup.procs: the child writes "0" into each, in
    // the child, before the program runs.
    const QList<QByteArray> files{QFile::encodeName(m_tmp.filePath(QStringLiteral("v2.procs"))),
                                  QFile::encodeName(m_tmp.filePath(QStringLiteral("v1.procs")))};
    for (const QByteArray &file : files) {
        QFile f(QFile::decodeName(file));
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    ProcessSpec spec = shell(QStringLiteral("exit 0"));
    spec.cgroupProcsFiles = files;
    QVERIFY(ChildProcess::run(spec).succeeded());
    for (const QByteArray &file : files)
        QCOMPARE(oatest::readFile(QFile::decodeName(file)), QByteArray("0"));
}

void TestChildProcess::descendantsFollowParentLinks()
{
    // A shell in its own session with a background grandchild: both are descendants of this
    // process by parent links, whatever their session; excluding the shell excludes its subtree.
    const QString pidFile = m_tmp.filePath(QStringLiteral("grandchild.pid"));
    QProcess shellProcess;
    shellProcess.start(QStringLiteral("setsid"), {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                                                  QStringLiteral("sleep 30 & echo $! > '%1.tmp'; mv '%1.tmp' '%1'; wait").arg(pidFile)});
    QVERIFY(shellProcess.waitForStarted());
    const QList<qint64> grandchild = oatest::waitForPids(pidFile);
    QCOMPARE(grandchild.size(), 1);
    const qint64 self = QCoreApplication::applicationPid();
    const QList<qint64> all = oa::ProcessTable::descendantsOf(self);
    QVERIFY(all.contains(shellProcess.processId()));
    QVERIFY(all.contains(grandchild.first()));
    const QList<qint64> without = oa::ProcessTable::descendantsOf(self, {shellProcess.processId()});
    QVERIFY(!without.contains(shellProcess.processId()));
    QVERIFY(!without.contains(grandchild.first()));
    ::kill(pid_t(grandchild.first()), SIGKILL);
    QVERIFY(shellProcess.waitForFinished());
}

// A build runs pip's resolver beside the compile of the pip it stores (BackgroundStore): each
// child's run must end on its own, and neither counts the other's tree as its leftovers (pip's
// report is not believed when something it started is left alive).
void TestChildProcess::childrenOfTwoThreadsAreNotLeftovers()
{
    const QString started = m_tmp.filePath(QStringLiteral("two-threads.started"));
    const QString release = m_tmp.filePath(QStringLiteral("two-threads.release"));
    oa::ProcessExit background;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        background = ChildProcess::run(shell(QStringLiteral("echo up > '%1'; while [ ! -e '%2' ]; do sleep 0.05; done").arg(started, release)));
    }));
    thread->start();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(started), 30000);
    const oa::ProcessExit foreground = ChildProcess::run(shell(QStringLiteral("true")));
    QVERIFY(foreground.succeeded());
    QCOMPARE(foreground.othersAliveAtExit, 0); // the other thread's shell (and its sleep) runs on
    QCOMPARE(foreground.leftoversStopped, 0);
    QVERIFY(!thread->isFinished());
    QVERIFY(oatest::writeFileBytes(release, "go"));
    QVERIFY(thread->wait(30000)); // its own event loop saw its child end
    QVERIFY2(background.succeeded(), qPrintable(background.exitMessage()));
    QCOMPARE(background.othersAliveAtExit, 0);
}

// ProcessTree reaps the executor's dead orphans, but never a child another thread's
// ChildProcess waits for: reaped by somebody else, its exit would never reach that thread.
void TestChildProcess::listedChildIsNotReapedByOthers()
{
    std::unique_lock<std::mutex> starting = oa::LiveChildren::instance().lockForStart();
    const pid_t child = ::fork();
    if (child == 0)
        ::_exit(7);
    QVERIFY(child > 0);
    oa::LiveChildren::instance().add(child, starting);
    siginfo_t info{};
    // Dead, and still waitable (WNOWAIT leaves it so).
    QVERIFY(::waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT) == 0);
    oa::LiveChildren::instance().reapUnlisted(child);
    info = {};
    QCOMPARE(::waitid(P_PID, id_t(child), &info, WEXITED | WNOHANG | WNOWAIT), 0);
    QCOMPARE(int(info.si_pid), int(child)); // still there for its own ChildProcess
    oa::LiveChildren::instance().remove(child);
    oa::LiveChildren::instance().reapUnlisted(child);
    QCOMPARE(::waitid(P_PID, id_t(child), &info, WEXITED | WNOHANG), -1); // reaped now: ECHILD
}

// SIGKILL to a process whose two threads each run a child: the guardian stops both groups, not
// only the one whose start it heard of last.
void TestChildProcess::guardianStopsTheGroupsOfTwoThreads()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess helper;
    helper.start(QStringLiteral(OA_TWOCHILDREN_PATH), {dir.path()});
    QVERIFY(helper.waitForStarted());
    const QList<qint64> first = oatest::waitForPids(dir.filePath(QStringLiteral("sleep-1.pid")));
    const QList<qint64> second = oatest::waitForPids(dir.filePath(QStringLiteral("sleep-2.pid")));
    QCOMPARE(first.size(), 1);
    QCOMPARE(second.size(), 1);
    // Both groups guarded: the helper says so once both children are listed (after the guardian).
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(dir.filePath(QStringLiteral("ready"))), 30000);
    QVERIFY(oatest::isProcessAlive(first.first()) && oatest::isProcessAlive(second.first()));
    ::kill(pid_t(helper.processId()), SIGKILL);
    QVERIFY(helper.waitForFinished());
    QTRY_VERIFY_WITH_TIMEOUT(!oatest::isProcessAlive(first.first()), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!oatest::isProcessAlive(second.first()), 10000);
}

QTEST_GUILESS_MAIN(TestChildProcess)
#include "tst_childprocess.moc"
