#pragma once

#include "process/ChildProcess.h"
#include "base/Error.h"
#include "PythonInterpreter.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace oa {

class VersionSpecifier;

// The interpreters an agent offers its tasks (the configuration's Python and Pythons), and the
// choice of one for a run. A task that asks for no version gets the default one: Python when it
// is set, else the first of Pythons, else python3 on PATH. A task that asks for a version gets
// the newest offered interpreter that matches; on a tie, the one named first (Python, then
// Pythons in their order). Only a task that asks probes the others, so that a run that does not
// care pays for one interpreter, as before.
struct OfferedPythons {
    QString python;        // Python: may be empty
    QString pythonOrigin;  // where it came from, for messages
    QStringList pythons;   // Pythons: may be empty
    QString pythonsOrigin;

    // Probes an interpreter (PythonInterpreter::locate with the run's probe cache and control).
    using Locator = std::function<Result<PythonInterpreter>(const QString &program, const QString &origin)>;
    // Tells why the run-as user cannot run an interpreter; empty when it can (or there is none).
    using Runnable = std::function<QString(const QString &executable)>;

    Result<PythonInterpreter> defaultInterpreter(const Locator &locate) const;

    // The newest offered interpreter whose version `wanted` matches; `current` is the default
    // one, already probed. ErrorKind::Environment when none matches, naming what was asked
    // for (`wanted`, written in `wantedFrom`) and every interpreter offered with its version or
    // why it cannot be used. `warnings` gets an offered interpreter that cannot be run.
    Result<PythonInterpreter> choose(const VersionSpecifier &wanted, const QString &wantedFrom, const PythonInterpreter &current,
                                     const Locator &locate, const Runnable &runnable, QStringList *warnings) const;

    // Newer release first ("3.12.1" > "3.11.7" > "3.11"); 0 when equal.
    static int compareVersions(const QString &a, const QString &b);
};

} // namespace oa
