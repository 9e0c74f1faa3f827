// What a successful run of the real executor does: arguments, output, environment, packages,
// cleanup and the structured log.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace oatest;

class TestExecutorRun : public QObject {
    Q_OBJECT
private slots:
    void arguments_data();
    void arguments();
    void utf8Output();
    void largeOutput();
    void environmentAndCleanup();
    void keepVenv_data();
    void keepVenv();
    void requirementsFromLocalWheels();
    void requirementsTxtNextToScript();
    void camelCaseAndUnknownKeys();
    void backgroundLeftoversStopped();
    void executorLogIsClef();
};

static const QByteArray kEchoArgs = "import json, sys\nprint(json.dumps(sys.argv[1:]))\n";

void TestExecutorRun::arguments_data()
{
    QTest::addColumn<QJsonValue>("arguments");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("string with quotes and spaces")
        << QJsonValue(QStringLiteral("--customer \"ACME Corp\" --note 'it''s fine' plain \"with \\\"escaped\\\" quotes\""))
        << QStringList{"--customer", "ACME Corp", "--note", "its fine", "plain", "with \"escaped\" quotes"};
    QTest::newRow("array kept verbatim")
        << QJsonValue(QJsonArray{QStringLiteral("a b"), QStringLiteral("$HOME"), QStringLiteral("; rm -rf /"), QString()})
        << QStringList{"a b", "$HOME", "; rm -rf /", ""};
    QTest::newRow("unicode") << QJsonValue(QStringLiteral("\"Grüße, Zürich\" 東京"))
                             << QStringList{"Grüße, Zürich", "東京"};
}

void TestExecutorRun::arguments()
{
    QFETCH(QJsonValue, arguments);
    QFETCH(QStringList, expected);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("args"), kEchoArgs, {{QStringLiteral("Arguments"), arguments}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("args")));
    QCOMPARE(run.exitCode, 0);
    const QJsonArray seen = QJsonDocument::fromJson(readFile(agent.taskFile(QStringLiteral("args"), QStringLiteral("output.log")))).array();
    QStringList got;
    for (const QJsonValue &v : seen)
        got.append(v.toString());
    QCOMPARE(got, expected);
}

void TestExecutorRun::utf8Output()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("utf8"),
                         "import sys\nprint('Grüße — 日本語 — 😀')\nprint('ошибка', file=sys.stderr)\n");
    // A C locale must not turn the script's output into '?' or a UnicodeEncodeError.
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C"));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("utf8")), env);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("utf8"), QStringLiteral("output.log"))),
             QByteArray("Grüße — 日本語 — 😀\n"));
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("utf8"), QStringLiteral("error.log"))), QByteArray("ошибка\n"));
}

