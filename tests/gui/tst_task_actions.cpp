// What an operator does to a task from the monitor, offscreen, with the real executor: Run and
// Run again after a confirmation that names what runs with what, the previous run kept and
// shown, Stop, Open task folder without a file manager.
#include "config/ExecutorSettings.h"
#include "LogTabs.h"
#include "LogView.h"
#include "MainWindow.h"
#include "TaskActions.h"
#include "TaskDetailPane.h"
#include "TaskDetailsView.h"
#include "TaskTableModel.h"
#include "MonitorFixture.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QTableView>
#include <QToolButton>

using namespace oatest;

class TestTaskActions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void whatEachStateOffers_data();
    void whatEachStateOffers();
    void decliningStartsNothing();
    void runAgainKeepsThePreviousRun();
    void interruptedRunRunsAgain();
    void stopAsksFirst();
    void openFolderWithoutFileManager();

private:
    bool waitForScan();
    bool select(const QString &id);
    oa::TaskState stateOf(const QString &id) const;
    Agent m_agent;
    QString m_config;
    QProcess m_holder;
    std::unique_ptr<MainWindow> m_window;
};

namespace {

// The configuration file every run from this window gets: this test's interpreter.
QString writeConfig(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write("Python = " + python().toUtf8() + "\n") <= 0)
        qFatal("cannot write %s", qPrintable(path));
    file.close();
    return QFileInfo(path).canonicalFilePath();
}

// A script that fails on its first run and succeeds on the next: it counts its runs in a file
// of its own folder, so a re-run can be told from the first by its output.
const QByteArray kFailsOnce = "import pathlib, sys\n"
                              "marker = pathlib.Path(__file__).with_name('runs.txt')\n"
                              "runs = int(marker.read_text()) + 1 if marker.exists() else 1\n"
                              "marker.write_text(str(runs))\n"
                              "print(f'run {runs}')\n"
                              "sys.exit(3 if runs == 1 else 0)\n";

} // namespace

bool TestTaskActions::waitForScan()
{
    QSignalSpy spy(m_window.get(), &MainWindow::snapshotApplied);
    m_window->refresher()->refreshNow();
    return spy.wait(20000);
}

bool TestTaskActions::select(const QString &id)
{
    m_window->selectTask(id);
    return m_window->selectedTaskId() == id;
}

oa::TaskState TestTaskActions::stateOf(const QString &id) const
{
    const int row = m_window->taskModel()->rowOf(id);
    return oa::TaskState(m_window->taskModel()->index(row, 0).data(TaskTableModel::StateRole).toInt());
}

void TestTaskActions::initTestCase()
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_agent.base() + QStringLiteral("/../settings"));
    m_config = writeConfig(m_agent.base() + QStringLiteral("/../agent.conf"));
    QVERIFY(layOutEveryState(m_agent, m_holder));
    // The real first run of a task that fails once.
    m_agent.makeScriptTask(QStringLiteral("flaky"), kFailsOnce);
    QCOMPARE(runExecutor(executorArgs(m_agent, QStringLiteral("flaky"))).exitCode, 3); // the script's own code

    m_window = std::make_unique<MainWindow>();
    m_window->setConfiguration(loadConfiguration(m_config, m_agent.base()));
    m_window->show();
    QSignalSpy spy(m_window.get(), &MainWindow::snapshotApplied);
    m_window->setBaseDir(m_agent.base());
    QVERIFY(spy.wait(20000));
}

void TestTaskActions::cleanupTestCase()
{
    m_window.reset();
    m_holder.kill();
    m_holder.waitForFinished();
}

void TestTaskActions::whatEachStateOffers_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("runnable");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("stoppable");
    const QString run = TaskActions::tr("&Run task…");
    const QString again = TaskActions::tr("Run &again…");
    QTest::newRow("pending runs") << "pending" << true << run << false;
    QTest::newRow("failed runs again") << "bad" << true << again << false;
    QTest::newRow("timed out runs again") << "slow" << true << again << false;
    QTest::newRow("cancelled runs again") << "stopped" << true << again << false;
    QTest::newRow("succeeded does not run") << "ok" << false << run << false;
    QTest::newRow("invalid does not run") << "broken" << false << run << false;
    QTest::newRow("running is stopped, not run") << "live" << false << run << true;
    QTest::newRow("another host's run is left alone") << "remote" << false << run << false;
}

