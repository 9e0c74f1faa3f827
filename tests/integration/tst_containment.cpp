// What holds a script's processes, through the real executor binary: the kernel's memory limit
// (cgroup v2 memory.max, or the v1 memory cgroup where v2 has no memory controller), the child
// subreaper that catches a daemon which left every cgroup and its session, and the Containment
// report in result.json. Every "is it gone" check reads /proc, never the executor's word.
#include "process/CgroupScope.h"
#include "process/MemoryCgroupV1.h"
#include "TestSupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <signal.h>
#include <unistd.h>

using namespace oatest;

namespace {

constexpr qint64 kMiB = 1024 * 1024;

QString probeName()
{
    return QStringLiteral("openautomate-%1-probe").arg(QCoreApplication::applicationPid());
}

// Which kernel mechanism the executor will pick for a memory limit here: v2 where the memory
// controller is delegated, else v1; empty, with the reason, when neither can enforce one.
QString kernelMemoryMechanism(QString *why)
{
    QString v2Why;
    if (const auto v2 = oa::CgroupScope::create(probeName(), 64 * kMiB); !v2)
        v2Why = v2.error().message;
    else if (v2.value()->memoryEnforced())
        return QStringLiteral("cgroup-v2");
    const auto v1 = oa::MemoryCgroupV1::create(probeName(), 64 * kMiB);
    if (v1)
        return QStringLiteral("cgroup-v1");
    *why = QStringLiteral("neither cgroup v2 (%1) nor the v1 memory hierarchy (%2) can limit memory here")
               .arg(v2Why.isEmpty() ? QStringLiteral("no memory controller delegated") : v2Why, v1.error().message);
    return {};
}

// The last line of executor.log: the run's final event, when the log is complete.
QJsonObject lastLogEvent(const Agent &agent, const QString &id)
{
    const QList<QByteArray> lines = readFile(agent.taskFile(id, QStringLiteral("executor.log"))).trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

// A daemon: double fork and setsid(), out of the script's process group and session, but still
// in the execution's cgroups and, through the subreaper, the executor's descendant.
const QByteArray kSessionDaemon = "import os, sys, time\n"
                                  "if os.fork() == 0:\n"
                                  "    os.setsid()\n"
                                  "    if os.fork() == 0:\n"
                                  "        open('daemon.tmp', 'w').write(str(os.getpid()))\n"
                                  "        os.rename('daemon.tmp', 'daemon.pid')\n"
                                  "        time.sleep(300)\n"
                                  "    os._exit(0)\n"
                                  "while not os.path.exists('daemon.pid'): time.sleep(0.05)\n"
                                  "open('pids.tmp', 'w').write(str(os.getpid()))\n"
                                  "os.rename('pids.tmp', 'pids')\n"
                                  "time.sleep(float(sys.argv[1]))\n";

// Its first line reads the script's cgroups; then a child it forks at once must be counted by
// the cgroup v2. It writes the cgroups' folders (through the mount points) into seen.json.
const QByteArray kFirstLineCgroups = "cgroups = open('/proc/self/cgroup').read()\n"
                                     "import json, os, signal\n"
                                     "def mount(kind, option):\n"
                                     "    for line in open('/proc/self/mountinfo'):\n"
                                     "        head, tail = line.split(' - ')\n"
                                     "        fstype, _, options = tail.split()[:3]\n"
                                     "        if fstype == kind and (not option or option in options.split(',')):\n"
                                     "            return head.split()[4]\n"
                                     "paths = dict(line.split(':', 2)[1:] for line in cgroups.splitlines())\n"
                                     "seen = {'v2': mount('cgroup2', '') + paths['']}\n"
                                     "if 'memory' in paths: seen['memory'] = mount('cgroup', 'memory') + paths['memory']\n"
                                     "kid = os.fork()\n"
                                     "if kid == 0:\n"
                                     "    signal.pause()\n"
                                     "seen['counted'] = str(kid) in open(seen['v2'] + '/cgroup.procs').read().split()\n"
                                     "os.kill(kid, signal.SIGKILL)\n"
                                     "os.waitpid(kid, 0)\n"
                                     "json.dump(seen, open('seen.json', 'w'))\n";

bool cgroupV2Writable(QString *why)
{
    const auto scope = oa::CgroupScope::create(probeName(), std::nullopt);
    if (!scope)
        *why = scope.error().message;
    return scope.ok();
}

// The root of each mounted cgroup hierarchy that matters here (v2, and v1 memory unless the
// second argument is "v2") is where a root daemon goes to leave its execution's cgroups. It then writes "PID STARTTIME" so that a
// recycled PID is never taken for it, ignores SIGTERM (the stop must escalate), and stays.
const QByteArray kEscapingDaemon =
    "import os, signal, sys, time\n"
    "def roots():\n"
    "    for line in open('/proc/self/mountinfo'):\n"
    "        head, tail = line.split(' - ')\n"
    "        fstype, _, options = tail.split()[:3]\n"
    "        v1 = fstype == 'cgroup' and 'memory' in options.split(',') and sys.argv[2] == 'all'\n"
    "        if fstype == 'cgroup2' or v1:\n"
    "            yield head.split()[4] + '/cgroup.procs'\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    if os.fork() == 0:\n"
    "        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "        moved = []\n"
    "        for procs in roots():\n"
    "            with open(procs, 'w') as f: f.write(str(os.getpid()))\n"
    "            moved.append(procs)\n"
    "        open('moved', 'w').write('\\n'.join(moved))\n"
    "        start = open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19]\n"
    "        open('daemon.tmp', 'w').write(f'{os.getpid()} {start}')\n"
    "        os.rename('daemon.tmp', 'daemon.pid')\n"
    "        while True: time.sleep(1)\n"
    "    os._exit(0)\n"
    "while not os.path.exists('daemon.pid'): time.sleep(0.02)\n"
    "time.sleep(float(sys.argv[1]))\n";

// The daemon ("PID STARTTIME") is still in the process table, running or as a zombie that
// nobody reaped; a recycled PID with another start time is another process.
bool daemonInProcessTable(const QByteArray &record)
{
    const QList<QByteArray> fields = record.split(' ');
    const QByteArray stat = readFile(QStringLiteral("/proc/%1/stat").arg(QString::fromLatin1(fields.value(0))));
    if (stat.isEmpty())
        return false;
    return stat.mid(stat.lastIndexOf(')') + 2).split(' ').value(19) == fields.value(1);
}

} // namespace

class TestContainment : public QObject {
    Q_OBJECT
private slots:
    void kernelStopsMemoryAtTheLimit_data();
    void kernelStopsMemoryAtTheLimit();
    void cgroupsOffMeansSampling();
    void scriptIsInItsCgroupsFromItsFirstLine_data();
    void scriptIsInItsCgroupsFromItsFirstLine();
    void sessionDaemonStoppedWithTheScript_data();
    void sessionDaemonStoppedWithTheScript();
    void sessionDaemonDiesWithAKilledExecutor();
    void daemonThatLeftEveryCgroupIsStopped_data();
    void daemonThatLeftEveryCgroupIsStopped();
    void daemonInTheMemoryCgroupDiesWithAKilledExecutor();
};

void TestContainment::kernelStopsMemoryAtTheLimit_data()
{
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<int>("limitMB");
    // 600 MiB in one go, a few milliseconds: no 200 ms sample could see it coming.
    QTest::newRow("fast, 600 MiB past 64") << QByteArray("b = b'x' * (600 << 20)\nprint('survived')\n") << 64;
    // Step by step: the kernel, not the sampled RSS (which counts shared libraries), decides.
    QTest::newRow("stepwise, 25 MiB at a time past 150")
        << QByteArray("import time\nchunks = []\n"
                      "for i in range(40):\n"
                      "    chunks.append(bytearray(25 << 20))\n"
                      "    time.sleep(0.1)\n"
                      "print('survived')\n")
        << 150;
}

void TestContainment::kernelStopsMemoryAtTheLimit()
{
    QFETCH(QByteArray, script);
    QFETCH(int, limitMB);
    QString why;
    const QString mechanism = kernelMemoryMechanism(&why);
    if (mechanism.isEmpty())
        OA_SKIP_OR_FAIL(why);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("mem"), script, {{QStringLiteral("MaxMemoryMB"), limitMB}, {QStringLiteral("GraceSeconds"), 1}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("mem")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitStatus, QProcess::NormalExit); // the OOM killer never picked the executor
    QVERIFY2(run.exitCode == 9, run.err.right(2000).constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("mem"), QStringLiteral("output.log"))), QByteArray());

    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("mem"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("ResourceLimitExceeded"));
    const QString message = result.value("Message").toString();
    QVERIFY2(message.contains(QStringLiteral("the kernel's")) && message.contains(QStringLiteral("MaxMemoryMB %1").arg(limitMB)), qPrintable(message));
    const QJsonObject containment = result.value("Containment").toObject();
    QCOMPARE(containment.value("MemoryLimit").toString(), mechanism);
    const qint64 limit = limitMB * kMiB;
    const qint64 peak = result.value("PeakMemoryBytes").toInteger();
    QVERIFY2(qAbs(peak - limit) <= 8 * kMiB, qPrintable(QStringLiteral("peak %1, limit %2").arg(peak).arg(limit)));
    qInfo("%s: peak %lld bytes for a limit of %lld", qPrintable(mechanism), peak, limit);

    // The logs are complete, and the execution's cgroups are gone.
    const QJsonObject last = lastLogEvent(agent, QStringLiteral("mem"));
    QCOMPARE(last.value("Outcome").toString(), QStringLiteral("ResourceLimitExceeded"));
    QCOMPARE(last.value("ExitCode").toInt(), 9);
    for (const char *key : {"CgroupV2", "CgroupV1Memory"}) {
        const QString path = containment.value(QLatin1String(key)).toString();
        QVERIFY2(path.isEmpty() || !QFileInfo::exists(path), qPrintable(path));
    }
    if (mechanism == u"cgroup-v1")
        QVERIFY(containment.value("CgroupV1Memory").toString().contains(QStringLiteral("/openautomate-")));
}

