#include "MainWindow.h"

#include "AttentionMonitor.h"
#include "BackgroundJob.h"
#include "ConfigurationDialog.h"
#include "LeftoversPanel.h"
#include "LocksPanel.h"
#include "StateStyle.h"
#include "TaskActions.h"
#include "TaskFilterProxy.h"
#include "TasksPanel.h"
#include "base/LocalTime.h"

#include <QAction>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace {
constexpr int kMaxRecent = 8;
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent), m_actions(new TaskActions(this)), m_attention(new AttentionMonitor(this))
{
    setWindowTitle(tr("OpenAutomate Monitor"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/openautomate.png")));
    buildPanels();

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
    m_configStatus = new QLabel(this);
    statusBar()->addPermanentWidget(m_configStatus);
    const auto show = [this](const QString &text) { statusBar()->showMessage(text, 10000); };
    connect(m_locks, &LocksPanel::message, this, show);
    connect(m_leftovers, &LeftoversPanel::message, this, show);
    connect(m_actions, &TaskActions::message, this, [this](const QString &text, int ms) { statusBar()->showMessage(text, ms); });
    connect(m_locks, &LocksPanel::locksChanged, &m_refresher, &AgentRefresher::refreshNow);
    connect(m_leftovers, &LeftoversPanel::leftoversChanged, &m_refresher, &AgentRefresher::refreshNow);
    connect(m_actions, &TaskActions::taskChanged, &m_refresher, &AgentRefresher::refreshNow);
    connect(&m_refresher, &AgentRefresher::scanned, this, &MainWindow::apply);
    connect(m_tasksPanel, &TasksPanel::selectionChanged, this, &MainWindow::selectionChanged);
    connect(m_attention, &AttentionMonitor::countChanged, this, &MainWindow::updateTitle);
    // New failures in bold until the operator selects them; one selected as it fails is seen.
    connect(m_attention, &AttentionMonitor::unseenChanged, this, [this](const QSet<QString> &ids) {
        if (const QString selected = m_tasksPanel->selectedTaskId(); ids.contains(selected))
            m_attention->acknowledge(selected); // emits again, without it
        else
            m_tasksPanel->proxy()->setHighlighted(ids);
    });
    // A new failure replaces whatever the status bar said last ("Started … as PID …" of the run
    // that has now failed), whether or not the desktop has a tray to announce it.
    connect(m_attention, &AttentionMonitor::newFailure, this, [this](const QString &id, oa::TaskState state, const QString &reason) {
        statusBar()->showMessage(reason.isEmpty() ? tr("%1: %2").arg(id, StateStyle::label(state))
                                                  : tr("%1: %2 · %3").arg(id, StateStyle::label(state), reason),
                                 60000);
    });
    connect(m_attention, &AttentionMonitor::activated, this, [this](const QString &id) {
        showNormal();
        raise();
        activateWindow();
        if (!id.isEmpty()) {
            m_tabs->setCurrentWidget(m_tasksPanel);
            selectTask(id);
        }
    });

    buildActions();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_columnsRestored = m_tasksPanel->restoreLayout(settings.value(QStringLiteral("window/splitter")).toByteArray(),
                                                    settings.value(QStringLiteral("window/taskColumns")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1280, 800);
}

void MainWindow::buildPanels()
{
    m_tasksPanel = new TasksPanel(this);
    m_locks = new LocksPanel(this);
    m_leftovers = new LeftoversPanel(this);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_tasksPanel, StateStyle::icon(oa::TaskState::Running), tr("&Tasks"));
    m_tabs->addTab(m_locks, StateStyle::icon(oa::TaskState::Orphaned), tr("&Locks"));
    m_tabs->addTab(m_leftovers, StateStyle::icon(oa::TaskState::Cancelled), tr("Leftover&s"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        m_refresher.setLeftoversWanted(m_tabs->widget(index) == m_leftovers);
    });
    // Above the tabs: what is wrong with the folder or the command line, where it cannot be missed.
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setStyleSheet(QStringLiteral("QLabel#banner { background: #fdecea; color: #8a1c14; border: 1px solid #e0a09a;"
                                           " padding: 6px; font-weight: bold; }"));
    m_banner->hide();
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(2);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(m_tabs, 1);
    setCentralWidget(central);
}

TaskTableModel *MainWindow::taskModel() const
{
    return m_tasksPanel->model();
}

TaskFilterProxy *MainWindow::taskProxy() const
{
    return m_tasksPanel->proxy();
}

QTableView *MainWindow::taskView() const
{
    return m_tasksPanel->view();
}

TaskDetailPane *MainWindow::detailPane() const
{
    return m_tasksPanel->detailPane();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open agent folder…"), this, &MainWindow::chooseBaseDir);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("&Recent agent folders"));
    rebuildRecentMenu();
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *task = menuBar()->addMenu(tr("T&ask"));
    task->addActions(m_actions->all());
    m_tasksPanel->addTaskActions(m_actions->all());
    task->addSeparator();
    QAction *refresh = task->addAction(tr("Re-read &now"), this, &MainWindow::rereadNow);
    refresh->setShortcut(QKeySequence::Refresh);
    QAction *find = task->addAction(tr("&Find…"), this, [this] {
        m_tabs->setCurrentWidget(m_tasksPanel);
        m_tasksPanel->focusSearch();
    });
    find->setShortcut(QKeySequence::Find);

    QMenu *locks = menuBar()->addMenu(tr("Loc&ks")); // Alt+L is the Locks tab
    QAction *clear = locks->addAction(tr("&Clear orphaned locks…"), this, [this] {
        m_tabs->setCurrentWidget(m_locks);
        m_locks->clearOrphaned();
    });
    clear->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_L);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction *go = view->addAction(m_tabs->tabText(i).remove(u'&'), this, [this, i] { m_tabs->setCurrentIndex(i); });
        go->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    view->addAction(tr("&Fit columns to the window"), this, &MainWindow::fitColumns);
    view->addAction(tr("&Configuration…"), this, &MainWindow::showConfiguration);

    QToolBar *bar = addToolBar(tr("Actions"));
    bar->setObjectName(QStringLiteral("actions"));
    bar->addAction(open);
    bar->addAction(refresh);
    bar->addAction(m_actions->runAction());
    bar->addAction(m_actions->cancelAction());
    bar->addAction(m_actions->openFolderAction());
    showJobs(m_locks->job(), {clear});
    showJobs(m_actions->job(), {});
    selectionChanged();
}

void MainWindow::showJobs(BackgroundJob *job, const QList<QAction *> &startedBy)
{
    // Until the job's own result replaces it: a lock clear may wait 10 s for the Locks/ guard.
    connect(job, &BackgroundJob::started, this, [this, startedBy](const QString &what) {
        statusBar()->showMessage(what);
        for (QAction *action : startedBy)
            action->setEnabled(false);
    });
    connect(job, &BackgroundJob::finished, this, [startedBy] {
        for (QAction *action : startedBy)
            action->setEnabled(true);
    });
}

void MainWindow::setConfiguration(const oa::ExecutorSettings &settings)
{
    m_configuration = settings;
    m_actions->setConfiguration(settings);
    m_configStatus->setText(settings.configFile().isEmpty() ? tr("Configuration: built-in defaults")
                                                            : tr("Configuration: %1").arg(QDir::toNativeSeparators(settings.configFile())));
    m_configStatus->setToolTip(ConfigurationDialog::describeFile(settings));
    // A cache folder the file (or the command line) names stays put when File › Open switches
    // folders; the default one is <base>/EnvCache of whichever folder is shown.
    const oa::Setting *cacheDir = settings.find(QStringLiteral("EnvironmentCache/Dir"));
    const QString namedCacheDir = cacheDir && cacheDir->source.kind != oa::SettingSource::Kind::Default ? settings.envCacheDir() : QString();
    m_refresher.setCacheDir(namedCacheDir);
    m_leftovers->setCacheDir(namedCacheDir); // Clear environment cache clears the folder the status bar sizes
}

void MainWindow::showConfiguration()
{
    auto *dialog = new ConfigurationDialog(m_configuration, baseDir(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("configurationDialog"));
    dialog->show();
}

void MainWindow::setBaseDir(const QString &baseDir)
{
    m_scans = 0;
    m_folderProblem = {};
    m_selectionProblem.clear();
    m_actions->setBaseDir(baseDir);
    m_tasksPanel->setBaseDir(baseDir);
    m_attention->reset();
    rememberRecent(baseDir);
    m_refresher.setBaseDir(baseDir);
    updateTitle();
}

void MainWindow::updateTitle()
{
    // The count first: a task bar cuts a title from the end, and the path is the least news.
    const QString path = QDir::toNativeSeparators(baseDir());
    const int count = m_attention->count();
    setWindowTitle(count > 0 ? tr("OpenAutomate Monitor — %1 — %2").arg(AttentionMonitor::countText(count), path)
                             : tr("OpenAutomate Monitor — %1").arg(path));
}

void MainWindow::apply(const AgentSnapshot &snapshot)
{
    m_tasksPanel->setTasks(snapshot.tasks);
    m_attention->setTasks(snapshot.tasks);
    m_locks->setLocks(snapshot.baseDir, snapshot.locks);
    m_leftovers->setLocks(snapshot.locks);
    if (snapshot.hasLeftovers)
        m_leftovers->setLeftovers(snapshot.baseDir, snapshot.leftovers);
    m_leftovers->setCache(snapshot.cacheEntries, snapshot.cacheBytes, snapshot.cacheDistributions);
    m_folderProblem = snapshot.problem;
    if (m_scans++ == 0) {
        // Fit the columns to the first data; the operator's widths and order win afterwards. The
    // locks' and leftovers' tables (and the tasks' as their content grows) refit by themselves
    // (ColumnFit::Refitter).
        if (!m_columnsRestored)
            fitColumns();
    }
    if (!m_pendingSelection.isEmpty()) {
        selectTask(m_pendingSelection);
        // Still not there after a scan of a readable folder: --select named a task that is not there.
        if (!m_pendingSelection.isEmpty() && m_folderProblem.kind == FolderProblem::Kind::None)
            m_selectionProblem = tr("There is no task %1 in %2.")
                                     .arg(m_pendingSelection, QDir::toNativeSeparators(oa::AgentPaths(snapshot.baseDir).tasksDir()));
    }
    updateBanner();
    updateStatus(snapshot);
    if (m_rereadAskedAt.isValid() && snapshot.startedAt >= m_rereadAskedAt) {
        m_rereadAskedAt = {};
        statusBar()->showMessage(tr("Re-read at %1").arg(oa::LocalTime::timeOfDay(snapshot.startedAt)), 5000);
    }
    emit snapshotApplied();
}

void MainWindow::rereadNow()
{
    m_rereadAskedAt = QDateTime::currentDateTimeUtc();
    m_refresher.refreshNow();
}

void MainWindow::fitColumns()
{
    m_tasksPanel->fitColumns();
}

QString MainWindow::problem() const
{
    const QString path = QDir::toNativeSeparators(m_folderProblem.path);
    switch (m_folderProblem.kind) {
    case FolderProblem::Kind::Missing:
        return tr("The agent folder %1 does not exist. Choose one with File › Open agent folder, or check --base-dir, "
                  "OPENAUTOMATE_BOTAGENT_DIR and BaseDir in the configuration file.")
            .arg(path);
    case FolderProblem::Kind::NotAFolder:
        return tr("%1 is not a folder. Choose the agent folder with File › Open agent folder.").arg(path);
    case FolderProblem::Kind::Unreadable:
        return tr("%1 cannot be read: %2. The monitor shows nothing of it.").arg(path, m_folderProblem.reason);
    case FolderProblem::Kind::None:
        break;
    }
    return m_selectionProblem;
}

void MainWindow::updateBanner()
{
    const QString text = problem();
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void MainWindow::updateStatus(const AgentSnapshot &snapshot)
{
    QList<int> counts(oa::kTaskStateCount, 0);
    for (const oa::TaskSummary &t : snapshot.tasks)
        ++counts[int(t.state)];
    QStringList parts;
    for (int s = 0; s < oa::kTaskStateCount; ++s)
        if (counts.at(s) > 0)
            parts.append(QStringLiteral("%1 %2").arg(counts.at(s)).arg(StateStyle::label(oa::TaskState(s))));
    // English has no translation file for its plurals: its singulars are strings of their own.
    const int tasks = int(snapshot.tasks.size());
    const int entries = snapshot.cacheEntries;
    const QString tasksText = tasks == 1 ? tr("%n task", nullptr, tasks) : tr("%n tasks", nullptr, tasks);
    // At a glance: what runs and what needs the operator. Every state's count is in the tooltip:
    // all ten in German do not fit beside the configuration's name at 1280 pixels.
    QStringList glance;
    if (const int running = counts.at(int(oa::TaskState::Running)); running > 0)
        glance.append(QStringLiteral("%1 %2").arg(running).arg(StateStyle::label(oa::TaskState::Running)));
    if (m_attention->count() > 0)
        glance.append(AttentionMonitor::countText(m_attention->count()));
    m_status->setText(tasksText + (glance.isEmpty() ? QString() : QStringLiteral(": ") + glance.join(QStringLiteral(", ")))
                      + QStringLiteral(" · ")
                      + (entries == 1 ? tr("environment cache: %n environment, %1", nullptr, entries)
                                      : tr("environment cache: %n environments, %1", nullptr, entries))
                            .arg(StateStyle::size(snapshot.cacheBytes)));
    // The store of distributions that composed entries are made of (its bytes are in the size).
    if (const int stored = snapshot.cacheDistributions; stored > 0)
        m_status->setText(m_status->text() + QStringLiteral(", ")
                          + (stored == 1 ? tr("%n distribution", nullptr, stored) : tr("%n distributions", nullptr, stored)));
    // How long the scan took matters to whoever tunes a huge folder, not at a glance: it would
    // push the line past the configuration's name at 1280 pixels in German.
    m_status->setToolTip((parts.isEmpty() ? QString() : tasksText + QStringLiteral(": ") + parts.join(QStringLiteral(", ")) + u'\n')
                         + m_status->text() + u'\n' + tr("scanned in %1 ms").arg(snapshot.scanMs));
}

void MainWindow::selectTask(const QString &id)
{
    if (!m_tasksPanel->selectTask(id)) {
        m_pendingSelection = id; // not scanned yet
        return;
    }
    m_pendingSelection.clear();
    if (!m_selectionProblem.isEmpty()) {
        m_selectionProblem.clear();
        updateBanner();
    }
}

QString MainWindow::selectedTaskId() const
{
    return m_tasksPanel->selectedTaskId();
}

void MainWindow::selectionChanged()
{
    m_attention->acknowledge(m_tasksPanel->selectedTaskId());
    m_actions->setSelection(m_tasksPanel->selectedTaskId(), m_tasksPanel->selectedTaskState());
}

void MainWindow::chooseBaseDir()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open agent folder"), baseDir());
    if (!dir.isEmpty())
        setBaseDir(QDir::cleanPath(dir));
}

void MainWindow::rememberRecent(const QString &dir)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentBaseDirs")).toStringList();
    recent.removeAll(dir);
    recent.prepend(dir);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QStringLiteral("recentBaseDirs"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentBaseDirs")).toStringList();
    for (const QString &dir : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(dir), this, [this, dir] { setBaseDir(dir); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    QByteArray splitter;
    QByteArray columns;
    m_tasksPanel->saveLayout(splitter, columns);
    settings.setValue(QStringLiteral("window/splitter"), splitter);
    settings.setValue(QStringLiteral("window/taskColumns"), columns);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    event->accept();
}
