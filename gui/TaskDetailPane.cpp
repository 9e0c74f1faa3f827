#include "TaskDetailPane.h"

#include "LogView.h"

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
    m_output = new LogView(LogView::Kind::Plain, this);
    m_errors = new LogView(LogView::Kind::Errors, this);
    m_executor = new LogView(LogView::Kind::ExecutorClef, this);
    addTab(m_fields, tr("&Details"));
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
    if (id.isEmpty()) {
        m_fields->clear();
        for (LogView *view : {m_output, m_errors, m_executor})
            view->setFile(QString());
        return;
    }
    if (!same) {
        m_output->setFile(paths.outputLogFile(id));
        m_errors->setFile(paths.errorLogFile(id));
        m_executor->setFile(paths.executorLogFile(id));
    }
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

void TaskDetailPane::updateErrorTab(int count)
{
    setTabText(m_errorTab, count > 0 ? tr("&Errors (%1)").arg(count) : tr("&Errors"));
    setTabIcon(m_errorTab, count > 0 ? QIcon(QStringLiteral(":/icons/state-failed.png")) : QIcon());
}
