#include "PythonInterpreter.h"

#include "fs/AgentFolder.h"
#include "process/ChildProcess.h"
#include "fs/JsonFile.h"
#include "syntax/MarkerEvaluator.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace oa {

namespace {

// The marker variables of `object`, or none when one is missing, no string, or implausible (a
// probe cache entry is evidence, not truth): each short, printable, and python_full_version the
// interpreter's version, python_version its first two numbers.
QHash<QString, QString> markerEnvironmentFrom(const QJsonObject &object, const QString &version)
{
    QHash<QString, QString> environment;
    for (const QString &name : MarkerEvaluator::environmentNames()) {
        const QJsonValue value = object.value(name);
        if (!value.isString() || value.toString().size() > 256)
            return {};
        for (const QChar c : value.toString())
            if (!c.isPrint())
                return {};
        environment.insert(name, value.toString());
    }
    const QString full = environment.value(QStringLiteral("python_full_version"));
    if (full != version || !QString(full + u'.').startsWith(QString(environment.value(QStringLiteral("python_version")) + u'.')))
        return {};
    return environment;
}

QJsonObject markerEnvironmentJson(const QHash<QString, QString> &environment)
{
    QJsonObject object;
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

} // namespace

Result<PythonInterpreter> PythonInterpreter::probe(const QString &program, RunControl *control)
{
    ProcessSpec spec;
    spec.program = program;
    // -I: ignore PYTHON* variables and the user site, so the probe sees the interpreter itself.
    spec.arguments = {QStringLiteral("-I"), QStringLiteral("-c"), QStringLiteral(
        "import sys, platform, glob, os, importlib.util\n"
        "print(sys.executable); print(platform.python_version())\n"
        "print(1 if importlib.util.find_spec('pip') else 0)\n"
        // The pip wheel ensurepip itself would install: _get_packages() names it (Debian's patched
        // ensurepip points it at /usr/share/python-wheels), else its _bundled folder; Debian's
        // folder last. Within a folder, the newest version, not the last name in byte order.
        "def newest(ws):\n"
        "    key = lambda w: [int(p) if p.isdigit() else -1 for p in os.path.basename(w).split('-')[1].split('.')]\n"
        "    return max(ws, key=key) if ws else ''\n"
        "wheel = ''\n"
        "try:\n"
        "    import ensurepip\n"
        "    try:\n"
        "        p = ensurepip._get_packages()['pip']\n"
        "        wheel = p.wheel_path or os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', p.wheel_name)\n"
        "    except Exception:\n"
        "        pass\n"
        "    if not os.path.isfile(wheel or ''):\n"
        "        wheel = newest(glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl')))\n"
        "except ImportError:\n"
        "    pass\n"
        "print(wheel or newest(glob.glob('/usr/share/python-wheels/pip-*.whl')))\n"
        // pip's __init__ only defines its version: importing it runs none of pip.
        "try:\n"
        "    import pip; print(pip.__version__)\n"
        "except Exception:\n"
        "    print('')\n"
        // PEP 508's environment, as packaging.markers.default_environment() makes it, on one line.
        "import json\n"
        "def full(v):\n"
        "    t = '%d.%d.%d' % (v.major, v.minor, v.micro)\n"
        "    return t if v.releaselevel == 'final' else t + v.releaselevel[0] + str(v.serial)\n"
        "print(json.dumps({'implementation_name': sys.implementation.name,\n"
        "    'implementation_version': full(sys.implementation.version), 'os_name': os.name,\n"
        "    'platform_machine': platform.machine(), 'platform_release': platform.release(),\n"
        "    'platform_system': platform.system(), 'platform_version': platform.version(),\n"
        "    'python_full_version': platform.python_version(),\n"
        "    'platform_python_implementation': platform.python_implementation(),\n"
        "    'python_version': '.'.join(platform.python_version_tuple()[:2]), 'sys_platform': sys.platform}))\n"
        // The name its .pyc files get (None where it writes none).
        "print(sys.implementation.cache_tag or '')\n")};
    const ProcessExit exit = ChildProcess::run(spec, control);
    if (auto stopped = exit.stopError()) // a timeout or cancel while the interpreter answered (or hung)
        return *stopped;
    if (!exit.started)
        return fail(ErrorKind::Environment,
                    QStringLiteral("cannot run the Python interpreter %1: %2").arg(program, exit.exitMessage()));
    // Empty lines kept: an empty answer (no bundled pip wheel) must not shift the ones after it.
    const QStringList lines = QString::fromUtf8(exit.capturedStdout).split(u'\n');
    if (!exit.succeeded() || lines.size() < 2 || lines.at(1).trimmed().isEmpty())
        return fail(ErrorKind::Environment,
                    QStringLiteral("the Python interpreter %1 did not answer (%2)").arg(program, exit.exitMessage()));
    PythonInterpreter interpreter;
    interpreter.requested = program;
    interpreter.executable = lines.at(0).trimmed();
    interpreter.version = lines.at(1).trimmed();
    interpreter.hasPip = lines.value(2).trimmed() == QLatin1String("1");
    interpreter.bundledPipWheel = lines.value(3).trimmed();
    if (interpreter.hasPip)
        interpreter.pipVersion = lines.value(4).trimmed();
    interpreter.markerEnvironment = markerEnvironmentFrom(QJsonDocument::fromJson(lines.value(5).toUtf8()).object(), interpreter.version);
    if (const QString tag = lines.value(6).trimmed(); isCacheTag(tag))
        interpreter.cacheTag = tag;
    if (interpreter.executable.isEmpty() || !QFileInfo(interpreter.executable).isExecutable())
        interpreter.executable = program; // embedded interpreters may not know their own path
    return interpreter;
}

bool PythonInterpreter::isCacheTag(const QString &tag)
{
    // Anchored at the true end; it becomes part of file names and of store markers.
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(QStringLiteral("[a-z][a-z0-9_]{0,31}-[0-9]{1,8}")));
    return pattern.match(tag).hasMatch();
}

