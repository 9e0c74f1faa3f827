#pragma once

#include "fs/AgentPaths.h"

#include <QTabWidget>

class DetailsLoader;
class LogTabs;
class LogView;
class QToolButton;
class TaskDetailsView;

// The selected task: its details for people (TaskDetailsView, loaded off the UI thread by
// DetailsLoader), and live views of its logs (LogTabs: stdout, stderr, pip.log, the executor's log).
// "Previous run" (in the tab bar's corner) switches both to the run before the last one, which
// the executor keeps in Tasks/<id>/previous/; another task starts at its last run again.
class TaskDetailPane final : public QTabWidget {
    Q_OBJECT
public:
    explicit TaskDetailPane(QWidget *parent = nullptr);

    void showTask(const oa::AgentPaths &paths, const QString &id); // empty id: nothing selected
    // Reads the details again if one of their files changed (on every refresh, and every second
    // while the task runs); costs a few stat() calls on the thread pool otherwise.
    void reloadDetails();
    void showPreviousRun(bool previous);
    bool showsPreviousRun() const { return m_generation == oa::AgentPaths::Generation::Previous; }
    QToolButton *previousRunButton() const { return m_previous; }
    QString taskId() const { return m_id; }
    LogTabs *logs() const { return m_logs; }
    LogView *errorView() const; // stderr
    TaskDetailsView *detailsView() const { return m_details; }
    DetailsLoader *detailsLoader() const { return m_loader; }

private:
    QString m_base;
    QString m_id;
    oa::AgentPaths::Generation m_generation = oa::AgentPaths::Generation::Current;
    QToolButton *m_previous;
    TaskDetailsView *m_details;
    DetailsLoader *m_loader;
    LogTabs *m_logs;
};
