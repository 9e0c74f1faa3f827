// Nothing a tenant wrote reaches an operator raw (issue 21): the real executor's --list, --locks,
// --clear-lock and its own console log, over task folders and lock files that hold newlines,
// terminal escape sequences (ESC, BEL) and bidi overrides. One row per task and per lock, always,
// and no raw control byte on stdout or stderr; --json stays JSON, with the text as written.
#include "TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace oatest;

namespace {

// A ScriptPath that forges a row of its own, clears the screen, rings the bell and reverses text.
const QString kHostileScript = QStringLiteral("x.py\nforged     Succeeded  -      0     2026-11-01T08:00:00Z  2.5s  ok.py\x1b[2J\x1b[1;32m\x07")
                               + QChar(0x202e) + QStringLiteral("yp.niam");
const QString kHostileHost = QStringLiteral("bot\x1b]0;owned\x07\r07");
const QString kHostileApp = QStringLiteral("openautomate-executor\x1b[8m");

// Bytes that must never reach a terminal from text a task wrote: C0 but newline, DEL, the UTF-8
// forms of C1, U+2028/9 and the bidi overrides and isolates.
QString rawControl(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\n') || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029 || (u >= 0x202a && u <= 0x202e)
            || (u >= 0x2066 && u <= 0x2069))
            return QStringLiteral("U+%1").arg(int(u), 4, 16, QChar(u'0'));
    }
    return {};
}

QStringList lines(const QByteArray &out)
{
    QStringList all = QString::fromUtf8(out).split(u'\n');
    if (!all.isEmpty() && all.last().isEmpty())
        all.removeLast();
    return all;
}

} // namespace

class TestPrintableOutput : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void listHasOneRowPerTask();
    void listJsonKeepsTheText();
    void listJsonIsWhatQtWrites();
    void locksHaveOneRowPerLock();
    void runConsoleLogIsEscaped();
    void forceClearNamesTheHostEscaped();

private:
    QStringList tool(const QStringList &args) const { return QStringList{QStringLiteral("--base-dir"), m_agent.base()} + args; }
    Agent m_agent;
};

void TestPrintableOutput::initTestCase()
{
    for (int i = 1; i <= 8; ++i) {
        const QString id = QStringLiteral("task-%1").arg(i);
        m_agent.makeScriptTask(id, "print(1)\n");
        if (i % 2 == 0)
            writeResult(m_agent, id, QStringLiteral("Failed"), 1);
    }
    m_agent.makeTask(QStringLiteral("hostile"), QJsonObject{{QStringLiteral("ExecutionId"), QStringLiteral("hostile")},
                                                            {QStringLiteral("ScriptPath"), kHostileScript},
                                                            {QStringLiteral("Arguments"), QStringLiteral("--a\x1b[Ab\nc")}});
    // A lock "from another host" whose host and process names hold escape sequences: the lock
    // file is one line per field, so a newline cannot be in them, every other byte can.
    QDir().mkpath(m_agent.base() + QStringLiteral("/Locks"));
    QFile lock(m_agent.lockFile(QStringLiteral("task-1")));
    QVERIFY(lock.open(QIODevice::WriteOnly));
    lock.write(QStringLiteral("4242\n%1\n%2\nforeign-machine-id\nforeign-boot-id\n").arg(kHostileApp, kHostileHost).toUtf8());
}

void TestPrintableOutput::listHasOneRowPerTask()
{
    const Run run = runExecutor(tool({QStringLiteral("--list")}));
    QCOMPARE(run.exitCode, 0);
    const QStringList rows = lines(run.out);
    // The header, nine tasks, the count.
    QCOMPARE(rows.size(), 1 + 9 + 1);
    QVERIFY2(rawControl(run.out).isEmpty(), qPrintable(rawControl(run.out)));
    QVERIFY2(rawControl(run.err).isEmpty(), qPrintable(rawControl(run.err)));
    QVERIFY(rows.last().startsWith(QStringLiteral("9 tasks in ")));
    int forged = 0;
    for (const QString &row : rows)
        forged += row.startsWith(QStringLiteral("forged"));
    QCOMPARE(forged, 0);
    // The hostile row shows its text escaped, on its own line.
    const QString hostile = rows.filter(QRegularExpression(QStringLiteral("^hostile "))).value(0);
    QVERIFY2(hostile.contains(QStringLiteral("x.py\\nforged")), qPrintable(hostile));
    QVERIFY2(hostile.contains(QStringLiteral("\\x1b[2J\\x1b[1;32m\\x07\\u202eyp.niam")), qPrintable(hostile));
    // task-1's lock: its host name escaped in DETAIL.
    const QString locked = rows.filter(QRegularExpression(QStringLiteral("^task-1 "))).value(0);
    QVERIFY2(locked.contains(QStringLiteral("bot\\x1b]0;owned\\x07\\r07")), qPrintable(locked));
}

void TestPrintableOutput::listJsonKeepsTheText()
{
    const Run run = runExecutor(tool({QStringLiteral("--list"), QStringLiteral("--json")}));
    QCOMPARE(run.exitCode, 0);
    // JSON escapes C0 controls itself (a bidi override it leaves as UTF-8, as JSON allows).
    QVERIFY(!run.out.contains('\x1b') && !run.out.contains('\x07'));
    bool seen = false;
    for (const QJsonValue &t : QJsonDocument::fromJson(run.out).object().value(QStringLiteral("Tasks")).toArray())
        if (t.toObject().value(QStringLiteral("Id")).toString() == QStringLiteral("hostile")) {
            QCOMPARE(t.toObject().value(QStringLiteral("ScriptPath")).toString(), kHostileScript);
            seen = true;
        }
    QVERIFY(seen);
}

