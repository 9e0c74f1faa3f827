// Durations, sizes and arguments at and past their limits, through the real executor binary:
// every value it accepts must work as documented, and every value it refuses must be refused
// up front, with the field and the maximum named.
#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace oatest;

class TestExecutorLimits : public QObject {
    Q_OBJECT
private slots:
    void largeGraceStillSendsSigterm_data();
    void largeGraceStillSendsSigterm();
    void executionJsonAboveMaximum_data();
    void executionJsonAboveMaximum();
    void commandLineAboveMaximum_data();
    void commandLineAboveMaximum();
    void argumentTooLongForTheOs();
    void argumentListTooLongForTheOs();
    void argumentOf100KiBIsPassed();
    void requirementListTooLongForTheOs();
};

void TestExecutorLimits::largeGraceStillSendsSigterm_data()
{
    QTest::addColumn<QJsonObject>("execution");
    QTest::addColumn<QStringList>("options");
    // 3,000,000 s is 3e9 ms: past INT_MAX, where a wrapped int gave a negative grace and SIGKILL.
    QTest::newRow("GraceSeconds 3000000") << QJsonObject{{QStringLiteral("GraceSeconds"), 3000000}} << QStringList();
    QTest::newRow("GraceSeconds at the maximum") << QJsonObject{{QStringLiteral("GraceSeconds"), 1e9}} << QStringList();
    QTest::newRow("--grace-seconds 3000000") << QJsonObject() << QStringList{QStringLiteral("--grace-seconds"), QStringLiteral("3000000")};
}

void TestExecutorLimits::largeGraceStillSendsSigterm()
{
    QFETCH(QJsonObject, execution);
    QFETCH(QStringList, options);
    Agent agent;
    execution.insert(QStringLiteral("TimeoutSeconds"), 2);
    // The script records SIGTERM and leaves at once, so the long grace period is never waited out.
    agent.makeScriptTask(QStringLiteral("grace"),
                         "import os, signal, sys, time\n"
                         "def on_term(signum, frame):\n"
                         "    with open('term.tmp', 'w') as f: f.write('SIGTERM')\n"
                         "    os.rename('term.tmp', 'term')\n"
                         "    sys.exit(0)\n"
                         "signal.signal(signal.SIGTERM, on_term)\n"
                         "while True: time.sleep(0.05)\n",
                         execution);
    QElapsedTimer clock;
    clock.start();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("grace"), options), cleanEnvironment(), 60000);
    QVERIFY2(run.exitCode == 7, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("grace"), QStringLiteral("term"))), QByteArray("SIGTERM"));
    QVERIFY2(clock.elapsed() < 30000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("grace"), QStringLiteral("result.json"))).value("Outcome").toString(),
             QStringLiteral("TimedOut"));
}

void TestExecutorLimits::executionJsonAboveMaximum_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QString>("expected");
    QTest::newRow("TimeoutSeconds") << QByteArray(R"("TimeoutSeconds":1000000001)")
                                    << "execution.json: TimeoutSeconds: 1000000001 is out of range; the maximum is 1000000000 seconds";
    QTest::newRow("GraceSeconds") << QByteArray(R"("GraceSeconds":3e9)")
                                  << "execution.json: GraceSeconds: 3000000000 is out of range; the maximum is 1000000000 seconds";
    QTest::newRow("MaxMemoryMB") << QByteArray(R"("MaxMemoryMB":1e12)")
                                 << "execution.json: MaxMemoryMB: 1000000000000 is out of range; the maximum is 1000000000 MB";
    QTest::newRow("MaxCpuSeconds") << QByteArray(R"("MaxCpuSeconds":1e300)")
                                   << "execution.json: MaxCpuSeconds: 1e+300 is out of range; the maximum is 1000000000 seconds";
}