void TestContainment::cgroupsOffMeansSampling()
{
    // OPENAUTOMATE_CGROUPS=off: no cgroup at all; the subreaper and the sampling stay.
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_CGROUPS"), QStringLiteral("off"));
    Agent agent;
    agent.makeScriptTask(QStringLiteral("off"), "print('hello')\n", {{QStringLiteral("MaxMemoryMB"), 100}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("off")), env);
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    const QJsonObject containment = readJson(agent.taskFile(QStringLiteral("off"), QStringLiteral("result.json"))).value("Containment").toObject();
    QCOMPARE(containment.value("ProcessGroup"), QJsonValue(true));
    QCOMPARE(containment.value("Subreaper"), QJsonValue(true));
    QVERIFY(containment.value("CgroupV2").isNull());
    QVERIFY(containment.value("CgroupV1Memory").isNull());
    QCOMPARE(containment.value("MemoryLimit").toString(), QStringLiteral("sampling"));
    QVERIFY(run.err.contains("OPENAUTOMATE_CGROUPS=off"));
}

void TestContainment::scriptIsInItsCgroupsFromItsFirstLine_data()
{
    QTest::addColumn<bool>("direct");
    QTest::addColumn<int>("maxMemoryMB");
    QTest::newRow("clone3 into the cgroup v2") << true << 0;
    QTest::newRow("clone3, with a memory limit (where v2 cannot: the v1 memory cgroup too)") << true << 256;
    QTest::newRow("OPENAUTOMATE_CLONE_INTO_CGROUP=off: QProcess, the script migrates") << false << 256;
}

