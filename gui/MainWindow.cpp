#include "MainWindow.h"

#include "LeftoversPanel.h"
#include "CancelChannel.h"
#include "ConfigurationDialog.h"
#include "LocksPanel.h"
#include "ProgressDelegate.h"
#include "StateStyle.h"
#include "TaskDetailPane.h"
#include "TaskFilterProxy.h"
#include "TaskTableModel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>

namespace {
constexpr int kMaxRecent = 8;

QString executorProgram()
{
    const QString here = QCoreApplication::applicationDirPath();
    // Installed side by side, or in this project's build tree (gui/ next to app/).
    QString found = QStandardPaths::findExecutable(QStringLiteral("openautomate-executor"), {here, here + QStringLiteral("/../app")});
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(QStringLiteral("openautomate-executor"));
    return found;
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_tasks(new TaskTableModel(this)), m_proxy(new TaskFilterProxy(this))
{
    setWindowTitle(tr("OpenAutomate Monitor"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/openautomate.png")));
    m_proxy->setSourceModel(m_tasks);

    // Filter bar: state and free text.
    m_stateFilter = new QComboBox(this);
    m_stateFilter->addItem(tr("All states"));
    for (int s = 0; s < oa::kTaskStateCount; ++s)
        m_stateFilter->addItem(StateStyle::icon(oa::TaskState(s)), StateStyle::label(oa::TaskState(s)), s);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search ID, script, arguments, lock holder (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    auto *stateLabel = new QLabel(tr("&State:"), this);
    stateLabel->setBuddy(m_stateFilter);
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this](int index) {
        const QVariant state = m_stateFilter->itemData(index);
        m_proxy->setStateFilter(state.isValid() ? std::optional<int>(state.toInt()) : std::nullopt);
    });
    connect(m_search, &QLineEdit::textChanged, m_proxy, &TaskFilterProxy::setText);

    m_taskView = new QTableView(this);
    m_taskView->setModel(m_proxy);
    m_taskView->setSortingEnabled(true);
    m_taskView->sortByColumn(TaskTableModel::StartedColumn, Qt::DescendingOrder);
    m_taskView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_taskView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_taskView->verticalHeader()->hide();
    m_taskView->horizontalHeader()->setStretchLastSection(true);
    m_taskView->setAlternatingRowColors(true);
    m_taskView->setWordWrap(false);
    m_taskView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_taskView->setItemDelegateForColumn(TaskTableModel::ProgressColumn, new ProgressDelegate(m_taskView));
    connect(m_taskView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::selectionChanged);

    auto *taskSide = new QWidget(this);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(stateLabel);
    filterRow->addWidget(m_stateFilter);
    filterRow->addWidget(m_search, 1);
    auto *taskLayout = new QVBoxLayout(taskSide);
    taskLayout->setContentsMargins(0, 0, 0, 0);
    taskLayout->addLayout(filterRow);
    taskLayout->addWidget(m_taskView, 1);

    m_details = new TaskDetailPane(this);
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(taskSide);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    m_locks = new LocksPanel(this);
    m_leftovers = new LeftoversPanel(this);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_splitter, StateStyle::icon(oa::TaskState::Running), tr("&Tasks"));
    m_tabs->addTab(m_locks, StateStyle::icon(oa::TaskState::Orphaned), tr("&Locks"));
    m_tabs->addTab(m_leftovers, StateStyle::icon(oa::TaskState::Cancelled), tr("Le&ftovers"));
    setCentralWidget(m_tabs);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        m_refresher.setLeftoversWanted(m_tabs->widget(index) == m_leftovers);
    });

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
    m_configStatus = new QLabel(this);
    statusBar()->addPermanentWidget(m_configStatus);
    connect(m_locks, &LocksPanel::message, this, [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    connect(m_leftovers, &LeftoversPanel::message, this, [this](const QString &text) { statusBar()->showMessage(text, 10000); });
    connect(m_locks, &LocksPanel::locksChanged, &m_refresher, &AgentRefresher::refreshNow);
    connect(m_leftovers, &LeftoversPanel::leftoversChanged, &m_refresher, &AgentRefresher::refreshNow);
    connect(&m_refresher, &AgentRefresher::scanned, this, &MainWindow::apply);

    buildActions();
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1200, 760);
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
    m_runAction = task->addAction(StateStyle::icon(oa::TaskState::Running), tr("&Run pending task"), this, &MainWindow::runSelected);
    m_runAction->setShortcut(Qt::CTRL | Qt::Key_R);
    m_cancelAction = task->addAction(StateStyle::icon(oa::TaskState::Cancelled), tr("Ca&ncel running task…"), this,
                                     &MainWindow::cancelSelected);
    m_cancelAction->setShortcut(Qt::CTRL | Qt::Key_K);
    m_openFolderAction = task->addAction(tr("Open task &folder"), this, &MainWindow::openTaskFolder);
    m_openFolderAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_O);
    m_copyIdAction = task->addAction(tr("&Copy execution ID"), this, &MainWindow::copyTaskId);
    m_copyIdAction->setShortcut(QKeySequence::Copy);
    m_copyIdAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_taskView->addActions({m_runAction, m_cancelAction, m_openFolderAction, m_copyIdAction});
    task->addSeparator();
    QAction *refresh = task->addAction(tr("Re-read &now"), &m_refresher, &AgentRefresher::refreshNow);
    refresh->setShortcut(QKeySequence::Refresh);
    QAction *find = task->addAction(tr("&Find…"), this, [this] {
        m_tabs->setCurrentWidget(m_splitter);
        m_search->setFocus();
        m_search->selectAll();
    });
    find->setShortcut(QKeySequence::Find);

