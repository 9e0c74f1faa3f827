#pragma once

#include "fs/AgentPaths.h"

#include <QObject>

#include <array>

class LogView;
class QTabWidget;

// A task's logs as tabs of the detail pane: the script's stdout and stderr, pip.log and the
// executor's own log. A tab is named after its stream, not after errors: Python's logging
// writes INFO to stderr. Its title counts the problems the view holds (error lines,
// tracebacks, the executor's warnings and errors), with a red icon for errors and a warning
// icon for warnings alone.
class LogTabs final : public QObject {
    Q_OBJECT
public:
    enum Log { Output, Errors, Pip, Executor };

    explicit LogTabs(QTabWidget *tabs); // appends its tabs to `tabs`

    // Empty id: nothing. A kept generation (previous/, previous.k/): that run's logs.
    void showTask(const oa::AgentPaths &paths, const QString &id, oa::AgentPaths::Generation generation);
    LogView *view(Log log) const { return m_tabs[log].view; }

private:
    void updateTab(Log log);

    struct Tab {
        LogView *view = nullptr;
        QString title;
    };
    QTabWidget *m_widget;
    std::array<Tab, 4> m_tabs;
};
