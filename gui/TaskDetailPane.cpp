#include "TaskDetailPane.h"

#include "DetailsLoader.h"
#include "LogTabs.h"
#include "TaskDetailsView.h"

#include <QTimer>

TaskDetailPane::TaskDetailPane(QWidget *parent) : QTabWidget(parent)
{
    m_details = new TaskDetailsView(this);
    m_loader = new DetailsLoader(this);
    connect(m_loader, &DetailsLoader::loaded, m_details, &TaskDetailsView::setDetails);
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
    if (!same)
        m_details->setTask(id);
    if (id.isEmpty()) {
        m_loader->clear();
        m_logs->showTask(paths, id);
        return;
    }
    if (!same)
        m_logs->showTask(paths, id);
    m_loader->request(paths, id);
}

void TaskDetailPane::reloadDetails()
{
    if (!m_id.isEmpty())
        m_loader->request(oa::AgentPaths(m_base), m_id);
}
