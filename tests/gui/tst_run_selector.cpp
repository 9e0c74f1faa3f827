// The detail pane's run selector and its "why", offscreen, in the monitor's window over runs of
// the real executor: every kept run listed (start, outcome, reason) and shown from its own folder
// (details and all four logs), a forged record listed without an outcome, the table's mark for
// earlier runs, an Interrupted and an Invalid task saying why, the executor-log tab not marked
// for the "ran as root" warning of a run with no run-as user configured, and the same row
// layout after a cancel and a re-run as on a fresh selection.
#include "LogTabs.h"
#include "LogView.h"
#include "MainWindow.h"
#include "ResourceChart.h"
#include "TaskActions.h"
#include "TaskDetailPane.h"
#include "TaskDetailsView.h"
#include "TaskTableModel.h"
#include "MonitorFixture.h"
#include "TestSupport.h"
#include "tasks/DisplayUnits.h"

#include <QAction>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

#include <sys/stat.h>

using namespace oatest;
using Field = oa::TaskDetailRows::Field;

namespace {

// Counts its runs in its own folder: run n prints "run n", writes "err n" to stderr and fails
// with sys.exit("probe n failed"), except the last of `succeedFrom` on.
QByteArray countingScript(int succeedFrom)
{
    return QByteArrayLiteral("import pathlib, sys\n"
                             "marker = pathlib.Path(__file__).with_name('runs.txt')\n"
                             "runs = int(marker.read_text()) + 1 if marker.exists() else 1\n"
                             "marker.write_text(str(runs))\n"
                             "print(f'run {runs}')\n"
                             "print(f'err {runs}', file=sys.stderr)\n")
           + "sys.exit(None if runs >= " + QByteArray::number(succeedFrom) + " else f'probe {runs} failed')\n";
}

// Run 1 sleeps until it is cancelled; run 2 fails at once, with a reason.
const QByteArray kSleepsThenFails = "import pathlib, sys, time\n"
                                    "marker = pathlib.Path(__file__).with_name('runs.txt')\n"
                                    "runs = int(marker.read_text()) + 1 if marker.exists() else 1\n"
                                    "marker.write_text(str(runs))\n"
                                    "if runs == 1:\n"
                                    "    time.sleep(300)\n"
                                    "sys.exit('the second run failed: the report server said 503, the run gives up after three tries')\n";

QString writeConfig(const QString &path)
{
    if (!writeFileBytes(path, "Python = " + python().toUtf8() + "\n"))
        qFatal("cannot write %s", qPrintable(path));
    return QFileInfo(path).canonicalFilePath();
}

struct RowRects {
    Field field;
    QRect label, value;
};

// Where each row of the Details tab is laid out, in the content's coordinates.
QList<RowRects> rowRects(TaskDetailsView *view)
{
    QList<RowRects> rects;
    for (const Field field : view->shownFields()) {
        QLabel *value = view->valueLabel(field);
        QLabel *label = field == Field::Outcome ? nullptr : view->nameLabel(field);
        rects.append({field, label ? label->geometry() : QRect(), value ? value->geometry() : QRect()});
    }
    return rects;
}

} // namespace

class TestRunSelector : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void listsEveryKeptRun();
    void showsAChosenRunFromItsFolder();
    void forgedRecordHasNoOutcome();
    void tableMarksTasksWithEarlierRuns();
    void interruptedSaysWhy();
    void invalidSaysWhy();
    void rootByChoiceDoesNotMarkTheExecutorLog();
    void sameLayoutAfterCancelAndRerun();
    void aChosenRunIsFollowedWhenANewRunStarts();
    void aKeptInterruptedRunIsNamed();

private:
    bool waitForScan();
    bool select(const QString &id);
    bool selectAndLoad(const QString &id);
    void expectSameLayoutAsFresh(const QString &id);
    oa::TaskState stateOf(const QString &id) const;
    TaskDetailPane *pane() const { return m_window->detailPane(); }
    TaskDetailsView *view() const { return pane()->detailsView(); }
    Agent m_agent;
    QString m_config;
    std::unique_ptr<MainWindow> m_window;
};

bool TestRunSelector::waitForScan()
{
    QSignalSpy spy(m_window.get(), &MainWindow::snapshotApplied);
    m_window->refresher()->refreshNow();
    return spy.wait(20000);
}

bool TestRunSelector::select(const QString &id)
{
    m_window->selectTask(id);
    return m_window->selectedTaskId() == id;
}

