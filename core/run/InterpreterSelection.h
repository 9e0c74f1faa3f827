#pragma once

#include "base/Error.h"
#include "environment/InterpreterChoice.h"
#include "environment/PythonInterpreter.h"
#include "process/RunAsUser.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

class RunControl;

// Which base interpreter builds this run's venv: the configuration's default (Python, Pythons,
// python3 on PATH), probed under the run's control and its probe cache; then, when the task asks
// for a Python version, the newest offered one that matches; each one checked against what the
// run-as user may run. Warnings (an ignored probe cache entry, an offered interpreter that
// cannot be run) are collected for the caller's log and result.json.
class InterpreterSelection {
public:
    // `probeCache`: the interpreters.json the probes are kept in (see PythonInterpreter::locate).
    InterpreterSelection(OfferedPythons offered, QString probeCache, RunControl *control, std::optional<RunAsUser> runAs);
    // A dynamic user is known only once its ID is leased, at the start of the Environment stage.
    void setRunAs(std::optional<RunAsUser> runAs) { m_runAs = std::move(runAs); }

    // The default interpreter, probed (ErrorKind::Environment when none can be run, or the
    // run's stop while it was probed).
    Result<PythonInterpreter> defaultInterpreter();
    // ErrorKind::Environment, naming the interpreter and the user, when the run-as user
    // cannot run it; ok without a run-as user.
    Status checkRunnable(const PythonInterpreter &interpreter) const;
    // `current` when the task asks for no version (`requiresPython` empty); else the newest
    // offered interpreter that matches. A bad specifier is the task's fault (InvalidExecution);
    // none that matches is the environment's (EnvironmentFailed).
    Result<PythonInterpreter> forVersion(const PythonInterpreter &current, const QString &requiresPython,
                                         const QString &requiresPythonFrom);
    // Why the run-as user cannot run `executable`; empty when it can, or when there is none.
    QString unrunnableBecause(const QString &executable) const;

    // The warnings since the last call.
    QStringList takeWarnings();

private:
    OfferedPythons::Locator locator();

    OfferedPythons m_offered;
    QString m_probeCache;
    RunControl *m_control = nullptr;
    std::optional<RunAsUser> m_runAs;
    QStringList m_warnings;
};

} // namespace oa
