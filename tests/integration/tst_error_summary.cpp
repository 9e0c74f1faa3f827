// result.json's ErrorSummary (issue 23) through the real executor and a real Python, without pip:
// the reason of a traceback, sys.exit("..."), sys.exit(3) after stderr lines, a silent script,
// an invalid execution.json, a timeout and a cancel; null on success; stderr that is hostile
// (terminal escapes, a 10 MB line, a FIFO in its place) still gives one bounded, escaped line at
// once; --list and --history carry it; and a stop the configuration or the operator asked for
// logs no Error.
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace oatest;

namespace {

QJsonObject resultOf(const Agent &agent, const QString &id)
{
    return readJson(agent.taskFile(id, QStringLiteral("result.json")));
}

// The executor.log events at Error level (CLEF: one JSON object a line).
QStringList errorEvents(const Agent &agent, const QString &id)
{
    QStringList errors;
    for (const QByteArray &line : readFile(agent.taskFile(id, QStringLiteral("executor.log"))).split('\n')) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (event.value(QStringLiteral("@l")).toString() == QLatin1String("Error"))
            errors.append(QString::fromUtf8(line));
    }
    return errors;
}

// A script that writes `stderr` (Python source of one expression giving bytes), then exits with `code`.
QByteArray writesThenExits(const QByteArray &stderrBytes, int code)
{
    return "import sys\nsys.stderr.buffer.write(" + stderrBytes + ")\nsys.stderr.flush()\nsys.exit(" + QByteArray::number(code) + ")\n";
}

} // namespace

class TestErrorSummary : public QObject {
    Q_OBJECT
private slots:
    void scriptFailures_data();
    void scriptFailures();
    void successHasNone();
    void invalidExecutionNamesTheField();
    void timeoutIsTheReasonAndNoError();
    void cancelLogsNoError();
    void hostileStderr_data();
    void hostileStderr();
    void fifoInPlaceOfStderr();
    void listCarriesTheReason();
};

void TestErrorSummary::scriptFailures_data()
{
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("traceback") << QByteArray("import logging\nlogging.warning('starting')\ndef f():\n    raise ValueError(\"bad input\")\nf()\n")
                               << 1 << QStringLiteral("ValueError: bad input");
    QTest::newRow("sys.exit with a message") << QByteArray("import sys\nprint('INFO:root:checking', file=sys.stderr)\n"
                                                           "sys.exit(\"probe failed: host unreachable\")\n")
                                             << 1 << QStringLiteral("probe failed: host unreachable");
    QTest::newRow("sys.exit(3) after two lines") << QByteArray("import sys\nprint('first line', file=sys.stderr)\n"
                                                               "print('the last one', file=sys.stderr)\nsys.exit(3)\n")
                                                 << 3 << QStringLiteral("the last one");
    QTest::newRow("an ERROR line before INFO noise")
        << QByteArray("import logging, sys\nlogging.basicConfig(level=logging.INFO)\nlogging.error('db down')\n"
                      "logging.info('cleaning up')\nsys.exit(1)\n")
        << 1 << QStringLiteral("ERROR:root:db down");
    QTest::newRow("nothing on stderr") << QByteArray("import sys\nprint('only stdout')\nsys.exit(3)\n") << 3
                                       << QStringLiteral("the script exited with code 3 and wrote nothing to stderr");
}

void TestErrorSummary::scriptFailures()
{
    QFETCH(QByteArray, script);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("t"), script);
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("t")));
    QCOMPARE(run.exitCode, exitCode);
    const QJsonObject result = resultOf(agent, QStringLiteral("t"));
    QCOMPARE(result.value(QStringLiteral("Outcome")).toString(), QStringLiteral("Failed"));
    QCOMPARE(result.value(QStringLiteral("ErrorSummary")).toString(), expected);
    QVERIFY2(errorEvents(agent, QStringLiteral("t")).isEmpty(), qPrintable(errorEvents(agent, QStringLiteral("t")).join(u'\n')));
}

void TestErrorSummary::successHasNone()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("ok"), "import sys\nprint('ERROR:root:handled, not fatal', file=sys.stderr)\n");
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("ok"))).exitCode, 0);
    const QJsonObject result = resultOf(agent, QStringLiteral("ok"));
    QVERIFY(result.contains(QStringLiteral("ErrorSummary")));
    QVERIFY(result.value(QStringLiteral("ErrorSummary")).isNull());
}

void TestErrorSummary::invalidExecutionNamesTheField()
{
    Agent agent;
    agent.makeTaskRaw(QStringLiteral("bad"), R"({"ExecutionId":"bad","ScriptPath":"main.py","Arguments":42})",
                      {{QStringLiteral("main.py"), "print(1)\n"}});
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("bad"))).exitCode, 4);
    const QString summary = resultOf(agent, QStringLiteral("bad")).value(QStringLiteral("ErrorSummary")).toString();
    QVERIFY2(summary.contains(QStringLiteral("Arguments: must be a string or an array of strings, not a number")), qPrintable(summary));
}

void TestErrorSummary::timeoutIsTheReasonAndNoError()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("slow"), "import time\ntime.sleep(60)\n",
                         {{QStringLiteral("TimeoutSeconds"), 1}, {QStringLiteral("GraceSeconds"), 1}});
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("slow"))).exitCode, 7);
    const QString summary = resultOf(agent, QStringLiteral("slow")).value(QStringLiteral("ErrorSummary")).toString();
    QVERIFY2(summary.startsWith(QStringLiteral("timed out after ")), qPrintable(summary));
    // A timeout the task asked for is the run doing as told: a warning, never an Error event.
    QVERIFY2(errorEvents(agent, QStringLiteral("slow")).isEmpty(), qPrintable(errorEvents(agent, QStringLiteral("slow")).join(u'\n')));
}

