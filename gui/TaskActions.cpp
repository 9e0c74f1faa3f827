#include "TaskActions.h"

#include "lock/CancelChannel.h"
#include "StateStyle.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QWidget>

TaskActions::TaskActions(QWidget *window) : QObject(window), m_window(window)
{
    m_run = new QAction(StateStyle::icon(oa::TaskState::Running), tr("&Run task…"), this);
    m_run->setShortcut(Qt::CTRL | Qt::Key_R);
    m_run->setObjectName(QStringLiteral("runTask"));
    connect(m_run, &QAction::triggered, this, &TaskActions::runSelected);
    // One verb for one action, the one the executor records (Outcome "Cancelled"): the menu, the
    // tool bar, the confirmation, the status bar and the README all say "cancel".
    m_cancel = new QAction(StateStyle::icon(oa::TaskState::Cancelled), tr("Cancel tas&k…"), this);
    m_cancel->setToolTip(tr("Cancels the running task: its whole process tree gets a graceful stop, then a hard kill "
                            "after the grace period; the run ends as Cancelled"));
    m_cancel->setShortcut(Qt::CTRL | Qt::Key_K);
    m_cancel->setObjectName(QStringLiteral("cancelTask"));
    connect(m_cancel, &QAction::triggered, this, &TaskActions::cancelSelected);
    m_openFolder = new QAction(tr("&Open task folder"), this);
    m_openFolder->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_O);
    m_openFolder->setObjectName(QStringLiteral("openTaskFolder"));
    connect(m_openFolder, &QAction::triggered, this, &TaskActions::openTaskFolder);
    m_copyId = new QAction(tr("&Copy execution ID"), this);
    m_copyId->setShortcut(QKeySequence::Copy);
    m_copyId->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_copyId, &QAction::triggered, this, &TaskActions::copyTaskId);

    confirm = [this](const QString &title, const QString &text) {
        QMessageBox box(QMessageBox::Question, title, text, QMessageBox::Cancel, m_window);
        // "Cancel task" beside a "Cancel" button would name both choices alike.
        if (title == cancelTitle())
            box.button(QMessageBox::Cancel)->setText(tr("Keep running"));
        QPushButton *go = box.addButton(title, QMessageBox::AcceptRole);
        box.setDefaultButton(go);
        box.exec();
        return box.clickedButton() == go;
    };
    warn = [this](const QString &title, const QString &text) { QMessageBox::warning(m_window, title, text); };
    openUrl = [](const QUrl &url) { return QDesktopServices::openUrl(url); };
    connect(&m_job, &BackgroundJob::finished, this, &TaskActions::updateActions);
    setSelection(QString(), std::nullopt);
}

bool TaskActions::canRunAgain(oa::TaskState state)
{
    switch (state) {
    case oa::TaskState::Failed:
    case oa::TaskState::Cancelled:
    case oa::TaskState::TimedOut:
    case oa::TaskState::Interrupted:
    case oa::TaskState::Orphaned: // the executor takes a dead holder's lock over by itself
        return true;
    default:
        return false;
    }
}

void TaskActions::setSelection(const QString &id, std::optional<oa::TaskState> state)
{
    m_id = id;
    m_state = id.isEmpty() ? std::nullopt : state;
    updateActions();
}

void TaskActions::updateActions()
{
    const bool again = m_state && canRunAgain(*m_state);
    m_run->setText(again ? tr("Run &again…") : tr("&Run task…"));
    m_run->setToolTip(again ? tr("Runs this task again; its last run's logs and result move to previous/")
                            : tr("Runs this pending task with the agent's configuration"));
    // While a run starts or a cancel is written, neither is offered again: the scan that follows
    // tells whether the task still needs it.
    const bool idle = !m_job.isBusy();
    m_run->setEnabled(idle && m_state && (again || canRun(*m_state)));
    m_cancel->setEnabled(idle && m_state == oa::TaskState::Running);
    m_openFolder->setEnabled(!m_id.isEmpty());
    m_copyId->setEnabled(!m_id.isEmpty());
}

QStringList TaskActions::executorArguments(const QString &id) const
{
    QStringList arguments;
    if (!m_settings.configFile().isEmpty())
        arguments << QStringLiteral("--config") << m_settings.configFile();
    arguments << QStringLiteral("--base-dir") << m_baseDir << id;
    return arguments;
}

QProcessEnvironment TaskActions::executorEnvironment(QProcessEnvironment operatorEnvironment)
{
    const QStringList keys = operatorEnvironment.keys();
    for (const QString &key : keys)
        if (key.startsWith(QLatin1String("OPENAUTOMATE_")) || key.startsWith(QLatin1String("PIP_")) || key.startsWith(QLatin1String("PYTHON")))
            operatorEnvironment.remove(key);
    return operatorEnvironment;
}

QString TaskActions::executorProgram()
{
    const QString here = QCoreApplication::applicationDirPath();
    // Installed side by side, or in this project's build tree (gui/ next to app/).
    QString found = QStandardPaths::findExecutable(QStringLiteral("openautomate-executor"), {here, here + QStringLiteral("/../app")});
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(QStringLiteral("openautomate-executor"));
    return found.isEmpty() ? found : QDir::cleanPath(found);
}

