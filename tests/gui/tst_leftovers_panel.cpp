// The Leftovers tab deletes on the thread pool: the window keeps working while a cleanup of
// thousands of files runs, shows how far it is, cannot start it twice, and can close meanwhile.
#include "config/ExecutorSettings.h"
#include "LeftoverTableModel.h"
#include "LeftoversPanel.h"
#include "MainWindow.h"
#include "TestSupport.h"

#include <atomic>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace oatest;

namespace {

// Enough files that deleting them takes a good many event-loop turns.
constexpr int kFilesPerFolder = 1500;

void makeFolder(const QString &dir, int files)
{
    QVERIFY(QDir().mkpath(dir + QStringLiteral("/lib/site-packages")));
    for (int i = 0; i < files; ++i) {
        QFile file(dir + QStringLiteral("/lib/site-packages/f%1.py").arg(i));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("x = 1\n");
    }
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
}

// What the panel showed each time the job said it started on another folder.
struct Shown {
    QString text;
    int value = -1;
    int maximum = -1;
    bool barVisible = false;
    bool cleanEnabled = true;
    bool cacheEnabled = true;
};

} // namespace

class TestLeftoversPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupRunsOffTheUiThread();
    void clearsTheConfiguredCache();
    void clearsAStoreWithoutEntries();
    void mainWindowPassesTheConfiguredCache();
    void closingDuringACleanup();

private:
    QList<oa::Leftover> scan(const Agent &agent) const { return oa::Leftovers(oa::AgentPaths(agent.base())).scan(); }
};

void TestLeftoversPanel::initTestCase()
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, QDir::tempPath() + QStringLiteral("/tst_leftovers_panel-settings"));
}

void TestLeftoversPanel::cleanupRunsOffTheUiThread()
{
    Agent agent;
    for (int i = 1; i <= 10; ++i)
        makeFolder(agent.base() + QStringLiteral("/venvs/v%1").arg(i, 2, 10, QLatin1Char('0')), kFilesPerFolder);
    makeFolder(agent.base() + QStringLiteral("/Temp/keep-temp"), 3);
    makeFolder(agent.base() + QStringLiteral("/venvs/keep-venv"), 3);

    LeftoversPanel panel;
    panel.show();
    panel.setLeftovers(agent.base(), scan(agent));
    panel.setCache(1, 1024);
    QCOMPARE(panel.model()->rowCount(), 12);
    int asked = 0;
    panel.confirm = [&asked](const QString &, const QString &) { return ++asked > 0; };
    // All but the two keep-* folders.
    panel.view()->clearSelection();
    for (int row = 0; row < panel.model()->rowCount(); ++row)
        if (!panel.model()->rowAt(row)->executionId.startsWith(QLatin1String("keep-")))
            panel.view()->selectionModel()->select(panel.model()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);

    // The thread that deletes: heard directly, on that thread.
    QSet<QThread *> deletingThreads;
    connect(panel.cleaner(), &LeftoversCleaner::deleting, this,
            [&deletingThreads](int, int, const QString &) { deletingThreads.insert(QThread::currentThread()); }, Qt::DirectConnection);
    // What the panel shows for each folder, read on the UI thread right after the panel updated.
    QList<Shown> shown;
    connect(panel.cleaner(), &LeftoversCleaner::deleting, this, [&] {
        shown.append({panel.progressLabel()->text(), panel.progressBar()->value(), panel.progressBar()->maximum(),
                      panel.progressBar()->isVisible(), panel.cleanUpButton()->isEnabled(), panel.clearCacheButton()->isEnabled()});
    }, Qt::QueuedConnection);
    // The event loop keeps turning while the folders go.
    std::atomic_int ticksWhileBusy{0};
    // Halfway, the job waits (on its own thread) until the UI thread has handled a tick: if the
    // deletion ran on the UI thread, no tick could come and the wait would run out.
    connect(panel.cleaner(), &LeftoversCleaner::deleting, this, [&ticksWhileBusy](int done) {
        for (QDeadlineTimer deadline(30000); done == 5 && ticksWhileBusy == 0 && !deadline.hasExpired();)
            QThread::msleep(1);
    }, Qt::DirectConnection);
    QTimer timer;
    timer.setInterval(1);
    connect(&timer, &QTimer::timeout, this, [&] { ticksWhileBusy += panel.isBusy() ? 1 : 0; });
    timer.start();
    QSignalSpy messages(&panel, &LeftoversPanel::message);
    QSignalSpy changed(&panel, &LeftoversPanel::leftoversChanged);

    panel.cleanUp();
    QCOMPARE(asked, 1);
    // cleanUp() returned before the job is done: the UI thread did not delete.
    QVERIFY(panel.isBusy());
    QVERIFY(!panel.cleanUpButton()->isEnabled());
    QVERIFY(!panel.clearCacheButton()->isEnabled());
    QVERIFY(panel.progressBar()->isVisible());
    QVERIFY2(panel.progressLabel()->text().startsWith(QStringLiteral("Deleting 1 of 10: venvs/v")), qPrintable(panel.progressLabel()->text()));
    // A scan that arrives meanwhile does not enable the buttons again, and a second start is refused.
    panel.setLeftovers(agent.base(), scan(agent));
    panel.setCache(1, 1024);
    QVERIFY(!panel.cleanUpButton()->isEnabled());
    QVERIFY(!panel.clearCacheButton()->isEnabled());
    panel.cleanUp();
    panel.clearEnvironmentCache();
    QCOMPARE(asked, 1);

    QTRY_VERIFY_WITH_TIMEOUT(messages.count() == 1, 60000);
    timer.stop();
    QVERIFY2(ticksWhileBusy > 0, "no timer tick was handled while the folders were deleted");
    QVERIFY(!deletingThreads.isEmpty());
    QVERIFY(!deletingThreads.contains(QThread::currentThread()));
    QCOMPARE(shown.size(), 10);
    for (int i = 0; i < shown.size(); ++i) {
        QVERIFY2(shown.at(i).text.startsWith(QStringLiteral("Deleting %1 of 10: venvs/v").arg(i + 1)) && shown.at(i).text.endsWith(u'…'),
                 qPrintable(shown.at(i).text));
        QCOMPARE(shown.at(i).value, i);
        QCOMPARE(shown.at(i).maximum, 10);
        QVERIFY(shown.at(i).barVisible);
        QVERIFY(!shown.at(i).cleanEnabled);
        QVERIFY(!shown.at(i).cacheEnabled);
    }

    // Done: the result, a refresh asked for, the progress gone, the buttons back.
    QCOMPARE(messages.at(0).at(0).toString(), QStringLiteral("Deleted 10 folders."));
    QCOMPARE(changed.count(), 1);
    QVERIFY(!panel.isBusy());
    QVERIFY(!panel.progressBar()->isVisible());
    QVERIFY(!panel.progressLabel()->isVisible());
    QVERIFY(panel.cleanUpButton()->isEnabled());
    QVERIFY(panel.clearCacheButton()->isEnabled());
    // Exactly the selected folders are gone.
    QCOMPARE(entries(agent.base() + QStringLiteral("/venvs")), QStringList{QStringLiteral("keep-venv")});
    QCOMPARE(entries(agent.base() + QStringLiteral("/Temp")), QStringList{QStringLiteral("keep-temp")});
}

