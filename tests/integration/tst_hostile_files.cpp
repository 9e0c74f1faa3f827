// A task folder is untrusted input: links, FIFOs and hard links planted where the executor
// reads or writes, a task folder that is itself a link, and a disk that fills during the run.
// Every case runs the real executor and checks that nothing outside the base was touched,
// that nothing hangs, and that the exit code and result.json tell the truth.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace oatest;

class TestHostileFiles : public QObject {
    Q_OBJECT
private slots:
    void init();
    void symlinkedFilesAreReplaced_data();
    void symlinkedFilesAreReplaced();
    void rejectedTaskNeverWritesThroughLinks();
    void hardLinkedLogIsNotTruncated();
    void symlinkedTaskFolderIsRefused_data();
    void symlinkedTaskFolderIsRefused();
    void fifoExecutionJsonDoesNotHang();
    void fifoPlantedWhereTheExecutorWrites_data();
    void fifoPlantedWhereTheExecutorWrites();
    void listDoesNotHangOnFifo();
    void progressFifoDuringRunKeepsTheWatchdog();
    void hugeExecutionJsonIsRefused();
    void fullDiskKeepsThePreviousResult();
    void baseFolderReachedThroughALink();
    void plantedVenvAndTempAreNotReused();

private:
    // A file outside the agent folder that no run may change.
    QString precious(const QString &name);
    QByteArray preciousContent() const { return QByteArrayLiteral("precious content\n"); }
    std::unique_ptr<QTemporaryDir> m_outside;
};

void TestHostileFiles::init()
{
    m_outside = std::make_unique<QTemporaryDir>();
    QVERIFY(m_outside->isValid());
}

QString TestHostileFiles::precious(const QString &name)
{
    const QString path = m_outside->filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(preciousContent());
    return path;
}

// Detaches a mount when the test ends, whatever way it ends.
struct Unmount {
    QByteArray target;
    ~Unmount() { ::umount2(target.constData(), MNT_DETACH); }
};

static bool makeFifo(const QString &path)
{
    return ::mkfifo(QFile::encodeName(path).constData(), 0644) == 0;
}

void TestHostileFiles::symlinkedFilesAreReplaced_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("warned"); // written by the executor, so result.json warns about it
    QTest::newRow("output.log") << "output.log" << true;
    QTest::newRow("error.log") << "error.log" << true;
    QTest::newRow("executor.log") << "executor.log" << true;
    QTest::newRow("result.json") << "result.json" << true;
    QTest::newRow("status.json") << "status.json" << false;
    QTest::newRow("progress.jsonl") << "progress.jsonl" << false;
}

void TestHostileFiles::symlinkedFilesAreReplaced()
{
    QFETCH(QString, name);
    QFETCH(bool, warned);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("t"), "print('hello')\nimport sys; print('oops', file=sys.stderr)\n");
    const QString target = precious(QStringLiteral("target"));
    QVERIFY(QFile::link(target, agent.taskFile(QStringLiteral("t"), name)));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("t")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(readFile(target), preciousContent());
    const QFileInfo replaced(agent.taskFile(QStringLiteral("t"), name));
    QVERIFY2(!replaced.isSymLink(), qPrintable(name));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("t"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("Succeeded"));
    if (warned) {
        const QString warnings = result.value("Warnings").toVariant().toStringList().join(u'\n');
        QVERIFY2(warnings.contains(name) && warnings.contains("symbolic link"), qPrintable(warnings));
    }
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("t"), QStringLiteral("output.log"))), QByteArray("hello\n"));
}

