// Every documented exit code of the real openautomate-executor binary, with a real Python, and
// what each leaves (or must not leave) on disk.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace oatest;

class TestExecutorExitCodes : public QObject {
    Q_OBJECT
private slots:
    void helpAndVersion();
    void badCommandLine_data();
    void badCommandLine();
    void badExecutionId_data();
    void badExecutionId();
    void alreadyRunning();
    void taskFolderMissing();
    void executionJsonMissing();
    void invalidExecution_data();
    void invalidExecution();
    void pythonMissing();
    void venvFolderEscapesBase();
    void requirementsFail();
    void scriptExitCodes_data();
    void scriptExitCodes();
};

void TestExecutorExitCodes::helpAndVersion()
{
    const Run help = runExecutor({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("Exit codes:"));
    QVERIFY(help.out.contains("--base-dir"));
    QVERIFY(help.out.contains("--keep-venv"));
    const Run version = runExecutor({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith("openautomate-executor " OA_VERSION " (commit "));
    // The commit is git's short hash, or "unknown" outside a checkout; then the runtime Qt.
    QVERIFY2(QRegularExpression("^openautomate-executor [0-9.]+ \\(commit ([0-9a-f]{4,}|unknown), Qt "
                                + QRegularExpression::escape(QString::fromLatin1(qVersion())) + "\\)\n$")
                 .match(QString::fromUtf8(version.out))
                 .hasMatch(),
             version.out.constData());
}

void TestExecutorExitCodes::badCommandLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("no execution ID") << QStringList() << QByteArray("missing the execution ID");
    QTest::newRow("two execution IDs") << QStringList{"a", "b"} << QByteArray("expected one execution ID, got 2");
    QTest::newRow("unknown option") << QStringList{"--frobnicate", "a"} << QByteArray("Unknown option 'frobnicate'");
    QTest::newRow("option without value") << QStringList{"a", "--base-dir"} << QByteArray("Missing value after '--base-dir'");
}

void TestExecutorExitCodes::badCommandLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, expected);
    const Run run = runExecutor(arguments);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(expected), run.err.constData());
}

void TestExecutorExitCodes::badExecutionId_data()
{
    QTest::addColumn<QString>("id");
    QTest::newRow("traversal") << "../../etc";
    QTest::newRow("dot dot") << "..";
    QTest::newRow("slash") << "a/b";
    QTest::newRow("space") << "a b";
    QTest::newRow("too long") << QString(129, u'x');
    QTest::newRow("shell metacharacters") << "a;rm -rf";
    QTest::newRow("empty") << "";
}

void TestExecutorExitCodes::badExecutionId()
{
    QFETCH(QString, id);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("ok"), "print(1)\n");
    const QStringList before = agent.listing();
    const Run run = runExecutor(executorArgs(agent, id));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("Invalid execution ID"), run.err.constData());
    QCOMPARE(agent.listing(), before);
}

void TestExecutorExitCodes::alreadyRunning()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("busy"), "print(1)\n");
    QDir().mkpath(agent.base() + QStringLiteral("/Locks"));
    QProcess holder;
    holder.start(lockHolderPath(), {agent.lockFile(QStringLiteral("busy"))});
    QVERIFY(holder.waitForReadyRead(10000));
    QCOMPARE(holder.readLine().trimmed(), QByteArray("locked"));
    const QStringList before = agent.listing();

    const Run run = runExecutor(executorArgs(agent, QStringLiteral("busy")));
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(QStringLiteral("already locked by PID %1").arg(holder.processId()).toUtf8()), run.err.constData());
    // Nothing written into the task, no result.json. The only new name may be Locks/@guard, which
    // every takeover attempt creates once and which then stays (the helper holder never needs it).
    QStringList after = agent.listing();
    after.removeOne(QStringLiteral("Locks/@guard"));
    QCOMPARE(after, before);
    holder.kill();
    holder.waitForFinished();
}

void TestExecutorExitCodes::taskFolderMissing()
{
    Agent agent;
    const QStringList before = agent.listing();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("ghost")));
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("Tasks/ghost does not exist"), run.err.constData());
    QCOMPARE(agent.listing(), before);
}

void TestExecutorExitCodes::executionJsonMissing()
{
    Agent agent;
    QVERIFY(QDir().mkpath(agent.taskDir(QStringLiteral("empty"))));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("empty")));
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("execution.json does not exist"), run.err.constData());
    QVERIFY(QDir(agent.taskDir(QStringLiteral("empty"))).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("empty"))));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs")));
}