bool TestRunSelector::selectAndLoad(const QString &id)
{
    if (!select(id))
        return false;
    QDeadlineTimer deadline(10000);
    while (!(view()->hasDetails() && view()->taskId() == id) && !deadline.hasExpired())
        QTest::qWait(20);
    return view()->hasDetails() && view()->taskId() == id;
}

oa::TaskState TestRunSelector::stateOf(const QString &id) const
{
    const int row = m_window->taskModel()->rowOf(id);
    return oa::TaskState(m_window->taskModel()->index(row, 0).data(TaskTableModel::StateRole).toInt());
}

void TestRunSelector::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_agent.base() + QStringLiteral("/../settings"));
    m_config = writeConfig(m_agent.base() + QStringLiteral("/../agent.conf"));
    // Three real runs (KeepRuns is 5): previous.2/ is run 1, previous/ run 2, the last run 3.
    m_agent.makeScriptTask(QStringLiteral("thrice"), countingScript(3));
    for (int run = 1; run <= 3; ++run)
        QCOMPARE(runExecutor(executorArgs(m_agent, QStringLiteral("thrice"))).exitCode, run < 3 ? 1 : 0);
    m_agent.makeScriptTask(QStringLiteral("once"), countingScript(1));
    QCOMPARE(runExecutor(executorArgs(m_agent, QStringLiteral("once"))).exitCode, 0);
    // Two runs, then the kept one's record made writable by others: not the executor's word.
    m_agent.makeScriptTask(QStringLiteral("forged"), countingScript(2));
    QCOMPARE(runExecutor(executorArgs(m_agent, QStringLiteral("forged"))).exitCode, 1);
    QCOMPARE(runExecutor(executorArgs(m_agent, QStringLiteral("forged"))).exitCode, 0);
    QCOMPARE(::chmod(qPrintable(m_agent.taskDir(QStringLiteral("forged")) + QStringLiteral("/previous/result.json")), 0666), 0);
    QVERIFY(makeOrphanedLock(m_agent, QStringLiteral("crashed")));
    m_agent.makeTaskRaw(QStringLiteral("broken"), "{\"ScriptPath\": ");
    m_agent.makeScriptTask(QStringLiteral("sleeper"), kSleepsThenFails);

    m_window = std::make_unique<MainWindow>();
    m_window->setConfiguration(loadConfiguration(m_config, m_agent.base()));
    m_window->resize(1280, 800);
    m_window->show();
    QSignalSpy spy(m_window.get(), &MainWindow::snapshotApplied);
    m_window->setBaseDir(m_agent.base());
    QVERIFY(spy.wait(20000));
}

void TestRunSelector::cleanupTestCase()
{
    m_window.reset();
}

void TestRunSelector::listsEveryKeptRun()
{
    QVERIFY(selectAndLoad(QStringLiteral("thrice")));
    QComboBox *runs = pane()->runSelector();
    QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 3, 10000);
    QVERIFY(runs->isEnabled());
    QVERIFY(runs->isVisible());
    QCOMPARE(runs->currentIndex(), 0);
    // Newest first, each by its start (as result.json has it, in local time), outcome and reason.
    const QString task = m_agent.taskDir(QStringLiteral("thrice"));
    const QStringList folders{task, task + QStringLiteral("/previous"), task + QStringLiteral("/previous.2")};
    for (int i = 0; i < 3; ++i) {
        const QJsonObject result = readJson(folders[i] + QStringLiteral("/result.json"));
        const QString started = oa::DisplayUnits::localTime(QDateTime::fromString(result.value("StartedAt").toString(), Qt::ISODateWithMs));
        const QString text = runs->itemText(i);
        QVERIFY2(text.startsWith(started), qPrintable(text + u'|' + started));
        QCOMPARE(runs->itemData(i).toInt(), i);
        if (i == 0) {
            QVERIFY2(text.contains(QStringLiteral("Succeeded")), qPrintable(text));
        } else {
            QVERIFY2(text.contains(QStringLiteral("Failed")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("probe %1 failed").arg(3 - i)), qPrintable(text));
        }
    }
    // One run: nothing to choose, and no selector.
    QVERIFY(selectAndLoad(QStringLiteral("once")));
    QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 1, 10000);
    QVERIFY(!runs->isEnabled());
    QVERIFY(!runs->isVisible());
}