void TestExecutorRun::largeOutput()
{
    Agent agent;
    // 48 MiB on stdout and 8 MiB on stderr, interleaved, in 64 KiB writes.
    agent.makeScriptTask(QStringLiteral("big"),
                         "import sys\n"
                         "chunk = ('x' * 65535 + '\\n')\n"
                         "for i in range(768):\n"
                         "    sys.stdout.write(chunk)\n"
                         "    if i % 6 == 0: sys.stderr.write(chunk)\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("big")));
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(QFileInfo(agent.taskFile(QStringLiteral("big"), QStringLiteral("output.log"))).size(), qint64(768) * 65536);
    QCOMPARE(QFileInfo(agent.taskFile(QStringLiteral("big"), QStringLiteral("error.log"))).size(), qint64(128) * 65536);
}

void TestExecutorRun::environmentAndCleanup()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("env"),
                         "import json, os, sys, tempfile\n"
                         "open(os.path.join(tempfile.gettempdir(), 'scratch.txt'), 'w').write('x')\n"
                         "keys = ['TMP','TEMP','TMPDIR','PYTHONUNBUFFERED','PYTHONIOENCODING','OPENAUTOMATE_EXECUTION_ID','OPENAUTOMATE_TASK_DIR','VIRTUAL_ENV']\n"
                         "print(json.dumps({'env': {k: os.environ.get(k) for k in keys}, 'cwd': os.getcwd(),\n"
                         "                  'prefix': sys.prefix, 'base': sys.base_prefix, 'stdin': sys.stdin.read()}))\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("env")));
    QCOMPARE(run.exitCode, 0);
    const QJsonObject seen = QJsonDocument::fromJson(readFile(agent.taskFile(QStringLiteral("env"), QStringLiteral("output.log")))).object();
    const QJsonObject env = seen.value("env").toObject();
    const QString temp = agent.base() + QStringLiteral("/Temp/env");
    QCOMPARE(env.value("TMP").toString(), temp);
    QCOMPARE(env.value("TEMP").toString(), temp);
    QCOMPARE(env.value("TMPDIR").toString(), temp);
    QCOMPARE(env.value("PYTHONUNBUFFERED").toString(), QStringLiteral("1"));
    QCOMPARE(env.value("PYTHONIOENCODING").toString(), QStringLiteral("utf-8"));
    QCOMPARE(env.value("OPENAUTOMATE_EXECUTION_ID").toString(), QStringLiteral("env"));
    QCOMPARE(env.value("OPENAUTOMATE_TASK_DIR").toString(), agent.taskDir(QStringLiteral("env")));
    QCOMPARE(seen.value("cwd").toString(), agent.taskDir(QStringLiteral("env")));
    QCOMPARE(seen.value("prefix").toString(), agent.base() + QStringLiteral("/venvs/env"));
    QVERIFY(seen.value("base").toString() != seen.value("prefix").toString());
    QCOMPARE(seen.value("stdin").toString(), QString()); // the null device: EOF at once
    // Cleanup: Temp/{id}, venvs/{id} and the lock are gone; the task's own files stay.
    QVERIFY(!QFile::exists(temp));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/env")));
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("env"))));
    for (const char *name : {"execution.json", "main.py", "output.log", "error.log", "executor.log", "result.json"})
        QVERIFY2(QFile::exists(agent.taskFile(QStringLiteral("env"), QString::fromLatin1(name))), name);
}

void TestExecutorRun::keepVenv_data()
{
    QTest::addColumn<bool>("flag");
    QTest::addColumn<bool>("field");
    QTest::newRow("--keep-venv") << true << false;
    QTest::newRow("KeepVirtualEnvironment") << false << true;
}

void TestExecutorRun::keepVenv()
{
    QFETCH(bool, flag);
    QFETCH(bool, field);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("keep"), "print(1)\n", {{QStringLiteral("KeepVirtualEnvironment"), field}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("keep"), flag ? QStringList{QStringLiteral("--keep-venv")} : QStringList()));
    QCOMPARE(run.exitCode, 0);
    QVERIFY(QFileInfo(agent.base() + QStringLiteral("/venvs/keep/bin/python")).exists());
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/Temp/keep")));
    // The next run rebuilds the kept venv rather than trusting it.
    const Run again = runExecutor(executorArgs(agent, QStringLiteral("keep")));
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(QFileInfo(agent.base() + QStringLiteral("/venvs/keep")).exists(), field);
}

void TestExecutorRun::requirementsFromLocalWheels()
{
    Agent agent;
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("2.1.0")).isEmpty());
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-invoices"), QStringLiteral("0.9"), {QStringLiteral("oa-greeter>=2")}).isEmpty());
    agent.makeScriptTask(QStringLiteral("pkgs"),
                         "import oa_greeter, oa_invoices\nprint(oa_greeter.greet('bot'), oa_invoices.__version__)\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-invoices==0.9")}}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("pkgs")), offlinePipEnvironment(wheels.path()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("pkgs"), QStringLiteral("output.log"))), QByteArray("oa-greeter 2.1.0 greets bot 0.9\n"));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("pkgs"), QStringLiteral("result.json")));
    const QVariantList freeze = result.value("PipFreeze").toArray().toVariantList();
    QVERIFY(freeze.contains(QStringLiteral("oa-invoices==0.9")));
    QVERIFY(freeze.contains(QStringLiteral("oa-greeter==2.1.0")));
    QVERIFY(result.value("StageDurationsMs").toObject().contains("Requirements"));
    // pip resolved the set, and the store of distributions installed it (pip's output says what it chose).
    const QByteArray pipLog = readFile(agent.taskFile(QStringLiteral("pkgs"), QStringLiteral("pip.log")));
    QVERIFY2(pipLog.contains("Would install") && pipLog.contains("oa-invoices-0.9"), pipLog.constData());
}

