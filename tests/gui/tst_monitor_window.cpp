// The monitor's window as an operator meets it, offscreen: loud failures (a banner for a missing
// or unreadable agent folder and an unknown --select, --screenshot failing with them), F5's
// feedback, a layout that fits 1280×800 and is remembered, and a status line that counts the
// environment cache's store of distributions.
#include "ColumnFit.h"
#include "LeftoversPanel.h"
#include "LockTableModel.h"
#include "LocksPanel.h"
#include "MainWindow.h"
#include "ProgressDelegate.h"
#include "TaskTableModel.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QMenuBar>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace oatest;

namespace {

// A store folder as DistributionStore publishes it (marker, site-packages, dist-info with its
// METADATA, the executor's own and writable by nobody else), made by hand: the monitor only reads.
bool makeStoreFolder(const Agent &agent, const QString &name, char shaDigit)
{
    const QString sha(64, QLatin1Char(shaDigit));
    const QString dir = agent.base() + QStringLiteral("/EnvCache/store/%1-1.0-%2").arg(name, sha.left(16));
    const QString site = dir + QStringLiteral("/lib/python3.11/site-packages");
    const QString distInfo = site + u'/' + QString(name).replace(u'-', u'_') + QStringLiteral("-1.0.dist-info");
    if (!QDir().mkpath(distInfo))
        return false;
    for (const QString &folder : {dir, site, distInfo})
        if (!QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                                               | QFile::ReadOther | QFile::ExeOther))
            return false;
    const QByteArray dist = QString(name).replace(u'-', u'_').toUtf8();
    return writeFileBytes(distInfo + QStringLiteral("/METADATA"), "Metadata-Version: 2.1\nName: " + dist + "\nVersion: 1.0\n\n")
           && writeFileBytes(dir + QStringLiteral("/stored.json"),
                             R"({"Name": ")" + dist + R"(", "Version": "1.0", "Sha256": ")" + sha.toLatin1()
                                 + R"(", "SitePackages": "lib/python3.11/site-packages", "SizeBytes": 1048576})");
}

QString statusLine(const MainWindow &window)
{
    for (const QLabel *label : window.statusBar()->findChildren<QLabel *>())
        if (label->text().contains(QLatin1String("environment cache")))
            return label->text();
    return {};
}

} // namespace

class TestMonitorWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void bannerNamesTheFolder_data();
    void bannerNamesTheFolder();
    void unknownSelectionIsShown();
    void screenshotFailsLoudly_data();
    void screenshotFailsLoudly();
    void rereadSaysWhen();
    void everyColumnFitsTheDefaultSize();
    void progressTextStaysInsideItsBar();
    void columnLayoutIsRemembered();
    void statusLineCountsTheStore();

private:
    std::unique_ptr<MainWindow> openWindow(const QString &base, const QString &select = QString());
    QProcessEnvironment monitorEnvironment() const;
    Agent m_agent;
    QProcess m_holder;
};

std::unique_ptr<MainWindow> TestMonitorWindow::openWindow(const QString &base, const QString &select)
{
    auto window = std::make_unique<MainWindow>();
    window->resize(1280, 800);
    window->show();
    if (!select.isEmpty())
        window->selectTask(select);
    QSignalSpy spy(window.get(), &MainWindow::snapshotApplied);
    window->setBaseDir(base);
    if (!spy.wait(20000))
        qFatal("no scan of %s", qPrintable(base));
    return window;
}

QProcessEnvironment TestMonitorWindow::monitorEnvironment() const
{
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_agent.base() + QStringLiteral("/../config"));
    return env;
}

