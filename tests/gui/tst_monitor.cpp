// The monitor, offscreen, over a fixture agent folder with a task in every state and real locks:
// the table, filters, details, logs, locks and leftovers (its configuration: tst_monitor_config).
#include "ConfigurationDialog.h"
#include "config/ExecutorSettings.h"
#include "LeftoverTableModel.h"
#include "LeftoversPanel.h"
#include "LockTableModel.h"
#include "LocksPanel.h"
#include "LogView.h"
#include "MainWindow.h"
#include "TaskActions.h"
#include "TaskDetailPane.h"
#include "TaskDetailsView.h"
#include "TaskFilterProxy.h"
#include "TaskTableModel.h"
#include "tasks/TaskDetails.h"
#include "MonitorWindowFixture.h"
#include "TestSupport.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QImage>
#include <QJsonArray>
#include <QPushButton>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QTableWidget>
#include <QProcess>
#include <QScrollBar>
#include <QSettings>
#include <QTreeWidget>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

class TestMonitor : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyStateShown();
    void stateFilterAndSearch();
    void refreshKeepsSelection();
    void detailPaneShowsResult();
    void logViewFollowsAppends();
    void logViewCopesWithTruncation();
    void clearingRemovesExactlyTheOrphaned();
    void forceClearNeedsItsOwnConfirmation();
    void leftoversCleanup();
    void environmentCacheCleared();
    void reasonColumnAndSearch();

private:
    int rowOf(const QString &id) const { return m_window->taskModel()->rowOf(id); }
    bool waitForScan() { return m_monitor.waitForScan(); }
    MonitorOverEveryState m_monitor;
    Agent &m_agent = m_monitor.agent;
    QProcess &m_holder = m_monitor.holder;
    std::unique_ptr<MainWindow> &m_window = m_monitor.window;
};

void TestMonitor::initTestCase()
{
    QVERIFY(m_monitor.start());
}

void TestMonitor::cleanupTestCase()
{
    m_monitor.stop();
}