QStringList PythonInterpreter::pipCommand() const
{
    if (hasPip)
        return {executable, QStringLiteral("-m"), QStringLiteral("pip")};
    if (!bundledPipWheel.isEmpty()) // pip runs from its own wheel: python pip.whl/pip ...
        return {executable, bundledPipWheel + QStringLiteral("/pip")};
    return {};
}

QString PythonInterpreter::pipCommandVersion() const
{
    if (hasPip)
        return pipVersion;
    static const QRegularExpression wheelName(QStringLiteral("^pip-([0-9][^-]*)-"));
    return wheelName.match(QFileInfo(bundledPipWheel).fileName()).captured(1);
}

namespace {

constexpr qint64 kProbeCacheMaxAgeMs = 3600 * 1000;

// Only a real binary is cached: a shim (a "#!" script such as pyenv's) may pick another
// interpreter tomorrow without changing itself. Opened non-blocking and read only when it is a
// regular file: a FIFO in its place must not hang the executor.
bool isBinary(const QString &program)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(program).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat info = {};
    char magic[4] = {};
    const bool elf = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && ::read(fd, magic, sizeof magic) == 4
                     && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
    ::close(fd);
    return elf;
#else
    QFile file(program);
    return file.open(QIODevice::ReadOnly) && file.read(4) == QByteArray("\x7f" "ELF", 4);
#endif
}

QJsonObject fingerprint(const QFileInfo &info)
{
    return {{QStringLiteral("Size"), info.size()}, {QStringLiteral("ModifiedMs"), info.lastModified().toMSecsSinceEpoch()}};
}

// The places the probe takes ensurepip's pip wheel from (see probe()): nothing else is run as pip.
bool isBundledPipWheel(const QString &path)
{
    const QFileInfo wheel(path);
    const QString dir = wheel.absolutePath();
    return wheel.isFile() && wheel.fileName().startsWith(QLatin1String("pip-")) && wheel.fileName().endsWith(QLatin1String(".whl"))
           && (dir == QLatin1String("/usr/share/python-wheels") || dir.endsWith(QLatin1String("/ensurepip/_bundled")));
}