void TestMonitorWindow::initTestCase()
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_agent.base() + QStringLiteral("/../settings"));
    // Rows as wide as real ones get: long arguments, a running task with a run-as user and a
    // progress message, another host's lock, a failed run, every kind of requirements source.
    m_agent.makeScriptTask(QStringLiteral("invoice-import-0412"), "print(1)\n",
                           {{QStringLiteral("Arguments"), QStringLiteral("--source \"Q4 invoices.xlsx\" --dry-run --batch-size 500")}});
    writeResult(m_agent, QStringLiteral("invoice-import-0412"), QStringLiteral("Succeeded"), 0);
    m_agent.makeScriptTask(QStringLiteral("crm-sync-0413"), "print(1)\n");
    writeResult(m_agent, QStringLiteral("crm-sync-0413"), QStringLiteral("Failed"), 1);
    m_agent.makeTask(QStringLiteral("report-mail-0414"), {{QStringLiteral("ExecutionId"), QStringLiteral("report-mail-0414")},
                                                          {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                     {{QStringLiteral("main.py"), "print(1)\n"}, {QStringLiteral("requirements.txt"), "requests>=2.28\nopenpyxl\n"}});
    m_agent.makeScriptTask(QStringLiteral("web-scrape-0419"), "print(1)\n");
    QVERIFY(startLockHolder(m_holder, m_agent.lockFile(QStringLiteral("web-scrape-0419"))));
    QVERIFY(writeFileBytes(m_agent.taskFile(QStringLiteral("web-scrape-0419"), QStringLiteral("status.json")),
                           R"({"ExecutionId":"web-scrape-0419","State":"Running","Stage":"Requirements","Percent":60,)"
                           R"("Message":"page 3 of 5","RunAsUser":"oa-bot","MemoryBytes":10223616,"CpuSeconds":0.25})"));
    m_agent.makeScriptTask(QStringLiteral("ledger-close-0418"), "print(1)\n");
    writeForeignLock(m_agent, QStringLiteral("ledger-close-0418"), QStringLiteral("bot-07.plant-b.example.corp"));
}

void TestMonitorWindow::cleanupTestCase()
{
    m_holder.kill();
    m_holder.waitForFinished();
}

void TestMonitorWindow::bannerNamesTheFolder_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("says");
    const QString missing = QDir::cleanPath(m_agent.base() + QStringLiteral("/../no-such-agent"));
    QTest::newRow("missing") << missing << QStringLiteral("The agent folder %1 does not exist").arg(missing);
    const QString file = m_agent.taskFile(QStringLiteral("crm-sync-0413"), QStringLiteral("main.py"));
    QTest::newRow("a file") << file << QStringLiteral("%1 is not a folder").arg(file);
    const QString tasksIsAFile = QDir::cleanPath(m_agent.base() + QStringLiteral("/../tasks-is-a-file"));
    QVERIFY(QDir().mkpath(tasksIsAFile));
    QVERIFY(writeFileBytes(tasksIsAFile + QStringLiteral("/Tasks"), "not a folder"));
    QTest::newRow("Tasks is a file") << tasksIsAFile << QStringLiteral("%1/Tasks is not a folder").arg(tasksIsAFile);
}

void TestMonitorWindow::bannerNamesTheFolder()
{
    QFETCH(QString, base);
    QFETCH(QString, says);
    auto window = openWindow(base);
    QVERIFY(window->banner()->isVisible());
    QVERIFY2(window->banner()->text().startsWith(says), qPrintable(window->banner()->text()));
    QCOMPARE(window->problem(), window->banner()->text());
    // A good folder takes the banner away.
    QSignalSpy spy(window.get(), &MainWindow::snapshotApplied);
    window->setBaseDir(m_agent.base());
    QVERIFY(spy.wait(20000));
    QVERIFY(!window->banner()->isVisible());
    QVERIFY(window->problem().isEmpty());
}

void TestMonitorWindow::unknownSelectionIsShown()
{
    auto window = openWindow(m_agent.base(), QStringLiteral("payroll-0999"));
    QVERIFY(window->banner()->isVisible());
    QCOMPARE(window->banner()->text(), QStringLiteral("There is no task payroll-0999 in %1.").arg(m_agent.base() + QStringLiteral("/Tasks")));
    // The service creates it after all: it is selected, and the banner goes.
    m_agent.makeScriptTask(QStringLiteral("payroll-0999"), "print(1)\n");
    QTRY_COMPARE_WITH_TIMEOUT(window->selectedTaskId(), QStringLiteral("payroll-0999"), 20000);
    QVERIFY(!window->banner()->isVisible());
    QDir(m_agent.taskDir(QStringLiteral("payroll-0999"))).removeRecursively();
}