void TestPrintableOutput::listJsonIsWhatQtWrites()
{
    // --list --json writes its document directly (IndentedJsonWriter), not through QJsonDocument:
    // byte for byte what QJsonDocument writes for it, escapes (quotes, backslashes, controls, a
    // lone surrogate) and empty values included. Qt writes the document it reads back unchanged.
    Agent agent;
    agent.makeTaskRaw(QStringLiteral("odd"), R"({"ExecutionId": "odd", "ScriptPath": "m\"a\\in\u0001.py",
                                               "Arguments": "\ud800 \u00e9 \u2028 \t\u007f end", "Requirements": ["a", "b"]})");
    agent.makeScriptTask(QStringLiteral("done"), "print(1)\n");
    writeResult(agent, QStringLiteral("done"), QStringLiteral("Failed"), 3);
    agent.makeTaskRaw(QStringLiteral("broken"), "not json");
    writeForeignLock(agent, QStringLiteral("done"), kHostileHost);
    const Run run = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--list"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonDocument document = QJsonDocument::fromJson(run.out);
    QCOMPARE(document.object().value(QStringLiteral("Tasks")).toArray().size(), 3);
    QCOMPARE(run.out, document.toJson(QJsonDocument::Indented));
    // And with no task at all: an empty array as Qt writes one.
    Agent empty;
    QDir().mkpath(empty.base() + QStringLiteral("/Tasks"));
    const Run none = runExecutor({QStringLiteral("--base-dir"), empty.base(), QStringLiteral("--list"), QStringLiteral("--json")});
    QCOMPARE(none.out, QJsonDocument::fromJson(none.out).toJson(QJsonDocument::Indented));
}

void TestPrintableOutput::locksHaveOneRowPerLock()
{
    const Run run = runExecutor(tool({QStringLiteral("--locks")}));
    QCOMPARE(run.exitCode, 0);
    const QStringList rows = lines(run.out);
    QCOMPARE(rows.size(), 1 + 1 + 1);
    QVERIFY2(rawControl(run.out).isEmpty(), qPrintable(rawControl(run.out)));
    QVERIFY2(rows.at(1).contains(QStringLiteral("openautomate-executor\\x1b[8m")), qPrintable(rows.at(1)));
    QVERIFY2(rows.at(1).contains(QStringLiteral("bot\\x1b]0;owned\\x07\\r07")), qPrintable(rows.at(1)));

    const Run json = runExecutor(tool({QStringLiteral("--locks"), QStringLiteral("--json")}));
    const QJsonObject lock = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("Locks")).toArray().at(0).toObject();
    QCOMPARE(lock.value(QStringLiteral("Host")).toString(), kHostileHost);
}

// The executor's own stderr log: one line per event, each with its time, no raw control byte;
// executor.log (CLEF, JSON) keeps the text as written. The script's progress message is logged
// (a ScriptPath with control characters is refused before it is, naming no more than that).
void TestPrintableOutput::runConsoleLogIsEscaped()
{
    const QString id = QStringLiteral("progress");
    m_agent.makeScriptTask(id, "import time\n"
                               "from openautomate import progress\n"
                               "progress(50, 'half\\nforged line\\x1b[2J\\x07\\u202edone')\n"
                               "time.sleep(1)\n");
    const Run run = runExecutor(executorArgs(m_agent, id));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(rawControl(run.err).isEmpty(), qPrintable(rawControl(run.err) + u'\n' + QString::fromUtf8(run.err)));
    QVERIFY2(rawControl(run.out).isEmpty(), qPrintable(rawControl(run.out)));
    static const QRegularExpression stamped(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3} "));
    for (const QString &line : lines(run.err))
        QVERIFY2(stamped.match(line).hasMatch(), qPrintable(QStringLiteral("a line that is no log event: ") + line));
    QVERIFY2(run.err.contains("half\\nforged line\\x1b[2J\\x07\\u202edone"), run.err.constData());
    // The CLEF file holds the text as JSON escapes it, unchanged.
    const QByteArray clef = readFile(m_agent.taskFile(id, QStringLiteral("executor.log")));
    QVERIFY2(clef.contains("half\\nforged line\\u001b[2J\\u0007"), clef.constData());

    // The refused ScriptPath: the console log stays clean too.
    const Run refused = runExecutor(executorArgs(m_agent, QStringLiteral("hostile")));
    QCOMPARE(refused.exitCode, 4);
    QVERIFY2(rawControl(refused.err).isEmpty(), qPrintable(rawControl(refused.err)));
}

// Last: it removes task-1's lock.
void TestPrintableOutput::forceClearNamesTheHostEscaped()
{
    const Run run = runExecutor(tool({QStringLiteral("--clear-lock"), QStringLiteral("task-1"), QStringLiteral("--force")}));
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(rawControl(run.err).isEmpty(), qPrintable(rawControl(run.err)));
    QVERIFY2(run.err.contains("on host \"bot\\x1b]0;owned\\x07\\r07\""), run.err.constData());
}

QTEST_GUILESS_MAIN(TestPrintableOutput)
#include "tst_printable_output.moc"
