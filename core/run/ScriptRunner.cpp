#include "ScriptRunner.h"

#include "records/Limits.h"

#include <QDir>

namespace oa {

QProcessEnvironment ScriptRunner::environment(const ScriptLaunch &launch, QProcessEnvironment env)
{
    for (auto it = launch.siteEnvironment.cbegin(); it != launch.siteEnvironment.cend(); ++it)
        env.insert(it.key(), it.value());
    const QString temp = QDir::toNativeSeparators(launch.tempDir);
    env.insert(QStringLiteral("TMP"), temp);
    env.insert(QStringLiteral("TEMP"), temp);
    env.insert(QStringLiteral("TMPDIR"), temp);
    env.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1"));
    env.insert(QStringLiteral("PYTHONIOENCODING"), QStringLiteral("utf-8"));
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTION_ID"), launch.executionId);
    env.insert(QStringLiteral("OPENAUTOMATE_TASK_DIR"), QDir::toNativeSeparators(launch.taskDir));
    if (!launch.progressFile.isEmpty())
        env.insert(QStringLiteral("OPENAUTOMATE_PROGRESS_FILE"), QDir::toNativeSeparators(launch.progressFile));
    // Activate the venv, so that a script which starts "python" or "pip" gets the venv's.
    env.insert(QStringLiteral("VIRTUAL_ENV"), QDir::toNativeSeparators(launch.venvDir));
    const QString path = env.value(QStringLiteral("PATH"));
    env.insert(QStringLiteral("PATH"), QDir::toNativeSeparators(launch.venvBinDir)
                                           + QDir::listSeparator() + path);
    // A PYTHONHOME meant for another interpreter would break the venv's.
    env.remove(QStringLiteral("PYTHONHOME"));
    return env;
}

ProcessExit ScriptRunner::run(const ScriptLaunch &launch, RunControl *control)
{
    ProcessSpec spec;
    spec.program = launch.python;
    spec.arguments = QStringList{launch.scriptFile} + launch.arguments;
    spec.workingDirectory = launch.taskDir;
    spec.environment = environment(launch);
    spec.stdoutFile = launch.outputLog;
    spec.stderrFile = launch.errorLog;
    spec.cgroupProcsFiles = launch.cgroupProcsFiles;
    spec.credentials = launch.credentials;
    spec.sandbox = launch.sandbox;
    return ChildProcess::run(spec, control);
}

Error ScriptRunner::startFailure(const ScriptLaunch &launch, const ProcessExit &exit)
{
    if (exit.argumentsTooLong)
        return fail(ErrorKind::InvalidTask,
                    QStringLiteral("execution.json: Arguments: the OS refused to start the script with its %1 argument(s) "
                                   "(%2 bytes) as too long (E2BIG); one argument may have at most %3 bytes, and arguments "
                                   "and environment together %4 bytes (ARG_MAX)")
                        .arg(launch.arguments.size())
                        .arg(execveBytes(launch.arguments))
                        .arg(ArgumentLimits::ofThisSystem().maxArgumentBytes - 1)
                        .arg(ArgumentLimits::ofThisSystem().maxTotalBytes));
    return fail(ErrorKind::Environment, QStringLiteral("cannot start %1: %2").arg(launch.python, exit.exitMessage()));
}

} // namespace oa