void TestMonitorWindow::screenshotFailsLoudly_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("select");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrSays");
    QTest::newRow("all well") << m_agent.base() << "crm-sync-0413" << 0 << QString();
    QTest::newRow("missing folder") << m_agent.base() + QStringLiteral("/../gone") << QString() << 1 << "/gone does not exist";
    QTest::newRow("unknown --select") << m_agent.base() << "nope-0001" << 1 << "There is no task nope-0001 in";
}

void TestMonitorWindow::screenshotFailsLoudly()
{
    QFETCH(QString, base);
    QFETCH(QString, select);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrSays);
    const QString png = m_agent.base() + QStringLiteral("/../window-%1.png").arg(QTest::currentDataTag()).replace(u' ', u'-');
    const QString details = m_agent.base() + QStringLiteral("/../details-%1.png").arg(QTest::currentDataTag()).replace(u' ', u'-');
    QStringList arguments{QStringLiteral("--config"), emptyConfigFile(), QStringLiteral("--base-dir"), base,
                          QStringLiteral("--screenshot"), png, QStringLiteral("--screenshot-details"), details};
    if (!select.isEmpty())
        arguments << QStringLiteral("--select") << select;
    QProcess monitor;
    monitor.setProcessEnvironment(monitorEnvironment());
    monitor.start(QStringLiteral(OA_MONITOR_PATH), arguments);
    QVERIFY(monitor.waitForFinished(60000));
    const QString err = QString::fromLocal8Bit(monitor.readAllStandardError());
    QCOMPARE(monitor.exitCode(), exitCode);
    if (!stderrSays.isEmpty())
        QVERIFY2(err.contains(stderrSays), qPrintable(err));
    // The pictures are written either way: they show what went wrong.
    const QImage window(png);
    QCOMPARE(window.size(), QSize(1280, 800));
    const QImage pane(details);
    QVERIFY(!pane.isNull() && pane.width() > 1000 && pane.height() > 150);
}

void TestMonitorWindow::rereadSaysWhen()
{
    auto window = openWindow(m_agent.base());
    QAction *reread = nullptr;
    for (QAction *menu : window->menuBar()->actions())
        if (menu->menu())
            for (QAction *action : menu->menu()->actions())
                if (action->shortcut() == QKeySequence(QKeySequence::Refresh))
                    reread = action;
    QVERIFY(reread);
    reread->trigger();
    // The time of day with its zone (oa::LocalTime): "Re-read at 3:12:45 AM UTC".
    const QRegularExpression said(QStringLiteral("^Re-read at \\d{1,2}:\\d\\d:\\d\\d( [AP]M)? \\S+$"));
    QTRY_VERIFY_WITH_TIMEOUT(said.match(window->statusBar()->currentMessage()).hasMatch(), 10000);
}

