// The log views offscreen: problems counted and coloured instead of every stderr line, the
// level filter, find, the line bound and paging back, pip.log, and reads off the UI thread.
#include "fs/AgentPaths.h"
#include "LogFindBar.h"
#include "LogTabs.h"
#include "LogView.h"
#include "TaskDetailPane.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTest>
#include <QTextBlock>

#include <sys/stat.h>

using namespace oatest;
using Filter = LogView::Filter;

namespace {

constexpr int kWaitMs = 5000;

const QByteArray kStderr = "INFO:root:starting invoice run\n"
                           "INFO:root:read 12 invoices\n"
                           "WARNING:root:invoice 7 has no due date\n"
                           "Traceback (most recent call last):\n"
                           "  File \"/srv/task/main.py\", line 9, in <module>\n"
                           "    total = amount / count\n"
                           "ZeroDivisionError: division by zero\n"
                           "ERROR:root:invoice 9 was rejected\n"
                           "INFO:root:done\n";

void write(const QString &path, const QByteArray &data, QIODevice::OpenMode mode = QIODevice::WriteOnly | QIODevice::Truncate)
{
    QFile file(path);
    QVERIFY2(file.open(mode), qPrintable(path));
    QCOMPARE(file.write(data), data.size());
}

QByteArray numberedLines(int from, int to)
{
    QByteArray lines;
    for (int i = from; i < to; ++i)
        lines += "line " + QByteArray::number(i) + '\n';
    return lines;
}

QString firstLine(const LogView &view)
{
    return view.text().section(u'\n', 0, 0);
}

QString lastLine(const LogView &view)
{
    return view.text().section(u'\n', -1);
}

int selectedLine(const LogView &view)
{
    return view.textEdit()->textCursor().hasSelection() ? view.textEdit()->textCursor().blockNumber() : -1;
}

} // namespace

class TestLogView : public QObject {
    Q_OBJECT
private slots:
    void init();
    void stderrCountsProblemsNotLines();
    void executorLogCountsWarningsAndErrors();
    void filterHidesAndShows();
    void findMovesWrapsAndSaysNotFound();
    void ctrlFInTheLogIsNotTheWindowsSearch();
    void boundDropsOldLinesAndLoadEarlierBringsThemBack();
    void scrolledUpStaysOnItsLines();
    void pipLogTab();
    void appendedLinesArrive();
    void readsOffTheUiThread();

private:
    std::unique_ptr<Agent> m_agent;
    QString m_id = QStringLiteral("invoices");
};

void TestLogView::init()
{
    m_agent = std::make_unique<Agent>();
    m_agent->makeScriptTask(m_id, "print(1)\n");
}

