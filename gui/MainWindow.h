#pragma once

#include "AgentRefresher.h"
#include "ExecutorSettings.h"

#include <QProcessEnvironment>

#include <QMainWindow>

class LeftoversPanel;
class LocksPanel;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QSplitter;
class QTableView;
class TaskDetailPane;
class TaskFilterProxy;
class TaskTableModel;

// The operator console: tasks (with a detail pane and live logs), locks and leftovers of one
// agent folder. It only arranges views; every file is read by core classes, on the thread pool.
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
    // How "Run pending task" starts the executor: the file the monitor read (--config), the
    // folder it shows, and an environment without the operator's OPENAUTOMATE_*, PIP_* and
    // PYTHON* variables, so that the file alone decides interpreter, pip and run-as user.
    QStringList executorArguments(const QString &id) const;
    static QProcessEnvironment executorEnvironment(QProcessEnvironment operatorEnvironment = QProcessEnvironment::systemEnvironment());
    void showConfiguration();

    void setBaseDir(const QString &baseDir);
    QString baseDir() const { return m_refresher.baseDir(); }
    // Selects the task with this ID once it is in the table (now, or after the next scan).
    void selectTask(const QString &id);
    QString selectedTaskId() const;

    TaskTableModel *taskModel() const { return m_tasks; }
    TaskFilterProxy *taskProxy() const { return m_proxy; }
    QTableView *taskView() const { return m_taskView; }
    TaskDetailPane *detailPane() const { return m_details; }
    LocksPanel *locksPanel() const { return m_locks; }
    LeftoversPanel *leftoversPanel() const { return m_leftovers; }
    AgentRefresher *refresher() { return &m_refresher; }

signals:
    void snapshotApplied();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void apply(const AgentSnapshot &snapshot);
    void selectionChanged();
    void chooseBaseDir();
    void rememberRecent(const QString &dir);
    void rebuildRecentMenu();
    void runSelected();
    void cancelSelected();
    void openTaskFolder();
    void copyTaskId();
    void updateStatus(const AgentSnapshot &snapshot);

    AgentRefresher m_refresher;
    TaskTableModel *m_tasks;
    TaskFilterProxy *m_proxy;
    QTableView *m_taskView;
    TaskDetailPane *m_details;
    LocksPanel *m_locks;
    LeftoversPanel *m_leftovers;
    QTabWidget *m_tabs;
    QSplitter *m_splitter;
    QComboBox *m_stateFilter;
    QLineEdit *m_search;
    QLabel *m_status;
    QLabel *m_configStatus;
    oa::ExecutorSettings m_configuration;
    QMenu *m_recentMenu = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_openFolderAction = nullptr;
    QAction *m_copyIdAction = nullptr;
    QString m_pendingSelection;
    int m_scans = 0;
};
