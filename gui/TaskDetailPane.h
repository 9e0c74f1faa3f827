#pragma once

#include "AgentPaths.h"
#include "TaskDetails.h"

#include <QTabWidget>

class LogView;
class QTreeWidget;

// The selected task: execution.json and result.json fields, and live views of output.log,
// error.log and executor.log. The Errors tab shows how many error lines it holds.
class TaskDetailPane final : public QTabWidget {
    Q_OBJECT
public:
    explicit TaskDetailPane(QWidget *parent = nullptr);

    void showTask(const oa::AgentPaths &paths, const QString &id); // empty id: nothing selected
    void reloadDetails();
    QString taskId() const { return m_id; }
    LogView *errorView() const { return m_errors; }

private:
    void fill(const oa::TaskDetails &details);
    void updateErrorTab(int count);

    QString m_base;
    QString m_id;
    QTreeWidget *m_fields;
    LogView *m_output;
    LogView *m_errors;
    LogView *m_executor;
    int m_errorTab = -1;
};