void TestExecutorLimits::executionJsonAboveMaximum()
{
    QFETCH(QByteArray, fields);
    QFETCH(QString, expected);
    Agent agent;
    agent.makeTaskRaw(QStringLiteral("max"), R"({"ExecutionId":"max","ScriptPath":"main.py",)" + fields + '}',
                      {{QStringLiteral("main.py"), "print(1)\n"}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("max")));
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("max"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Message").toString(), expected);
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Validate"));
}

void TestExecutorLimits::commandLineAboveMaximum_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("expected");
    QTest::newRow("--timeout above") << QStringList{"--timeout", "1e10"} << "--timeout: \"1e10\" is not a positive number of seconds up to the maximum of 1000000000";
    QTest::newRow("--timeout nan") << QStringList{"--timeout", "nan"} << "--timeout: \"nan\" is not a positive number of seconds up to the maximum of 1000000000";
    QTest::newRow("--timeout inf") << QStringList{"--timeout", "inf"} << "--timeout: \"inf\" is not a positive number of seconds up to the maximum of 1000000000";
    QTest::newRow("--grace-seconds above") << QStringList{"--grace-seconds", "1000000001"} << "--grace-seconds: \"1000000001\" is not a number of seconds (0 or more) up to the maximum of 1000000000";
    QTest::newRow("--grace-seconds negative") << QStringList{"--grace-seconds", "-1"} << "--grace-seconds: \"-1\" is not a number of seconds (0 or more) up to the maximum of 1000000000";
    // seconds * 1000 overflowed 64 bits in the cache's age check.
    QTest::newRow("--env-cache-max-age above") << QStringList{"--env-cache-max-age", "1e16"} << "--env-cache-max-age: \"1e16\" is above the maximum; give a duration such as 7d, 12h or 3600 (0 always rebuilds), at most 36500d";
    // NaN passed the old "<= 0" check and became an undefined integer.
    QTest::newRow("--env-cache-max-age nan") << QStringList{"--env-cache-max-age", "nan"} << "--env-cache-max-age: \"nan\" is not a number of 0 or more";
    QTest::newRow("--env-cache-max-size above") << QStringList{"--env-cache-max-size", "2000T"} << "--env-cache-max-size: \"2000T\" is above the maximum; give a size such as 10G or 500M, at most 1024T";
    QTest::newRow("--env-cache-max-size nan") << QStringList{"--env-cache-max-size", "nanG"} << "--env-cache-max-size: \"nanG\" is not a positive number";
}

void TestExecutorLimits::commandLineAboveMaximum()
{
    QFETCH(QStringList, options);
    QFETCH(QString, expected);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("cli"), "print(1)\n");
    const QStringList before = agent.listing();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("cli"), options));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    QCOMPARE(agent.listing(), before); // exit 1 touches nothing
}

// A refused argument list is the task's fault, found at validation: no interpreter is probed
// and no venv is built, and the message names Arguments, the culprit and the limit.
static void checkRefusedBeforeTheVenv(const Agent &agent, const QString &id, const Run &run, const QString &expected)
{
    QVERIFY2(run.exitCode == 4, run.err.constData());
    QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.right(2000).constData());
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QVERIFY2(result.value("Message").toString().contains(expected), qPrintable(result.value("Message").toString()));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("InvalidExecution"));
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Validate"));
    QVERIFY(!result.value("StageDurationsMs").toObject().contains("Environment"));
    QVERIFY(!result.contains("Python"));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/") + id));
}

void TestExecutorLimits::argumentTooLongForTheOs()
{
    // 1 MiB in one argument: Linux's execve() refuses any string over 32 pages (128 KiB).
    Agent agent;
    agent.makeScriptTask(QStringLiteral("huge"), "print(1)\n",
                         {{QStringLiteral("Arguments"), QJsonArray{QStringLiteral("small"), QString(1024 * 1024, u'x')}}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("huge")));
    checkRefusedBeforeTheVenv(agent, QStringLiteral("huge"), run,
                              QStringLiteral("execution.json: Arguments[1]: is 1048576 bytes long; the OS passes at most 131071 bytes"));
}

void TestExecutorLimits::argumentListTooLongForTheOs()
{
    // Each argument is fine on its own; 80 of 100 KiB pass ARG_MAX, which Linux caps at 6 MiB.
    Agent agent;
    QJsonArray arguments;
    for (int i = 0; i < 80; ++i)
        arguments.append(QString(100 * 1024, QChar(u'a' + i % 26)));
    agent.makeScriptTask(QStringLiteral("many"), "print(1)\n", {{QStringLiteral("Arguments"), arguments}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("many")));
    checkRefusedBeforeTheVenv(agent, QStringLiteral("many"), run, QStringLiteral("execution.json: Arguments: 80 string(s) need 8192720 bytes"));
    QVERIFY(run.err.contains("(ARG_MAX)"));
}

void TestExecutorLimits::argumentOf100KiBIsPassed()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("big"), "import sys\nprint(len(sys.argv[1]), sys.argv[2])\n",
                         {{QStringLiteral("Arguments"), QJsonArray{QString(100 * 1024, u'z'), QStringLiteral("end")}}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("big")));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("big"), QStringLiteral("output.log"))), QByteArray("102400 end\n"));
}

void TestExecutorLimits::requirementListTooLongForTheOs()
{
    // Requirements reach pip's command line: a list execve() cannot pass is exit 4 naming it,
    // not a pip failure (exit 6) after the venv was built.
    Agent agent;
    QJsonArray requirements;
    for (int i = 0; i < 80; ++i)
        requirements.append(QStringLiteral("pkg%1==1.0; python_version >= '%2'").arg(i).arg(QString(100 * 1024, u'3')));
    agent.makeScriptTask(QStringLiteral("reqs"), "print(1)\n", {{QStringLiteral("Requirements"), requirements}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("reqs")));
    checkRefusedBeforeTheVenv(agent, QStringLiteral("reqs"), run, QStringLiteral("execution.json: Requirements: 80 string(s) need"));
}

QTEST_GUILESS_MAIN(TestExecutorLimits)
#include "tst_executor_limits.moc"
