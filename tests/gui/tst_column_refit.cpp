// Columns refit when their content grows (issue 23): at 1280×800 offscreen over the every-state
// fixture, no cell of the Locks and Leftovers tables is elided, before and after longer content
// arrives (another host's long name, a long execution ID), the task table's ID column grows with
// a longer ID, a width the operator set by hand stays, and the status line is whole.
#include "ColumnFit.h"
#include "LeftoverTableModel.h"
#include "LeftoversPanel.h"
#include "LockTableModel.h"
#include "LocksPanel.h"
#include "MainWindow.h"
#include "MonitorTranslations.h"
#include "MonitorWindowFixture.h"
#include "TaskTableModel.h"
#include "TasksPanel.h"
#include "TestSupport.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QLabel>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace oatest;

namespace {

// The cells of `column` whose text does not fit its width: the font's advance of the text, the
// icon beside it, and the delegate's margins on both sides.
QStringList elided(const QTableView *view, int column)
{
    const QAbstractItemModel *model = view->model();
    const int margins = 2 * (view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1);
    const int width = view->horizontalHeader()->sectionSize(column);
    QStringList cut;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, column);
        const QString text = index.data().toString();
        const bool icon = index.data(Qt::DecorationRole).isValid();
        const int need = view->fontMetrics().horizontalAdvance(text) + (icon ? view->iconSize().width() + 4 : 0) + margins;
        if (!text.isEmpty() && width < need)
            cut.append(QStringLiteral("\"%1\" needs %2 px, has %3").arg(text).arg(need).arg(width));
    }
    return cut;
}

QStringList elidedAnywhere(const QTableView *view)
{
    QStringList cut;
    for (int c = 0; c < view->model()->columnCount(); ++c)
        cut += elided(view, c);
    return cut;
}

} // namespace

class TestColumnRefit : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void locksRefitAsHoldersArrive();
    void leftoversRefitAsFoldersArrive();
    void taskIdsRefitUnlessSetByHand();
    void statusLineIsWhole();
    void minimumsNeverMakeTheTableScroll();

private:
    QTabWidget *tabs() const { return m_monitor.window->findChild<QTabWidget *>(); }
    MonitorOverEveryState m_monitor;
};

void TestColumnRefit::initTestCase()
{
    QVERIFY(m_monitor.start());
    m_monitor.window->resize(1280, 800);
    QTRY_COMPARE(m_monitor.window->width(), 1280);
}

void TestColumnRefit::cleanupTestCase()
{
    m_monitor.stop();
}

void TestColumnRefit::locksRefitAsHoldersArrive()
{
    tabs()->setCurrentWidget(m_monitor.window->locksPanel());
    QTableView *view = m_monitor.window->locksPanel()->view();
    QTRY_VERIFY(view->model()->rowCount() >= 3);
    QTRY_VERIFY2(elidedAnywhere(view).isEmpty(), qPrintable(elidedAnywhere(view).join(u'\n')));
    // A lock from a host with a long name, taken long ago (its age reads in days).
    writeForeignLock(m_monitor.agent, QStringLiteral("remote-2"), QStringLiteral("bot-17.a-much-longer-site-name.example.org"));
    QVERIFY(m_monitor.waitForScan());
    QTRY_COMPARE(view->model()->rowCount(), 5);
    QTRY_VERIFY2(elidedAnywhere(view).isEmpty(), qPrintable(elidedAnywhere(view).join(u'\n')));
}

void TestColumnRefit::leftoversRefitAsFoldersArrive()
{
    tabs()->setCurrentWidget(m_monitor.window->leftoversPanel());
    QTableView *view = m_monitor.window->leftoversPanel()->view();
    QVERIFY(QDir().mkpath(m_monitor.agent.base() + QStringLiteral("/venvs/gone")));
    QVERIFY(m_monitor.waitForScan());
    QTRY_VERIFY(view->model()->rowCount() > 0);
    QTRY_VERIFY2(elidedAnywhere(view).isEmpty(), qPrintable(elidedAnywhere(view).join(u'\n')));
    QVERIFY(QDir().mkpath(m_monitor.agent.base() + QStringLiteral("/Temp/nightly-invoice-reconciliation-2026-12-07-0001")));
    QVERIFY(m_monitor.waitForScan());
    const auto listed = [view] {
        for (int row = 0; row < view->model()->rowCount(); ++row)
            if (view->model()->index(row, LeftoverTableModel::IdColumn).data().toString().startsWith(QStringLiteral("nightly")))
                return true;
        return false;
    };
    QTRY_VERIFY(listed());
    QTRY_VERIFY2(elidedAnywhere(view).isEmpty(), qPrintable(elidedAnywhere(view).join(u'\n')));
    tabs()->setCurrentIndex(0);
}