void TestHostileFiles::rejectedTaskNeverWritesThroughLinks()
{
    Agent agent;
    agent.makeTaskRaw(QStringLiteral("bad"), "{ not json");
    const QString logTarget = precious(QStringLiteral("log-target"));
    const QString resultTarget = precious(QStringLiteral("result-target"));
    QVERIFY(QFile::link(logTarget, agent.taskFile(QStringLiteral("bad"), QStringLiteral("executor.log"))));
    QVERIFY(QFile::link(resultTarget, agent.taskFile(QStringLiteral("bad"), QStringLiteral("result.json"))));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("bad")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 4);
    QCOMPARE(readFile(logTarget), preciousContent());
    QCOMPARE(readFile(resultTarget), preciousContent());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("bad"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("InvalidExecution"));
    QVERIFY(!QFileInfo(agent.taskFile(QStringLiteral("bad"), QStringLiteral("executor.log"))).isSymLink());
}

void TestHostileFiles::hardLinkedLogIsNotTruncated()
{
    // Root may hard-link any file of the same filesystem into the task folder; opening it with
    // O_TRUNC would empty the original.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("h"), "print('new')\n");
    QTemporaryDir sameFs(agent.base() + QStringLiteral("/../outside-XXXXXX"));
    const QString original = sameFs.filePath(QStringLiteral("original"));
    QFile file(original);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(preciousContent());
    file.close();
    QVERIFY(::link(QFile::encodeName(original).constData(),
                   QFile::encodeName(agent.taskFile(QStringLiteral("h"), QStringLiteral("output.log"))).constData()) == 0);
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("h")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(readFile(original), preciousContent());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("h"), QStringLiteral("output.log"))), QByteArray("new\n"));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("h"), QStringLiteral("result.json")));
    QVERIFY(result.value("Warnings").toVariant().toStringList().join(u'\n').contains("hard link"));
}

void TestHostileFiles::symlinkedTaskFolderIsRefused_data()
{
    QTest::addColumn<bool>("wholeTasksFolder");
    QTest::newRow("Tasks/<id> is a link") << false;
    QTest::newRow("Tasks is a link") << true;
}

void TestHostileFiles::symlinkedTaskFolderIsRefused()
{
    QFETCH(bool, wholeTasksFolder);
    Agent agent;
    // A complete, valid task, but outside the base.
    Agent elsewhere;
    elsewhere.makeScriptTask(QStringLiteral("x"), "open('ran', 'w').write('yes')\n");
    const QStringList before = elsewhere.listing();
    if (wholeTasksFolder) {
        QVERIFY(QDir(agent.base() + QStringLiteral("/Tasks")).removeRecursively());
        QVERIFY(QFile::link(elsewhere.base() + QStringLiteral("/Tasks"), agent.base() + QStringLiteral("/Tasks")));
    } else {
        QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/Tasks")));
        QVERIFY(QFile::link(elsewhere.taskDir(QStringLiteral("x")), agent.taskDir(QStringLiteral("x"))));
    }
    const QStringList baseBefore = agent.listing();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("x")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("symbolic link"), run.err.constData());
    QCOMPARE(elsewhere.listing(), before);
    QCOMPARE(agent.listing(), baseBefore);
}

void TestHostileFiles::fifoExecutionJsonDoesNotHang()
{
    Agent agent;
    QVERIFY(QDir().mkpath(agent.taskDir(QStringLiteral("f"))));
    QVERIFY(makeFifo(agent.taskFile(QStringLiteral("f"), QStringLiteral("execution.json"))));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("f")), cleanEnvironment(), 30000);
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains("FIFO"), run.err.constData());
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("f"), QStringLiteral("result.json"))).value("ExitCode").toInt(), 4);
}

void TestHostileFiles::fifoPlantedWhereTheExecutorWrites_data()
{
    QTest::addColumn<QString>("name");
    for (const char *name : {"output.log", "error.log", "executor.log", "result.json", "status.json", "progress.jsonl"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestHostileFiles::fifoPlantedWhereTheExecutorWrites()
{
    QFETCH(QString, name);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("p"), "print('ok')\n");
    QVERIFY(makeFifo(agent.taskFile(QStringLiteral("p"), name)));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("p")), cleanEnvironment(), 30000);
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QFileInfo(agent.taskFile(QStringLiteral("p"), QStringLiteral("output.log"))).isFile());
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("p"), QStringLiteral("result.json"))).value("Outcome").toString(),
             QStringLiteral("Succeeded"));
}