void TestLogView::stderrCountsProblemsNotLines()
{
    write(m_agent->taskFile(m_id, QStringLiteral("error.log")), kStderr);
    write(m_agent->taskFile(m_id, QStringLiteral("output.log")), "INFO:root:progress 1 of 2\nprocessed\n");
    TaskDetailPane pane;
    pane.showTask(oa::AgentPaths(m_agent->base()), m_id);
    LogView *errors = pane.errorView();
    LogView *output = pane.logs()->view(LogTabs::Output);
    QTRY_VERIFY_WITH_TIMEOUT(errors->text().contains(QStringLiteral("INFO:root:done")), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(output->text().contains(QStringLiteral("processed")), kWaitMs);
    // The traceback is one problem, the ERROR line another; INFO and WARNING lines are none.
    QCOMPARE(errors->errorCount(), 2);
    QCOMPARE(errors->warningCount(), 0);
    const int stderrTab = pane.indexOf(errors);
    const int stdoutTab = pane.indexOf(output);
    QCOMPARE(pane.tabText(stderrTab), QStringLiteral("std&err (2 problems)"));
    QVERIFY(!pane.tabIcon(stderrTab).isNull());
    QCOMPARE(pane.tabText(stdoutTab), QStringLiteral("std&out"));
    QVERIFY(pane.tabIcon(stdoutTab).isNull());

    // Only problems stand out: an INFO line is plain, every line of the traceback is red.
    QTextDocument *doc = errors->textEdit()->document();
    const auto weight = [doc](int line) { return QTextCursor(doc->findBlockByNumber(line)).charFormat().fontWeight(); };
    QCOMPARE(weight(0), int(QFont::Normal));
    for (int line = 3; line <= 7; ++line)
        QCOMPARE(weight(line), int(QFont::Bold));
    QCOMPARE(weight(8), int(QFont::Normal));

    // A problem written later is counted in the tab as it arrives.
    write(m_agent->taskFile(m_id, QStringLiteral("error.log")), "CRITICAL:root:disk full\n", QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE_WITH_TIMEOUT(pane.tabText(stderrTab), QStringLiteral("std&err (3 problems)"), kWaitMs);
    QCOMPARE(errors->errorCount(), 3);

    // Another task without problems: plain tab, no icon.
    m_agent->makeScriptTask(QStringLiteral("quiet"), "print(1)\n");
    write(m_agent->taskFile(QStringLiteral("quiet"), QStringLiteral("error.log")), "INFO:root:all fine\n");
    pane.showTask(oa::AgentPaths(m_agent->base()), QStringLiteral("quiet"));
    QTRY_VERIFY_WITH_TIMEOUT(errors->text().contains(QStringLiteral("all fine")), kWaitMs);
    QCOMPARE(pane.tabText(stderrTab), QStringLiteral("std&err"));
    QVERIFY(pane.tabIcon(stderrTab).isNull());
}

void TestLogView::executorLogCountsWarningsAndErrors()
{
    const QString path = m_agent->taskFile(m_id, QStringLiteral("executor.log"));
    write(path, R"({"@t":"2026-11-26T05:08:39.596Z","@mt":"Locked {Path}","Path":"/x","SourceContext":"oa.lock"}
{"@t":"2026-11-26T05:08:40.000Z","@mt":"Held to {Max}","Max":3600,"@l":"Warning","SourceContext":"oa.config"}
{"@t":"2026-11-26T05:08:41.000Z","@mt":"pip failed","@l":"Error","SourceContext":"oa.pip"}
)");
    TaskDetailPane pane;
    pane.showTask(oa::AgentPaths(m_agent->base()), m_id);
    LogView *executor = pane.logs()->view(LogTabs::Executor);
    QTRY_COMPARE_WITH_TIMEOUT(executor->lineCount(), 3, kWaitMs);
    QCOMPARE(executor->warningCount(), 1);
    QCOMPARE(executor->errorCount(), 1);
    QCOMPARE(pane.tabText(pane.indexOf(executor)), QStringLiteral("E&xecutor log (2 problems)"));
    QVERIFY(executor->text().contains(QStringLiteral("WARN [oa.config] Held to 3600")));
    executor->setFilter(Filter::ErrorsOnly);
    QVERIFY(executor->visibleText().endsWith(QStringLiteral("ERRO [oa.pip] pip failed")));
    QCOMPARE(executor->visibleText().count(u'\n'), 0);
}

void TestLogView::filterHidesAndShows()
{
    const QString path = m_agent->taskFile(m_id, QStringLiteral("error.log"));
    write(path, kStderr);
    LogView view(LogView::Kind::Text);
    view.setFile(path);
    QTRY_COMPARE_WITH_TIMEOUT(view.lineCount(), 9, kWaitMs);
    QCOMPARE(view.visibleText(), QString::fromUtf8(kStderr.chopped(1)));

    auto *combo = view.findChild<QComboBox *>(QStringLiteral("levelFilter"));
    QVERIFY(combo);
    combo->setCurrentIndex(combo->findData(int(Filter::ErrorsOnly)));
    QCOMPARE(view.filter(), Filter::ErrorsOnly);
    QCOMPARE(view.visibleText(), QStringLiteral("Traceback (most recent call last):\n"
                                                "  File \"/srv/task/main.py\", line 9, in <module>\n"
                                                "    total = amount / count\n"
                                                "ZeroDivisionError: division by zero\n"
                                                "ERROR:root:invoice 9 was rejected"));
    QVERIFY(!view.textEdit()->document()->findBlockByNumber(0).isVisible());

    view.setFilter(Filter::WarningsAndErrors);
    QCOMPARE(combo->currentData().toInt(), int(Filter::WarningsAndErrors));
    QVERIFY(view.visibleText().startsWith(QStringLiteral("WARNING:root:invoice 7 has no due date\nTraceback")));
    QVERIFY(!view.visibleText().contains(QStringLiteral("INFO")));

    // New lines obey the filter as they arrive.
    write(path, "INFO:root:late\nERROR:root:late failure\n", QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE_WITH_TIMEOUT(view.lineCount(), 11, kWaitMs);
    QVERIFY(view.visibleText().endsWith(QStringLiteral("ERROR:root:late failure")));
    QVERIFY(!view.visibleText().contains(QStringLiteral("INFO:root:late")));

    view.setFilter(Filter::All);
    QCOMPARE(view.visibleText(), view.text());
}

void TestLogView::findMovesWrapsAndSaysNotFound()
{
    const QString path = m_agent->taskFile(m_id, QStringLiteral("output.log"));
    write(path, "start\nneedle one\nhay\nERROR:root:needle two\nhay\nneedle three\nend\n");
    LogView view(LogView::Kind::Text);
    view.resize(600, 400);
    view.show();
    view.setFile(path);
    QTRY_COMPARE_WITH_TIMEOUT(view.lineCount(), 7, kWaitMs);
    LogFindBar *bar = view.findBar();
    QVERIFY(bar->isHidden());

    QTest::keyClick(view.textEdit(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(!bar->isHidden());
    QTest::keyClicks(bar->field(), QStringLiteral("NEEDLE")); // as you type, case-insensitive
    QCOMPARE(selectedLine(view), 1);
    QCOMPARE(bar->status(), QStringLiteral("1 of 3"));
    QCOMPARE(view.textEdit()->extraSelections().size(), 3); // every match stands out

    QTest::keyClick(bar->field(), Qt::Key_Return);
    QCOMPARE(selectedLine(view), 3);
    QTest::keyClick(bar->field(), Qt::Key_F3);
    QCOMPARE(selectedLine(view), 5);
    QCOMPARE(bar->status(), QStringLiteral("3 of 3"));
    QTest::keyClick(bar->field(), Qt::Key_Return); // past the last: wraps to the first
    QCOMPARE(selectedLine(view), 1);
    QCOMPARE(bar->status(), QStringLiteral("1 of 3, wrapped around"));
    QTest::keyClick(bar->field(), Qt::Key_Return, Qt::ShiftModifier); // and back over the top
    QCOMPARE(selectedLine(view), 5);
    QTest::keyClick(view.textEdit(), Qt::Key_F3, Qt::ShiftModifier); // F3 works in the text too
    QCOMPARE(selectedLine(view), 3);
    QCOMPARE(bar->status(), QStringLiteral("2 of 3"));

    // Lines the filter hides are not found.
    view.setFilter(Filter::ErrorsOnly);
    QCOMPARE(bar->status(), QStringLiteral("1 of 1"));
    QCOMPARE(view.textEdit()->extraSelections().size(), 1);
    QTest::keyClick(bar->field(), Qt::Key_Return);
    QCOMPARE(selectedLine(view), 3); // the only shown match, found again after wrapping
    QCOMPARE(bar->status(), QStringLiteral("1 of 1, wrapped around"));
    view.setFilter(Filter::All);

    QTest::keyClicks(bar->field(), QStringLiteral(" four"));
    QCOMPARE(bar->status(), QStringLiteral("Not found"));
    QCOMPARE(selectedLine(view), -1);
    QVERIFY(view.textEdit()->extraSelections().isEmpty());

    QTest::keyClick(bar->field(), Qt::Key_Escape);
    QVERIFY(bar->isHidden());
    QVERIFY(view.textEdit()->extraSelections().isEmpty());
}

void TestLogView::ctrlFInTheLogIsNotTheWindowsSearch()
{
    // The monitor's window has its own Ctrl+F (the task search); in a log it finds in the log.
    QMainWindow window;
    auto *view = new LogView(LogView::Kind::Text);
    window.setCentralWidget(view);
    int windowFinds = 0;
    QAction *find = window.addAction(QStringLiteral("Find"));
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, &window, [&windowFinds] { ++windowFinds; });
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    view->textEdit()->setFocus();
    QTest::keyClick(view->textEdit(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(!view->findBar()->isHidden());
    QCOMPARE(windowFinds, 0);
    QTest::keyClick(view->findBar()->field(), Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(windowFinds, 0);
    QTest::keyClick(view->findBar()->field(), Qt::Key_Escape);
    QVERIFY(view->findBar()->isHidden());
    // Outside the text the window's Ctrl+F still works.
    auto *combo = view->findChild<QComboBox *>(QStringLiteral("levelFilter"));
    combo->setFocus();
    QTest::keyClick(combo, Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(windowFinds, 1);
}

void TestLogView::boundDropsOldLinesAndLoadEarlierBringsThemBack()
{
    const QString path = m_agent->taskFile(m_id, QStringLiteral("output.log"));
    QByteArray content = numberedLines(0, 30);
    content.replace("line 5\n", "ERROR:root:line 5\n");
    write(path, content);
    LogView view(LogView::Kind::Text, nullptr, 10);
    view.show();
    view.setFile(path);
    QTRY_COMPARE_WITH_TIMEOUT(lastLine(view), QStringLiteral("line 29"), kWaitMs);
    QCOMPARE(view.lineCount(), 10);
    QCOMPARE(firstLine(view), QStringLiteral("line 20"));
    QVERIFY(view.hasEarlier());
    QCOMPARE(view.errorCount(), 0);

    // Following the end, the oldest line goes for each new one.
    write(path, "line 30\n", QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE_WITH_TIMEOUT(lastLine(view), QStringLiteral("line 30"), kWaitMs);
    QCOMPARE(view.lineCount(), 10);
    QCOMPARE(firstLine(view), QStringLiteral("line 21"));

    // Paging back brings the dropped lines again, next to the ones shown; past the bound the
    // newest go, and the view stops following the end.
    auto *earlier = view.findChild<QPushButton *>(QStringLiteral("loadEarlier"));
    auto *back = view.findChild<QPushButton *>(QStringLiteral("backToTheEnd"));
    QVERIFY(earlier && back);
    QVERIFY(earlier->isEnabled());
    QVERIFY(back->isHidden());
    QTest::mouseClick(earlier, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(firstLine(view), QStringLiteral("line 11"), kWaitMs);
    QCOMPARE(lastLine(view), QStringLiteral("line 20"));
    QCOMPARE(view.lineCount(), 10);
    QVERIFY(!view.isFollowing());
    view.loadEarlier();
    QTRY_COMPARE_WITH_TIMEOUT(firstLine(view), QStringLiteral("line 1"), kWaitMs);
    QCOMPARE(lastLine(view), QStringLiteral("line 10"));
    QCOMPARE(view.errorCount(), 1); // line 5, now held
    view.loadEarlier();
    QTRY_COMPARE_WITH_TIMEOUT(firstLine(view), QStringLiteral("line 0"), kWaitMs);
    QCOMPARE(lastLine(view), QStringLiteral("line 9"));
    QVERIFY(!view.hasEarlier());

    QVERIFY(!earlier->isEnabled());
    QVERIFY(!back->isHidden());

    // Back to the end shows the end again, with what was appended meanwhile.
    write(path, "line 31\n", QIODevice::WriteOnly | QIODevice::Append);
    QTest::mouseClick(back, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(lastLine(view), QStringLiteral("line 31"), kWaitMs);
    QCOMPARE(firstLine(view), QStringLiteral("line 22"));
    QVERIFY(view.isFollowing());
    QCOMPARE(view.errorCount(), 0);
    QVERIFY(back->isHidden());
}

void TestLogView::scrolledUpStaysOnItsLines()
{
    const QString path = m_agent->taskFile(m_id, QStringLiteral("output.log"));
    write(path, numberedLines(0, 40));
    LogView view(LogView::Kind::Text, nullptr, 40);
    view.resize(400, 200);
    view.show();
    view.setFile(path);
    QTRY_COMPARE_WITH_TIMEOUT(view.lineCount(), 40, kWaitMs);
    QPlainTextEdit *text = view.textEdit();
    text->verticalScrollBar()->setValue(10);
    const auto topLine = [text] { return text->cursorForPosition(QPoint(2, 2)).block().text(); };
    QCOMPARE(topLine(), QStringLiteral("line 10"));
    write(path, numberedLines(40, 43), QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE_WITH_TIMEOUT(lastLine(view), QStringLiteral("line 42"), kWaitMs);
    QCOMPARE(firstLine(view), QStringLiteral("line 3"));
    QCOMPARE(topLine(), QStringLiteral("line 10"));
}

void TestLogView::pipLogTab()
{
    write(m_agent->taskFile(m_id, QStringLiteral("pip.log")),
          "Collecting invoice-tools==1.2\n"
          "ERROR: Could not find a version that satisfies the requirement invoice-tools==1.2\n");
    TaskDetailPane pane;
    pane.showTask(oa::AgentPaths(m_agent->base()), m_id);
    LogView *pip = pane.logs()->view(LogTabs::Pip);
    QVERIFY(pip);
    QCOMPARE(pip->file(), m_agent->taskFile(m_id, QStringLiteral("pip.log")));
    QTRY_VERIFY_WITH_TIMEOUT(pip->text().startsWith(QStringLiteral("Collecting invoice-tools==1.2")), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(pane.tabText(pane.indexOf(pip)), QStringLiteral("&pip.log (1 problem)"), kWaitMs);
    pane.showTask(oa::AgentPaths(m_agent->base()), QString());
    QVERIFY(pip->file().isEmpty());
    QCOMPARE(pane.tabText(pane.indexOf(pip)), QStringLiteral("&pip.log"));
}

void TestLogView::appendedLinesArrive()
{
    const QString path = m_agent->taskFile(m_id, QStringLiteral("output.log"));
    write(path, "first\n");
    LogView view(LogView::Kind::Text);
    view.setFile(path);
    QTRY_COMPARE_WITH_TIMEOUT(view.text(), QStringLiteral("first"), kWaitMs);
    write(path, "second\nthi", QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE_WITH_TIMEOUT(view.text(), QStringLiteral("first\nsecond"), kWaitMs); // a line shows once it ends
    write(path, "rd\n", QIODevice::WriteOnly | QIODevice::Append);
    QTRY_COMPARE_WITH_TIMEOUT(view.text(), QStringLiteral("first\nsecond\nthird"), kWaitMs);
    QVERIFY(view.isFollowing());
}

void TestLogView::readsOffTheUiThread()
{
    // setFile() returns before anything is read: the read runs on the thread pool and its
    // result comes back through the event loop. A FIFO in place of a log is refused at once.
    const QString path = m_agent->taskFile(m_id, QStringLiteral("output.log"));
    write(path, numberedLines(0, 1000));
    LogView view(LogView::Kind::Text);
    view.setFile(path);
    QVERIFY(view.text().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(view.lineCount(), 1000, kWaitMs);
    const QString fifo = m_agent->taskFile(m_id, QStringLiteral("error.log"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    view.setFile(fifo);
    QCOMPARE(view.lineCount(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(view.findChild<QLabel *>(QStringLiteral("header"))->text().contains(QStringLiteral("not written yet")), kWaitMs);
    QCOMPARE(view.lineCount(), 0);
}

QTEST_MAIN(TestLogView)
#include "tst_logview.moc"
