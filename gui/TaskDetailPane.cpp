#include "TaskDetailPane.h"

#include "DetailsLoader.h"
#include "LogTabs.h"
#include "TaskDetailsView.h"

#include <QTimer>
#include <QToolButton>

TaskDetailPane::TaskDetailPane(QWidget *parent) : QTabWidget(parent)
{
    m_details = new TaskDetailsView(this);
    m_loader = new DetailsLoader(this);
    connect(m_loader, &DetailsLoader::loaded, m_details, &TaskDetailsView::setDetails);
    m_previous = new QToolButton(this);
    m_previous->setText(tr("&Previous run"));
    m_previous->setToolTip(tr("Show the run before the last one: its details and logs, from the task's previous/ folder"));
    m_previous->setCheckable(true);
    m_previous->setAutoRaise(true);
    m_previous->setEnabled(false);
    setCornerWidget(m_previous, Qt::TopRightCorner);
    connect(m_previous, &QToolButton::toggled, this, &TaskDetailPane::showPreviousRun);
    // The button is offered only when the task has a previous run (or it is the one shown).
    connect(m_loader, &DetailsLoader::loaded, this, [this](const oa::TaskDetails &details) {
        m_previous->setEnabled(details.hasPrevious() || showsPreviousRun());
    });
    // A running task's status.json changes every second; the scan polls only every two.
    auto *poll = new QTimer(this);
    poll->setInterval(1000);
    connect(poll, &QTimer::timeout, this, &TaskDetailPane::reloadDetails);
    poll->start();
    addTab(m_details, tr("&Details"));
    m_logs = new LogTabs(this);
}

LogView *TaskDetailPane::errorView() const
{
    return m_logs->view(LogTabs::Errors);
}

void TaskDetailPane::showTask(const oa::AgentPaths &paths, const QString &id)
{
    const bool same = id == m_id && paths.baseDir() == m_base;
    m_base = paths.baseDir();
    m_id = id;
    if (!same) {
        m_details->setTask(id);
        m_generation = oa::AgentPaths::Generation::Current;
        const QSignalBlocker quiet(m_previous);
        m_previous->setChecked(false);
        m_previous->setEnabled(false);
    }
    if (id.isEmpty()) {
        m_loader->clear();
        m_logs->showTask(paths, id, m_generation);
        return;
    }
    if (!same)
        m_logs->showTask(paths, id, m_generation);
    m_loader->request(paths, id, m_generation);
}

void TaskDetailPane::showPreviousRun(bool previous)
{
    const auto generation = previous ? oa::AgentPaths::Generation::Previous : oa::AgentPaths::Generation::Current;
    if (generation == m_generation || m_id.isEmpty())
        return;
    m_generation = generation;
    {
        const QSignalBlocker quiet(m_previous);
        m_previous->setChecked(previous);
    }
    const oa::AgentPaths paths(m_base);
    m_details->setTask(m_id); // back to the top, an empty chart: another run
    m_logs->showTask(paths, m_id, m_generation);
    m_loader->request(paths, m_id, m_generation);
}

void TaskDetailPane::reloadDetails()
{
    if (!m_id.isEmpty())
        m_loader->request(oa::AgentPaths(m_base), m_id, m_generation);
}
