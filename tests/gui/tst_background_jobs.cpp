// The monitor's writes run off the UI thread (BackgroundJob): a lock clear that waits for the
// Locks/ guard and a cancel request leave the event loop turning, disable what started them, say
// in the status bar what is happening, show their result as before, and closing the window in
// the middle of one waits for it.
#include "fs/AgentPaths.h"
#include "lock/LockFiles.h"
#include "lock/LockInspector.h"
#include "BackgroundJob.h"
#include "LockTableModel.h"
#include "LocksPanel.h"
#include "MainWindow.h"
#include "TaskActions.h"
#include "TestSupport.h"

#include <QAction>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenuBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <thread>

using namespace oatest;

namespace {

// A real orphaned lock: the helper takes it with QLockFile and is killed with SIGKILL.
bool makeDeadHoldersLock(const Agent &agent, const QString &id)
{
    agent.makeScriptTask(id, "print(1)\n");
    QProcess holder;
    if (!startLockHolder(holder, agent.lockFile(id)))
        return false;
    holder.kill();
    return holder.waitForFinished() && QFile::exists(agent.lockFile(id));
}

// Counts the UI thread's timer ticks: a tick is only handled while the event loop turns.
struct Ticks {
    explicit Ticks(QObject *context)
    {
        timer.setInterval(5);
        QObject::connect(&timer, &QTimer::timeout, context, [this] { ++count; });
        timer.start();
    }
    QTimer timer;
    std::atomic_int count{0};
};

QAction *menuAction(QMainWindow &window, const QString &text)
{
    for (QAction *action : window.menuBar()->findChildren<QAction *>())
        if (action->text() == text)
            return action;
    return nullptr;
}

} // namespace

class TestBackgroundJobs : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void jobReportsOnTheUiThread();
    void slowLockClearLeavesTheWindowResponsive();
    void slowForceClearLeavesThePanelResponsive();
    void cancelRunsOffTheUiThread();
    void closingDuringALockClear();
};

void TestBackgroundJobs::initTestCase()
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, QDir::tempPath() + QStringLiteral("/tst_background_jobs-settings"));
}

void TestBackgroundJobs::jobReportsOnTheUiThread()
{
    BackgroundJob job;
    QThread *workedOn = nullptr;
    QThread *doneOn = nullptr;
    QString result;
    QSignalSpy finished(&job, &BackgroundJob::finished);
    QVERIFY(job.start(QStringLiteral("adding"), [&workedOn] {
        workedOn = QThread::currentThread();
        return QStringLiteral("4");
    }, [&](const QString &value) {
        doneOn = QThread::currentThread();
        result = value;
        QVERIFY(!job.isBusy()); // done may start the next job
    }));
    QVERIFY(job.isBusy());
    QCOMPARE(job.description(), QStringLiteral("adding"));
    // One at a time: a second start is refused while the first has not been heard of.
    QVERIFY(!job.start(QString(), [] { return 0; }, [](int) { QFAIL("a refused job ran"); }));
    QVERIFY(finished.wait(10000));
    QCOMPARE(result, QStringLiteral("4"));
    QVERIFY(workedOn && workedOn != QThread::currentThread());
    QCOMPARE(doneOn, QThread::currentThread());
    QVERIFY(!job.isBusy());
    QVERIFY(job.description().isEmpty());
}

