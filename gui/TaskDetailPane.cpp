#include "TaskDetailPane.h"

#include "LogTabs.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QTreeWidget>

TaskDetailPane::TaskDetailPane(QWidget *parent) : QTabWidget(parent)
{
    m_fields = new QTreeWidget(this);
    m_fields->setColumnCount(2);
    m_fields->setHeaderLabels({tr("Field"), tr("Value")});
    m_fields->setRootIsDecorated(true);
    m_fields->setAlternatingRowColors(true);
    m_fields->setWordWrap(true);
    m_fields->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    addTab(m_fields, tr("&Details"));
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
    if (id.isEmpty()) {
        m_fields->clear();
        m_logs->showTask(paths, id);
        return;
    }
    if (!same)
        m_logs->showTask(paths, id);
    fill(oa::TaskDetails::load(paths, id));
}

void TaskDetailPane::reloadDetails()
{
    if (!m_id.isEmpty())
        fill(oa::TaskDetails::load(oa::AgentPaths(m_base), m_id));
}

void TaskDetailPane::fill(const oa::TaskDetails &details)
{
    // Keep which sections were open and where the view was scrolled.
    const int scroll = m_fields->verticalScrollBar() ? m_fields->verticalScrollBar()->value() : 0;
    m_fields->clear();
    const auto section = [this](const QString &title, const oa::TaskDetails::Rows &rows) {
        auto *top = new QTreeWidgetItem(m_fields, {title});
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);
        for (const auto &[label, value] : rows) {
            auto *item = new QTreeWidgetItem(top, {label, value});
            item->setToolTip(1, value);
        }
        top->setExpanded(true);
    };
    section(tr("execution.json"), details.execution);
    if (details.hasResult)
        section(tr("result.json"), details.result);
    else
        section(tr("result.json"), {{tr("Status"), tr("no result yet")}});
    m_fields->verticalScrollBar()->setValue(scroll);
}