void TestTaskActions::whatEachStateOffers()
{
    QFETCH(QString, id);
    QFETCH(bool, runnable);
    QFETCH(QString, text);
    QFETCH(bool, stoppable);
    QVERIFY(select(id));
    TaskActions *actions = m_window->taskActions();
    QCOMPARE(actions->runAction()->isEnabled(), runnable);
    QCOMPARE(actions->runAction()->text(), text);
    QCOMPARE(actions->runAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
    QCOMPARE(actions->cancelAction()->isEnabled(), stoppable);
    // The actions are in the table's context menu, and Ctrl+R reaches them from the table.
    QVERIFY(m_window->taskView()->actions().contains(actions->runAction()));
}

void TestTaskActions::decliningStartsNothing()
{
    QVERIFY(select(QStringLiteral("pending")));
    TaskActions *actions = m_window->taskActions();
    QString title;
    QString asked;
    actions->confirm = [&](const QString &t, const QString &text) {
        title = t;
        asked = text;
        return false;
    };
    QSignalSpy started(actions, &TaskActions::taskChanged);
    // Ctrl+R on the table, as an operator presses it.
    m_window->taskView()->setFocus();
    QTest::keyClick(m_window->taskView(), Qt::Key_R, Qt::ControlModifier);
    QCOMPARE(title, TaskActions::tr("Run task"));
    // What runs, with what: the executor, the interpreter, the agent folder, the configuration file.
    QVERIFY2(asked.contains(TaskActions::executorProgram()), qPrintable(asked));
    QVERIFY2(asked.contains(python()), qPrintable(asked));
    QVERIFY2(asked.contains(m_agent.base()), qPrintable(asked));
    QVERIFY2(asked.contains(m_config), qPrintable(asked));
    // startDetached() is synchronous: nothing was started, nothing will be.
    QCOMPARE(started.count(), 0);
    QVERIFY(!QFile::exists(m_agent.lockFile(QStringLiteral("pending"))));
    QVERIFY(!QFile::exists(m_agent.taskFile(QStringLiteral("pending"), QStringLiteral("status.json"))));
}

void TestTaskActions::runAgainKeepsThePreviousRun()
{
    const QString id = QStringLiteral("flaky");
    QVERIFY(select(id));
    QCOMPARE(stateOf(id), oa::TaskState::Failed);
    TaskActions *actions = m_window->taskActions();
    QCOMPARE(actions->runAction()->text(), TaskActions::tr("Run &again…"));
    QString asked;
    actions->confirm = [&asked](const QString &, const QString &text) {
        asked = text;
        return true;
    };
    actions->runAction()->trigger();
    // The confirmation says where the last run goes.
    QVERIFY2(asked.contains(oa::AgentPaths(m_agent.base()).previousDir(id)), qPrintable(asked));
    // The executor ran it again: the second run succeeds, and the first is in previous/.
    QTRY_VERIFY_WITH_TIMEOUT(readJson(m_agent.taskFile(id, QStringLiteral("result.json"))).value("Outcome").toString()
                                 == QStringLiteral("Succeeded"),
                             60000);
    const QString previous = m_agent.taskDir(id) + QStringLiteral("/previous");
    QCOMPARE(readJson(previous + QStringLiteral("/result.json")).value("Outcome").toString(), QStringLiteral("Failed"));
    QCOMPARE(readFile(previous + QStringLiteral("/output.log")).trimmed(), QByteArray("run 1"));
    QCOMPARE(readFile(m_agent.taskFile(id, QStringLiteral("output.log"))).trimmed(), QByteArray("run 2"));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(id), oa::TaskState::Succeeded, 20000);

    // The monitor shows the previous run on request (the run selector): its outcome and its logs.
    TaskDetailPane *pane = m_window->detailPane();
    TaskDetailsView *details = pane->detailsView();
    QComboBox *runs = pane->runSelector();
    QTRY_VERIFY_WITH_TIMEOUT(runs->isEnabled() && runs->count() == 2, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(details->outcomeLabel()->text().startsWith(QStringLiteral("Succeeded")), 10000);
    runs->setCurrentIndex(1); // as choosing it in its list does
    QVERIFY(pane->showsPreviousRun());
    QTRY_VERIFY_WITH_TIMEOUT(details->hasDetails() && details->outcomeLabel()->text().startsWith(QStringLiteral("Failed")), 10000);
    QVERIFY(details->shownValue(oa::TaskDetailRows::Field::ExitCode).startsWith(QStringLiteral("3")));
    LogView *output = pane->logs()->view(LogTabs::Output);
    QTRY_COMPARE_WITH_TIMEOUT(output->text(), QStringLiteral("run 1"), 10000);
    runs->setCurrentIndex(0);
    QTRY_COMPARE_WITH_TIMEOUT(output->text(), QStringLiteral("run 2"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(details->outcomeLabel()->text().startsWith(QStringLiteral("Succeeded")), 10000);
    // Another task starts at its last run again.
    runs->setCurrentIndex(1);
    QVERIFY(pane->showsPreviousRun());
    QVERIFY(select(QStringLiteral("bad")));
    QVERIFY(!pane->showsPreviousRun());
    QCOMPARE(pane->shownRun(), 0);
}

void TestTaskActions::interruptedRunRunsAgain()
{
    // A real crash: the executor killed with SIGKILL mid-run, its lock left behind.
    const QString id = QStringLiteral("crashed");
    QVERIFY(makeOrphanedLock(m_agent, id));
    QVERIFY(waitForScan());
    QCOMPARE(stateOf(id), oa::TaskState::Interrupted);
    QVERIFY(select(id));
    TaskActions *actions = m_window->taskActions();
    QVERIFY(actions->runAction()->isEnabled());
    QCOMPARE(actions->runAction()->text(), TaskActions::tr("Run &again…"));
    // The crashed task's script sleeps for minutes: give the re-run one that ends.
    QVERIFY(writeFileBytes(m_agent.taskFile(id, QStringLiteral("main.py")), "print('recovered')\n"));
    actions->confirm = [](const QString &, const QString &) { return true; };
    actions->runAction()->trigger();
    // The executor took the dead holder's lock over by itself, and ran to the end.
    QTRY_VERIFY_WITH_TIMEOUT(readJson(m_agent.taskFile(id, QStringLiteral("result.json"))).value("Outcome").toString()
                                 == QStringLiteral("Succeeded"),
                             60000);
    QCOMPARE(readFile(m_agent.taskFile(id, QStringLiteral("output.log"))).trimmed(), QByteArray("recovered"));
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(id), oa::TaskState::Succeeded, 20000);
    // The crashed run's status (Running, in stage Run) is the previous run's.
    QCOMPARE(readJson(m_agent.taskDir(id) + QStringLiteral("/previous/status.json")).value("State").toString(), QStringLiteral("Running"));
}

void TestTaskActions::stopAsksFirst()
{
    QVERIFY(select(QStringLiteral("live")));
    TaskActions *actions = m_window->taskActions();
    QString asked;
    actions->confirm = [&asked](const QString &, const QString &text) {
        asked = text;
        return false;
    };
    actions->cancelAction()->trigger();
    QVERIFY(asked.contains(QStringLiteral("live")));
    // Declined: no cancel request (Locks/live@cancel-…) was written.
    const QDir locks(m_agent.base() + QStringLiteral("/Locks"));
    QVERIFY2(locks.entryList(QDir::Files).filter(QStringLiteral("@cancel")).isEmpty(), qPrintable(locks.entryList().join(u',')));
}

void TestTaskActions::openFolderWithoutFileManager()
{
    QVERIFY(select(QStringLiteral("ok")));
    TaskActions *actions = m_window->taskActions();
    QUrl opened;
    QString warned;
    actions->openUrl = [&opened](const QUrl &url) {
        opened = url;
        return false; // no file manager, as on a server
    };
    actions->warn = [&warned](const QString &, const QString &text) { warned = text; };
    actions->openFolderAction()->trigger();
    const QString folder = m_agent.taskDir(QStringLiteral("ok"));
    QCOMPARE(opened, QUrl::fromLocalFile(folder));
    QVERIFY2(warned.contains(folder), qPrintable(warned));
    QCOMPARE(QApplication::clipboard()->text(), folder);
    // With a file manager, nothing to say.
    warned.clear();
    actions->openUrl = [](const QUrl &) { return true; };
    actions->openFolderAction()->trigger();
    QVERIFY(warned.isEmpty());
}

QTEST_MAIN(TestTaskActions)
#include "tst_task_actions.moc"