void TestBackgroundJobs::slowLockClearLeavesTheWindowResponsive()
{
    Agent agent;
    const QString id = QStringLiteral("crashed");
    QVERIFY(makeDeadHoldersLock(agent, id));
    MainWindow window;
    window.show();
    QSignalSpy scanned(&window, &MainWindow::snapshotApplied);
    window.setBaseDir(agent.base());
    QVERIFY(scanned.wait(20000));
    LocksPanel *locks = window.locksPanel();
    QCOMPARE(locks->model()->rowCount(), 1);
    QCOMPARE(locks->model()->rowAt(0)->verdict, oa::LockVerdict::Orphaned);
    int asked = 0;
    locks->confirm = [&asked](const QString &, const QString &) { return ++asked > 0; };

    // Another holder of Locks/@guard (a takeover in progress, as far as clear() can tell): an
    // flock belongs to its open file, so this thread's hold makes clear() poll until it goes.
    oa::lockfiles::Guard guard(oa::lockfiles::guardFileFor(agent.lockFile(id)));
    QVERIFY(guard.lock(1000).ok());
    QSignalSpy messages(locks, &LocksPanel::message);
    QAction *clear = menuAction(window, LocksPanel::tr("&Clear orphaned locks…"));
    QVERIFY(clear);
    clear->trigger(); // Ctrl+Shift+L
    QCOMPARE(asked, 1);
    // It returned while clear() waits for the guard: the UI thread is free.
    QVERIFY(locks->isBusy());
    QVERIFY(!locks->clearButton()->isEnabled());
    QVERIFY(!clear->isEnabled());
    QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Clearing 1 orphaned lock…"));
    Ticks ticks(this);
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count >= 10, 5000);
    QVERIFY(locks->isBusy());
    QVERIFY(messages.isEmpty());
    QVERIFY(QFile::exists(agent.lockFile(id)));
    // A scan meanwhile offers nothing again, and a second clear is refused without asking.
    window.refresher()->refreshNow();
    QVERIFY(scanned.wait(20000));
    QVERIFY(!locks->clearButton()->isEnabled());
    locks->clearOrphaned();
    QCOMPARE(asked, 1);

    guard.unlock();
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, 15000);
    QCOMPARE(messages.at(0).at(0).toString(), QStringLiteral("Removed 1 orphaned lock."));
    QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Removed 1 orphaned lock."));
    QVERIFY(!QFile::exists(agent.lockFile(id)));
    QVERIFY(!locks->isBusy());
    QVERIFY(clear->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(locks->model()->rowCount(), 0, 20000); // the scan it asked for
}

void TestBackgroundJobs::slowForceClearLeavesThePanelResponsive()
{
    Agent agent;
    const QString id = QStringLiteral("remote");
    agent.makeScriptTask(id, "print(1)\n");
    writeForeignLock(agent, id);
    LocksPanel panel;
    panel.show();
    panel.setLocks(agent.base(), oa::LockInspector(oa::AgentPaths(agent.base())).locks());
    panel.view()->selectRow(0);
    QVERIFY(panel.forceButton()->isEnabled());
    panel.confirm = [](const QString &, const QString &) { return true; };
    oa::lockfiles::Guard guard(oa::lockfiles::guardFileFor(agent.lockFile(id)));
    QVERIFY(guard.lock(1000).ok());
    QSignalSpy started(panel.job(), &BackgroundJob::started);
    QSignalSpy messages(&panel, &LocksPanel::message);
    QSignalSpy changed(&panel, &LocksPanel::locksChanged);
    panel.forceButton()->click();
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toString(), QStringLiteral("Removing the lock of remote…"));
    QVERIFY(!panel.forceButton()->isEnabled());
    Ticks ticks(this);
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count >= 10, 5000);
    QVERIFY(panel.isBusy());
    QVERIFY(QFile::exists(agent.lockFile(id)));
    guard.unlock();
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, 15000);
    QCOMPARE(messages.at(0).at(0).toString(), QStringLiteral("Removed the lock of remote."));
    QCOMPARE(changed.count(), 1);
    QVERIFY(!QFile::exists(agent.lockFile(id)));
    QVERIFY(panel.forceButton()->isEnabled()); // the row stays until the scan that follows
}

