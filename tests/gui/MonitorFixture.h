#pragma once
// What the monitor's tests share: an agent folder with a task in every state and real locks,
// and the executor settings as the monitor's main() loads them.
#include "config/ExecutorSettings.h"
#include "TestSupport.h"

#include <QProcess>

namespace oatest {

// pending; ok, bad, slow, stopped (Succeeded, Failed, TimedOut, Cancelled); broken (Invalid);
// live (Running: `holder` holds its lock, the caller kills it); remote (another host's lock).
inline bool layOutEveryState(const Agent &agent, QProcess &holder)
{
    agent.makeScriptTask(QStringLiteral("pending"), "print(1)\n");
    for (const auto &[id, outcome] : {std::pair{"ok", "Succeeded"}, std::pair{"bad", "Failed"}, std::pair{"slow", "TimedOut"},
                                      std::pair{"stopped", "Cancelled"}}) {
        agent.makeScriptTask(QString::fromLatin1(id), "print(1)\n");
        writeResult(agent, QString::fromLatin1(id), QString::fromLatin1(outcome), 1);
    }
    agent.makeTaskRaw(QStringLiteral("broken"), "{");
    agent.makeScriptTask(QStringLiteral("live"), "print(1)\n");
    agent.makeScriptTask(QStringLiteral("remote"), "print(1)\n");
    writeForeignLock(agent, QStringLiteral("remote"));
    return startLockHolder(holder, agent.lockFile(QStringLiteral("live")));
}

// The settings as the monitor's main() loads them: the file, and --base-dir.
inline oa::ExecutorSettings loadConfiguration(const QString &file, const QString &base)
{
    oa::ExecutorSettings::Inputs inputs;
    inputs.configFile = file;
    inputs.commandLine.insert(QStringLiteral("BaseDir"), {QStringLiteral("--base-dir"), base});
    inputs.environment = QProcessEnvironment();
    const auto loaded = oa::ExecutorSettings::load(inputs);
    if (!loaded)
        qFatal("%s", qPrintable(loaded.error().message));
    return loaded.value();
}

} // namespace oatest