void TestContainment::scriptIsInItsCgroupsFromItsFirstLine()
{
    QFETCH(bool, direct);
    QFETCH(int, maxMemoryMB);
    QString why;
    if (!cgroupV2Writable(&why))
        OA_SKIP_OR_FAIL(QStringLiteral("cgroup v2 is not available: ") + why);
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("oa.process.debug=true")); // which start ran
    if (!direct)
        env.insert(QStringLiteral("OPENAUTOMATE_CLONE_INTO_CGROUP"), QStringLiteral("off"));
    Agent agent;
    QJsonObject fields;
    if (maxMemoryMB > 0)
        fields.insert(QStringLiteral("MaxMemoryMB"), maxMemoryMB);
    agent.makeScriptTask(QStringLiteral("first"), kFirstLineCgroups, fields);
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("first")), env);
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QCOMPARE(run.err.contains("inside its cgroup v2 (clone3)"), direct);

    const QJsonObject containment = readJson(agent.taskFile(QStringLiteral("first"), QStringLiteral("result.json"))).value("Containment").toObject();
    const QJsonObject seen = readJson(agent.taskFile(QStringLiteral("first"), QStringLiteral("seen.json")));
    QVERIFY(!containment.value("CgroupV2").toString().isEmpty());
    QCOMPARE(seen.value("v2").toString(), containment.value("CgroupV2").toString());
    QCOMPARE(seen.value("counted"), QJsonValue(true));
    const QString memory = containment.value("CgroupV1Memory").toString();
    if (!memory.isEmpty())
        QCOMPARE(seen.value("memory").toString(), memory);
    else
        qInfo("no v1 memory cgroup here (%s)", qPrintable(containment.value("MemoryLimit").toString()));
}