// interpreters.json sits in a folder others may write to, so an entry is evidence, not truth.
// It is used only while the interpreter binary it was keyed by (`binary`, canonical) is unchanged
// and the probe is recent, and only when it names that same binary, or another real executable
// binary (sys.executable of a launcher), and a pip wheel from where the probe looks for one.
// Otherwise nullopt: with `suspicious` set when the entry cannot be an honest probe's answer.
std::optional<PythonInterpreter> cachedProbe(const QJsonObject &cached, const QFileInfo &binary, qint64 now, QString *suspicious)
{
    if (cached.value(QStringLiteral("Fingerprint")).toObject() != fingerprint(binary))
        return std::nullopt; // the interpreter was replaced or upgraded: probe it again
    const QJsonValue probedAt = cached.value(QStringLiteral("ProbedAtMs"));
    if (!probedAt.isDouble() || probedAt.toInteger() > now) {
        *suspicious = QStringLiteral("its ProbedAtMs is missing or in the future");
        return std::nullopt;
    }
    if (now - probedAt.toInteger() >= kProbeCacheMaxAgeMs)
        return std::nullopt;
    PythonInterpreter p;
    p.executable = cached.value(QStringLiteral("Executable")).toString();
    p.version = cached.value(QStringLiteral("Version")).toString();
    p.hasPip = cached.value(QStringLiteral("HasPip")).toBool();
    p.bundledPipWheel = cached.value(QStringLiteral("BundledPipWheel")).toString();
    p.pipVersion = cached.value(QStringLiteral("PipVersion")).toString();
    const QFileInfo executable(QFileInfo(p.executable).canonicalFilePath());
    const bool sameBinary = executable.filePath() == binary.filePath();
    const bool otherBinary = QFileInfo(p.executable).isAbsolute() && executable.isFile() && executable.isExecutable()
                             && isBinary(executable.filePath());
    if (!sameBinary && !otherBinary) {
        *suspicious = QStringLiteral("its Executable \"%1\" is neither %2 nor an executable binary").arg(p.executable, binary.filePath());
        return std::nullopt;
    }
    // Anchored at the true end: with '$', a cached "3.11.2\n" would pass.
    static const QRegularExpression version(QRegularExpression::anchoredPattern(QStringLiteral("[0-9]+\\.[0-9]+(\\.[0-9]+)?[0-9A-Za-z+.]*")));
    if (!version.match(p.version).hasMatch()) {
        *suspicious = QStringLiteral("its Version \"%1\" is not a Python version").arg(p.version);
        return std::nullopt;
    }
    if (!p.pipVersion.isEmpty() && !version.match(p.pipVersion).hasMatch()) {
        *suspicious = QStringLiteral("its PipVersion \"%1\" is not a version").arg(p.pipVersion);
        return std::nullopt;
    }
    if (!p.bundledPipWheel.isEmpty() && !isBundledPipWheel(p.bundledPipWheel)) {
        if (QFileInfo::exists(p.bundledPipWheel)) // a wheel that merely went away with an upgrade is no news
            *suspicious = QStringLiteral("its BundledPipWheel \"%1\" is not ensurepip's pip wheel").arg(p.bundledPipWheel);
        return std::nullopt;
    }
    if (p.hasPip && !cached.contains(QStringLiteral("PipVersion")))
        return std::nullopt; // written before the probe asked for pip's version: probe again
    if (!cached.contains(QStringLiteral("MarkerEnvironment")))
        return std::nullopt; // written before the probe asked for the marker variables: probe again
    if (!cached.contains(QStringLiteral("CacheTag")))
        return std::nullopt; // written before the probe asked for the cache tag: probe again
    p.cacheTag = cached.value(QStringLiteral("CacheTag")).toString();
    if (!p.cacheTag.isEmpty() && !PythonInterpreter::isCacheTag(p.cacheTag)) {
        *suspicious = QStringLiteral("its CacheTag \"%1\" is not a cache tag").arg(p.cacheTag);
        return std::nullopt;
    }
    // Empty when the probe could not tell them; anything else must be the whole, plausible set.
    const QJsonObject markers = cached.value(QStringLiteral("MarkerEnvironment")).toObject();
    p.markerEnvironment = markerEnvironmentFrom(markers, p.version);
    if (p.markerEnvironment.isEmpty() && !markers.isEmpty()) {
        *suspicious = QStringLiteral("its MarkerEnvironment is not the marker variables of Python %1").arg(p.version);
        return std::nullopt;
    }
    return p;
}