void TestMonitorWindow::everyColumnFitsTheDefaultSize()
{
    QSettings().clear();
    auto window = openWindow(m_agent.base());
    QCOMPARE(window->size(), QSize(1280, 800));
    QTableView *tasks = window->taskView();
    QTRY_VERIFY(window->taskModel()->rowCount() >= 5);
    // Every header whole; every cell whole but the free text of Script, Lock holder, Progress and
    // Reason, which elides with its tooltip; nothing right of the view.
    QCOMPARE(ColumnFit::clipped(tasks, {TaskTableModel::ScriptColumn, TaskTableModel::LockColumn, TaskTableModel::ProgressColumn,
                                        TaskTableModel::ReasonColumn}),
             QList<int>());
    // The Reason is what the operator reads the table for: it gives way last, and keeps room for
    // 40 characters of its reasons (the fixture's are longer) before the others are cut further.
    const int reasonRoom = qMin(ColumnFit::needed(tasks, TaskTableModel::ReasonColumn), tasks->fontMetrics().averageCharWidth() * 40);
    QVERIFY2(tasks->columnWidth(TaskTableModel::ReasonColumn) >= reasonRoom,
             qPrintable(QStringLiteral("%1 < %2").arg(tasks->columnWidth(TaskTableModel::ReasonColumn)).arg(reasonRoom)));
    QVERIFY(!tasks->horizontalScrollBar()->isVisible());
    QVERIFY(!tasks->wordWrap());
    const int running = window->taskModel()->rowOf(QStringLiteral("web-scrape-0419"));
    const QModelIndex lock = window->taskModel()->index(running, TaskTableModel::LockColumn);
    QCOMPARE(lock.data(Qt::ToolTipRole).toString(), lock.data().toString());
    // The locks' and leftovers' tables never break a cell over two lines ("2 / min").
    auto *tabs = qobject_cast<QTabWidget *>(window->locksPanel()->parentWidget()->parentWidget());
    QVERIFY(tabs);
    tabs->setCurrentWidget(window->locksPanel());
    QTRY_VERIFY(window->locksPanel()->view()->isVisible());
    QVERIFY(window->locksPanel()->model()->rowCount() >= 2);
    QVERIFY(!window->locksPanel()->view()->wordWrap());
    QCOMPARE(ColumnFit::clipped(window->locksPanel()->view(), {}), QList<int>());
    QVERIFY(!window->leftoversPanel()->view()->wordWrap());
}

void TestMonitorWindow::progressTextStaysInsideItsBar()
{
    const QFontMetrics metrics(QApplication::font());
    const QString text = QStringLiteral("60% Requirements · installing pandas 1.5.3 and numpy 1.24.2 from the wheel folder");
    for (int width : {60, 120, 180, 240}) {
        const QString shown = ProgressDelegate::barText(metrics, text, width);
        QVERIFY2(metrics.horizontalAdvance(shown) <= width - 2 * ProgressDelegate::kTextMargin, qPrintable(shown));
        QVERIFY(shown.isEmpty() || shown.endsWith(QChar(0x2026)) || shown == text);
    }
    QCOMPARE(ProgressDelegate::barText(metrics, QStringLiteral("40% Run"), 400), QStringLiteral("40% Run"));
}

void TestMonitorWindow::columnLayoutIsRemembered()
{
    QSettings().clear();
    QHeaderView *header = nullptr;
    {
        auto window = openWindow(m_agent.base());
        header = window->taskView()->horizontalHeader();
        QVERIFY(header->sectionsMovable());
        header->moveSection(header->visualIndex(TaskTableModel::ExitCodeColumn), 1);
        header->resizeSection(TaskTableModel::ScriptColumn, 333);
        window->close(); // saves the layout, as quitting does
    }
    auto again = openWindow(m_agent.base());
    header = again->taskView()->horizontalHeader();
    QCOMPARE(header->visualIndex(TaskTableModel::ExitCodeColumn), 1);
    QCOMPARE(header->sectionSize(TaskTableModel::ScriptColumn), 333); // not fitted over
    QSettings().clear();
}

void TestMonitorWindow::statusLineCountsTheStore()
{
    Agent agent;
    QVERIFY(makeStoreFolder(agent, QStringLiteral("oa-one"), 'a'));
    QVERIFY(makeStoreFolder(agent, QStringLiteral("oa-two"), 'b'));
    {
        auto window = openWindow(agent.base());
        // No entry, two distributions: their bytes are the cache's size.
        QVERIFY2(statusLine(*window).endsWith(QLatin1String(" MiB, 2 distributions")), qPrintable(statusLine(*window)));
    }
    // An implausible folder (writable by others) is not counted; one distribution is singular.
    QVERIFY(QFile::setPermissions(agent.base() + QStringLiteral("/EnvCache/store/oa-two-1.0-bbbbbbbbbbbbbbbb"), QFileDevice::Permissions(0x7777)));
    auto window = openWindow(agent.base());
    QVERIFY2(statusLine(*window).endsWith(QLatin1String(" MiB, 1 distribution")), qPrintable(statusLine(*window)));
}

QTEST_MAIN(TestMonitorWindow)
#include "tst_monitor_window.moc"