void TestLeftoversPanel::clearsTheConfiguredCache()
{
    // A folder under entries/ that no build wrote: clear() removes it (an implausible entry).
    Agent agent;
    const QString configured = agent.base() + QStringLiteral("/../SharedCache");
    for (const QString &cache : {configured, agent.base() + QStringLiteral("/EnvCache")})
        QVERIFY(QDir().mkpath(cache + QStringLiteral("/entries/planted")));

    LeftoversPanel panel;
    panel.setLeftovers(agent.base(), {});
    QCOMPARE(panel.cacheDir(), agent.base() + QStringLiteral("/EnvCache")); // nothing named: the base folder's
    panel.setCacheDir(configured);
    QCOMPARE(panel.cacheDir(), configured);
    panel.setCache(1, 1024);
    panel.confirm = [](const QString &, const QString &) { return true; };
    QSignalSpy messages(&panel, &LeftoversPanel::message);
    QSignalSpy changed(&panel, &LeftoversPanel::leftoversChanged);
    // Clearing one empty folder takes no time: the job waits on its own thread until the test
    // has seen the panel while it is busy.
    std::atomic_bool seen{false};
    connect(panel.cleaner(), &LeftoversCleaner::clearing, this, [&seen] {
        for (QDeadlineTimer deadline(30000); !seen && !deadline.hasExpired();)
            QThread::msleep(1);
    }, Qt::DirectConnection);
    panel.clearCacheButton()->click();
    QVERIFY(panel.isBusy());
    QVERIFY(!panel.clearCacheButton()->isEnabled());
    QCOMPARE(panel.progressBar()->maximum(), 0); // busy: one call, no steps to count
    QVERIFY2(panel.progressLabel()->text().startsWith(QStringLiteral("Clearing the environment cache ")), qPrintable(panel.progressLabel()->text()));
    QVERIFY(panel.progressLabel()->text().contains(QStringLiteral("SharedCache")));
    seen = true;
    QTRY_VERIFY_WITH_TIMEOUT(messages.count() == 1, 30000);
    QVERIFY2(messages.at(0).at(0).toString().startsWith(QStringLiteral("Removed 1 cached environment.")),
             qPrintable(messages.at(0).at(0).toString()));
    QCOMPARE(changed.count(), 1);
    QVERIFY(!panel.progressBar()->isVisible());
    QVERIFY(panel.clearCacheButton()->isEnabled());
    QVERIFY(entries(configured + QStringLiteral("/entries")).isEmpty());
    QCOMPARE(entries(agent.base() + QStringLiteral("/EnvCache/entries")), QStringList{QStringLiteral("planted")});
}

