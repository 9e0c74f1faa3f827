#pragma once

#include "ExitCode.h"

#include <QString>

namespace oa {

// The base interpreter that builds the venvs. Found once per run, and resolved to the real
// executable (sys.executable), so that a pyenv shell shim, which costs about 90 ms per call,
// is paid for once and never again.
struct PythonInterpreter {
    QString requested;   // what was asked for: a path or a name on PATH
    QString executable;  // the real interpreter
    QString version;     // e.g. "3.11.7"

    // `explicitPath` (--python), else OPENAUTOMATE_PYTHON, else python3, then python, on PATH.
    // ExitCode::EnvironmentFailed when none can be found or run.
    static Result<PythonInterpreter> locate(const QString &explicitPath);

    // Asks `program` for its real executable and version.
    static Result<PythonInterpreter> probe(const QString &program);
};

} // namespace oa
