#pragma once

#include "fs/AgentPaths.h"
#include "RunSelector.h"
#include "tasks/RunHistory.h"

#include <QTabWidget>

class DetailsLoader;
class LogTabs;
class LogView;
class QLabel;
class TaskDetailsView;
namespace oa { struct TaskDetails; }

// The selected task: its details for people (TaskDetailsView, loaded off the UI thread by
// DetailsLoader), and live views of its logs (LogTabs: stdout, stderr, pip.log, the executor's log).
// The run selector (in the tab bar's corner) lists the last run and every kept earlier one
// (RunHistory: previous/, previous.2/, … by its rules), each by its start, outcome and reason;
// choosing one shows that run's details and logs from its folder. Another task starts at its
// last run again.
class TaskDetailPane final : public QTabWidget {
    Q_OBJECT
public:
    explicit TaskDetailPane(QWidget *parent = nullptr);

    void showTask(const oa::AgentPaths &paths, const QString &id); // empty id: nothing selected
    // Reads the details again if one of their files changed (on every refresh, and every second
    // while the task runs); costs a few stat() calls on the thread pool otherwise.
    void reloadDetails();
    // 0: the last run; k: kept run k (AgentPaths::runFolderName(k)).
    void showRun(int generation);
    int shownRun() const { return int(m_generation); }
    bool showsPreviousRun() const { return m_generation != oa::AgentPaths::Generation::Current; }
    RunSelector *runSelector() const { return m_runs; }
    QString taskId() const { return m_id; }
    LogTabs *logs() const { return m_logs; }
    LogView *errorView() const; // stderr
    TaskDetailsView *detailsView() const { return m_details; }
    DetailsLoader *detailsLoader() const { return m_loader; }

    // The pane with its run selector's list open over it, as one picture (the list is a window
    // of its own, which grab() does not see): for --screenshot-runs.
    QPixmap grabWithRunList();

    // One entry of the selector: "06.12.2026 21:04:10 CET · Failed · KeyError: 'total'".
    // `withReason` false: without the reason, for the selector's closed face.
    static QString runText(const oa::RunHistory::Run &run, bool withReason = true);

private:
    void fillRuns(const oa::TaskDetails &details);

    QString m_base;
    QString m_id;
    oa::AgentPaths::Generation m_generation = oa::AgentPaths::Generation::Current;
    QList<oa::RunHistory::Run> m_shownRuns; // what the selector lists, in its order
    QLabel *m_runsLabel;
    RunSelector *m_runs;
    TaskDetailsView *m_details;
    DetailsLoader *m_loader;
    LogTabs *m_logs;
};
