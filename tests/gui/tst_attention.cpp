// What needs the operator, at a glance (issue 23): the "Needs attention" filter, State sorted by
// severity, the window title's count and the announcement of each new failure, offscreen over
// the every-state fixture (MonitorOverEveryState) with an Orphaned task added.
#include "AttentionMonitor.h"
#include "MainWindow.h"
#include "StateStyle.h"
#include "TaskFilterProxy.h"
#include "TaskTableModel.h"
#include "TasksPanel.h"
#include "MonitorWindowFixture.h"
#include "TestSupport.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QScrollBar>
#include <QFile>
#include <QSignalSpy>
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
    QComboBox *filter = m_window->tasksPanel()->stateFilter();
    const int item = filter->findText(QStringLiteral("Needs attention"));
    QVERIFY(item > 0);
    filter->setCurrentIndex(item);
    const QStringList shown = shownIds();
    QCOMPARE(QSet<QString>(shown.begin(), shown.end()), m_attention);
    QCOMPARE(shown.size(), m_attention.size());
    // A single state still filters by itself.
    filter->setCurrentIndex(filter->findText(StateStyle::label(oa::TaskState::Orphaned)));
    QCOMPARE(shownIds(), QStringList{QStringLiteral("orphaned")});
    filter->setCurrentIndex(0);
    QCOMPARE(m_window->taskProxy()->rowCount(), m_window->taskModel()->rowCount());
}

void TestAttention::filterItemsAreNotCut()
{
    QComboBox *filter = m_window->tasksPanel()->stateFilter();
    const int icon = filter->iconSize().width();
    // However narrow the window: the search field gives way, the state names do not.
    const QSize size = m_window->size();
    for (const int width : {size.width(), 500}) {
        m_window->resize(width, size.height());
        QTRY_COMPARE(m_window->width(), std::max(width, m_window->minimumSizeHint().width()));
        for (int i = 0; i < filter->count(); ++i)
            QVERIFY2(filter->width() >= filter->fontMetrics().horizontalAdvance(filter->itemText(i)) + icon,
                     qPrintable(QStringLiteral("%1 in %2 px").arg(filter->itemText(i)).arg(filter->width())));
        QCOMPARE(filter->width(), filter->sizeHint().width());
    }
    m_window->resize(size);
    // Nor in its list: every item on screen at once (a scroll bar would take the width of the
    // longest name), each as wide as its text.
    filter->showPopup();
    QAbstractItemView *list = filter->view();
    QTRY_VERIFY(list->isVisible());
    QVERIFY(!list->verticalScrollBar()->isVisible());
    for (int i = 0; i < filter->count(); ++i) {
        // Rows are as wide as a menu's (room for check marks and shortcuts): the text is what counts.
        const QRect item = list->visualRect(list->model()->index(i, 0));
        QVERIFY2(list->viewport()->width() >= filter->fontMetrics().horizontalAdvance(filter->itemText(i)) + icon,
                 qPrintable(QStringLiteral("%1 in %2 px of the list").arg(filter->itemText(i)).arg(list->viewport()->width())));
        QVERIFY2(item.top() >= 0 && item.bottom() < list->viewport()->height(),
                 qPrintable(QStringLiteral("%1 at y %2 of %3").arg(filter->itemText(i)).arg(item.top()).arg(list->viewport()->height())));
    }
    filter->hidePopup();
    // Measured again when what it shows changes after the window opened (a larger font here;
    // under a desktop, the theme's font arrives after the first show).
    const QFont before = filter->font();
    QFont larger = before;
    larger.setPointSizeF(before.pointSizeF() * 1.5);
    filter->setFont(larger);
    const int longest = filter->fontMetrics().horizontalAdvance(StateStyle::label(oa::TaskState::RunningElsewhere)) + icon;
    QTRY_VERIFY2(filter->width() >= longest, qPrintable(QStringLiteral("%1 px for %2 px").arg(filter->width()).arg(longest)));
    filter->setFont(before);
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
    QCOMPARE(QCoreApplication::translate("TasksPanel", "Needs attention"), QStringLiteral("Braucht Aufmerksamkeit"));
    QCOMPARE(QCoreApplication::translate("MainWindow", "OpenAutomate Monitor — %1 — %2"), QStringLiteral("OpenAutomate-Monitor — %1 — %2"));
    QCoreApplication::removeTranslator(&translator);
}

QTEST_MAIN(TestAttention)
#include "tst_attention.moc"