void TestExecutorExitCodes::invalidExecution_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("malformed JSON") << QByteArray("{\"ExecutionId\": \"bad\", ") << QByteArray("not valid JSON at offset");
    QTest::newRow("wrong ID") << QByteArray(R"({"ExecutionId":"other","ScriptPath":"main.py"})") << QByteArray("ExecutionId: \"other\" does not match");
    QTest::newRow("traversal") << QByteArray(R"({"ExecutionId":"bad","ScriptPath":"../../../etc/passwd"})") << QByteArray("ScriptPath:");
    QTest::newRow("option injection") << QByteArray(R"({"ExecutionId":"bad","ScriptPath":"main.py","Requirements":["-r /etc/passwd"]})")
                                      << QByteArray("Requirements[0]: \"-r /etc/passwd\" starts with \"-\"");
    QTest::newRow("wrong type") << QByteArray(R"({"ExecutionId":"bad","ScriptPath":"main.py","Arguments":42})")
                                << QByteArray("Arguments: must be a string or an array of strings, not a number");
}

void TestExecutorExitCodes::invalidExecution()
{
    QFETCH(QByteArray, json);
    QFETCH(QByteArray, expected);
    Agent agent;
    agent.makeTaskRaw(QStringLiteral("bad"), json, {{QStringLiteral("main.py"), "print(1)\n"}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("bad")));
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains(expected), run.err.constData());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("bad"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("InvalidExecution"));
    QCOMPARE(result.value("ExitCode").toInt(), 4);
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Validate"));
    QVERIFY(result.value("Message").toString().toUtf8().contains(expected));
    // The log names the problem too, as an Error event (CLEF lines: JSON-escaped, so parse them).
    bool logged = false;
    for (const QByteArray &line : readFile(agent.taskFile(QStringLiteral("bad"), QStringLiteral("executor.log"))).split('\n')) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        logged = logged || (event.value("@l").toString() == QStringLiteral("Error")
                            && event.value("Message").toString().toUtf8().contains(expected));
    }
    QVERIFY(logged);
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/bad")));
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("bad"))));
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("bad"), QStringLiteral("output.log"))));
}

void TestExecutorExitCodes::pythonMissing()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("nopy"), "print(1)\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("nopy"), {QStringLiteral("--python"), QStringLiteral("/nonexistent/python3")}));
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(run.err.contains("the Python interpreter \"/nonexistent/python3\" (from --python) does not exist"), run.err.constData());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("nopy"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("EnvironmentFailed"));
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Environment"));
}

void TestExecutorExitCodes::venvFolderEscapesBase()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("esc"), "print(1)\n");
    QTemporaryDir outside;
    QFile precious(outside.filePath(QStringLiteral("precious.txt")));
    QVERIFY(precious.open(QIODevice::WriteOnly));
    precious.close();
    QVERIFY(QFile::link(outside.path(), agent.base() + QStringLiteral("/venvs")));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("esc")));
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(run.err.contains("is a symbolic link, not a folder"), run.err.constData());
    QCOMPARE(QDir(outside.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList{"precious.txt"});
}

void TestExecutorExitCodes::requirementsFail()
{
    Agent agent;
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-present"), QStringLiteral("1.0")).isEmpty());
    agent.makeScriptTask(QStringLiteral("pipfail"), "print(1)\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-present"), QStringLiteral("oa-absent>=2")}}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("pipfail")), offlinePipEnvironment(wheels.path()));
    QCOMPARE(run.exitCode, 6);
    QVERIFY2(run.err.contains("requirement \"oa-absent>=2\""), run.err.constData());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("pipfail"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("RequirementsFailed"));
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Requirements"));
    QVERIFY(readFile(agent.taskFile(QStringLiteral("pipfail"), QStringLiteral("pip.log"))).contains("oa-absent"));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/pipfail")));
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("pipfail"), QStringLiteral("output.log"))));
}

void TestExecutorExitCodes::scriptExitCodes_data()
{
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("outcome");
    QTest::newRow("success") << QByteArray("print('ok')\n") << 0 << "Succeeded";
    QTest::newRow("exit 3 collides with TaskNotFound") << QByteArray("import sys; sys.exit(3)\n") << 3 << "Failed";
    QTest::newRow("uncaught exception") << QByteArray("raise RuntimeError('boom')\n") << 1 << "Failed";
    QTest::newRow("killed by SIGKILL") << QByteArray("import os, signal; os.kill(os.getpid(), signal.SIGKILL)\n") << 137 << "Failed";
    QTest::newRow("killed by SIGTERM") << QByteArray("import os, signal; os.kill(os.getpid(), signal.SIGTERM)\n") << 143 << "Failed";
}

void TestExecutorExitCodes::scriptExitCodes()
{
    QFETCH(QByteArray, script);
    QFETCH(int, exitCode);
    QFETCH(QString, outcome);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("s"), script);
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("s")));
    QCOMPARE(run.exitStatus, QProcess::NormalExit);
    QCOMPARE(run.exitCode, exitCode);
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("s"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), outcome);
    QCOMPARE(result.value("ExitCode").toInt(), exitCode);
    QCOMPARE(result.value("ScriptExitCode").toInt(), exitCode);
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Run"));
    QCOMPARE(result.contains("ScriptSignal"), exitCode > 128);
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("s"))));
}

QTEST_GUILESS_MAIN(TestExecutorExitCodes)
#include "tst_executor_exitcodes.moc"
