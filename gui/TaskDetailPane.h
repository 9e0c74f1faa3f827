#pragma once

#include "AgentPaths.h"

#include <QTabWidget>

class DetailsLoader;
class LogTabs;
class LogView;
class TaskDetailsView;

// The selected task: its details for people (TaskDetailsView, loaded off the UI thread by
// DetailsLoader), and live views of its logs (LogTabs: stdout, stderr, pip.log, the executor's log).
class TaskDetailPane final : public QTabWidget {
    Q_OBJECT
public:
    explicit TaskDetailPane(QWidget *parent = nullptr);

    void showTask(const oa::AgentPaths &paths, const QString &id); // empty id: nothing selected
    // Reads the details again if one of their files changed (on every refresh, and every second
    // while the task runs); costs a few stat() calls on the thread pool otherwise.
    void reloadDetails();
    QString taskId() const { return m_id; }
    LogTabs *logs() const { return m_logs; }
    LogView *errorView() const; // stderr
    TaskDetailsView *detailsView() const { return m_details; }
    DetailsLoader *detailsLoader() const { return m_loader; }

private:
    QString m_base;
    QString m_id;
    TaskDetailsView *m_details;
    DetailsLoader *m_loader;
    LogTabs *m_logs;
};