void TestBackgroundJobs::cancelRunsOffTheUiThread()
{
    // A running task as the executor leaves it: its live lock, and the @run file with its token.
    Agent agent;
    const QString id = QStringLiteral("live");
    agent.makeScriptTask(id, "print(1)\n");
    QProcess holder;
    QVERIFY(startLockHolder(holder, agent.lockFile(id)));
    const oa::AgentPaths paths(agent.base());
    const QString token = QStringLiteral("0123456789abcdef0123456789abcdef");
    QVERIFY(writeFileBytes(paths.runFile(id), QJsonDocument(QJsonObject{{"Pid", holder.processId()}, {"RunToken", token}}).toJson()));

    QWidget window;
    TaskActions actions(&window);
    actions.setBaseDir(agent.base());
    actions.setSelection(id, oa::TaskState::Running);
    actions.confirm = [](const QString &, const QString &) { return true; };
    QVERIFY(actions.cancelAction()->isEnabled());
    // The request is written and fsynced on the job's own thread; it waits there until the UI
    // thread has handled timer ticks, which it could not if the write ran on the UI thread.
    Ticks ticks(this);
    ticks.count = 0;
    QThread *writtenOn = nullptr;
    connect(actions.job(), &BackgroundJob::running, this, [&](const QString &) {
        writtenOn = QThread::currentThread();
        for (QDeadlineTimer deadline(10000); ticks.count < 10 && !deadline.hasExpired();)
            QThread::msleep(1);
    }, Qt::DirectConnection);
    QSignalSpy started(actions.job(), &BackgroundJob::started);
    QSignalSpy messages(&actions, &TaskActions::message);
    QSignalSpy changed(&actions, &TaskActions::taskChanged);
    actions.cancelAction()->trigger();
    QVERIFY(actions.isBusy());
    QVERIFY(!actions.cancelAction()->isEnabled());
    QVERIFY(!actions.runAction()->isEnabled());
    // What is happening, for the status bar until the result replaces it.
    QCOMPARE(started.count(), 1);
    QCOMPARE(started.at(0).at(0).toString(), QStringLiteral("Asking live to cancel…"));
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 15000);
    QVERIFY2(ticks.count >= 10, "no timer tick was handled while the cancel request was written");
    QVERIFY(writtenOn && writtenOn != QThread::currentThread());
    QCOMPARE(messages.count(), 1);
    QCOMPARE(messages.at(0).at(0).toString(), QStringLiteral("Asked live to cancel."));
    QVERIFY(QFile::exists(paths.cancelRequestFile(id, token)));
    QVERIFY(actions.cancelAction()->isEnabled()); // still Running, until a scan says otherwise
    holder.kill();
    holder.waitForFinished();
}

void TestBackgroundJobs::closingDuringALockClear()
{
    Agent agent;
    const QString id = QStringLiteral("crashed");
    QVERIFY(makeDeadHoldersLock(agent, id));
    auto window = std::make_unique<MainWindow>();
    window->show();
    QSignalSpy scanned(window.get(), &MainWindow::snapshotApplied);
    window->setBaseDir(agent.base());
    QVERIFY(scanned.wait(20000));
    LocksPanel *locks = window->locksPanel();
    locks->confirm = [](const QString &, const QString &) { return true; };
    // The guard's other holder keeps it until the window is gone: the closing window asks the
    // job to stop, the clear stops waiting for the guard (it would wait 10 s), and the window
    // waits for the job to return, never freeing what the job reports to under it.
    std::atomic_bool held{false};
    std::atomic_bool release{false};
    std::thread other;
    const auto joined = qScopeGuard([&other] {
        if (other.joinable())
            other.join();
    });
    other = std::thread([&] {
        oa::lockfiles::Guard guard(oa::lockfiles::guardFileFor(agent.lockFile(id)));
        if (!guard.lock(1000).ok())
            return;
        held = true;
        for (QDeadlineTimer deadline(60000); !release && !deadline.hasExpired();)
            QThread::msleep(1);
    });
    QTRY_VERIFY_WITH_TIMEOUT(held, 5000);
    locks->clearOrphaned();
    QVERIFY(locks->isBusy());
    window->close();
    window.reset(); // waits for the clear in flight, which stops waiting for the guard
    release = true;
    other.join();
    QVERIFY(held);
    QVERIFY(QFile::exists(agent.lockFile(id))); // the clear stopped before its judgement: nothing removed
}

QTEST_MAIN(TestBackgroundJobs)
#include "tst_background_jobs.moc"