void TestColumnRefit::taskIdsRefitUnlessSetByHand()
{
    QTableView *view = m_monitor.window->taskView();
    QTRY_VERIFY2(elided(view, TaskTableModel::IdColumn).isEmpty(), qPrintable(elided(view, TaskTableModel::IdColumn).join(u'\n')));
    const int before = view->horizontalHeader()->sectionSize(TaskTableModel::IdColumn);
    m_monitor.agent.makeScriptTask(QStringLiteral("nightly-invoice-reconciliation-0001"), "print(1)\n");
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor.window->taskModel()->rowOf(QStringLiteral("nightly-invoice-reconciliation-0001")) >= 0, 20000);
    QTRY_VERIFY2(elided(view, TaskTableModel::IdColumn).isEmpty(), qPrintable(elided(view, TaskTableModel::IdColumn).join(u'\n')));
    QVERIFY(view->horizontalHeader()->sectionSize(TaskTableModel::IdColumn) > before);
    // The operator narrows it by hand: a longer ID later leaves it as they set it.
    view->horizontalHeader()->resizeSection(TaskTableModel::IdColumn, 60);
    m_monitor.agent.makeScriptTask(QStringLiteral("nightly-invoice-reconciliation-and-archive-0002"), "print(1)\n");
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor.window->taskModel()->rowOf(QStringLiteral("nightly-invoice-reconciliation-and-archive-0002")) >= 0, 20000);
    m_monitor.window->tasksPanel()->columnRefitter()->refitIfGrown(); // what the timer does after the new row
    QVERIFY(!elided(view, TaskTableModel::IdColumn).isEmpty());
    QCOMPARE(view->horizontalHeader()->sectionSize(TaskTableModel::IdColumn), 60);
    // View › Fit columns fits it again, the operator's width forgotten.
    m_monitor.window->fitColumns();
    QVERIFY(elided(view, TaskTableModel::IdColumn).isEmpty());
}

namespace {
// The status bar's labels whose text is wider than they are.
QStringList cutStatus(MainWindow &window)
{
    QStringList cut;
    for (QLabel *label : window.statusBar()->findChildren<QLabel *>())
        if (label->isVisible() && label->width() < label->fontMetrics().horizontalAdvance(label->text()))
            cut.append(QStringLiteral("\"%1\" needs %2 px, has %3").arg(label->text()).arg(label->fontMetrics().horizontalAdvance(label->text())).arg(label->width()));
    return cut;
}
} // namespace

void TestColumnRefit::statusLineIsWhole()
{
    QVERIFY(m_monitor.waitForScan());
    QVERIFY(!m_monitor.window->statusBar()->findChildren<QLabel *>().isEmpty());
    QTRY_VERIFY2(cutStatus(*m_monitor.window).isEmpty(), qPrintable(cutStatus(*m_monitor.window).join(u'\n')));
    // German's longer words, with the configuration file named beside it.
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    MonitorTranslations german(QLocale(QLocale::German, QLocale::Germany));
    MainWindow window;
    window.setConfiguration(loadConfiguration(emptyConfigFile(), m_monitor.agent.base()));
    window.resize(1280, 800);
    window.show();
    QSignalSpy scanned(&window, &MainWindow::snapshotApplied);
    window.setBaseDir(m_monitor.agent.base());
    QVERIFY(scanned.wait(20000));
    QTRY_VERIFY2(cutStatus(window).isEmpty(), qPrintable(cutStatus(window).join(u'\n')));
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestColumnRefit::minimumsNeverMakeTheTableScroll()
{
    // Three long free-text columns in a narrow table: the give-way columns go down to their
    // minimums in order, and where even those do not fit, to their headers: a minimum is a wish,
    // never a horizontal scroll bar (the task table's Reason keeps 40 characters that way).
    QStandardItemModel model(2, 3);
    model.setHorizontalHeaderLabels({QStringLiteral("Holder"), QStringLiteral("Progress"), QStringLiteral("Reason")});
    for (int row = 0; row < 2; ++row)
        for (int column = 0; column < 3; ++column)
            model.setItem(row, column, new QStandardItem(QString(80, QLatin1Char('x'))));
    QTableView view;
    view.setModel(&model);
    view.horizontalHeader()->setStretchLastSection(true);
    view.resize(400, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const int room = view.viewport()->width();
    const int wish = view.fontMetrics().averageCharWidth() * 40;
    // Room for the wishes: the first give-way column goes to its minimum, the last keeps its wish.
    ColumnFit::fit(&view, {0, 1, 2}, {{1, 60}, {2, qMin(wish, room / 2)}});
    QVERIFY(view.columnWidth(2) >= qMin(wish, room / 2));
    QVERIFY(!view.horizontalScrollBar()->isVisible());
    // No room for them: all down toward their headers, nothing right of the view.
    ColumnFit::fit(&view, {0, 1, 2}, {{1, room}, {2, room}});
    int total = 0;
    for (int column = 0; column < 3; ++column)
        total += view.columnWidth(column);
    QVERIFY2(total <= room, qPrintable(QStringLiteral("%1 > %2").arg(total).arg(room)));
    QVERIFY(view.columnWidth(2) >= view.columnWidth(0)); // the last to give way gave the least
}

QTEST_MAIN(TestColumnRefit)
#include "tst_column_refit.moc"
