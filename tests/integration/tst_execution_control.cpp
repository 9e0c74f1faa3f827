// Timeouts, cancellation, whole-tree stops, progress and resource limits of the real executor.
// Every "is it gone" check reads the live process table (/proc), never the executor's word.
#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <signal.h>

using namespace oatest;

namespace {

// Starts a background grandchild, records "scriptPid grandchildPid", then waits for ever.
const QByteArray kTreeScript = "import os, subprocess, time\n"
                               "child = subprocess.Popen(['sleep', '300'])\n"
                               "open('pids.tmp', 'w').write(f'{os.getpid()} {child.pid}')\n"
                               "os.rename('pids.tmp', 'pids')\n"
                               "time.sleep(300)\n";

QList<qint64> readPids(const Agent &agent, const QString &id)
{
    QList<qint64> pids;
    for (const QByteArray &p : readFile(agent.taskFile(id, QStringLiteral("pids"))).split(' '))
        pids.append(p.toLongLong());
    return pids;
}

// Processes whose command line mentions `needle` (the venv path of one execution, say).
QList<qint64> processesMentioning(const QString &needle)
{
    QList<qint64> found;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric || pid == QCoreApplication::applicationPid())
            continue;
        QByteArray cmdline = readFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
        cmdline.replace('\0', ' ');
        if (cmdline.contains(needle.toUtf8()) && isProcessAlive(pid))
            found.append(pid);
    }
    return found;
}

} // namespace

class TestExecutionControl : public QObject {
    Q_OBJECT
private slots:
    void timeoutStopsTheWholeTree();
    void commandLineTimeoutWins();
    void sigtermIgnoredUntilTheGraceEnds();
    void cancelDuringScript();
    void cancelWithWait();
    void cancelDuringVenvCreation();
    void cancelDuringPip_data();
    void cancelDuringPip();
    void sigtermToExecutorCancels();
    void cancelWhenNotRunning();
    void staleCancelRequestIsIgnored();
    void progressInOrder();
    void memoryLimit();
    void cpuLimit();
    void limitsValidated_data();
    void limitsValidated();

private:
    // Starts the executor in the background and waits until its script's "pids" file holds
    // `pidCount` PIDs.
    bool startAndWaitForScript(QProcess &executor, const Agent &agent, const QString &id, const QStringList &extra = {},
                               int pidCount = 2);
};

bool TestExecutionControl::startAndWaitForScript(QProcess &executor, const Agent &agent, const QString &id, const QStringList &extra,
                                                 int pidCount)
{
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, id, extra));
    return !waitForPids(agent.taskFile(id, QStringLiteral("pids")), pidCount).isEmpty();
}

void TestExecutionControl::timeoutStopsTheWholeTree()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("slow"), kTreeScript,
                         {{QStringLiteral("TimeoutSeconds"), 2}, {QStringLiteral("GraceSeconds"), 1}});
    QElapsedTimer clock;
    clock.start();
    QProcess executor;
    QVERIFY(startAndWaitForScript(executor, agent, QStringLiteral("slow")));
    const QList<qint64> pids = readPids(agent, QStringLiteral("slow"));
    QVERIFY(executor.waitForFinished(30000));
    QVERIFY2(clock.elapsed() < 2000 + 1000 + 2000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(executor.exitCode(), 7);
    for (const qint64 pid : pids)
        QVERIFY2(!isProcessAlive(pid), qPrintable(QString::number(pid)));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("slow"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("TimedOut"));
    QVERIFY(result.value("Message").toString().contains(QStringLiteral("timed out")));
    QVERIFY(!result.contains("Survivors"));
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("slow"))));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/slow")));
}

