#pragma once

#include "tasks/TaskScanner.h"

#include <QWidget>

#include <optional>

class QAction;
class QLineEdit;
class QSplitter;
class QTableView;
class QToolButton;
class StateFilterButton;
class TaskDetailPane;
class TaskFilterProxy;
class TaskTableModel;
namespace ColumnFit {
class Refitter;
}

// The Tasks tab: the filter bar (needs attention, states, free text), the task table, and below it the detail
// pane of the selected task, in a splitter. Each scan is merged into the table row by row
// (KeyedRowsModel), so the selection and the scroll position stay; the detail pane follows the
// selection. What can be done to the selected task (TaskActions) is the window's to wire.
class TasksPanel final : public QWidget {
    Q_OBJECT
public:
    explicit TasksPanel(QWidget *parent = nullptr);

    // Another agent folder: an empty table and detail pane until its first scan.
    void setBaseDir(const QString &baseDir);
    // A scan's tasks, merged in place; then the detail pane reads its files again if they changed.
    void setTasks(const QList<oa::TaskSummary> &tasks);
    // Selects the task with this ID; false when it is not in the table.
    bool selectTask(const QString &id);
    QString selectedTaskId() const;
    std::optional<oa::TaskState> selectedTaskState() const;
    // In the table's context menu (and reachable by their keys from the table).
    void addTaskActions(const QList<QAction *> &actions);
    // Ctrl+F: to the search field, its text selected.
    void focusSearch();
    // Gives every task column the width it needs, within the panel.
    void fitColumns();
    // The splitter and the column layout, as the window saves them; false: nothing was restored.
    void saveLayout(QByteArray &splitter, QByteArray &columns) const;
    bool restoreLayout(const QByteArray &splitter, const QByteArray &columns);

    TaskTableModel *model() const { return m_tasks; }
    TaskFilterProxy *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    TaskDetailPane *detailPane() const { return m_details; }
    StateFilterButton *stateFilter() const { return m_stateFilter; }
    QToolButton *attentionFilter() const { return m_attentionFilter; }
    QLineEdit *searchField() const { return m_search; }
    ColumnFit::Refitter *columnRefitter() const { return m_refit; }

signals:
    // Another task is selected, or the selected one may have changed state (after every scan).
    void selectionChanged();

private:
    void followSelection();
    void restoreStateFilter();
    void stateFilterChanged(); // remembered, then applied
    void applyStateFilter();

    QString m_baseDir;
    TaskTableModel *m_tasks;
    TaskFilterProxy *m_proxy;
    QToolButton *m_attentionFilter;
    StateFilterButton *m_stateFilter;
    QLineEdit *m_search;
    QTableView *m_view;
    TaskDetailPane *m_details;
    QSplitter *m_splitter;
    ColumnFit::Refitter *m_refit;
};
