// The monitor shows what a task wrote escaped (issue 21): a ScriptPath with a newline, terminal
// escapes and a bidi override, a result message and a lock's host name, read from a real agent
// folder the way the monitor reads it, come out of the table models and the detail pane's rows as
// one line each, with "\n", "\x1b", "\u202e" where the raw characters were.
#include "LockTableModel.h"
#include "TaskTableModel.h"
#include "lock/LockInspector.h"
#include "tasks/TaskDetails.h"
#include "tasks/TaskScanner.h"
#include "TestSupport.h"

#include <QFile>
#include <QJsonObject>
#include <QTableView>
#include <QTest>

using namespace oatest;

namespace {

const QString kScript = QStringLiteral("x.py\nforged\x1b[2J\x07") + QChar(0x202e) + QStringLiteral("yp");
const QString kShownScript = QStringLiteral("x.py\\nforged\\x1b[2J\\x07\\u202eyp");

bool hasRawControl(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029 || (u >= 0x202a && u <= 0x202e)
            || (u >= 0x2066 && u <= 0x2069))
            return true;
    }
    return false;
}

} // namespace

class TestPrintableCells : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void taskCellsAreEscaped();
    void lockCellsAreEscaped();
    void detailRowsAreEscaped();

private:
    Agent m_agent;
};

void TestPrintableCells::initTestCase()
{
    m_agent.makeTask(QStringLiteral("hostile"), QJsonObject{{QStringLiteral("ExecutionId"), QStringLiteral("hostile")},
                                                            {QStringLiteral("ScriptPath"), kScript}});
    QVERIFY(writeFileBytes(m_agent.taskFile(QStringLiteral("hostile"), QStringLiteral("result.json")),
                           R"({"ExecutionId":"hostile","Outcome":"Failed","ExitCode":1,"Message":"bad\n\u001b[31mthing",)"
                           R"("StartedAt":"2026-11-01T08:00:00.000Z","FinishedAt":"2026-11-01T08:00:02.500Z","DurationMs":2500})"));
    m_agent.makeScriptTask(QStringLiteral("remote"), "print(1)\n");
    writeForeignLock(m_agent, QStringLiteral("remote"), QStringLiteral("bot\x1b]0;owned\x07"));
    // ErrorSummary as the executor writes it (escaped once: shown as it is, not "\\x1b"), and one
    // forged by hand with raw controls (escaped where it is shown).
    m_agent.makeScriptTask(QStringLiteral("reasoned"), "print(1)\n");
    QVERIFY(writeFileBytes(m_agent.taskFile(QStringLiteral("reasoned"), QStringLiteral("result.json")),
                           R"({"ExecutionId":"reasoned","Outcome":"Failed","ExitCode":1,"Message":"m",)"
                           R"("ErrorSummary":"RuntimeError: C:\\\\new \\x1b[31mfull","StartedAt":"2026-11-01T08:00:00.000Z"})"));
    m_agent.makeScriptTask(QStringLiteral("forged"), "print(1)\n");
    QVERIFY(writeFileBytes(m_agent.taskFile(QStringLiteral("forged"), QStringLiteral("result.json")),
                           R"({"ExecutionId":"forged","Outcome":"Failed","ExitCode":1,"Message":"m",)"
                           R"("ErrorSummary":"two\nlines\u001b[2J\u202e","StartedAt":"2026-11-01T08:00:00.000Z"})"));
}

void TestPrintableCells::taskCellsAreEscaped()
{
    TaskTableModel model;
    model.setRows(oa::TaskScanner(oa::AgentPaths(m_agent.base())).scan());
    QTableView view; // the cells as a view asks for them, offscreen
    view.setModel(&model);
    view.show();
    const int hostile = model.rowOf(QStringLiteral("hostile")), remote = model.rowOf(QStringLiteral("remote"));
    QVERIFY(hostile >= 0 && remote >= 0);
    QCOMPARE(model.rowCount(), 4);
    // Reason: an older record's Message, escaped; an ErrorSummary as written; a forged one escaped.
    QCOMPARE(model.index(hostile, TaskTableModel::ReasonColumn).data().toString(), QStringLiteral("bad\\n\\x1b[31mthing"));
    QCOMPARE(model.index(model.rowOf(QStringLiteral("reasoned")), TaskTableModel::ReasonColumn).data().toString(),
             QStringLiteral("RuntimeError: C:\\\\new \\x1b[31mfull"));
    QCOMPARE(model.index(model.rowOf(QStringLiteral("forged")), TaskTableModel::ReasonColumn).data().toString(),
             QStringLiteral("two\\nlines\\x1b[2J\\u202e"));
    const QModelIndex script = model.index(hostile, TaskTableModel::ScriptColumn);
    QCOMPARE(view.model()->data(script).toString(), kShownScript);
    QCOMPARE(script.data(Qt::ToolTipRole).toString(), kShownScript);
    const QString message = model.index(hostile, TaskTableModel::StateColumn).data(Qt::ToolTipRole).toString();
    QCOMPARE(message, QStringLiteral("bad\\n\\x1b[31mthing"));
    const QString lock = model.index(remote, TaskTableModel::LockColumn).data().toString();
    QVERIFY2(lock.contains(QStringLiteral("bot\\x1b]0;owned\\x07")), qPrintable(lock));
    for (int row = 0; row < model.rowCount(); ++row)
        for (int column = 0; column < TaskTableModel::ColumnCount; ++column)
            for (const int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)}) {
                const QString text = model.index(row, column).data(role).toString();
                QVERIFY2(!hasRawControl(text.split(u'\n').join(QString())), qPrintable(text)); // a tooltip's own lines may break
                if (role == Qt::DisplayRole)
                    QVERIFY2(!text.contains(u'\n'), qPrintable(text));
            }
}

void TestPrintableCells::lockCellsAreEscaped()
{
    LockTableModel model;
    model.setRows(oa::LockInspector(oa::AgentPaths(m_agent.base())).locks());
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, LockTableModel::HostColumn).data().toString(), QStringLiteral("bot\\x1b]0;owned\\x07"));
}

void TestPrintableCells::detailRowsAreEscaped()
{
    const oa::TaskDetails details = oa::TaskDetails::load(oa::AgentPaths(m_agent.base()), QStringLiteral("hostile"));
    QCOMPARE(details.rows.value(oa::TaskDetailRows::Field::Script), kShownScript);
    QCOMPARE(details.rows.value(oa::TaskDetailRows::Field::Message), QStringLiteral("bad\\n\\x1b[31mthing"));
    const oa::AgentPaths paths(m_agent.base());
    QCOMPARE(oa::TaskDetails::load(paths, QStringLiteral("reasoned")).rows.value(oa::TaskDetailRows::Field::LastError),
             QStringLiteral("RuntimeError: C:\\\\new \\x1b[31mfull"));
    QCOMPARE(oa::TaskDetails::load(paths, QStringLiteral("forged")).rows.value(oa::TaskDetailRows::Field::LastError),
             QStringLiteral("two\\nlines\\x1b[2J\\u202e"));
}

QTEST_MAIN(TestPrintableCells)
#include "tst_printable_cells.moc"
