// What needs the operator, at a glance (issue 23): the "Needs attention" filter, State sorted by
// severity, the window title's count and the announcement of each new failure, offscreen over
// the every-state fixture (MonitorOverEveryState) with an Orphaned task added.
#include "AttentionMonitor.h"
#include "MainWindow.h"
#include "StateFilterButton.h"
#include "StateStyle.h"
#include "TaskFilterProxy.h"
#include "TaskTableModel.h"
#include "TasksPanel.h"
#include "MonitorWindowFixture.h"
#include "TestSupport.h"

#include <QAbstractItemView>
#include <QMenu>
#include <QTimer>
#include <QToolButton>
#include <QScrollBar>
#include <QFile>
#include <QFont>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QTranslator>

using namespace oatest;

class TestAttention : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void titleCountsWhatNeedsAttention();
    void attentionFilterShowsExactlyThose();
    void filterItemsAreNotCut();
    void menuStaysOpenForTheNextState();
    void stateSortsBySeverity();
    void newFailureUpdatesTitleAndIsAnnounced();
    void onlyNewRunsAreAnnounced();
    void germanCount();

private:
    QStringList shownIds() const;
    MonitorOverEveryState m_monitor;
    std::unique_ptr<MainWindow> &m_window = m_monitor.window;
    // Failed, TimedOut, Invalid, the two Interrupted of the fixture, and the Orphaned one added.
    const QSet<QString> m_attention{"bad", "slow", "broken", "crashed", "crashed-too", "orphaned"};
};

void TestAttention::initTestCase()
{
    // Killed after it saved its result, before it let go of its lock: Orphaned.
    QVERIFY(makeOrphanedLock(m_monitor.agent, QStringLiteral("orphaned")));
    QVERIFY(writeFileBytes(m_monitor.agent.taskFile(QStringLiteral("orphaned"), QStringLiteral("status.json")),
                           R"({"ExecutionId":"orphaned","State":"Finished","Stage":"Run"})"));
    writeResult(m_monitor.agent, QStringLiteral("orphaned"), QStringLiteral("Failed"), 1);
    QVERIFY(m_monitor.start());
    QCOMPARE(m_window->taskModel()->index(m_window->taskModel()->rowOf(QStringLiteral("orphaned")), 0).data(TaskTableModel::StateRole).toInt(),
             int(oa::TaskState::Orphaned));
}

void TestAttention::cleanupTestCase()
{
    m_monitor.stop();
}

QStringList TestAttention::shownIds() const
{
    QStringList ids;
    const TaskFilterProxy *proxy = m_window->taskProxy();
    for (int row = 0; row < proxy->rowCount(); ++row)
        ids.append(proxy->index(row, 0).data(TaskTableModel::IdRole).toString());
    return ids;
}

void TestAttention::titleCountsWhatNeedsAttention()
{
    QCOMPARE(m_window->attention()->count(), 6);
    QCOMPARE(m_window->windowTitle(), QStringLiteral("OpenAutomate Monitor — 6 need attention — %1").arg(m_monitor.agent.base()));
    QCOMPARE(AttentionMonitor::countText(1), QStringLiteral("1 needs attention"));
    QCOMPARE(AttentionMonitor::countText(0), QString());
    // None: the plain title.
    AttentionMonitor none;
    QSignalSpy changed(&none, &AttentionMonitor::countChanged);
    none.setTasks({});
    QCOMPARE(changed.count(), 0);
    QCOMPARE(none.count(), 0);
}