void TestContainment::sessionDaemonStoppedWithTheScript_data()
{
    QTest::addColumn<bool>("cgroups");
    QTest::newRow("in the cgroup") << true;
    QTest::newRow("cgroups off: the subreaper alone") << false;
}

void TestContainment::sessionDaemonStoppedWithTheScript()
{
    QFETCH(bool, cgroups);
    QString why;
    if (cgroups && !cgroupV2Writable(&why))
        OA_SKIP_OR_FAIL(QStringLiteral("cgroup v2 is not available: ") + why);
    QProcessEnvironment env = cleanEnvironment();
    if (!cgroups)
        env.insert(QStringLiteral("OPENAUTOMATE_CGROUPS"), QStringLiteral("off"));
    Agent agent;
    agent.makeScriptTask(QStringLiteral("daemon"), kSessionDaemon, {{QStringLiteral("Arguments"), QStringLiteral("0")}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("daemon")), env);
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    const qint64 daemon = readFile(agent.taskFile(QStringLiteral("daemon"), QStringLiteral("daemon.pid"))).toLongLong();
    QVERIFY(daemon > 0);
    QVERIFY(!isProcessAlive(daemon));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("daemon"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Containment").toObject().value("CgroupV2").isNull(), !cgroups);
    QVERIFY(result.value("Warnings").toArray().contains(
        QStringLiteral("process %1 (python) left the script's session; it was stopped with the run").arg(daemon)));
}

void TestContainment::sessionDaemonDiesWithAKilledExecutor()
{
    // The executor's orphans go to init once it is dead: only the cgroup (the guardian's
    // cgroup.kill) still reaches a daemon then.
    QString why;
    if (!cgroupV2Writable(&why))
        OA_SKIP_OR_FAIL(QStringLiteral("cgroup v2 is not available: ") + why);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("daemon9"), kSessionDaemon, {{QStringLiteral("Arguments"), QStringLiteral("300")}});
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("daemon9")));
    const QList<qint64> script = waitForPids(agent.taskFile(QStringLiteral("daemon9"), QStringLiteral("pids")));
    QCOMPARE(script.size(), 1);
    const qint64 daemon = readFile(agent.taskFile(QStringLiteral("daemon9"), QStringLiteral("daemon.pid"))).toLongLong();
    QVERIFY(isProcessAlive(daemon));
    ::kill(pid_t(executor.processId()), SIGKILL);
    QVERIFY(executor.waitForFinished());
    QTRY_VERIFY_WITH_TIMEOUT(!isProcessAlive(daemon) && !isProcessAlive(script.first()), 2000);
}

void TestContainment::daemonThatLeftEveryCgroupIsStopped_data()
{
    QTest::addColumn<QJsonObject>("execution");
    QTest::addColumn<int>("exitCode");
    // The script exits at once: the daemon is a leftover. Or the run times out with it.
    QTest::newRow("script exits") << QJsonObject{{QStringLiteral("Arguments"), QStringLiteral("0 all")}, {QStringLiteral("MaxMemoryMB"), 200}} << 0;
    QTest::newRow("timeout") << QJsonObject{{QStringLiteral("Arguments"), QStringLiteral("300 all")}, {QStringLiteral("MaxMemoryMB"), 200},
                                            {QStringLiteral("TimeoutSeconds"), 3}, {QStringLiteral("GraceSeconds"), 1}}
                             << 7;
}