    QMenu *locks = menuBar()->addMenu(tr("&Locks"));
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
    view->addAction(tr("&Configuration…"), this, &MainWindow::showConfiguration);

    QToolBar *bar = addToolBar(tr("Actions"));
    bar->setObjectName(QStringLiteral("actions"));
    bar->addAction(open);
    bar->addAction(refresh);
    bar->addAction(m_runAction);
    bar->addAction(m_cancelAction);
    bar->addAction(m_openFolderAction);
    selectionChanged();
}

void MainWindow::setConfiguration(const oa::ExecutorSettings &settings)
{
    m_configuration = settings;
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

QStringList MainWindow::executorArguments(const QString &id) const
{
    QStringList arguments;
    if (!m_configuration.configFile().isEmpty())
        arguments << QStringLiteral("--config") << m_configuration.configFile();
    arguments << QStringLiteral("--base-dir") << baseDir() << id;
    return arguments;
}

QProcessEnvironment MainWindow::executorEnvironment(QProcessEnvironment operatorEnvironment)
{
    const QStringList keys = operatorEnvironment.keys();
    for (const QString &key : keys)
        if (key.startsWith(QLatin1String("OPENAUTOMATE_")) || key.startsWith(QLatin1String("PIP_")) || key.startsWith(QLatin1String("PYTHON")))
            operatorEnvironment.remove(key);
    return operatorEnvironment;
}

void MainWindow::setBaseDir(const QString &baseDir)
{
    m_scans = 0;
    m_tasks->setRows({});
    m_details->showTask(oa::AgentPaths(baseDir), QString());
    setWindowTitle(tr("OpenAutomate Monitor — %1").arg(QDir::toNativeSeparators(baseDir)));
    rememberRecent(baseDir);
    m_refresher.setBaseDir(baseDir);
}

void MainWindow::apply(const AgentSnapshot &snapshot)
{
    // Merged in place: the selection and scroll position survive (KeyedRowsModel).
    m_tasks->setRows(snapshot.tasks);
    m_locks->setLocks(snapshot.baseDir, snapshot.locks);
    if (snapshot.hasLeftovers)
        m_leftovers->setLeftovers(snapshot.baseDir, snapshot.leftovers);
    m_leftovers->setCache(snapshot.cacheEntries, snapshot.cacheBytes);
    if (m_scans++ == 0) {
        // Fit the columns to the first data, within reason; the user's widths win afterwards.
        m_taskView->resizeColumnsToContents();
        for (int c = 0; c < TaskTableModel::ColumnCount; ++c)
            m_taskView->setColumnWidth(c, qMin(m_taskView->columnWidth(c), 420));
        m_taskView->setColumnWidth(TaskTableModel::ProgressColumn, qMax(m_taskView->columnWidth(TaskTableModel::ProgressColumn), 200));
        m_locks->view()->resizeColumnsToContents();
    }
    if (!m_pendingSelection.isEmpty())
        selectTask(m_pendingSelection);
    m_details->reloadDetails();
    selectionChanged();
    updateStatus(snapshot);
    emit snapshotApplied();
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
    m_status->setText(tr("%n task(s)", nullptr, int(snapshot.tasks.size()))
                      + (parts.isEmpty() ? QString() : QStringLiteral(": ") + parts.join(QStringLiteral(", ")))
                      + QStringLiteral(" · ")
                      + tr("environment cache: %n environment(s), %1", nullptr, snapshot.cacheEntries).arg(StateStyle::size(snapshot.cacheBytes))
                      + QStringLiteral(" · ") + tr("scanned in %1 ms").arg(snapshot.scanMs));
}

void MainWindow::selectTask(const QString &id)
{
    const int row = m_tasks->rowOf(id);
    if (row < 0) {
        m_pendingSelection = id; // not scanned yet
        return;
    }
    m_pendingSelection.clear();
    const QModelIndex index = m_proxy->mapFromSource(m_tasks->index(row, 0));
    if (!index.isValid())
        return;
    m_taskView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_taskView->scrollTo(index);
}

QString MainWindow::selectedTaskId() const
{
    return m_taskView->selectionModel()->currentIndex().data(TaskTableModel::IdRole).toString();
}

void MainWindow::selectionChanged()
{
    const QModelIndex current = m_taskView->selectionModel()->currentIndex();
    const QString id = current.data(TaskTableModel::IdRole).toString();
    if (id != m_details->taskId())
        m_details->showTask(oa::AgentPaths(baseDir()), id);
    const bool pending = current.isValid() && current.data(TaskTableModel::StateRole).toInt() == int(oa::TaskState::Pending);
    m_runAction->setEnabled(pending);
    m_cancelAction->setEnabled(current.isValid() && current.data(TaskTableModel::StateRole).toInt() == int(oa::TaskState::Running));
    m_openFolderAction->setEnabled(current.isValid());
    m_copyIdAction->setEnabled(current.isValid());
}

void MainWindow::runSelected()
{
    const QString id = selectedTaskId();
    const QString program = executorProgram();
    if (id.isEmpty())
        return;
    if (program.isEmpty()) {
        QMessageBox::critical(this, tr("Run task"), tr("openautomate-executor was not found next to the monitor or on PATH."));
        return;
    }
    qint64 pid = 0;
    QProcess executor;
    executor.setProgram(program);
    executor.setArguments(executorArguments(id));
    executor.setWorkingDirectory(baseDir());
    executor.setProcessEnvironment(executorEnvironment());
    if (!executor.startDetached(&pid)) {
        QMessageBox::critical(this, tr("Run task"), tr("Could not start %1.").arg(program));
        return;
    }
    statusBar()->showMessage(tr("Started %1 as PID %2.").arg(id).arg(pid), 5000);
    m_refresher.refreshNow();
}

void MainWindow::cancelSelected()
{
    const QString id = selectedTaskId();
    if (id.isEmpty())
        return;
    if (QMessageBox::question(this, tr("Cancel task"),
                              tr("Stop %1? Its whole process tree gets a graceful stop, then a hard kill after the grace period.").arg(id),
                              QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
        != QMessageBox::Yes)
        return;
    const auto requested = oa::CancelChannel::request(oa::AgentPaths(baseDir()), id);
    statusBar()->showMessage(requested ? tr("Asked %1 to stop.").arg(id) : requested.failure().message, 8000);
    m_refresher.refreshNow();
}

void MainWindow::openTaskFolder()
{
    const QString id = selectedTaskId();
    if (!id.isEmpty())
        QDesktopServices::openUrl(QUrl::fromLocalFile(oa::AgentPaths(baseDir()).taskDir(id)));
}

void MainWindow::copyTaskId()
{
    const QString id = selectedTaskId();
    if (!id.isEmpty()) {
        QApplication::clipboard()->setText(id);
        statusBar()->showMessage(tr("Copied %1.").arg(id), 3000);
    }
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

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    event->accept();
}