void TestAttention::attentionFilterShowsExactlyThose()
{
    TasksPanel *panel = m_window->tasksPanel();
    QToolButton *attention = panel->attentionFilter();
    StateFilterButton *states = panel->stateFilter();
    attention->setChecked(true);
    QStringList shown = shownIds();
    QCOMPARE(QSet<QString>(shown.begin(), shown.end()), m_attention);
    QCOMPARE(shown.size(), m_attention.size());
    // States chosen beside it add to it; sorting still works over the filtered rows.
    states->stateAction(int(oa::TaskState::Pending))->setChecked(true);
    shown = shownIds();
    QCOMPARE(QSet<QString>(shown.begin(), shown.end()), m_attention + QSet<QString>{QStringLiteral("pending")});
    attention->setChecked(false);
    // Several states at once, none of them "needs attention" ones alone: Failed and Interrupted.
    states->setStates({int(oa::TaskState::Failed), int(oa::TaskState::Interrupted)});
    QCOMPARE(states->text(), QStringLiteral("2 states"));
    shown = shownIds();
    QCOMPARE(QSet<QString>(shown.begin(), shown.end()), (QSet<QString>{"bad", "crashed", "crashed-too"}));
    // A single state still filters by itself, and says which.
    states->setStates({int(oa::TaskState::Orphaned)});
    QCOMPARE(states->text(), StateStyle::label(oa::TaskState::Orphaned));
    QCOMPARE(shownIds(), QStringList{QStringLiteral("orphaned")});
    // Remembered with the view settings: a new window filters the same way.
    {
        MainWindow again;
        QCOMPARE(again.tasksPanel()->stateFilter()->states(), QSet<int>{int(oa::TaskState::Orphaned)});
        QVERIFY(!again.tasksPanel()->attentionFilter()->isChecked());
    }
    attention->setChecked(true);
    {
        MainWindow again;
        QVERIFY(again.tasksPanel()->attentionFilter()->isChecked());
    }
    attention->setChecked(false);
    // "All states" in the menu: every task again.
    states->allAction()->trigger();
    QCOMPARE(states->states(), QSet<int>());
    QCOMPARE(states->text(), QStringLiteral("All states"));
    QCOMPARE(m_window->taskProxy()->rowCount(), m_window->taskModel()->rowCount());
}

void TestAttention::filterItemsAreNotCut()
{
    StateFilterButton *filter = m_window->tasksPanel()->stateFilter();
    // However narrow the window, and whichever state is chosen: the search field gives way, the
    // button shows the whole of its text ("Running elsewhere").
    const QSize size = m_window->size();
    const auto fits = [filter] {
        return filter->width() >= filter->fontMetrics().horizontalAdvance(filter->text()) + 8;
    };
    for (const int width : {size.width(), 500}) {
        m_window->resize(width, size.height());
        QTRY_COMPARE(m_window->width(), std::max(width, m_window->minimumSizeHint().width()));
        for (int s = 0; s < oa::kTaskStateCount; ++s) {
            filter->setStates({s});
            QVERIFY2(fits(), qPrintable(QStringLiteral("%1 in %2 px").arg(filter->text()).arg(filter->width())));
            QVERIFY(filter->width() >= filter->sizeHint().width());
        }
    }
    filter->setStates({});
    m_window->resize(size);
    // Nor in its menu: every state on screen at once, each as wide as its text.
    QMenu *menu = filter->menu(); // modal while shown: checked from a timer
    QTimer::singleShot(0, menu, [menu] {
        for (QAction *action : menu->actions())
            if (!action->isSeparator()) {
                const QRect r = menu->actionGeometry(action);
                if (r.width() < menu->fontMetrics().horizontalAdvance(action->text()) || !menu->rect().contains(r))
                    qFatal("%s is cut in the menu", qPrintable(action->text()));
            }
        menu->hide();
    });
    filter->showMenu();
    // Measured again when its font changes after the window opened (under a desktop, the
    // theme's font arrives after the first show).
    const QFont before = filter->font();
    QFont larger = before;
    larger.setPointSizeF(before.pointSizeF() * 1.5);
    filter->setFont(larger);
    filter->setStates({int(oa::TaskState::RunningElsewhere)});
    QTRY_VERIFY2(fits(), qPrintable(QStringLiteral("%1 px").arg(filter->width())));
    filter->setStates({});
    filter->setFont(before);
}

