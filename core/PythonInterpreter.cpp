#include "PythonInterpreter.h"

#include "ChildProcess.h"
#include "JsonFile.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace oa {

Result<PythonInterpreter> PythonInterpreter::probe(const QString &program, RunControl *control)
{
    ProcessSpec spec;
    spec.program = program;
    // -I: ignore PYTHON* variables and the user site, so the probe sees the interpreter itself.
    spec.arguments = {QStringLiteral("-I"), QStringLiteral("-c"), QStringLiteral(
        "import sys, platform, glob, os, importlib.util\n"
        "print(sys.executable); print(platform.python_version())\n"
        "print(1 if importlib.util.find_spec('pip') else 0)\n"
        "wheels = []\n"
        "try:\n"
        "    import ensurepip\n"
        "    wheels = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl'))\n"
        "except ImportError:\n"
        "    pass\n"
        "wheels += glob.glob('/usr/share/python-wheels/pip-*.whl')\n"
        "print(sorted(wheels)[-1] if wheels else '')\n")};
    const ProcessExit exit = ChildProcess::run(spec, control);
    if (exit.stopped) // a timeout or cancel while the interpreter answered (or hung)
        return fail(exit.stopped->code, exit.stopped->message);
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
    interpreter.hasPip = lines.value(2).trimmed() == QLatin1String("1");
    interpreter.bundledPipWheel = lines.value(3).trimmed();
    if (interpreter.executable.isEmpty() || !QFileInfo(interpreter.executable).isExecutable())
        interpreter.executable = program; // embedded interpreters may not know their own path
    return interpreter;
}

QStringList PythonInterpreter::pipCommand() const
{
    if (hasPip)
        return {executable, QStringLiteral("-m"), QStringLiteral("pip")};
    if (!bundledPipWheel.isEmpty()) // pip runs from its own wheel: python pip.whl/pip ...
        return {executable, bundledPipWheel + QStringLiteral("/pip")};
    return {};
}

namespace {

constexpr qint64 kProbeCacheMaxAgeMs = 3600 * 1000;

// Only a real binary is cached: a shim (a "#!" script such as pyenv's) may pick another
// interpreter tomorrow without changing itself.
bool isBinary(const QString &program)
{
    QFile file(program);
    return file.open(QIODevice::ReadOnly) && file.read(4) == QByteArray("\x7f" "ELF", 4);
}

QJsonObject fingerprint(const QFileInfo &info)
{
    return {{QStringLiteral("Size"), info.size()}, {QStringLiteral("ModifiedMs"), info.lastModified().toMSecsSinceEpoch()}};
}

Result<PythonInterpreter> probeCached(const QString &program, const QString &cacheFile, RunControl *control)
{
    const QFileInfo info(QFileInfo(program).canonicalFilePath());
    if (cacheFile.isEmpty() || !info.exists() || !isBinary(info.filePath()))
        return PythonInterpreter::probe(program, control);
    QJsonObject all = readJsonObject(cacheFile).value_or(QJsonObject());
    const QJsonObject cached = all.value(info.filePath()).toObject();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (cached.value(QStringLiteral("Fingerprint")).toObject() == fingerprint(info)
        && now - cached.value(QStringLiteral("ProbedAtMs")).toInteger() < kProbeCacheMaxAgeMs) {
        PythonInterpreter p;
        p.requested = program;
        p.executable = cached.value(QStringLiteral("Executable")).toString();
        p.version = cached.value(QStringLiteral("Version")).toString();
        p.hasPip = cached.value(QStringLiteral("HasPip")).toBool();
        p.bundledPipWheel = cached.value(QStringLiteral("BundledPipWheel")).toString();
        if (QFileInfo(p.executable).isExecutable() && (p.bundledPipWheel.isEmpty() || QFileInfo::exists(p.bundledPipWheel)))
            return p;
    }
    auto probed = PythonInterpreter::probe(program, control);
    if (probed) {
        all.insert(info.filePath(), QJsonObject{{QStringLiteral("Fingerprint"), fingerprint(info)},
                                                {QStringLiteral("ProbedAtMs"), now},
                                                {QStringLiteral("Executable"), probed->executable},
                                                {QStringLiteral("Version"), probed->version},
                                                {QStringLiteral("HasPip"), probed->hasPip},
                                                {QStringLiteral("BundledPipWheel"), probed->bundledPipWheel}});
        QDir().mkpath(QFileInfo(cacheFile).absolutePath());
        QSaveFile file(cacheFile);
        if (file.open(QIODevice::WriteOnly)) {
            file.write(QJsonDocument(all).toJson());
            file.commit();
        }
    }
    return probed;
}

} // namespace

Result<PythonInterpreter> PythonInterpreter::locate(const QString &explicitPath, const QString &probeCache, RunControl *control)
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
        return probeCached(program, probeCache, control);
    }
    for (const QString &name : {QStringLiteral("python3"), QStringLiteral("python")}) {
        const QString program = QStandardPaths::findExecutable(name);
        if (!program.isEmpty())
            return probeCached(program, probeCache, control);
    }
    return fail(ExitCode::EnvironmentFailed,
                QStringLiteral("no Python interpreter: neither python3 nor python is on PATH; "
                               "pass --python or set OPENAUTOMATE_PYTHON"));
}

} // namespace oa
