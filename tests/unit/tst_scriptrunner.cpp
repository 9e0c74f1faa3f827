#include "run/ScriptRunner.h"
#include "TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using oa::ScriptLaunch;
using oa::ScriptRunner;

class TestScriptRunner : public QObject {
    Q_OBJECT
private slots:
    void environment();
    void runsInTaskFolderWithArguments();
    void startFailure_data();
    void startFailure();

private:
    ScriptLaunch launch() const;
    QTemporaryDir m_tmp;
};

ScriptLaunch TestScriptRunner::launch() const
{
    ScriptLaunch l;
    l.executionId = QStringLiteral("job-7");
    l.python = oatest::python();
    l.venvDir = m_tmp.filePath(QStringLiteral("venv"));
    l.venvBinDir = l.venvDir + QStringLiteral("/bin");
    l.taskDir = m_tmp.filePath(QStringLiteral("task"));
    l.tempDir = m_tmp.filePath(QStringLiteral("temp"));
    l.outputLog = l.taskDir + QStringLiteral("/output.log");
    l.errorLog = l.taskDir + QStringLiteral("/error.log");
    return l;
}

void TestScriptRunner::environment()
{
    QProcessEnvironment base;
    base.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin"));
    base.insert(QStringLiteral("PYTHONHOME"), QStringLiteral("/elsewhere"));
    base.insert(QStringLiteral("PIP_INDEX_URL"), QStringLiteral("http://mirror.local/simple"));
    const QProcessEnvironment env = ScriptRunner::environment(launch(), base);
    QCOMPARE(env.value("TMP"), launch().tempDir);
    QCOMPARE(env.value("TEMP"), launch().tempDir);
    QCOMPARE(env.value("TMPDIR"), launch().tempDir);
    QCOMPARE(env.value("PYTHONUNBUFFERED"), QStringLiteral("1"));
    QCOMPARE(env.value("PYTHONIOENCODING"), QStringLiteral("utf-8"));
    QCOMPARE(env.value("OPENAUTOMATE_EXECUTION_ID"), QStringLiteral("job-7"));
    QCOMPARE(env.value("OPENAUTOMATE_TASK_DIR"), launch().taskDir);
    QCOMPARE(env.value("VIRTUAL_ENV"), launch().venvDir);
    QCOMPARE(env.value("PATH"), launch().venvBinDir + QStringLiteral(":/usr/bin"));
    QVERIFY(!env.contains("PYTHONHOME"));
    QCOMPARE(env.value("PIP_INDEX_URL"), QStringLiteral("http://mirror.local/simple")); // the agent's settings pass through
}

void TestScriptRunner::runsInTaskFolderWithArguments()
{
    ScriptLaunch l = launch();
    QVERIFY(QDir().mkpath(l.taskDir));
    QVERIFY(QDir().mkpath(l.tempDir));
    l.scriptFile = l.taskDir + QStringLiteral("/main.py");
    QFile script(l.scriptFile);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("import json, os, sys, tempfile\n"
                 "print(json.dumps({'cwd': os.getcwd(), 'argv': sys.argv[1:], 'tmp': tempfile.gettempdir()}))\n"
                 "print('to stderr', file=sys.stderr)\n"
                 "sys.exit(5)\n");
    script.close();
    l.arguments = {QStringLiteral("a b"), QStringLiteral("\"quoted\""), QString()};
    const oa::ProcessExit exit = ScriptRunner::run(l);
    QCOMPARE(exit.conventionalExitCode(), 5);
    const QJsonObject seen = QJsonDocument::fromJson(oatest::readFile(l.outputLog)).object();
    QCOMPARE(seen.value("cwd").toString(), l.taskDir);
    QCOMPARE(seen.value("tmp").toString(), l.tempDir);
    QCOMPARE(seen.value("argv").toArray().toVariantList(), QVariantList({"a b", "\"quoted\"", ""}));
    QCOMPARE(oatest::readFile(l.errorLog), QByteArray("to stderr\n"));
}

void TestScriptRunner::startFailure_data()
{
    QTest::addColumn<QString>("python");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("expected");
    // The OS refusing the arguments is the task's fault (exit 4), even if validation let them by.
    QTest::newRow("E2BIG") << oatest::python() << QStringList{QString(1024 * 1024, u'x')} << int(oa::ErrorKind::InvalidTask)
                           << "execution.json: Arguments: the OS refused to start the script with its 1 argument(s) (1048585 bytes)";
    QTest::newRow("no interpreter") << m_tmp.filePath(QStringLiteral("venv/bin/python")) << QStringList{QStringLiteral("a")}
                                    << int(oa::ErrorKind::Environment) << "cannot start " + m_tmp.filePath(QStringLiteral("venv/bin/python"));
}

void TestScriptRunner::startFailure()
{
    QFETCH(QString, python);
    QFETCH(QStringList, arguments);
    QFETCH(int, code);
    QFETCH(QString, expected);
    ScriptLaunch l = launch();
    QVERIFY(QDir().mkpath(l.taskDir));
    l.python = python;
    l.scriptFile = l.taskDir + QStringLiteral("/main.py");
    l.arguments = arguments;
    const oa::ProcessExit exit = ScriptRunner::run(l);
    QVERIFY(!exit.started);
    const oa::Error failure = ScriptRunner::startFailure(l, exit);
    QCOMPARE(int(failure.kind), code);
    QVERIFY2(failure.message.contains(expected), qPrintable(failure.message));
}

QTEST_GUILESS_MAIN(TestScriptRunner)
#include "tst_scriptrunner.moc"
