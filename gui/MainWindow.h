#pragma once

#include "AgentRefresher.h"
#include "config/ExecutorSettings.h"

#include <QDateTime>
#include <QMainWindow>

class AttentionMonitor;
class BackgroundJob;
class LeftoversPanel;
class LocksPanel;
class QLabel;
class QMenu;
class QTableView;
class TaskActions;
class TaskDetailPane;
class TaskFilterProxy;
class TaskTableModel;
class TasksPanel;

// The operator console: tasks (with a detail pane and live logs), locks and leftovers of one
// agent folder, one panel each. It only wires the panels, the refresher and the actions
// together; every file is read by core classes, and every write done, on the thread pool.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // The executor's settings (executor.conf with the monitor's --config, --base-dir and
    // OPENAUTOMATE_BOTAGENT_DIR): shown under View › Configuration, and passed on to every task
    // the monitor runs. Call before setBaseDir().
    void setConfiguration(const oa::ExecutorSettings &settings);
    const oa::ExecutorSettings &configuration() const { return m_configuration; }
    void showConfiguration();

    void setBaseDir(const QString &baseDir);
    QString baseDir() const { return m_refresher.baseDir(); }
    // Selects the task with this ID once it is in the table (now, or after the next scan).
    void selectTask(const QString &id);
    QString selectedTaskId() const;
    // What the banner at the top says is wrong (the agent folder is missing or unreadable, the
    // task --select named is not there); empty: nothing.
    QString problem() const;
    QLabel *banner() const { return m_banner; }
    // Gives every task column the width it needs, within the window (View › Fit columns). Done
    // by itself at the first scan unless the column layout was restored from the settings.
    void fitColumns();

    TasksPanel *tasksPanel() const { return m_tasksPanel; }
    TaskTableModel *taskModel() const;
    TaskFilterProxy *taskProxy() const;
    QTableView *taskView() const;
    TaskDetailPane *detailPane() const;
    LocksPanel *locksPanel() const { return m_locks; }
    LeftoversPanel *leftoversPanel() const { return m_leftovers; }
    AgentRefresher *refresher() { return &m_refresher; }
    TaskActions *taskActions() const { return m_actions; }
    AttentionMonitor *attention() const { return m_attention; }
    // The geometry, splitter and column layout, as closing the window saves them.
    void saveLayout() const;

signals:
    void snapshotApplied();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildPanels();
    void buildActions();
    void showJobs(BackgroundJob *job, const QList<QAction *> &startedBy);
    void apply(const AgentSnapshot &snapshot);
    void selectionChanged();
    void chooseBaseDir();
    void rememberRecent(const QString &dir);
    void rebuildRecentMenu();
    void rereadNow();
    void updateStatus(const AgentSnapshot &snapshot);
    void updateBanner();
    // "OpenAutomate Monitor — 3 need attention — /srv/agent"
    void updateTitle();

    AgentRefresher m_refresher;
    TasksPanel *m_tasksPanel;
    LocksPanel *m_locks;
    LeftoversPanel *m_leftovers;
    QTabWidget *m_tabs;
    QLabel *m_status;
    QLabel *m_configStatus;
    QLabel *m_banner;
    TaskActions *m_actions;
    AttentionMonitor *m_attention;
    oa::ExecutorSettings m_configuration;
    QMenu *m_recentMenu = nullptr;
    QString m_pendingSelection;
    FolderProblem m_folderProblem;
    QString m_selectionProblem;
    QDateTime m_rereadAskedAt; // F5: the status bar says when the folder was read again
    bool m_columnsRestored = false;
    int m_scans = 0;
};
