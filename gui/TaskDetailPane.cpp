#include "TaskDetailPane.h"

#include "DetailsLoader.h"
#include "LogView.h"
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
    m_output = new LogView(LogView::Kind::Plain, this);
    m_errors = new LogView(LogView::Kind::Errors, this);
    m_executor = new LogView(LogView::Kind::ExecutorClef, this);
    addTab(m_details, tr("&Details"));
    addTab(m_output, tr("&Output"));
    m_errorTab = addTab(m_errors, tr("&Errors"));
    addTab(m_executor, tr("E&xecutor log"));
    connect(m_errors, &LogView::errorLinesChanged, this, &TaskDetailPane::updateErrorTab);
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
        for (LogView *view : {m_output, m_errors, m_executor})
            view->setFile(QString());
        return;
    }
    if (!same) {
        m_output->setFile(paths.outputLogFile(id));
        m_errors->setFile(paths.errorLogFile(id));
        m_executor->setFile(paths.executorLogFile(id));
    }
    m_loader->request(paths, id);
}

void TaskDetailPane::reloadDetails()
{
    if (!m_id.isEmpty())
        m_loader->request(oa::AgentPaths(m_base), m_id);
}

void TaskDetailPane::updateErrorTab(int count)
{
    setTabText(m_errorTab, count > 0 ? tr("&Errors (%1)").arg(count) : tr("&Errors"));
    setTabIcon(m_errorTab, count > 0 ? QIcon(QStringLiteral(":/icons/state-failed.png")) : QIcon());
}