void TestContainment::daemonThatLeftEveryCgroupIsStopped()
{
    QFETCH(QJsonObject, execution);
    QFETCH(int, exitCode);
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("only root can move a process into the root cgroups"));
    QString why;
    if (!cgroupV2Writable(&why))
        OA_SKIP_OR_FAIL(QStringLiteral("cgroup v2 is not available: ") + why);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("escape"), kEscapingDaemon, execution);
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("escape")), cleanEnvironment(), 120000);
    QVERIFY2(run.exitCode == exitCode, run.err.right(3000).constData());

    const QByteArray daemon = readFile(agent.taskFile(QStringLiteral("escape"), QStringLiteral("daemon.pid")));
    QVERIFY(!daemon.isEmpty());
    QVERIFY2(!daemonInProcessTable(daemon), daemon.constData()); // stopped, and reaped
    QVERIFY(!readFile(agent.taskFile(QStringLiteral("escape"), QStringLiteral("moved"))).isEmpty());

    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("escape"), QStringLiteral("result.json")));
    QVERIFY(!result.contains("Survivors"));
    QString escape;
    for (const QJsonValue &warning : result.value("Warnings").toArray())
        if (warning.toString().startsWith(QStringLiteral("process %1 (").arg(QString::fromLatin1(daemon.split(' ').first()))))
            escape = warning.toString();
    QVERIFY2(escape.contains(QStringLiteral("left the script's session")), qPrintable(QJsonDocument(result).toJson()));
    QVERIFY2(escape.contains(QStringLiteral("the execution's cgroup for /")), qPrintable(escape));
    if (!result.value("Containment").toObject().value("CgroupV1Memory").isNull())
        QVERIFY2(escape.contains(QStringLiteral("the execution's memory cgroup (v1) for /")), qPrintable(escape));
    QVERIFY2(escape.endsWith(QStringLiteral("it was stopped with the run")), qPrintable(escape));
}

void TestContainment::daemonInTheMemoryCgroupDiesWithAKilledExecutor()
{
    // The daemon left the session and the cgroup v2, but not the v1 memory cgroup: when the
    // executor is killed, only the guardian's member-by-member kill of that cgroup reaches it.
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("only root can move a process into the root cgroup"));
    QString why;
    if (kernelMemoryMechanism(&why) != u"cgroup-v1")
        OA_SKIP_OR_FAIL(QStringLiteral("the executor uses no v1 memory cgroup here: ") + (why.isEmpty() ? QStringLiteral("cgroup v2 limits memory") : why));
    Agent agent;
    agent.makeScriptTask(QStringLiteral("v1kill"), kEscapingDaemon,
                         {{QStringLiteral("Arguments"), QStringLiteral("300 v2")}, {QStringLiteral("MaxMemoryMB"), 200}});
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("v1kill")));
    QVERIFY(!waitForPids(agent.taskFile(QStringLiteral("v1kill"), QStringLiteral("daemon.pid")), 2).isEmpty());
    const QByteArray daemon = readFile(agent.taskFile(QStringLiteral("v1kill"), QStringLiteral("daemon.pid")));
    QVERIFY(daemonInProcessTable(daemon));
    const qint64 killed = executor.processId();
    ::kill(pid_t(killed), SIGKILL);
    QVERIFY(executor.waitForFinished());
    QTRY_VERIFY_WITH_TIMEOUT(!isProcessAlive(daemon.split(' ').first().toLongLong()), 3000);

    // The killed executor could not remove its cgroups; the next executor removes them, now empty.
    const auto left = [killed] {
        QStringList dirs;
        QDirIterator it(QStringLiteral("/sys/fs/cgroup"), {QStringLiteral("openautomate-%1-v1kill").arg(killed)}, QDir::Dirs,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            dirs.append(it.next());
        return dirs;
    };
    QVERIFY(!left().isEmpty());
    agent.makeScriptTask(QStringLiteral("next"), "print(1)\n", {{QStringLiteral("MaxMemoryMB"), 200}});
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("next"))).exitCode, 0);
    QCOMPARE(left(), QStringList());
}

QTEST_GUILESS_MAIN(TestContainment)
#include "tst_containment.moc"