void TestErrorSummary::cancelLogsNoError()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("c"), "import os, time\nopen('started', 'w').write(str(os.getpid()))\ntime.sleep(60)\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("c")));
    QVERIFY(!waitForPids(agent.taskFile(QStringLiteral("c"), QStringLiteral("started"))).isEmpty());
    QCOMPARE(runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("c")}).exitCode, 0);
    QVERIFY(executor.waitForFinished(30000));
    QCOMPARE(executor.exitCode(), 8);
    const QString summary = resultOf(agent, QStringLiteral("c")).value(QStringLiteral("ErrorSummary")).toString();
    QVERIFY2(summary.startsWith(QStringLiteral("cancelled on request")), qPrintable(summary));
    QVERIFY2(errorEvents(agent, QStringLiteral("c")).isEmpty(), qPrintable(errorEvents(agent, QStringLiteral("c")).join(u'\n')));
}

void TestErrorSummary::hostileStderr_data()
{
    QTest::addColumn<QByteArray>("stderrBytes");
    QTest::addColumn<QString>("expected"); // a prefix of the summary
    QTest::addColumn<bool>("cut");
    QTest::newRow("terminal escapes") << QByteArray(R"(b"ok\nbad \x1b[2J\x1b]0;owned\x07 \xe2\x80\xae end\r\n")")
                                      << QStringLiteral("bad \\x1b[2J\\x1b]0;owned\\x07 \\u202e end") << false;
    QTest::newRow("a 10 MB line") << QByteArray(R"(b"x" * (10 * 1024 * 1024))") << QStringLiteral("xxxxxxxx") << true;
    QTest::newRow("a long line of escapes") << QByteArray(R"(b"\x1b" * 5000 + b"\n")") << QStringLiteral("\\x1b\\x1b") << true;
}

void TestErrorSummary::hostileStderr()
{
    QFETCH(QByteArray, stderrBytes);
    QFETCH(QString, expected);
    QFETCH(bool, cut);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("h"), writesThenExits(stderrBytes, 2));
    QElapsedTimer clock;
    clock.start();
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("h"))).exitCode, 2);
    QVERIFY2(clock.elapsed() < 30000, qPrintable(QString::number(clock.elapsed())));
    const QString summary = resultOf(agent, QStringLiteral("h")).value(QStringLiteral("ErrorSummary")).toString();
    QVERIFY2(summary.startsWith(expected), qPrintable(summary));
    QVERIFY2(summary.size() <= 300, qPrintable(QString::number(summary.size())));
    QCOMPARE(summary.endsWith(QChar(0x2026)), cut);
    for (const QChar c : summary)
        QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f && c.unicode() != 0x202e, qPrintable(summary));
    // Cut between escapes, never inside one.
    if (cut && expected.startsWith(u'\\'))
        QVERIFY2(QRegularExpression(QStringLiteral("^(\\\\x1b)+…$")).match(summary).hasMatch(), qPrintable(summary));
}

void TestErrorSummary::fifoInPlaceOfStderr()
{
    // The script puts a FIFO where its stderr was: read at the end, it would block for ever.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("f"), "import os, sys\nlog = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'error.log')\n"
                                              "os.unlink(log)\nos.mkfifo(log)\nsys.exit(5)\n");
    QElapsedTimer clock;
    clock.start();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("f")), cleanEnvironment(), 60000);
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(clock.elapsed() < 30000, qPrintable(QString::number(clock.elapsed())));
    const QString summary = resultOf(agent, QStringLiteral("f")).value(QStringLiteral("ErrorSummary")).toString();
    QVERIFY2(summary.startsWith(QStringLiteral("the script exited with code 5; its stderr cannot be read")), qPrintable(summary));
}

void TestErrorSummary::listCarriesTheReason()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("boom"), "raise RuntimeError('disk \\x1b[31mfull')\n");
    agent.makeScriptTask(QStringLiteral("fine"), "print('ok')\n");
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("boom"))).exitCode, 1);
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("fine"))).exitCode, 0);
    const QString expected = QStringLiteral("RuntimeError: disk \\x1b[31mfull");

    const Run json = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--list"), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    QHash<QString, QJsonValue> reasons;
    for (const QJsonValue &task : QJsonDocument::fromJson(json.out).object().value(QStringLiteral("Tasks")).toArray())
        reasons.insert(task.toObject().value(QStringLiteral("Id")).toString(), task.toObject().value(QStringLiteral("ErrorSummary")));
    QCOMPARE(reasons.value(QStringLiteral("boom")).toString(), expected); // as result.json has it
    QVERIFY(reasons.contains(QStringLiteral("fine")) && reasons.value(QStringLiteral("fine")).isNull());

    const Run text = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--list")});
    QCOMPARE(text.exitCode, 0);
    const QList<QByteArray> lines = text.out.split('\n');
    QVERIFY2(lines.first().trimmed().endsWith("REASON"), lines.first().constData());
    bool seen = false;
    for (const QByteArray &line : lines) {
        if (line.startsWith("boom ")) {
            seen = true;
            // Shown as written, escaped once: not "\\x1b".
            QVERIFY2(line.endsWith(expected.toUtf8()), line.constData());
        }
    }
    QVERIFY(seen);
    QVERIFY(!text.out.contains('\x1b'));

    // --history shows each run's reason the same way, escaped once.
    const Run history = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--history"), QStringLiteral("boom")});
    QCOMPARE(history.exitCode, 0);
    QVERIFY2(history.out.split('\n').value(1).endsWith(expected.toUtf8()), history.out.constData());
}

QTEST_GUILESS_MAIN(TestErrorSummary)
#include "tst_error_summary.moc"