void TestExecutionControl::commandLineTimeoutWins()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("t"), kTreeScript, {{QStringLiteral("TimeoutSeconds"), 600}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("t"), {QStringLiteral("--timeout"), QStringLiteral("1.5"),
                                                                         QStringLiteral("--grace-seconds"), QStringLiteral("0")}),
                                cleanEnvironment(), 30000);
    QCOMPARE(run.exitCode, 7);
    for (const qint64 pid : readPids(agent, QStringLiteral("t")))
        QVERIFY(!isProcessAlive(pid));
}

void TestExecutionControl::sigtermIgnoredUntilTheGraceEnds()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("stubborn"),
                         "import os, signal, subprocess, time\n"
                         "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                         "child = subprocess.Popen(['sleep', '300'])  # inherits SIG_IGN for SIGTERM\n"
                         "open('pids', 'w').write(f'{os.getpid()} {child.pid}')\n"
                         "while True: time.sleep(1)\n",
                         {{QStringLiteral("TimeoutSeconds"), 1}, {QStringLiteral("GraceSeconds"), 2}});
    QElapsedTimer clock;
    clock.start();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("stubborn")), cleanEnvironment(), 30000);
    QCOMPARE(run.exitCode, 7);
    QVERIFY2(clock.elapsed() >= 3000, "the grace period was honoured before SIGKILL");
    QVERIFY2(clock.elapsed() < 1000 + 2000 + 2000 + 1000, qPrintable(QString::number(clock.elapsed())));
    for (const qint64 pid : readPids(agent, QStringLiteral("stubborn")))
        QVERIFY(!isProcessAlive(pid));
}

void TestExecutionControl::cancelDuringScript()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("c"), kTreeScript);
    QProcess executor;
    QVERIFY(startAndWaitForScript(executor, agent, QStringLiteral("c")));
    const QList<qint64> pids = readPids(agent, QStringLiteral("c"));
    const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("c")});
    QCOMPARE(cancel.exitCode, 0);
    QVERIFY(cancel.out.contains("accepted"));
    QVERIFY(executor.waitForFinished(30000));
    QCOMPARE(executor.exitCode(), 8);
    for (const qint64 pid : pids)
        QVERIFY(!isProcessAlive(pid));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("c"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("Cancelled"));
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Run"));
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("c"))));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/Temp/c")));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/c")));
    // No @run or request left: only the guard, which stays for the next takeover.
    QCOMPARE(QDir(agent.base() + QStringLiteral("/Locks")).entryList(QDir::Files), QStringList{QStringLiteral("@guard")});
}

void TestExecutionControl::cancelWithWait()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("w"), kTreeScript, {{QStringLiteral("GraceSeconds"), 1}});
    QProcess executor;
    QVERIFY(startAndWaitForScript(executor, agent, QStringLiteral("w")));
    const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("w"),
                                    QStringLiteral("--wait"), QStringLiteral("--json")});
    QCOMPARE(cancel.exitCode, 0);
    // --wait returns only once the task has stopped: the lock is gone and the result written.
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("w"))));
    const QJsonObject answer = QJsonDocument::fromJson(cancel.out).object();
    QCOMPARE(answer.value("State").toString(), QStringLiteral("Stopped"));
    QVERIFY(answer.value("Message").toString().contains(QStringLiteral("Cancelled")));
    QVERIFY(executor.waitForFinished(10000));
    QCOMPARE(executor.exitCode(), 8);
}