void TestHostileFiles::listDoesNotHangOnFifo()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("ok"), "print(1)\n");
    QVERIFY(QDir().mkpath(agent.taskDir(QStringLiteral("fifo"))));
    QVERIFY(makeFifo(agent.taskFile(QStringLiteral("fifo"), QStringLiteral("execution.json"))));
    QVERIFY(makeFifo(agent.taskFile(QStringLiteral("ok"), QStringLiteral("result.json"))));
    const Run run = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--list"), QStringLiteral("--json")},
                                cleanEnvironment(), 30000);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("FIFO"), run.out.constData());
    QVERIFY(run.out.contains("\"ok\""));
}

void TestHostileFiles::progressFifoDuringRunKeepsTheWatchdog()
{
    // The script swaps its progress file for a FIFO; the 200 ms control tick must not block on
    // it, so the timeout still fires and stops the script.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("pf"),
                         "import os, time\n"
                         "p = os.environ['OPENAUTOMATE_PROGRESS_FILE']\n"
                         "open(p, 'w').write('{\"percent\": 5}\\n')\n"
                         "time.sleep(0.5)\n"
                         "os.remove(p); os.mkfifo(p)\n"
                         "open('swapped', 'w').write('1')\n"
                         "time.sleep(600)\n",
                         {{QStringLiteral("TimeoutSeconds"), 3}});
    QElapsedTimer timer;
    timer.start();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("pf")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 7);
    QVERIFY(QFile::exists(agent.taskFile(QStringLiteral("pf"), QStringLiteral("swapped"))));
    QVERIFY2(timer.elapsed() < 30000, qPrintable(QString::number(timer.elapsed())));
}