Result<PythonInterpreter> probeCached(const QString &program, const QString &cacheFile, RunControl *control)
{
    const QFileInfo info(QFileInfo(program).canonicalFilePath());
    if (cacheFile.isEmpty() || !info.exists() || !isBinary(info.filePath()))
        return PythonInterpreter::probe(program, control);
    QStringList warnings;
    // Never through a symlink, never a FIFO or device: readJsonObject refuses both at once.
    const Result<QJsonObject> read = readJsonObject(cacheFile);
    QJsonObject all = read ? read.value() : QJsonObject();
    if (!read && read.error().systemError != ENOENT)
        warnings.append(QStringLiteral("the interpreter probe cache %1 is ignored: %2").arg(cacheFile, read.error().message));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (all.contains(info.filePath())) {
        QString suspicious;
        if (auto cached = cachedProbe(all.value(info.filePath()).toObject(), info, now, &suspicious)) {
            cached->requested = program;
            return *cached;
        }
        if (!suspicious.isEmpty())
            warnings.append(QStringLiteral("the interpreter probe cache %1 has an entry for %2 that is ignored: %3; probing again")
                                .arg(cacheFile, info.filePath(), suspicious));
    }
    auto probed = PythonInterpreter::probe(program, control);
    if (probed) {
        probed.value().warnings = warnings;
        all.insert(info.filePath(), QJsonObject{{QStringLiteral("Fingerprint"), fingerprint(info)},
                                                {QStringLiteral("ProbedAtMs"), now},
                                                {QStringLiteral("Executable"), probed->executable},
                                                {QStringLiteral("Version"), probed->version},
                                                {QStringLiteral("HasPip"), probed->hasPip},
                                                {QStringLiteral("BundledPipWheel"), probed->bundledPipWheel},
                                                {QStringLiteral("PipVersion"), probed->pipVersion},
                                                {QStringLiteral("MarkerEnvironment"), markerEnvironmentJson(probed->markerEnvironment)},
                                                {QStringLiteral("CacheTag"), probed->cacheTag}});
        // The cache folder is the administrator's (it may be a link); the file in it is not: it is
        // replaced through the gatekeeper, never written through a planted link or FIFO. A probe
        // cache that cannot be saved only costs the next run a probe.
        const QString dir = QFileInfo(cacheFile).absolutePath();
        QDir().mkpath(dir);
        if (const Status saved = AgentFolder(dir).writeAtomically(cacheFile, QJsonDocument(all).toJson()); !saved)
            probed.value().warnings.append(QStringLiteral("the interpreter probe cache was not saved: %1").arg(saved.error().message));
    }
    return probed;
}

} // namespace

Result<PythonInterpreter> PythonInterpreter::locate(const QString &explicitPath, const QString &probeCache, RunControl *control,
                                                   const QString &origin)
{
    QString requested = explicitPath;
    QString source = origin.isEmpty() ? QStringLiteral("--python") : origin;
    if (requested.isEmpty()) {
        requested = qEnvironmentVariable("OPENAUTOMATE_PYTHON");
        source = QStringLiteral("OPENAUTOMATE_PYTHON");
    }
    if (!requested.isEmpty()) {
        QString program = requested;
        if (!requested.contains(u'/') && !requested.contains(u'\\'))
            program = QStandardPaths::findExecutable(requested);
        if (program.isEmpty() || !QFileInfo(program).isFile())
            return fail(ErrorKind::Environment,
                        QStringLiteral("the Python interpreter \"%1\" (from %2) does not exist").arg(requested, source));
        return probeCached(program, probeCache, control);
    }
    for (const QString &name : {QStringLiteral("python3"), QStringLiteral("python")}) {
        const QString program = QStandardPaths::findExecutable(name);
        if (!program.isEmpty())
            return probeCached(program, probeCache, control);
    }
    return fail(ErrorKind::Environment,
                QStringLiteral("no Python interpreter: neither python3 nor python is on PATH; "
                               "pass --python or set OPENAUTOMATE_PYTHON"));
}

} // namespace oa