void TestExecutorRun::requirementsTxtNextToScript()
{
    Agent agent;
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-fromtxt"), QStringLiteral("1.0")).isEmpty());
    agent.makeTask(QStringLiteral("txt"),
                   QJsonObject{{QStringLiteral("ExecutionId"), QStringLiteral("txt")}, {QStringLiteral("ScriptPath"), QStringLiteral("bot/run.py")}},
                   {{QStringLiteral("bot/run.py"), "import oa_fromtxt\nprint(oa_fromtxt.__version__)\n"},
                    {QStringLiteral("bot/requirements.txt"), "# pinned\noa-fromtxt==1.0\n"}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("txt")), offlinePipEnvironment(wheels.path()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("txt"), QStringLiteral("output.log"))), QByteArray("1.0\n"));
}

void TestExecutorRun::camelCaseAndUnknownKeys()
{
    Agent agent;
    agent.makeTaskRaw(QStringLiteral("camel"),
                      R"({"executionId":"camel","scriptPath":"main.py","arguments":["x"],"requirements":[],"botName":"Bot 7"})",
                      {{QStringLiteral("main.py"), kEchoArgs}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("camel")));
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.err.contains("unknown key \\\"botName\\\" is ignored") || run.err.contains("unknown key \"botName\" is ignored"));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("camel"), QStringLiteral("result.json")));
    QVERIFY(result.value("Warnings").toArray().first().toString().contains(QStringLiteral("botName")));
}

void TestExecutorRun::backgroundLeftoversStopped()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("bg"),
                         "import subprocess\n"
                         "p = subprocess.Popen(['sleep', '300'])\n"
                         "open('bg.pid', 'w').write(str(p.pid))\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("bg")));
    QCOMPARE(run.exitCode, 0);
    const qint64 pid = readFile(agent.taskFile(QStringLiteral("bg"), QStringLiteral("bg.pid"))).toLongLong();
    QVERIFY(pid > 0);
    QVERIFY(!isProcessAlive(pid));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("bg"), QStringLiteral("result.json")));
    QVERIFY(QJsonDocument(result.value("Warnings").toArray()).toJson().contains("left 1 process(es) running"));
}

void TestExecutorRun::executorLogIsClef()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("clef"), "print(1)\n");
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("clef"))).exitCode, 0);
    const QList<QByteArray> lines = readFile(agent.taskFile(QStringLiteral("clef"), QStringLiteral("executor.log"))).trimmed().split('\n');
    QVERIFY(lines.size() >= 4);
    QStringList contexts;
    for (const QByteArray &line : lines) {
        QJsonParseError error;
        const QJsonObject event = QJsonDocument::fromJson(line, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        QVERIFY(QDateTime::fromString(event.value("@t").toString(), Qt::ISODateWithMs).isValid());
        QVERIFY(!event.value("@mt").toString().isEmpty());
        QCOMPARE(event.value("ExecutionId").toString(), QStringLiteral("clef"));
        contexts.append(event.value("SourceContext").toString());
    }
    QVERIFY(contexts.contains(QStringLiteral("oa.lock")));
    QVERIFY(contexts.contains(QStringLiteral("oa.venv")));
    QVERIFY(contexts.contains(QStringLiteral("oa.run")));
}

QTEST_GUILESS_MAIN(TestExecutorRun)
#include "tst_executor_run.moc"