void TestLeftoversPanel::clearsAStoreWithoutEntries()
{
    // Every entry evicted, their distributions not yet: the store alone is still clearable, and
    // the question says what goes.
    Agent agent;
    LeftoversPanel panel;
    panel.setLeftovers(agent.base(), {});
    panel.setCache(0, 0);
    QVERIFY(!panel.clearCacheButton()->isEnabled());
    panel.setCache(0, 3 << 20, 2);
    QVERIFY(panel.clearCacheButton()->isEnabled());
    QString asked;
    panel.confirm = [&asked](const QString &, const QString &text) {
        asked = text;
        return false;
    };
    panel.clearCacheButton()->click();
    QVERIFY2(asked.startsWith(QStringLiteral("Remove 2 stored distributions, 3.00 MiB in all?")), qPrintable(asked));
    QVERIFY(!panel.isBusy());
}

void TestLeftoversPanel::mainWindowPassesTheConfiguredCache()
{
    Agent agent;
    const QString configured = QDir::cleanPath(agent.base() + QStringLiteral("/../SharedCache"));
    QFile conf(agent.base() + QStringLiteral("/../cache.conf"));
    QVERIFY(conf.open(QIODevice::WriteOnly));
    conf.write("[EnvironmentCache]\nDir = " + configured.toUtf8() + "\n");
    conf.close();
    oa::ExecutorSettings::Inputs inputs;
    inputs.configFile = conf.fileName();
    inputs.commandLine.insert(QStringLiteral("BaseDir"), {QStringLiteral("--base-dir"), agent.base()});
    inputs.environment = QProcessEnvironment();
    const auto settings = oa::ExecutorSettings::load(inputs);
    QVERIFY2(settings.ok(), settings.ok() ? "" : qPrintable(settings.error().message));
    MainWindow window;
    window.setConfiguration(settings.value());
    window.setBaseDir(agent.base());
    window.refresher()->setLeftoversWanted(true);
    QCOMPARE(window.leftoversPanel()->cacheDir(), configured);
    // Without the setting, the cache of whichever folder is shown.
    inputs.configFile = emptyConfigFile();
    window.setConfiguration(oa::ExecutorSettings::load(inputs).value());
    QTRY_COMPARE_WITH_TIMEOUT(window.leftoversPanel()->cacheDir(), agent.base() + QStringLiteral("/EnvCache"), 20000); // after a scan of the folder
}

void TestLeftoversPanel::closingDuringACleanup()
{
    Agent agent;
    for (int i = 1; i <= 12; ++i)
        makeFolder(agent.base() + QStringLiteral("/venvs/v%1").arg(i, 2, 10, QLatin1Char('0')), kFilesPerFolder);
    auto window = std::make_unique<MainWindow>();
    window->show();
    window->setBaseDir(agent.base());
    window->refresher()->setLeftoversWanted(true);
    LeftoversPanel *panel = window->leftoversPanel();
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 12, 20000);
    panel->confirm = [](const QString &, const QString &) { return true; };
    panel->view()->clearSelection();
    int started = 0; // heard on the UI thread, as the panel hears it
    connect(panel->cleaner(), &LeftoversCleaner::deleting, this, [&started] { ++started; }, Qt::QueuedConnection);
    // On the job's own thread, before the second folder: hold the job there until the window's
    // closing asks it to stop, so that what is left does not depend on how fast the disk is.
    LeftoversCleaner *cleaner = panel->cleaner();
    connect(cleaner, &LeftoversCleaner::deleting, cleaner, [cleaner](int done) {
        for (QDeadlineTimer deadline(30000); done == 1 && !cleaner->stopRequested() && !deadline.hasExpired();)
            QThread::msleep(1);
    }, Qt::DirectConnection);
    panel->cleanUp();
    QVERIFY(panel->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(started == 2, 20000); // the first folder is gone, the job waits before the second
    window->close();
    window.reset(); // waits for the folder being deleted, and deletes no more
    // The first folder, and the second, which it was about to delete when asked to stop.
    QCOMPARE(entries(agent.base() + QStringLiteral("/venvs")).size(), 10);
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/v01")));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/v02")));
}

QTEST_MAIN(TestLeftoversPanel)
#include "tst_leftovers_panel.moc"
