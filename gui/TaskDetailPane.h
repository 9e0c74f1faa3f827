#pragma once

#include "AgentPaths.h"
#include "TaskDetails.h"

#include <QTabWidget>

class LogTabs;
class LogView;
class QTreeWidget;

// The selected task: execution.json and result.json fields, and live views of its logs
// (LogTabs: stdout, stderr, pip.log, the executor's log).
class TaskDetailPane final : public QTabWidget {
    Q_OBJECT
public:
    explicit TaskDetailPane(QWidget *parent = nullptr);

    void showTask(const oa::AgentPaths &paths, const QString &id); // empty id: nothing selected
    void reloadDetails();
    QString taskId() const { return m_id; }
    LogTabs *logs() const { return m_logs; }
    LogView *errorView() const; // stderr

private:
    void fill(const oa::TaskDetails &details);

    QString m_base;
    QString m_id;
    QTreeWidget *m_fields;
    LogTabs *m_logs;
};
