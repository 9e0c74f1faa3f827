#pragma once

#include "process/ChildProcess.h"

#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace oa {

// Everything the script run needs to know, gathered by the Executor.
struct ScriptLaunch {
    QString executionId;
    QString python;        // the venv's interpreter
    QString venvDir;
    QString venvBinDir;
    QString scriptFile;
    QStringList arguments;
    QString taskDir;       // the working directory
    QString tempDir;       // TMP, TEMP and TMPDIR
    QString outputLog;     // stdout, streamed to disk
    QString errorLog;      // stderr, streamed to disk
    QString progressFile;  // OPENAUTOMATE_PROGRESS_FILE
    QList<QByteArray> cgroupProcsFiles; // the execution's cgroups, when there are any
    std::shared_ptr<const ProcessCredentials> credentials; // the run-as user, when there is one
    QMap<QString, QString> siteEnvironment; // executor.conf's [ScriptEnvironment]
    std::optional<SandboxSpec> sandbox;     // Sandbox = bubblewrap: what the script sees
};

// Runs the automation script with the venv's interpreter. The executor exits with what
// ProcessExit::conventionalExitCode() gives: the script's own code, or 128 + a signal number.
class ScriptRunner {
public:
    static ProcessExit run(const ScriptLaunch &launch, RunControl *control = nullptr);

    // Why a script that did not start could not (`exit.started` is false): arguments the OS
    // refused (E2BIG) are the task's fault, ErrorKind::InvalidTask naming Arguments; anything
    // else is the environment's, ErrorKind::Environment.
    static Error startFailure(const ScriptLaunch &launch, const ProcessExit &exit);

    // The agent's environment, the site's [ScriptEnvironment] over it, and then what the script
    // is promised: the venv activated, TMP/TEMP/TMPDIR, unbuffered UTF-8 output and the
    // OPENAUTOMATE_* variables (executor.conf cannot name those, see ExecutorSettings).
    static QProcessEnvironment environment(const ScriptLaunch &launch,
                                           QProcessEnvironment base = QProcessEnvironment::systemEnvironment());
};

} // namespace oa