void TestExecutionControl::cancelDuringVenvCreation()
{
    Agent agent;
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-x"), QStringLiteral("1.0")).isEmpty());
    // The venv is written without pip, which comes from the store: on a new agent folder the
    // interpreter's bundled pip wheel is stored first and compiled (`python -I -c '# openautomate-compile …'`),
    // or, where the store cannot be used, unpacked into the venv (`python -I -m zipfile -e`). The
    // interpreter here is a wrapper that names itself as the executable when probed, and stops
    // in either step, recording its PID: the cancel comes while the venv is being made.
    QTemporaryDir dir;
    const QString wrapper = dir.filePath("python-wrapper.sh");
    QVERIFY(writeFileBytes(wrapper, QStringLiteral("#!/bin/bash\n"
                                                   "if [ \"$1\" = -I ] && { { [ \"$2\" = -m ] && [ \"$3\" = zipfile ]; } || { [ \"$2\" = -c ] && [[ \"$3\" == '# openautomate-compile'* ]]; }; }; then\n"
                                                   "    echo $$ > '%1/unpacking.pid.tmp'; mv '%1/unpacking.pid.tmp' '%1/unpacking.pid'\n"
                                                   "    exec sleep 300\n"
                                                   "fi\n"
                                                   "for a in \"$@\"; do [ \"$a\" = -c ] && probe=1; done\n"
                                                   "if [ -n \"$probe\" ]; then set -o pipefail; '%2' \"$@\" | sed \"1s|.*|$0|\"; exit; fi\n"
                                                   "exec '%2' \"$@\"\n")
                                        .arg(dir.path(), python())
                                        .toUtf8()));
    QVERIFY(QFile::setPermissions(wrapper, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    agent.makeScriptTask(QStringLiteral("v"), "print(1)\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-x")}}});
    QProcess executor;
    executor.setProcessEnvironment(offlinePipEnvironment(wheels.path()));
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("v"), {QStringLiteral("--no-env-cache"), QStringLiteral("--python"), wrapper}));
    const QString venv = agent.base() + QStringLiteral("/venvs/v");
    const QList<qint64> unpacking = waitForPids(dir.filePath("unpacking.pid"));
    QVERIFY2(unpacking.size() == 1, executor.readAllStandardError().constData());
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("v"), QStringLiteral("status.json"))).value("Stage").toString(), QStringLiteral("Environment"));
    const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("v")});
    QCOMPARE(cancel.exitCode, 0);
    QVERIFY(executor.waitForFinished(30000));
    QCOMPARE(executor.exitCode(), 8);
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("v"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Environment"));
    QVERIFY(!QFile::exists(venv));
    // The pip whose compiling was stopped is not published half-made.
    QCOMPARE(QDir(agent.base() + QStringLiteral("/EnvCache/store")).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
    QTRY_VERIFY_WITH_TIMEOUT(!isProcessAlive(unpacking.first()), 10000);
    QVERIFY(processesMentioning(venv).isEmpty());
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("v"))));
}

void TestExecutionControl::cancelDuringPip_data()
{
    QTest::addColumn<bool>("cached");
    QTest::newRow("building a cache entry") << true;
    QTest::newRow("installing into the venv (--no-env-cache)") << false;
}

void TestExecutionControl::cancelDuringPip()
{
    QFETCH(bool, cached);
    // pip slowed down on purpose: its only package source is a loopback page that answers after 60 s.
    QProcess index;
    index.start(python(), {testDataDir() + QStringLiteral("/slow_index.py"), QStringLiteral("60")});
    QVERIFY(index.waitForReadyRead(10000));
    const QString url = QString::fromUtf8(index.readLine().trimmed());
    Agent agent;
    agent.makeScriptTask(QStringLiteral("p"), "print(1)\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-slow")}}});
    QProcess executor;
    QProcessEnvironment env = offlinePipEnvironment(url);
    executor.setProcessEnvironment(env);
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("p"), cached ? QStringList() : QStringList{QStringLiteral("--no-env-cache")}));
    const QString venv = agent.base() + QStringLiteral("/venvs/p");
    // pip runs for the cache build (pip install --target EnvCache/staging/...) or in the venv.
    const QString pipMarker = cached ? agent.base() + QStringLiteral("/EnvCache/staging") : venv + QStringLiteral("/bin/python -m pip install");
    QTRY_VERIFY_WITH_TIMEOUT(!processesMentioning(pipMarker).isEmpty(), 60000);
    QTest::qWait(500);
    const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("p")});
    QCOMPARE(cancel.exitCode, 0);
    QVERIFY(executor.waitForFinished(30000));
    QCOMPARE(executor.exitCode(), 8);
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("p"), QStringLiteral("result.json"))).value("Stage").toString(),
             QStringLiteral("Requirements"));
    QVERIFY(processesMentioning(venv).isEmpty()); // pip is gone
    QVERIFY(processesMentioning(agent.base()).isEmpty());
    QVERIFY(!QFile::exists(venv));
    if (cached) // the interrupted build is not published, and its staging folder is gone
        QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/staging")).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot)
                && QDir(agent.base() + QStringLiteral("/EnvCache/entries")).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot));
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("p"))));
    index.kill();
    index.waitForFinished();
}