// A click on a state in the menu checks it and leaves the menu open for the next one.
void TestAttention::menuStaysOpenForTheNextState()
{
    StateFilterButton *filter = m_window->tasksPanel()->stateFilter();
    QMenu *menu = filter->menu();
    bool stayedOpen = false;
    QTimer::singleShot(0, menu, [&] {
        QAction *failed = filter->stateAction(int(oa::TaskState::Failed));
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(failed).center());
        stayedOpen = menu->isVisible();
        QAction *timedOut = filter->stateAction(int(oa::TaskState::TimedOut));
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(timedOut).center());
        menu->hide();
    });
    filter->showMenu();
    QVERIFY(stayedOpen);
    QCOMPARE(filter->states(), (QSet<int>{int(oa::TaskState::Failed), int(oa::TaskState::TimedOut)}));
    const QStringList shown = shownIds();
    QCOMPARE(QSet<QString>(shown.begin(), shown.end()), (QSet<QString>{"bad", "slow"}));
    filter->setStates({});
}

void TestAttention::stateSortsBySeverity()
{
    QTableView *view = m_window->taskView();
    view->sortByColumn(TaskTableModel::StateColumn, Qt::AscendingOrder);
    const TaskFilterProxy *proxy = m_window->taskProxy();
    QStringList order;
    int last = -1;
    for (int row = 0; row < proxy->rowCount(); ++row) {
        const auto state = oa::TaskState(proxy->index(row, 0).data(TaskTableModel::StateRole).toInt());
        QVERIFY2(StateStyle::severity(state) >= last, qPrintable(proxy->index(row, 0).data(TaskTableModel::IdRole).toString()));
        last = StateStyle::severity(state);
        order.append(proxy->index(row, 0).data(TaskTableModel::IdRole).toString());
    }
    // What needs attention first, the worst (Failed) at the top; Succeeded last.
    QCOMPARE(QSet<QString>(order.begin(), order.begin() + m_attention.size()), m_attention);
    QCOMPARE(order.first(), QStringLiteral("bad"));
    QCOMPARE(order.indexOf(QStringLiteral("slow")), 1);
    QCOMPARE(order.last(), QStringLiteral("ok"));
    view->sortByColumn(TaskTableModel::StartedColumn, Qt::DescendingOrder);
}

void TestAttention::newFailureUpdatesTitleAndIsAnnounced()
{
    QSignalSpy announced(m_window->attention(), &AttentionMonitor::newFailure);
    // No task of the first scan was announced, and a scan with nothing new announces nothing.
    QVERIFY(m_monitor.waitForScan());
    QCOMPARE(announced.count(), 0);
    Agent &agent = m_monitor.agent;
    agent.makeScriptTask(QStringLiteral("late"), "print(1)\n");
    writeResult(agent, QStringLiteral("late"), QStringLiteral("Failed"), 1);
    // The monitor finds it by itself (watcher or poll): no refresh is asked for.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->windowTitle().startsWith(QStringLiteral("OpenAutomate Monitor — 7 need attention — ")), 20000);
    QCOMPARE(announced.count(), 1);
    QCOMPARE(announced.first().at(0).toString(), QStringLiteral("late"));
    QCOMPARE(announced.first().at(1).value<oa::TaskState>(), oa::TaskState::Failed);
    // The status bar says it too, over whatever it said before (tray or not).
    QVERIFY2(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("late: Failed · ")),
             qPrintable(m_window->statusBar()->currentMessage()));
    // Its row is bold until the operator selects it; the failures of the first scan are not.
    TaskFilterProxy *proxy = m_window->taskProxy();
    const auto bold = [proxy](const QString &id) {
        for (int row = 0; row < proxy->rowCount(); ++row)
            if (proxy->index(row, 0).data(TaskTableModel::IdRole).toString() == id)
                return proxy->index(row, TaskTableModel::ReasonColumn).data(Qt::FontRole).value<QFont>().bold();
        return false;
    };
    QVERIFY(bold(QStringLiteral("late")));
    QVERIFY(!bold(QStringLiteral("bad")));
    QCOMPARE(m_window->attention()->unseen(), QSet<QString>{QStringLiteral("late")});
    m_window->selectTask(QStringLiteral("bad"));
    QVERIFY(bold(QStringLiteral("late")));
    m_window->selectTask(QStringLiteral("late"));
    QVERIFY(!bold(QStringLiteral("late")));
    QVERIFY(m_window->attention()->unseen().isEmpty());
    // Still failed at the next scan: the same run, not announced again.
    QVERIFY(m_monitor.waitForScan());
    QCOMPARE(announced.count(), 1);
    // Gone again: the count and the title follow.
    QVERIFY(QDir(agent.taskDir(QStringLiteral("late"))).removeRecursively());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->windowTitle().startsWith(QStringLiteral("OpenAutomate Monitor — 6 need attention — ")), 20000);
}