QString TaskActions::interpreterText() const
{
    // As the executor chooses (ExecutorSettings::python(), InterpreterChoice): the configured
    // Python, else python3 and then python on the PATH the executor gets, which is the monitor's.
    QString python = m_settings.python();
    if (python.isEmpty()) {
        for (const QString &name : {QStringLiteral("python3"), QStringLiteral("python")}) {
            python = QStandardPaths::findExecutable(name);
            if (!python.isEmpty())
                break;
        }
        python = python.isEmpty() ? tr("none found: python3 and python are not on PATH") : tr("%1 (found on PATH)").arg(python);
    }
    const QStringList offered = m_settings.pythons();
    if (!offered.isEmpty())
        python += u'\n' + tr("Offered to tasks that ask for a version: %1").arg(offered.join(QStringLiteral(", ")));
    return python;
}

QString TaskActions::confirmationText(const QString &id, bool again) const
{
    const oa::AgentPaths paths(m_baseDir);
    QStringList lines;
    lines << (again ? tr("Run %1 again? Its last run's logs and result move to %2, replacing the run before it.")
                          .arg(id, QDir::toNativeSeparators(paths.previousDir(id)))
                    : tr("Run %1 now?").arg(id));
    lines << QString();
    const QString executor = executorProgram();
    lines << tr("Executor: %1").arg(executor.isEmpty() ? tr("not found next to the monitor or on PATH") : QDir::toNativeSeparators(executor));
    lines << tr("Interpreter: %1").arg(interpreterText());
    lines << tr("Agent folder: %1").arg(QDir::toNativeSeparators(m_baseDir));
    lines << tr("Configuration file: %1")
                 .arg(m_settings.configFile().isEmpty() ? tr("none (built-in defaults)") : QDir::toNativeSeparators(m_settings.configFile()));
    if (!m_settings.runAsUser().isEmpty())
        lines << tr("Task code runs as: %1").arg(m_settings.runAsUser());
    return lines.join(u'\n');
}

void TaskActions::runSelected()
{
    if (m_id.isEmpty() || !m_state || !(canRun(*m_state) || canRunAgain(*m_state)) || m_job.isBusy())
        return;
    const bool again = canRunAgain(*m_state);
    const QString id = m_id;
    const QString title = again ? tr("Run again") : tr("Run task");
    const QString program = executorProgram();
    if (program.isEmpty()) {
        warn(title, tr("openautomate-executor was not found next to the monitor (%1) or on PATH.")
                        .arg(QDir::toNativeSeparators(QCoreApplication::applicationDirPath())));
        return;
    }
    if (!confirm(title, confirmationText(id, again)))
        return;
    // startDetached() forks and waits until the executor's exec() has succeeded or failed: only a
    // moment, unless the agent folder (its working directory) sits on a disk that does not answer.
    struct Started {
        bool ok = false;
        qint64 pid = 0;
        QString error;
    };
    const QString baseDir = m_baseDir;
    const QStringList arguments = executorArguments(id);
    const QProcessEnvironment environment = executorEnvironment();
    m_job.start(tr("Starting %1…").arg(id), [program, arguments, baseDir, environment] {
        Started started;
        QProcess executor; // lives and dies on this thread; startDetached() needs no event loop
        executor.setProgram(program);
        executor.setArguments(arguments);
        executor.setWorkingDirectory(baseDir);
        executor.setProcessEnvironment(environment);
        started.ok = executor.startDetached(&started.pid);
        if (!started.ok)
            started.error = executor.errorString();
        return started;
    }, [this, id, title, program, baseDir](const Started &started) {
        if (!started.ok) {
            emit message(QString(), 0); // the "Starting…" line is over
            warn(title, tr("Could not start %1 in %2: %3").arg(program, baseDir, started.error));
            return;
        }
        emit message(tr("Started %1 as PID %2.").arg(id).arg(started.pid), 5000);
        emit taskChanged();
    });
    updateActions();
}

QString TaskActions::cancelTitle()
{
    return tr("Cancel task");
}

void TaskActions::cancelSelected()
{
    if (m_id.isEmpty() || m_state != oa::TaskState::Running || m_job.isBusy())
        return;
    const QString id = m_id;
    if (!confirm(cancelTitle(), tr("Cancel %1? Its whole process tree gets a graceful stop, then a hard kill after the grace period.").arg(id)))
        return;
    const oa::AgentPaths paths(m_baseDir);
    m_job.start(tr("Asking %1 to cancel…").arg(id), [paths, id] {
        const auto requested = oa::CancelChannel::request(paths, id); // written and fsynced
        return requested ? QString() : requested.error().text();
    }, [this, id](const QString &failure) {
        emit message(failure.isEmpty() ? tr("Asked %1 to cancel.").arg(id) : failure, 8000);
        emit taskChanged();
    });
    updateActions();
}

void TaskActions::openTaskFolder()
{
    if (m_id.isEmpty())
        return;
    const QString folder = oa::AgentPaths(m_baseDir).taskDir(m_id);
    if (openUrl(QUrl::fromLocalFile(folder)))
        return;
    // No file manager (a server, a kiosk session): say so, and leave the path where it is useful.
    QApplication::clipboard()->setText(folder);
    warn(tr("Open task folder"), tr("No file manager could open %1. Its path is on the clipboard.").arg(QDir::toNativeSeparators(folder)));
}

void TaskActions::copyTaskId()
{
    if (m_id.isEmpty())
        return;
    QApplication::clipboard()->setText(m_id);
    emit message(tr("Copied %1.").arg(m_id), 3000);
}
