#include "LogTabs.h"

#include "fs/AgentPaths.h"
#include "LogView.h"

#include <QStyle>
#include <QTabWidget>

LogTabs::LogTabs(QTabWidget *tabs) : QObject(tabs), m_widget(tabs)
{
    const auto add = [this](Log log, LogView::Kind kind, const QString &title, const QString &toolTip) {
        m_tabs[log] = {new LogView(kind, m_widget), title};
        const int index = m_widget->addTab(m_tabs[log].view, title);
        m_widget->setTabToolTip(index, toolTip);
        connect(m_tabs[log].view, &LogView::problemsChanged, this, [this, log] { updateTab(log); });
    };
    add(Output, LogView::Kind::Text, tr("std&out"), tr("output.log: what the script wrote to its standard output"));
    add(Errors, LogView::Kind::Text, tr("std&err"),
        tr("error.log: what the script wrote to its standard error. Python's logging writes every level here, "
           "so only ERROR and CRITICAL lines and tracebacks count as problems"));
    add(Pip, LogView::Kind::Text, tr("&pip.log"), tr("pip.log: pip's output while it installed the requirements"));
    add(Executor, LogView::Kind::ExecutorClef, tr("E&xecutor log"),
        tr("executor.log: the executor's own log; its warnings and errors count as problems"));
}

void LogTabs::showTask(const oa::AgentPaths &paths, const QString &id, oa::AgentPaths::Generation generation)
{
    const bool none = id.isEmpty();
    m_tabs[Output].view->setFile(none ? QString() : paths.outputLogFile(id, generation));
    m_tabs[Errors].view->setFile(none ? QString() : paths.errorLogFile(id, generation));
    m_tabs[Pip].view->setFile(none ? QString() : paths.pipLogFile(id, generation));
    m_tabs[Executor].view->setFile(none ? QString() : paths.executorLogFile(id, generation));
}

void LogTabs::updateTab(Log log)
{
    const Tab &tab = m_tabs[log];
    const int index = m_widget->indexOf(tab.view);
    const int errors = tab.view->errorCount();
    const int problems = errors + tab.view->warningCount();
    // Two strings rather than %n: without an English translation, %n would read "problem(s)".
    if (problems == 0)
        m_widget->setTabText(index, tab.title);
    else if (problems == 1)
        m_widget->setTabText(index, tr("%1 (1 problem)").arg(tab.title));
    else
        m_widget->setTabText(index, tr("%1 (%2 problems)").arg(tab.title).arg(problems));
    if (errors > 0)
        m_widget->setTabIcon(index, QIcon(QStringLiteral(":/icons/state-failed.png")));
    else if (problems > 0)
        m_widget->setTabIcon(index, m_widget->style()->standardIcon(QStyle::SP_MessageBoxWarning));
    else
        m_widget->setTabIcon(index, QIcon());
}