void TestExecutionControl::sigtermToExecutorCancels()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("s"), kTreeScript, {{QStringLiteral("GraceSeconds"), 1}});
    QProcess executor;
    QVERIFY(startAndWaitForScript(executor, agent, QStringLiteral("s")));
    const QList<qint64> pids = readPids(agent, QStringLiteral("s"));
    ::kill(pid_t(executor.processId()), SIGTERM);
    QVERIFY(executor.waitForFinished(30000));
    QCOMPARE(executor.exitStatus(), QProcess::NormalExit);
    QCOMPARE(executor.exitCode(), 8);
    for (const qint64 pid : pids)
        QVERIFY(!isProcessAlive(pid));
    QVERIFY(readJson(agent.taskFile(QStringLiteral("s"), QStringLiteral("result.json"))).value("Message").toString().contains(QStringLiteral("SIGTERM")));
}

void TestExecutionControl::cancelWhenNotRunning()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("idle"), "print(1)\n");
    const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("idle")});
    QCOMPARE(cancel.exitCode, 3);
    QVERIFY(cancel.err.contains("idle is not running"));
    writeForeignLock(agent, QStringLiteral("idle"));
    const Run foreign = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("idle")});
    QCOMPARE(foreign.exitCode, 2);
    QVERIFY(foreign.err.contains("can only be cancelled there"));
}

void TestExecutionControl::staleCancelRequestIsIgnored()
{
    // A request left for an earlier run of the same ID must not cancel this one.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("again"), "print('ran')\n");
    QDir().mkpath(agent.base() + QStringLiteral("/Locks"));
    QFile stale(agent.base() + QStringLiteral("/Locks/again@cancel-0123456789abcdef0123456789abcdef"));
    QVERIFY(stale.open(QIODevice::WriteOnly));
    stale.close();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("again")));
    QCOMPARE(run.exitCode, 0);
    QVERIFY(!stale.exists());
}

void TestExecutionControl::progressInOrder()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("prog"),
                         "import os, time\n"
                         "from openautomate import progress\n"
                         "for i in range(1, 6):\n"
                         "    progress(i * 20, f'step {i}')\n"
                         "    time.sleep(1.2)\n"
                         "with open(os.environ['OPENAUTOMATE_PROGRESS_FILE'], 'a') as f:\n"
                         "    f.write('this is not json\\n')\n"
                         "    f.write('{\"percent\": 250}\\n')\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("prog")));
    QList<double> seen;
    const QString status = agent.taskFile(QStringLiteral("prog"), QStringLiteral("status.json"));
    while (!executor.waitForFinished(100)) {
        const QJsonObject s = readJson(status);
        if (s.value("Percent").isDouble() && (seen.isEmpty() || seen.last() != s.value("Percent").toDouble()))
            seen.append(s.value("Percent").toDouble());
    }
    QCOMPARE(executor.exitCode(), 0);
    QVERIFY2(seen.size() >= 4, qPrintable(QString::number(seen.size())));
    QVERIFY(std::is_sorted(seen.cbegin(), seen.cend()));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("prog"), QStringLiteral("result.json")));
    const QJsonObject progress = result.value("Progress").toObject();
    QCOMPARE(progress.value("Percent").toDouble(), 100.0);
    QCOMPARE(progress.value("Message").toString(), QStringLiteral("step 5"));
    QCOMPARE(progress.value("BadLines").toInt(), 2);
    QCOMPARE(readJson(status).value("State").toString(), QStringLiteral("Finished"));
    QVERIFY(result.value("PeakMemoryBytes").toInteger() > 1024 * 1024);
}