void TestMonitor::everyStateShown()
{
    const QMap<QString, oa::TaskState> expected{
        {"pending", oa::TaskState::Pending}, {"ok", oa::TaskState::Succeeded}, {"bad", oa::TaskState::Failed},
        {"slow", oa::TaskState::TimedOut}, {"stopped", oa::TaskState::Cancelled}, {"broken", oa::TaskState::Invalid},
        {"live", oa::TaskState::Running}, {"crashed", oa::TaskState::Interrupted}, {"remote", oa::TaskState::RunningElsewhere}};
    TaskTableModel *model = m_window->taskModel();
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        const int row = rowOf(it.key());
        QVERIFY2(row >= 0, qPrintable(it.key()));
        QCOMPARE(model->index(row, 0).data(TaskTableModel::StateRole).toInt(), int(it.value()));
        QVERIFY(!model->index(row, TaskTableModel::StateColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
    }
    const int live = rowOf(QStringLiteral("live"));
    QVERIFY(model->index(live, TaskTableModel::LockColumn).data().toString().contains(QString::number(m_holder.processId())));
    // Who its task code runs as, from status.json.
    QVERIFY(model->index(live, TaskTableModel::LockColumn).data().toString().endsWith(QStringLiteral(", as oa-bot")));
    // A running task shows its stage and progress from status.json; finished ones show none.
    QCOMPARE(model->index(live, TaskTableModel::ProgressColumn).data(TaskTableModel::PercentRole).toDouble(), 40.0);
    QCOMPARE(model->index(live, TaskTableModel::ProgressColumn).data().toString(), QStringLiteral("Run · Reading invoices"));
    QVERIFY(model->index(rowOf(QStringLiteral("ok")), TaskTableModel::ProgressColumn).data().toString().isEmpty());
}

void TestMonitor::stateFilterAndSearch()
{
    TaskFilterProxy *proxy = m_window->taskProxy();
    proxy->setStateFilter(int(oa::TaskState::Interrupted)); // killed mid-run, their locks left
    QCOMPARE(proxy->rowCount(), 2);
    proxy->setStateFilter(std::nullopt);
    proxy->setText(QStringLiteral("remo"));
    QCOMPARE(proxy->rowCount(), 1);
    QCOMPARE(proxy->index(0, 0).data(TaskTableModel::IdRole).toString(), QStringLiteral("remote"));
    proxy->setText(QString());
    QCOMPARE(proxy->rowCount(), m_window->taskModel()->rowCount());
}

void TestMonitor::refreshKeepsSelection()
{
    m_window->selectTask(QStringLiteral("ok"));
    QCOMPARE(m_window->selectedTaskId(), QStringLiteral("ok"));
    const int before = m_window->taskModel()->rowCount();
    // New tasks sort before and after the selection; a refresh merges them in.
    m_agent.makeScriptTask(QStringLiteral("aaa-new"), "print(1)\n");
    m_agent.makeScriptTask(QStringLiteral("zzz-new"), "print(1)\n");
    QVERIFY(waitForScan());
    QCOMPARE(m_window->taskModel()->rowCount(), before + 2);
    QCOMPARE(m_window->selectedTaskId(), QStringLiteral("ok"));
    QDir(m_agent.taskDir(QStringLiteral("aaa-new"))).removeRecursively();
    QVERIFY(waitForScan());
    QCOMPARE(m_window->selectedTaskId(), QStringLiteral("ok"));
}

void TestMonitor::detailPaneShowsResult()
{
    m_window->selectTask(QStringLiteral("bad"));
    QCOMPARE(m_window->detailPane()->taskId(), QStringLiteral("bad"));
    // Loaded on the thread pool: the rows for people arrive shortly after the selection.
    TaskDetailsView *details = m_window->detailPane()->detailsView();
    QTRY_VERIFY(details->hasDetails() && details->taskId() == QStringLiteral("bad"));
    QCOMPARE(details->shownFields().first(), oa::TaskDetailRows::Field::Outcome);
    QCOMPARE(details->outcomeLabel()->text(), QStringLiteral("Failed: the script exited with an error"));
    QCOMPARE(details->shownValue(oa::TaskDetailRows::Field::Message), QStringLiteral("fixture: Failed"));
    QCOMPARE(details->shownValue(oa::TaskDetailRows::Field::Script), QStringLiteral("main.py"));
}

void TestMonitor::logViewFollowsAppends()
{
    m_window->selectTask(QStringLiteral("bad"));
    LogView *errors = m_window->detailPane()->errorView();
    QFile file(m_agent.taskFile(QStringLiteral("bad"), QStringLiteral("error.log")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered));
    file.write("Traceback (most recent call last):\n");
    QTRY_VERIFY_WITH_TIMEOUT(errors->text().contains(QStringLiteral("Traceback")), 5000);
    file.write("ValueError: bad invoice\n");
    QTRY_VERIFY_WITH_TIMEOUT(errors->text().contains(QStringLiteral("ValueError: bad invoice")), 5000);
    QCOMPARE(errors->text().count(QStringLiteral("Traceback")), 1); // appended, not reloaded
    QCOMPARE(errors->errorCount(), 1); // a traceback is one problem, not two error lines
    QCOMPARE(m_window->detailPane()->tabText(2), QStringLiteral("std&err (1 problem)"));
}

void TestMonitor::logViewCopesWithTruncation()
{
    LogView view(LogView::Kind::Text);
    const QString path = m_agent.taskFile(QStringLiteral("ok"), QStringLiteral("output.log"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("first run line 1\nfirst run line 2\n");
    file.close();
    view.setFile(path);
    QTRY_VERIFY_WITH_TIMEOUT(view.text().contains(QStringLiteral("first run line 2")), 5000); // read off the UI thread
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("second\n");
    file.close();
    QTRY_COMPARE_WITH_TIMEOUT(view.text(), QStringLiteral("second"), 5000);
}

void TestMonitor::clearingRemovesExactlyTheOrphaned()
{
    LocksPanel *locks = m_window->locksPanel();
    QCOMPARE(locks->model()->rowCount(), 4);
    QString asked;
    locks->confirm = [&asked](const QString &, const QString &text) {
        asked = text;
        return true;
    };
    locks->view()->clearSelection();
    locks->clearOrphaned(); // none selected: all orphaned ones
    QVERIFY(asked.contains(QStringLiteral("crashed")) && asked.contains(QStringLiteral("crashed-too")));
    QVERIFY(!asked.contains(QStringLiteral("live")) && !asked.contains(QStringLiteral("remote")));
    // Cleared on the thread pool (tst_background_jobs).
    QTRY_VERIFY_WITH_TIMEOUT(!locks->isBusy(), 20000);
    QVERIFY(!QFile::exists(m_agent.lockFile(QStringLiteral("crashed"))));
    QVERIFY(!QFile::exists(m_agent.lockFile(QStringLiteral("crashed-too"))));
    QVERIFY(QFile::exists(m_agent.lockFile(QStringLiteral("live"))));
    QVERIFY(QFile::exists(m_agent.lockFile(QStringLiteral("remote"))));
    QTRY_COMPARE_WITH_TIMEOUT(locks->model()->rowCount(), 2, 10000);
}

void TestMonitor::forceClearNeedsItsOwnConfirmation()
{
    LocksPanel *locks = m_window->locksPanel();
    QVERIFY(waitForScan());
    // The live lock: the force button does nothing, whatever the answer would be.
    const int live = locks->model()->rowOf(QStringLiteral("live"));
    locks->view()->selectRow(live);
    bool asked = false;
    locks->confirm = [&asked](const QString &, const QString &) { return asked = true; };
    locks->forceClearSelected();
    QVERIFY(!asked);
    QVERIFY(QFile::exists(m_agent.lockFile(QStringLiteral("live"))));
    // The foreign lock: refused when the operator says no, removed when they say yes.
    locks->view()->selectRow(locks->model()->rowOf(QStringLiteral("remote")));
    QString text;
    locks->confirm = [&text](const QString &, const QString &t) {
        text = t;
        return false;
    };
    locks->forceClearSelected();
    QVERIFY(text.contains(QStringLiteral("bot-07.other-site")));
    QVERIFY(text.contains(QStringLiteral("second time")));
    QVERIFY(QFile::exists(m_agent.lockFile(QStringLiteral("remote"))));
    locks->confirm = [](const QString &, const QString &) { return true; };
    locks->forceClearSelected();
    QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(m_agent.lockFile(QStringLiteral("remote"))), 20000);
}

void TestMonitor::leftoversCleanup()
{
    // The executors killed for the orphaned locks left venvs/ and Temp/ behind; a running
    // task's venv is never a leftover.
    QDir().mkpath(m_agent.base() + QStringLiteral("/venvs/live"));
    m_window->refresher()->setLeftoversWanted(true);
    LeftoversPanel *panel = m_window->leftoversPanel();
    QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() > 0, 10000);
    QStringList ids;
    for (const oa::Leftover &l : panel->model()->freeRows())
        ids.append(l.executionId);
    QVERIFY2(!ids.contains(QStringLiteral("live")), qPrintable(ids.join(u',')));
    // It is listed, greyed, with what holds it, and the line below says so.
    const int live = [panel] {
        for (int row = 0; row < panel->model()->rowCount(); ++row)
            if (panel->model()->rowAt(row)->executionId == QStringLiteral("live"))
                return row;
        return -1;
    }();
    QVERIFY(live >= 0);
    QCOMPARE(panel->model()->index(live, LeftoverTableModel::HeldColumn).data().toString(), QStringLiteral("a running task"));
    QVERIFY2(panel->totalLabel()->text().contains(QStringLiteral("1 in use by a running task")), qPrintable(panel->totalLabel()->text()));
    QVERIFY(ids.contains(QStringLiteral("crashed")));
    QVERIFY(panel->model()->totalBytes() > 0);
    QString asked;
    panel->confirm = [&asked](const QString &, const QString &text) {
        asked = text;
        return true;
    };
    panel->view()->clearSelection();
    panel->cleanUp();
    QVERIFY(asked.contains(QStringLiteral("venvs/crashed")));
    QTRY_VERIFY_WITH_TIMEOUT(!panel->isBusy(), 20000); // deleted on the thread pool (tst_leftovers_panel)
    QVERIFY(!QFile::exists(m_agent.base() + QStringLiteral("/venvs/crashed")));
    QVERIFY(!QFile::exists(m_agent.base() + QStringLiteral("/Temp/crashed")));
    QVERIFY(QFile::exists(m_agent.base() + QStringLiteral("/venvs/live")));
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->freeRows().size(), qsizetype(0), 10000);
    QCOMPARE(panel->model()->rowCount(), 1); // live's, held by its running task
}

