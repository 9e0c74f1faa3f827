#pragma once

#include "AgentRefresher.h"

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
    QMenu *m_recentMenu = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_openFolderAction = nullptr;
    QAction *m_copyIdAction = nullptr;
    QString m_pendingSelection;
    int m_scans = 0;
};