void TestHostileFiles::hugeExecutionJsonIsRefused()
{
    Agent agent;
    QByteArray json = "{\"ScriptPath\": \"main.py\", \"Pad\": \"";
    json += QByteArray(17 * 1024 * 1024, 'x');
    json += "\"}";
    agent.makeTaskRaw(QStringLiteral("big"), json, {{QStringLiteral("main.py"), "print(1)\n"}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("big")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains("more than the"), run.err.constData());
}

void TestHostileFiles::fullDiskKeepsThePreviousResult()
{
    // The base folder on a small tmpfs that the script fills. The previous result.json must
    // survive whole (in previous/, where the run moved it), no partial one may appear, and the
    // exit code must not be 0: the outcome cannot be saved.
    QTemporaryDir mountPoint;
    const QByteArray target = QFile::encodeName(mountPoint.path());
    if (::mount("oa-test", target.constData(), "tmpfs", 0, "size=4m") != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("cannot mount a tmpfs here (%1); run the tests as root to cover a full disk")
                            .arg(QString::fromLocal8Bit(strerror(errno))));
    Unmount unmount{target};
    const QString base = mountPoint.path() + QStringLiteral("/agent");
    const QString task = base + QStringLiteral("/Tasks/full");
    QVERIFY(QDir().mkpath(task));
    // Locks/ on a filesystem of its own: the run file the executor deletes before it saves the
    // result would otherwise free the one page result.json needs, and the disk would not be
    // full when it matters.
    const QByteArray locks = QFile::encodeName(base + QStringLiteral("/Locks"));
    QVERIFY(QDir().mkpath(base + QStringLiteral("/Locks")));
    QVERIFY(::mount("oa-test-locks", locks.constData(), "tmpfs", 0, "size=1m") == 0);
    Unmount locksUnmount{locks};
    const auto write = [](const QString &path, const QByteArray &data) {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
    };
    QVERIFY(write(task + QStringLiteral("/execution.json"),
                  "{\"ExecutionId\": \"full\", \"ScriptPath\": \"main.py\", \"KeepVirtualEnvironment\": true}"));
    QVERIFY(write(task + QStringLiteral("/main.py"),
                  "chunk = b'x' * 65536\n"
                  "with open('fill', 'wb', buffering=0) as f:\n"
                  "    try:\n"
                  "        while True:\n"
                  "            f.write(chunk)\n"
                  "    except OSError:\n"
                  "        pass\n"
                  "with open('fill2', 'wb', buffering=0) as f:\n"
                  "    try:\n"
                  "        while True:\n"
                  "            f.write(b'x')\n"
                  "    except OSError:\n"
                  "        pass\n"));
    const QByteArray previous = "{\"ExecutionId\": \"full\", \"Outcome\": \"Succeeded\", \"ExitCode\": 0}\n";
    QVERIFY(write(task + QStringLiteral("/result.json"), previous));
    const Run run = runExecutor({QStringLiteral("--base-dir"), base, QStringLiteral("--python"), python(), QStringLiteral("full")},
                                cleanEnvironment(), 120000);
    QCOMPARE(run.exitCode, 99);
    QVERIFY2(run.err.contains("result could not be saved") && run.err.contains("No space left on device"), run.err.constData());
    QCOMPARE(readFile(task + QStringLiteral("/previous/result.json")), previous);
    QVERIFY(!QFileInfo::exists(task + QStringLiteral("/result.json")));
    const QStringList left = QDir(task).entryList(QDir::Files | QDir::Hidden);
    for (const QString &name : left)
        QVERIFY2(!name.contains(QStringLiteral(".tmp-")), qPrintable(name)); // no temporary left behind
    const QByteArray status = readFile(task + QStringLiteral("/status.json"));
    QVERIFY2(status.isEmpty() || !readJson(task + QStringLiteral("/status.json")).isEmpty(), status.constData());
}

void TestHostileFiles::baseFolderReachedThroughALink()
{
    // The base folder is the administrator's: it may be a link, and everything below it still
    // works, the requirements.txt the cache reads through the gatekeeper included.
    Agent agent;
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-linked"), QStringLiteral("2.0")).isEmpty());
    agent.makeTask(QStringLiteral("lnk"),
                   QJsonObject{{QStringLiteral("ExecutionId"), QStringLiteral("lnk")}, {QStringLiteral("ScriptPath"), QStringLiteral("bot/run.py")}},
                   {{QStringLiteral("bot/run.py"), "import oa_linked\nprint(oa_linked.__version__)\n"},
                    {QStringLiteral("bot/requirements.txt"), "oa-linked==2.0\n"}});
    const QString link = m_outside->filePath(QStringLiteral("agent-link"));
    QVERIFY(QFile::link(agent.base(), link));
    const Run run = runExecutor({QStringLiteral("--base-dir"), link, QStringLiteral("lnk")}, offlinePipEnvironment(wheels.path()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("lnk"), QStringLiteral("output.log"))), QByteArray("2.0\n"));
}

void TestHostileFiles::plantedVenvAndTempAreNotReused()
{
    // A kept venv is writable by the script that used it. The next run of the ID must not
    // write through, or import, anything that script left in it.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("v"), "import sys\nprint(any('planted' in p for p in sys.path))\n");
    const QString venv = agent.base() + QStringLiteral("/venvs/v");
    QVERIFY(QDir().mkpath(venv + QStringLiteral("/bin")));
    const QString target = precious(QStringLiteral("cfg-target"));
    QVERIFY(QFile::link(target, venv + QStringLiteral("/pyvenv.cfg")));
    QVERIFY(QFile::link(m_outside->path(), venv + QStringLiteral("/planted")));
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/Temp")));
    QVERIFY(QFile::link(m_outside->path(), agent.base() + QStringLiteral("/Temp/v")));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("v")), cleanEnvironment(), 60000);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("v"), QStringLiteral("output.log"))), QByteArray("False\n"));
    QCOMPARE(readFile(target), preciousContent());
    QVERIFY(QFile::exists(target));
    QVERIFY(!QFile::exists(venv));
    QVERIFY(!QFileInfo::exists(agent.base() + QStringLiteral("/Temp/v")));
}

QTEST_GUILESS_MAIN(TestHostileFiles)
#include "tst_hostile_files.moc"