void TestExecutionControl::memoryLimit()
{
    // The sampling path, which the kernel's limit (tst_containment) would otherwise replace here.
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_CGROUPS"), QStringLiteral("off"));
    Agent agent;
    agent.makeScriptTask(QStringLiteral("mem"),
                         "import time\nchunks = []\n"
                         "for i in range(40):\n"
                         "    chunks.append(bytearray(25 * 1024 * 1024))  # touched: really resident\n"
                         "    time.sleep(0.1)\n"
                         "time.sleep(60)\n",
                         {{QStringLiteral("MaxMemoryMB"), 150}, {QStringLiteral("GraceSeconds"), 1}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("mem")), env, 60000);
    QCOMPARE(run.exitStatus, QProcess::NormalExit); // the executor itself was not killed
    QCOMPARE(run.exitCode, 9);
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("mem"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("ResourceLimitExceeded"));
    QVERIFY2(result.value("Message").toString().contains(QStringLiteral("memory limit exceeded")), qPrintable(result.value("Message").toString()));
    QVERIFY(result.value("PeakMemoryBytes").toInteger() > 150LL * 1024 * 1024);
    QVERIFY(result.value("PeakMemoryBytes").toInteger() < 1000LL * 1024 * 1024);
    const QJsonObject containment = result.value("Containment").toObject();
    QCOMPARE(containment.value("MemoryLimit").toString(), QStringLiteral("sampling"));
    QVERIFY(containment.value("CgroupV2").isNull());
    QVERIFY(containment.value("CgroupV1Memory").isNull());
}

void TestExecutionControl::cpuLimit()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("cpu"), "while True:\n    pass\n",
                         {{QStringLiteral("MaxCpuSeconds"), 1.5}, {QStringLiteral("GraceSeconds"), 1}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("cpu")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 9);
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("cpu"), QStringLiteral("result.json")));
    QVERIFY(result.value("Message").toString().contains(QStringLiteral("CPU limit exceeded")));
    QVERIFY(result.value("CpuSeconds").toDouble() >= 1.5);
}

void TestExecutionControl::limitsValidated_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("negative timeout") << QByteArray(R"({"ExecutionId":"l","ScriptPath":"main.py","TimeoutSeconds":-1})") << QByteArray("TimeoutSeconds: -1 is out of range");
    QTest::newRow("zero timeout") << QByteArray(R"({"ExecutionId":"l","ScriptPath":"main.py","TimeoutSeconds":0})") << QByteArray("TimeoutSeconds: 0 is out of range");
    QTest::newRow("string memory") << QByteArray(R"({"ExecutionId":"l","ScriptPath":"main.py","MaxMemoryMB":"100"})") << QByteArray("MaxMemoryMB: must be a number, not a string");
    QTest::newRow("huge cpu") << QByteArray(R"({"ExecutionId":"l","ScriptPath":"main.py","MaxCpuSeconds":1e20})") << QByteArray("MaxCpuSeconds:");
    QTest::newRow("negative grace") << QByteArray(R"({"ExecutionId":"l","ScriptPath":"main.py","GraceSeconds":-5})") << QByteArray("GraceSeconds:");
}

void TestExecutionControl::limitsValidated()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, expected);
    Agent agent;
    agent.makeTaskRaw(QStringLiteral("l"), json, {{QStringLiteral("main.py"), "print(1)\n"}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("l")));
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains(expected), run.err.constData());
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("l"), {QStringLiteral("--timeout"), QStringLiteral("abc")})).exitCode, 1);
}

QTEST_GUILESS_MAIN(TestExecutionControl)
#include "tst_execution_control.moc"
