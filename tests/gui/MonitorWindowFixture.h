#pragma once
// The main window over an agent folder with a task in every state (layOutEveryState), two
// orphaned locks and a running task's status: what tst_monitor and tst_monitor_config share.
#include "AgentRefresher.h"
#include "MainWindow.h"
#include "MonitorFixture.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>

#include <memory>

namespace oatest {

struct MonitorOverEveryState {
    Agent agent;
    QProcess holder;
    std::unique_ptr<MainWindow> window;

    // Lays the folder out, shows the window and waits for its first scan.
    bool start()
    {
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, agent.base() + QStringLiteral("/../settings"));
        if (!layOutEveryState(agent, holder))
            return false;
        QFile status(agent.taskFile(QStringLiteral("live"), QStringLiteral("status.json")));
        if (!status.open(QIODevice::WriteOnly))
            return false;
        status.write(R"({"ExecutionId":"live","State":"Running","Stage":"Run","Percent":40,"Message":"Reading invoices","RunAsUser":"oa-bot"})");
        status.close();
        if (!makeOrphanedLock(agent, QStringLiteral("crashed")) || !makeOrphanedLock(agent, QStringLiteral("crashed-too")))
            return false;
        window = std::make_unique<MainWindow>();
        window->show();
        QSignalSpy spy(window.get(), &MainWindow::snapshotApplied);
        window->setBaseDir(agent.base());
        return spy.wait(20000);
    }
    // Waits for the next snapshot to be applied.
    bool waitForScan()
    {
        QSignalSpy spy(window.get(), &MainWindow::snapshotApplied);
        window->refresher()->refreshNow();
        return spy.wait(20000);
    }
    void stop()
    {
        window.reset();
        holder.kill();
        holder.waitForFinished();
    }
};

} // namespace oatest
