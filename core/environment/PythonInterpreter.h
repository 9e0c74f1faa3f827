#pragma once

#include "base/Error.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace oa {

class RunControl;

// The base interpreter that builds the venvs. Found once per run, and resolved to the real
// executable (sys.executable), so that a pyenv shell shim, which costs about 90 ms per call,
// is paid for once and never again.
struct PythonInterpreter {
    QString requested;   // what was asked for: a path or a name on PATH
    QString executable;  // the real interpreter
    QString version;     // e.g. "3.11.7"
    bool hasPip = false;        // `python -m pip` works: pip can install with --target
    QString bundledPipWheel;    // ensurepip's pip wheel (python3-venv ships it), or empty
    QString pipVersion;         // the version of `-m pip` (hasPip); empty when there is none
    // sys.implementation.cache_tag ("cpython-312"): the name of its .pyc files in __pycache__,
    // whose store folders need that bytecode (StoreBytecode). Empty when it writes none.
    QString cacheTag;
    QStringList warnings;       // worth a log line: an interpreters.json entry that was ignored
    // PEP 508's marker variables (MarkerEvaluator::environmentNames()) as this interpreter's
    // `packaging` would give them to pip; empty when the probe could not say (markers then stay
    // undecided, and a set with markers is pip's).
    QHash<QString, QString> markerEnvironment;

    // How to run pip for this interpreter without a venv: `-m pip`, or straight from the
    // bundled wheel. Empty when neither exists.
    QStringList pipCommand() const;
    // The version of the pip that pipCommand() runs (from the wheel's name when it is the
    // bundled one): whether it can write an installation report. Empty when unknown.
    QString pipCommandVersion() const;

    // `explicitPath` (--python), else OPENAUTOMATE_PYTHON, else python3, then python, on PATH.
    // ErrorKind::Environment when none can be found or run.
    // With `probeCache` (a JSON file), a real interpreter binary (not a shell shim) is probed once
    // an hour: the answer is kept with the binary's size and time, and used while they match.
    // The probe runs under `control` like every other child of a run: a wrapper that hangs ends
    // with the run's timeout or cancel (its stop's code and reason), and its tree is stopped.
    // `origin` names where `explicitPath` came from in a message ("--python" when empty).
    static Result<PythonInterpreter> locate(const QString &explicitPath, const QString &probeCache = QString(),
                                            RunControl *control = nullptr, const QString &origin = QString());

    // Asks `program` for its real executable and version.
    static Result<PythonInterpreter> probe(const QString &program, RunControl *control = nullptr);
    // Whether `tag` can be a cache tag: a short lower-case name, a dash, a version ("cpython-312").
    static bool isCacheTag(const QString &tag);
};

} // namespace oa
