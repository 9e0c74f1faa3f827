#include "PythonInterpreter.h"

#include "ChildProcess.h"

#include <QFileInfo>
#include <QStandardPaths>

namespace oa {

Result<PythonInterpreter> PythonInterpreter::probe(const QString &program)
{
    ProcessSpec spec;
    spec.program = program;
    // -I: ignore PYTHON* variables and the user site, so the probe sees the interpreter itself.
    spec.arguments = {QStringLiteral("-I"), QStringLiteral("-c"),
                      QStringLiteral("import sys, platform; print(sys.executable); print(platform.python_version())")};
    const ProcessExit exit = ChildProcess::run(spec);
    if (!exit.started)
        return fail(ExitCode::EnvironmentFailed,
                    QStringLiteral("cannot run the Python interpreter %1: %2").arg(program, exit.startError));
    const QStringList lines = QString::fromUtf8(exit.capturedStdout).split(u'\n', Qt::SkipEmptyParts);
    if (!exit.succeeded() || lines.size() < 2)
        return fail(ExitCode::EnvironmentFailed,
                    QStringLiteral("the Python interpreter %1 did not answer (exit code %2)")
                        .arg(program).arg(exit.conventionalExitCode()));
    PythonInterpreter interpreter;
    interpreter.requested = program;
    interpreter.executable = lines.at(0).trimmed();
    interpreter.version = lines.at(1).trimmed();
    if (interpreter.executable.isEmpty() || !QFileInfo(interpreter.executable).isExecutable())
        interpreter.executable = program; // embedded interpreters may not know their own path
    return interpreter;
}

Result<PythonInterpreter> PythonInterpreter::locate(const QString &explicitPath)
{
    QString requested = explicitPath;
    QString source = QStringLiteral("--python");
    if (requested.isEmpty()) {
        requested = qEnvironmentVariable("OPENAUTOMATE_PYTHON");
        source = QStringLiteral("OPENAUTOMATE_PYTHON");
    }
    if (!requested.isEmpty()) {
        QString program = requested;
        if (!requested.contains(u'/') && !requested.contains(u'\\'))
            program = QStandardPaths::findExecutable(requested);
        if (program.isEmpty() || !QFileInfo(program).isFile())
            return fail(ExitCode::EnvironmentFailed,
                        QStringLiteral("the Python interpreter \"%1\" (from %2) does not exist").arg(requested, source));
        return probe(program);
    }
    for (const QString &name : {QStringLiteral("python3"), QStringLiteral("python")}) {
        const QString program = QStandardPaths::findExecutable(name);
        if (!program.isEmpty())
            return probe(program);
    }
    return fail(ExitCode::EnvironmentFailed,
                QStringLiteral("no Python interpreter: neither python3 nor python is on PATH; "
                               "pass --python or set OPENAUTOMATE_PYTHON"));
}

} // namespace oa