void TestMonitor::environmentCacheCleared()
{
    // A real entry, built by the real executor.
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    m_agent.makeScriptTask(QStringLiteral("cached"), "import oa_greeter\n",
                           {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}});
    QCOMPARE(runExecutor(executorArgs(m_agent, QStringLiteral("cached")), offlinePipEnvironment(wheels.path())).exitCode, 0);
    const QDir entries(m_agent.base() + QStringLiteral("/EnvCache/entries"));
    QCOMPARE(entries.entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1);
    m_window->refresher()->refreshNow();
    LeftoversPanel *panel = m_window->leftoversPanel();
    QString asked;
    panel->confirm = [&asked](const QString &, const QString &text) {
        asked = text;
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(panel->clearCacheButton()->isEnabled(), 10000); // the scan found the entry
    panel->clearCacheButton()->click();
    QVERIFY2(asked.contains(QStringLiteral("1 cached environment")), qPrintable(asked));
    QTRY_VERIFY_WITH_TIMEOUT(entries.entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(), 20000); // cleared on the thread pool
}

// Issue 23: the Reason column says why each run did not succeed, as result.json's ErrorSummary
// (written by the real executor here), the scan's explanation of an interrupted run, or an older
// record's Message; the search finds a task by words of its reason; the detail pane agrees.
void TestMonitor::reasonColumnAndSearch()
{
    m_agent.makeScriptTask(QStringLiteral("probe"), "import sys\nsys.exit('probe failed: host \\x1b[1munreachable')\n");
    QCOMPARE(runExecutor(executorArgs(m_agent, QStringLiteral("probe"))).exitCode, 1);
    const QString expected = QStringLiteral("probe failed: host \\x1b[1munreachable"); // escaped once, not twice
    QVERIFY(waitForScan());
    TaskTableModel *model = m_window->taskModel();
    QTRY_COMPARE(model->index(rowOf(QStringLiteral("probe")), TaskTableModel::ReasonColumn).data().toString(), expected);
    QCOMPARE(model->index(rowOf(QStringLiteral("probe")), TaskTableModel::ReasonColumn).data(Qt::ToolTipRole).toString(), expected);
    QCOMPARE(model->headerData(TaskTableModel::ReasonColumn, Qt::Horizontal, Qt::DisplayRole).toString(), QStringLiteral("Reason"));
    QCOMPARE(model->index(rowOf(QStringLiteral("bad")), TaskTableModel::ReasonColumn).data().toString(), QStringLiteral("fixture: Failed"));
    QVERIFY(model->index(rowOf(QStringLiteral("crashed")), TaskTableModel::ReasonColumn).data().toString().contains(QStringLiteral("without a result")));
    QVERIFY(model->index(rowOf(QStringLiteral("ok")), TaskTableModel::ReasonColumn).data().toString().isEmpty());
    QVERIFY(model->index(rowOf(QStringLiteral("live")), TaskTableModel::ReasonColumn).data().toString().isEmpty());

    TaskFilterProxy *proxy = m_window->taskProxy();
    proxy->setText(QStringLiteral("host \\x1b[1mUNREACHABLE"));
    QCOMPARE(proxy->rowCount(), 1);
    QCOMPARE(proxy->index(0, 0).data(TaskTableModel::IdRole).toString(), QStringLiteral("probe"));
    proxy->setText(QString());

    const oa::TaskDetails details = oa::TaskDetails::load(oa::AgentPaths(m_agent.base()), QStringLiteral("probe"));
    QCOMPARE(details.rows.value(oa::TaskDetailRows::Field::LastError), expected);
    QCOMPARE(details.rows.find(oa::TaskDetailRows::Field::LastError)->label, QStringLiteral("Last error"));
    QDir(m_agent.taskDir(QStringLiteral("probe"))).removeRecursively();
}

QTEST_MAIN(TestMonitor)
#include "tst_monitor.moc"