void TestRunSelector::showsAChosenRunFromItsFolder()
{
    QVERIFY(selectAndLoad(QStringLiteral("thrice")));
    QComboBox *runs = pane()->runSelector();
    QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 3, 10000);
    runs->setCurrentIndex(2); // as choosing it in the list does
    QCOMPARE(pane()->shownRun(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(view()->hasDetails() && view()->shownValue(Field::LastError) == QStringLiteral("probe 1 failed"), 10000);
    QVERIFY(view()->outcomeLabel()->text().startsWith(QStringLiteral("Failed")));
    // All four logs from previous.2/.
    const oa::AgentPaths paths(m_agent.base());
    const auto kept = oa::AgentPaths::keptRun(2);
    LogTabs *logs = pane()->logs();
    QCOMPARE(logs->view(LogTabs::Output)->file(), paths.outputLogFile(QStringLiteral("thrice"), kept));
    QCOMPARE(logs->view(LogTabs::Errors)->file(), paths.errorLogFile(QStringLiteral("thrice"), kept));
    QCOMPARE(logs->view(LogTabs::Pip)->file(), paths.pipLogFile(QStringLiteral("thrice"), kept));
    QCOMPARE(logs->view(LogTabs::Executor)->file(), paths.executorLogFile(QStringLiteral("thrice"), kept));
    QTRY_COMPARE_WITH_TIMEOUT(logs->view(LogTabs::Output)->text(), QStringLiteral("run 1"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(logs->view(LogTabs::Errors)->text().contains(QStringLiteral("err 1")), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(logs->view(LogTabs::Executor)->text().contains(QStringLiteral("probe 1 failed")), 10000);
    // The choice stays over refreshes; another task starts at its last run, and so does this one.
    QVERIFY(waitForScan());
    QCOMPARE(runs->currentIndex(), 2);
    QVERIFY(selectAndLoad(QStringLiteral("once")));
    QCOMPARE(pane()->shownRun(), 0);
    QVERIFY(selectAndLoad(QStringLiteral("thrice")));
    QCOMPARE(pane()->shownRun(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(logs->view(LogTabs::Output)->text(), QStringLiteral("run 3"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(runs->currentIndex(), 0, 10000);
}

void TestRunSelector::forgedRecordHasNoOutcome()
{
    QVERIFY(selectAndLoad(QStringLiteral("forged")));
    QComboBox *runs = pane()->runSelector();
    QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 2, 10000);
    QVERIFY2(runs->itemText(1).contains(QStringLiteral("no result")), qPrintable(runs->itemText(1)));
    QVERIFY2(!runs->itemText(1).contains(QStringLiteral("Failed")), qPrintable(runs->itemText(1)));
    runs->setCurrentIndex(1);
    QTRY_VERIFY_WITH_TIMEOUT(view()->hasDetails() && view()->rawView()->toPlainText().contains(QStringLiteral("(not shown:")), 10000);
    QVERIFY(!view()->outcomeLabel()->text().startsWith(QStringLiteral("Failed")));
}

void TestRunSelector::tableMarksTasksWithEarlierRuns()
{
    TaskTableModel *model = m_window->taskModel();
    const auto id = [model](const QString &task) { return model->index(model->rowOf(task), TaskTableModel::IdColumn); };
    QVERIFY(!id(QStringLiteral("thrice")).data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(id(QStringLiteral("thrice")).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Earlier runs")));
    QCOMPARE(id(QStringLiteral("thrice")).data(Qt::DisplayRole).toString(), QStringLiteral("thrice")); // the ID stays as it is
    for (const QString &task : {QStringLiteral("once"), QStringLiteral("broken"), QStringLiteral("sleeper")}) {
        QVERIFY2(id(task).data(Qt::DecorationRole).isNull(), qPrintable(task));
        QVERIFY2(!id(task).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Earlier runs")), qPrintable(task));
    }
}

void TestRunSelector::interruptedSaysWhy()
{
    QCOMPARE(stateOf(QStringLiteral("crashed")), oa::TaskState::Interrupted);
    QVERIFY(selectAndLoad(QStringLiteral("crashed")));
    const QJsonObject status = readJson(m_agent.taskFile(QStringLiteral("crashed"), QStringLiteral("status.json")));
    // Which executor died, in which stage, when it was last heard of.
    const QString finding = view()->shownValue(Field::Finding);
    QVERIFY2(finding.contains(QStringLiteral("PID %1").arg(status.value("Pid").toInteger())), qPrintable(finding));
    QVERIFY2(finding.contains(QStringLiteral("stage Run")), qPrintable(finding));
    const QDateTime updated = QDateTime::fromString(status.value("UpdatedAt").toString(), Qt::ISODateWithMs);
    QVERIFY2(finding.contains(oa::DisplayUnits::localTime(updated)), qPrintable(finding));
    // When it started and how far it got.
    QCOMPARE(view()->shownValue(Field::Started),
             oa::DisplayUnits::localTime(QDateTime::fromString(status.value("StartedAt").toString(), Qt::ISODateWithMs)));
    QCOMPARE(view()->shownValue(Field::LastUpdate), oa::DisplayUnits::localTime(updated));
    QCOMPARE(view()->shownLabel(Field::Stage), QStringLiteral("Got as far as stage"));
    QCOMPARE(view()->shownValue(Field::Stage), QStringLiteral("Run"));
    // Nothing that reads as live, or as an error message, for a dead process.
    const QList<Field> fields = view()->shownFields();
    QVERIFY(!fields.contains(Field::Memory));
    QVERIFY(!fields.contains(Field::Message));
    QVERIFY(view()->chart()->isHidden());
    QCOMPARE(view()->shownLabel(Field::RunAs), QStringLiteral("Ran as")); // not "Runs as": it is over
}

void TestRunSelector::invalidSaysWhy()
{
    QVERIFY(selectAndLoad(QStringLiteral("broken")));
    // What --list says, through the real binary.
    const Run list = runExecutor({QStringLiteral("--base-dir"), m_agent.base(), QStringLiteral("--list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    QString reason;
    for (const QJsonValue &task : QJsonDocument::fromJson(list.out).object().value("Tasks").toArray())
        if (task.toObject().value("Id").toString() == QStringLiteral("broken"))
            reason = task.toObject().value("Message").toString();
    QVERIFY2(reason.startsWith(QStringLiteral("execution.json: ")), qPrintable(QString::fromUtf8(list.out.left(2000))));
    QCOMPARE(view()->shownLabel(Field::Finding), QStringLiteral("Why it is invalid"));
    QCOMPARE(view()->shownValue(Field::Finding), reason);
}

void TestRunSelector::rootByChoiceDoesNotMarkTheExecutorLog()
{
    // These runs are root's, with no run-as user configured: executor.log has the warning.
    const QByteArray log = readFile(m_agent.taskFile(QStringLiteral("once"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("task code ran as root") && log.contains("\"RunAsConfigured\":false"), log.constData());
    QVERIFY(readJson(m_agent.taskFile(QStringLiteral("once"), QStringLiteral("result.json"))).value("RunAs").toObject().value("Configured")
            == QJsonValue(false));
    QVERIFY(selectAndLoad(QStringLiteral("once")));
    QTabWidget *tabs = pane();
    LogView *executor = pane()->logs()->view(LogTabs::Executor);
    QTRY_VERIFY_WITH_TIMEOUT(executor->text().contains(QStringLiteral("ran as root")), 10000);
    QCOMPARE(executor->warningCount(), 0);
    QCOMPARE(tabs->tabText(tabs->indexOf(executor)), LogTabs::tr("E&xecutor log"));
    QVERIFY(tabs->tabIcon(tabs->indexOf(executor)).isNull());
    // The same event from a run whose configured run-as user was not applied marks it.
    m_agent.makeScriptTask(QStringLiteral("unapplied"), "print(1)\n");
    QByteArray unapplied = log;
    unapplied.replace("\"RunAsConfigured\":false", "\"RunAsConfigured\":true");
    QVERIFY(writeFileBytes(m_agent.taskFile(QStringLiteral("unapplied"), QStringLiteral("executor.log")), unapplied));
    QVERIFY(waitForScan());
    QVERIFY(selectAndLoad(QStringLiteral("unapplied")));
    QTRY_COMPARE_WITH_TIMEOUT(executor->warningCount(), 1, 10000);
    QCOMPARE(tabs->tabText(tabs->indexOf(executor)), LogTabs::tr("%1 (1 problem)").arg(LogTabs::tr("E&xecutor log")));
}

// The rows of the pane, as reached, against a fresh pane of the same size that shows `id` at
// once: the same rows at the same places, and no row overlapping the next.
void TestRunSelector::expectSameLayoutAsFresh(const QString &id)
{
    QTest::qWait(50); // posted layout requests run before the rects are read
    const QList<RowRects> reached = rowRects(view());
    TaskDetailPane fresh;
    fresh.resize(pane()->size());
    fresh.show();
    fresh.showTask(oa::AgentPaths(m_agent.base()), id);
    QTRY_VERIFY_WITH_TIMEOUT(fresh.detailsView()->hasDetails(), 10000);
    QTest::qWait(50);
    const QList<RowRects> direct = rowRects(fresh.detailsView());
    QCOMPARE(reached.size(), direct.size());
    for (qsizetype i = 0; i < reached.size(); ++i) {
        QCOMPARE(reached[i].field, direct[i].field);
        QCOMPARE(reached[i].label, direct[i].label);
        QCOMPARE(reached[i].value, direct[i].value);
        if (i + 1 == reached.size() || reached[i].field == Field::Outcome)
            continue;
        for (const QRect &mine : {reached[i].label, reached[i].value})
            for (const QRect &next : {reached[i + 1].label, reached[i + 1].value})
                QVERIFY2(!mine.intersects(next), qPrintable(QStringLiteral("row %1 overlaps row %2").arg(i).arg(i + 1)));
    }
}

void TestRunSelector::sameLayoutAfterCancelAndRerun()
{
    const QString id = QStringLiteral("sleeper");
    TaskActions *actions = m_window->taskActions();
    actions->confirm = [](const QString &, const QString &) { return true; };
    QVERIFY(selectAndLoad(id));
    actions->runAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(id), oa::TaskState::Running, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(view()->shownFields().contains(Field::Duration), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(view()->chart()->isVisible(), 10000); // the live chart, while it runs
    actions->cancelAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(id), oa::TaskState::Cancelled, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(view()->outcomeLabel()->text().startsWith(QStringLiteral("Cancelled")), 10000);
    expectSameLayoutAsFresh(id);
    if (QTest::currentTestFailed())
        return;
    actions->runAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(id), oa::TaskState::Failed, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(view()->shownValue(Field::LastError).startsWith(QStringLiteral("the second run failed")), 10000);
    // The re-run kept the cancelled run: the table's next refresh marks the task.
    TaskTableModel *model = m_window->taskModel();
    QTRY_VERIFY_WITH_TIMEOUT(!model->index(model->rowOf(id), TaskTableModel::IdColumn).data(Qt::DecorationRole).isNull(), 20000);
    expectSameLayoutAsFresh(id);
    if (QTest::currentTestFailed())
        return;
    for (const QString &other : {QStringLiteral("crashed"), QStringLiteral("thrice"), id})
        QVERIFY(selectAndLoad(other));
    QTRY_VERIFY_WITH_TIMEOUT(view()->shownValue(Field::LastError).startsWith(QStringLiteral("the second run failed")), 10000);
    expectSameLayoutAsFresh(id);
}

void TestRunSelector::aChosenRunIsFollowedWhenANewRunStarts()
{
    QVERIFY(selectAndLoad(QStringLiteral("thrice")));
    QComboBox *runs = pane()->runSelector();
    QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 3, 10000);
    runs->setCurrentIndex(2); // run 1, in previous.2/
    QTRY_COMPARE_WITH_TIMEOUT(view()->shownValue(Field::LastError), QStringLiteral("probe 1 failed"), 10000);
    // A fourth run moves it to previous.3/: the pane goes on showing it there.
    QCOMPARE(runExecutor(executorArgs(m_agent, QStringLiteral("thrice"))).exitCode, 0);
    QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 4, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(pane()->shownRun(), 3, 10000);
    QCOMPARE(runs->currentIndex(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(view()->shownValue(Field::LastError), QStringLiteral("probe 1 failed"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(pane()->logs()->view(LogTabs::Output)->text(), QStringLiteral("run 1"), 10000);
}

void TestRunSelector::aKeptInterruptedRunIsNamed()
{
    // The crashed run is kept when the task runs again: it has no result, and the selector says
    // what the scan finds of it, with its start from its status.json.
    const QString id = QStringLiteral("crashed");
    const QJsonObject status = readJson(m_agent.taskFile(id, QStringLiteral("status.json")));
    QVERIFY(writeFileBytes(m_agent.taskFile(id, QStringLiteral("main.py")), "print('recovered')\n"));
    QCOMPARE(runExecutor(executorArgs(m_agent, id)).exitCode, 0);
    QVERIFY(waitForScan());
    QVERIFY(selectAndLoad(id));
    QComboBox *runs = pane()->runSelector();
    QTRY_COMPARE_WITH_TIMEOUT(runs->count(), 2, 10000);
    const QString started = oa::DisplayUnits::localTime(QDateTime::fromString(status.value("StartedAt").toString(), Qt::ISODateWithMs));
    QCOMPARE(runs->itemText(1), QStringLiteral("%1 · Interrupted").arg(started));
    runs->setCurrentIndex(1);
    QTRY_VERIFY_WITH_TIMEOUT(view()->hasDetails() && view()->shownFields().contains(Field::Finding), 10000);
    QVERIFY(view()->outcomeLabel()->text().startsWith(QStringLiteral("Interrupted")));
}

QTEST_MAIN(TestRunSelector)
#include "tst_run_selector.moc"