namespace {
oa::TaskSummary summary(const QString &id, oa::TaskState state, const QString &startedAt = QString())
{
    oa::TaskSummary t;
    t.id = id;
    t.state = state;
    t.startedAt = QDateTime::fromString(startedAt, Qt::ISODate);
    return t;
}
} // namespace

// Which scans announce what, without a window: what the tray's notifications follow.
void TestAttention::onlyNewRunsAreAnnounced()
{
    AttentionMonitor attention;
    QSignalSpy announced(&attention, &AttentionMonitor::newFailure);
    const auto ids = [&announced] {
        QStringList out;
        for (const QList<QVariant> &args : std::as_const(announced))
            out.append(args.at(0).toString());
        announced.clear();
        return out;
    };
    using S = oa::TaskState;
    const QString t1 = QStringLiteral("2026-12-01T08:00:00Z");
    const QString t2 = QStringLiteral("2026-12-01T09:00:00Z");
    // The first scan counts, announces nothing.
    attention.setTasks({summary("old", S::Failed, t1), summary("held", S::Orphaned, t1), summary("run", S::Pending)});
    QCOMPARE(attention.count(), 2);
    QCOMPARE(ids(), QStringList());
    // The same runs again: nothing. Its lock cleared, Orphaned becomes Failed: the same run.
    attention.setTasks({summary("old", S::Failed, t1), summary("held", S::Failed, t2), summary("run", S::Running, t2)});
    QCOMPARE(ids(), QStringList());
    // A run that fails; one that failed again between two scans (never seen Running); a new task.
    attention.setTasks({summary("old", S::Failed, t2), summary("held", S::Failed, t2), summary("run", S::TimedOut, t2),
                        summary("new", S::Invalid)});
    QCOMPARE(ids(), (QStringList{"old", "run", "new"}));
    QCOMPARE(attention.count(), 4);
    // Re-run from Interrupted, then interrupted again: announced each time it enters the state.
    attention.setTasks({summary("new", S::Interrupted, t1)});
    QCOMPARE(ids(), QStringList());
    QCOMPARE(attention.count(), 1);
    attention.setTasks({summary("new", S::Running, t2)});
    attention.setTasks({summary("new", S::Interrupted, t2)});
    QCOMPARE(ids(), QStringList{"new"});
    // Another folder: its first scan announces nothing again.
    attention.reset();
    QCOMPARE(attention.count(), 0);
    attention.setTasks({summary("other", S::Failed, t1)});
    QCOMPARE(ids(), QStringList());
    QCOMPARE(attention.count(), 1);
}

void TestAttention::germanCount()
{
    QTranslator translator;
    QVERIFY(translator.load(QLocale(QStringLiteral("de_DE")), QStringLiteral("openautomate-monitor"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&translator);
    QCOMPARE(AttentionMonitor::countText(1), QStringLiteral("1 benötigt Aufmerksamkeit"));
    QCOMPARE(AttentionMonitor::countText(3), QStringLiteral("3 benötigen Aufmerksamkeit"));
    QCOMPARE(QCoreApplication::translate("StateFilterButton", "%n states", nullptr, 3), QStringLiteral("3 Zustände"));
    QCOMPARE(QCoreApplication::translate("MainWindow", "OpenAutomate Monitor — %1 — %2"), QStringLiteral("OpenAutomate-Monitor — %1 — %2"));
    QCoreApplication::removeTranslator(&translator);
}

QTEST_MAIN(TestAttention)
#include "tst_attention.moc"
