#pragma once

#include "fs/AgentPaths.h"
#include "config/ExecutorSettings.h"
#include "tasks/TaskScanner.h"
#include "BackgroundJob.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QUrl>

#include <functional>
#include <optional>

class QAction;
class QWidget;

// What an operator can do to the selected task: run it (a pending task), run it again (one that
// failed, was cancelled, timed out, was interrupted or left an orphaned lock), cancel it, open
// its folder, copy its ID. Running starts the executor as the service does: with the monitor's
// configuration file and agent folder and without the operator's own OPENAUTOMATE_*, PIP_* and
// PYTHON* variables, after a confirmation that names the executor, the interpreter, the agent
// folder and the configuration file. The executor itself moves the last run's logs and result
// into Tasks/<id>/previous/ before the new run begins. Starting the executor and writing a cancel
// request run on the thread pool (a BackgroundJob): Run and Cancel stay disabled until it is done.
class TaskActions final : public QObject {
    Q_OBJECT
public:
    explicit TaskActions(QWidget *window);

    void setConfiguration(const oa::ExecutorSettings &settings) { m_settings = settings; }
    void setBaseDir(const QString &baseDir) { m_baseDir = baseDir; }
    // The selected task and its state; an empty id: nothing selected.
    void setSelection(const QString &id, std::optional<oa::TaskState> state);

    QAction *runAction() const { return m_run; }
    QAction *cancelAction() const { return m_cancel; }
    QAction *openFolderAction() const { return m_openFolder; }
    QAction *copyIdAction() const { return m_copyId; }
    QList<QAction *> all() const { return {m_run, m_cancel, m_openFolder, m_copyId}; }
    // Starting a run or writing a cancel request: its `started` says which, for the status bar.
    BackgroundJob *job() { return &m_job; }
    bool isBusy() const { return m_job.isBusy(); }

    static bool canRun(oa::TaskState state) { return state == oa::TaskState::Pending; }
    static bool canRunAgain(oa::TaskState state);

    // How a run starts the executor: the file the monitor read, the folder it shows, and an
    // environment without the operator's OPENAUTOMATE_*, PIP_* and PYTHON* variables, so that
    // the file alone decides interpreter, pip and run-as user.
    QStringList executorArguments(const QString &id) const;
    static QProcessEnvironment executorEnvironment(QProcessEnvironment operatorEnvironment = QProcessEnvironment::systemEnvironment());
    // The executor next to the monitor (installed, or in the build tree), else on PATH; empty: none.
    static QString executorProgram();
    // The cancel confirmation's title and its accepting button: "Cancel task".
    static QString cancelTitle();
    // The text of the confirmation before a run: what will run, with what.
    QString confirmationText(const QString &id, bool again) const;

    // The operator's answers and the desktop: replaced by the tests.
    std::function<bool(const QString &title, const QString &text)> confirm;
    std::function<void(const QString &title, const QString &text)> warn;
    std::function<bool(const QUrl &url)> openUrl;

public slots:
    void runSelected();
    void cancelSelected();
    void openTaskFolder();
    void copyTaskId();

signals:
    void message(const QString &text, int timeoutMs);
    void taskChanged(); // a run started or a cancel was asked for: worth a scan now

private:
    QString interpreterText() const;
    void updateActions();

    QWidget *m_window;
    oa::ExecutorSettings m_settings;
    QString m_baseDir;
    QString m_id;
    std::optional<oa::TaskState> m_state;
    QAction *m_run;
    QAction *m_cancel;
    QAction *m_openFolder;
    QAction *m_copyId;
    // Last, so that it goes first: its destructor waits for a job in flight while the actions
    // its end updates still exist.
    BackgroundJob m_job;
};
