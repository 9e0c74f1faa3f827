#include "PythonEnvironment.h"

#include "process/ChildProcess.h"
#include "base/LoggingCategories.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace oa {

PythonEnvironment::PythonEnvironment(PythonInterpreter base, QString venvDir)
    : m_base(std::move(base)), m_dir(std::move(venvDir))
{
}

QString PythonEnvironment::binDirectory() const
{
#ifdef Q_OS_WIN
    return m_dir + QStringLiteral("/Scripts");
#else
    return m_dir + QStringLiteral("/bin");
#endif
}

QString PythonEnvironment::pythonExecutable() const
{
#ifdef Q_OS_WIN
    return binDirectory() + QStringLiteral("/python.exe");
#else
    return binDirectory() + QStringLiteral("/python");
#endif
}

// What `python -m venv --without-pip` lays out on POSIX, written directly: a pyvenv.cfg, the
// interpreter symlinks and an empty site-packages. It takes a millisecond instead of the tens
// (or, through a pyenv shim, hundreds) of milliseconds of starting Python to do the same.
static bool writeVenvDirectly(const PythonInterpreter &base, const QString &dir)
{
#ifdef Q_OS_WIN
    Q_UNUSED(base)
    Q_UNUSED(dir)
    return false; // a Windows venv needs the launcher copied in: `python -m venv` does that
#else
    const QStringList parts = base.version.split(u'.');
    if (parts.size() < 2 || !QFileInfo(base.executable).isExecutable())
        return false;
    const QString shortVersion = parts.at(0) + u'.' + parts.at(1);
    if (QFileInfo(dir).isSymLink() || !QDir(dir).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot))
        return false; // an old venv is cleared by `python -m venv --clear` instead
    if (!QDir().mkpath(dir + QStringLiteral("/bin")) || !QDir().mkpath(dir + QStringLiteral("/lib/python") + shortVersion + QStringLiteral("/site-packages")))
        return false;
    if (QT_POINTER_SIZE == 8)
        QFile::link(QStringLiteral("lib"), dir + QStringLiteral("/lib64"));
    QDir().mkpath(dir + QStringLiteral("/include"));
    QFile cfg(dir + QStringLiteral("/pyvenv.cfg"));
    if (!cfg.open(QIODevice::WriteOnly))
        return false;
    cfg.write(QStringLiteral("home = %1\ninclude-system-site-packages = false\nversion = %2\nexecutable = %3\n")
                  .arg(QFileInfo(base.executable).absolutePath(), base.version, base.executable).toUtf8());
    cfg.close();
    for (const QString &name : {QStringLiteral("python"), QStringLiteral("python3"), QString(QStringLiteral("python") + shortVersion)})
        if (!QFile::link(base.executable, dir + QStringLiteral("/bin/") + name))
            return false;
    return true;
#endif
}

Status PythonEnvironment::create(bool withPip, RunControl *control) const
{
    if (!withPip && writeVenvDirectly(m_base, m_dir))
        return ok();
    // With pip: `-m venv` runs ensurepip, which starts pip to install pip (about 10 s here).
    // Unpacking the same bundled wheel into site-packages, as the environment cache does, takes
    // a fraction of a second and gives the same `python -m pip`.
    if (withPip && !m_base.bundledPipWheel.isEmpty() && writeVenvDirectly(m_base, m_dir)) {
        ProcessSpec unzip;
        unzip.program = m_base.executable;
        unzip.arguments = {QStringLiteral("-I"), QStringLiteral("-m"), QStringLiteral("zipfile"), QStringLiteral("-e"), m_base.bundledPipWheel,
                           sitePackages()};
        unzip.workingDirectory = QStringLiteral("/");
        unzip.captureStderr = true;
        const ProcessExit unpacked = ChildProcess::run(unzip, control);
        if (auto stopped = unpacked.stopError())
            return *stopped;
        if (!unpacked.succeeded())
            return fail(ErrorKind::Environment, QStringLiteral("unpacking pip from %1 into %2 failed (%3): %4")
                                                         .arg(m_base.bundledPipWheel, sitePackages(),
                                                              unpacked.exitMessage(),
                                                              QString::fromUtf8(unpacked.capturedStdout).trimmed().section(u'\n', -1)));
        return ok();
    }
    ProcessSpec spec;
    spec.program = m_base.executable;
    // --clear: a venv left behind by an earlier run (--keep-venv, or a crash) is rebuilt, not trusted.
    // -I and a working folder of root's own: the executor's working folder may be one a task can
    // write (a service started in a task folder), and `-m venv` must not import a planted venv.py.
    spec.arguments = {QStringLiteral("-I"), QStringLiteral("-m"), QStringLiteral("venv"), QStringLiteral("--clear")};
    spec.workingDirectory = QStringLiteral("/");
    if (!withPip)
        spec.arguments << QStringLiteral("--without-pip");
    spec.arguments << QDir::toNativeSeparators(m_dir);
    spec.captureStderr = true;
    const ProcessExit exit = ChildProcess::run(spec, control);
    if (auto stopped = exit.stopError())
        return *stopped;
    const QString output = QString::fromUtf8(exit.capturedStdout).trimmed();

    if (!exit.started)
        return fail(ErrorKind::Environment,
                    QStringLiteral("cannot start %1 to create the virtual environment: %2").arg(m_base.executable, exit.startError));
    if (!exit.succeeded()) {
        const QString lastLine = output.section(u'\n', -1);
        return fail(ErrorKind::Environment,
                    QStringLiteral("creating the virtual environment %1 failed (%2): %3")
                        .arg(m_dir, exit.exitMessage(), lastLine.isEmpty() ? QStringLiteral("no output") : lastLine));
    }
    if (!QFile::exists(pythonExecutable()))
        return fail(ErrorKind::Environment,
                    QStringLiteral("the virtual environment %1 has no interpreter at %2").arg(m_dir, pythonExecutable()));
    return ok();
}

Status PythonEnvironment::install(const QStringList &requirements, const QString &requirementsFile, const QString &pipLog,
                                  RunControl *control, int *othersAlive) const
{
    ProcessSpec spec;
    spec.program = pythonExecutable();
    spec.arguments = {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("install"),
                      QStringLiteral("--disable-pip-version-check"), QStringLiteral("--no-input")};
    spec.arguments << m_reportArguments;
    if (!requirementsFile.isEmpty())
        spec.arguments << QStringLiteral("-r") << requirementsFile;
    if (!requirements.isEmpty())
        spec.arguments << QStringLiteral("--") << requirements; // after "--", nothing is an option
    spec.stdoutFile = pipLog;
    spec.appendOutput = true;
    spec.workingDirectory = m_pipWorkingDirectory.isEmpty() ? QStringLiteral("/") : m_pipWorkingDirectory;
    for (auto it = m_pipEnvironment.cbegin(); it != m_pipEnvironment.cend(); ++it)
        spec.environment.insert(it.key(), it.value());
    spec.environment.insert(QStringLiteral("PYTHONIOENCODING"), QStringLiteral("utf-8"));
    spec.credentials = m_runAs;
    spec.sandbox = m_pipSandbox;
    isolatePip(spec, m_pipHome);

    const ProcessExit exit = ChildProcess::run(spec, control);
    if (othersAlive)
        *othersAlive = exit.othersAliveAtExit;
    if (auto stopped = exit.stopError())
        return *stopped;
    if (!exit.started)
        return fail(ErrorKind::Install, QStringLiteral("cannot start pip: %1").arg(exit.exitMessage()));
    if (exit.succeeded())
        return ok();
    QFile log(pipLog);
    QString output;
    if (log.open(QIODevice::ReadOnly))
        output = QString::fromUtf8(log.readAll());
    return fail(pipFailureKind(output),
                QStringLiteral("pip install failed (%1): %2; pip's output is in %3")
                    .arg(exit.exitMessage(), describePipFailure(output), pipLog));
}

QString PythonEnvironment::pipVersion() const
{
    // What `python -m venv` put in: one pip-<version>.dist-info. Listing a folder costs nothing,
    // where asking pip would start Python.
    const QStringList infos = QDir(sitePackages()).entryList({QStringLiteral("pip-*.dist-info")}, QDir::Dirs);
    if (infos.size() != 1)
        return {};
    return infos.first().mid(4).chopped(10);
}

QStringList PythonEnvironment::freeze(RunControl *control) const
{
    ProcessSpec spec;
    spec.program = pythonExecutable();
    spec.arguments = {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("freeze"),
                      QStringLiteral("--disable-pip-version-check")};
    spec.credentials = m_runAs; // the venv's site-packages are the user's: root never runs its .pth files
    spec.workingDirectory = m_pipWorkingDirectory.isEmpty() ? QStringLiteral("/") : m_pipWorkingDirectory; // as for install
    spec.sandbox = m_pipSandbox;
    isolatePip(spec, m_pipHome);
    const ProcessExit exit = ChildProcess::run(spec, control);
    if (!exit.succeeded()) {
        qCWarning(lcPip).noquote() << "pip freeze failed:" << exit.exitMessage();
        return {};
    }
    return QString::fromUtf8(exit.capturedStdout).split(u'\n', Qt::SkipEmptyParts);
}

void PythonEnvironment::isolatePip(ProcessSpec &spec, const QString &home)
{
    if (home.isEmpty())
        return;
    spec.home = home;
    spec.environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    spec.environment.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/.cache"));
    spec.environment.insert(QStringLiteral("PYTHONUTF8"), QStringLiteral("1"));
}

QString PythonEnvironment::sitePackages() const
{
#ifdef Q_OS_WIN
    return m_dir + QStringLiteral("/Lib/site-packages");
#else
    const QStringList libs = QDir(m_dir + QStringLiteral("/lib")).entryList({QStringLiteral("python*")}, QDir::Dirs);
    return libs.isEmpty() ? QString() : m_dir + QStringLiteral("/lib/") + libs.first() + QStringLiteral("/site-packages");
#endif
}

Status PythonEnvironment::installHelpers() const
{
    const QString sitePackages = this->sitePackages();
    if (sitePackages.isEmpty() || !QDir().mkpath(sitePackages + QStringLiteral("/openautomate")))
        return fail(ErrorKind::Environment, QStringLiteral("the virtual environment %1 has no site-packages folder").arg(m_dir));
    const QString target = sitePackages + QStringLiteral("/openautomate/__init__.py");
    QFile::remove(target);
    // Written directly, not with QFile::copy: that goes through a temporary file and an
    // fdatasync, a millisecond or more of every run for a file in a venv nobody keeps.
    QFile source(QStringLiteral(":/python/openautomate/__init__.py"));
    QFile file(target);
    if (!source.open(QIODevice::ReadOnly) || !file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return fail(ErrorKind::Environment, QStringLiteral("cannot write the helper module %1").arg(target));
    const QByteArray module = source.readAll();
    if (file.write(module) != module.size() || !file.flush())
        return fail(ErrorKind::Environment, QStringLiteral("cannot write the helper module %1").arg(target));
    file.close();
    QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    return ok();
}

ErrorKind PythonEnvironment::pipFailureKind(const QString &pipOutput)
{
    // A requirement without a hash, or not pinned, in hash-checking mode is the task's to fix,
    // like any other requirement it wrote wrong; a hash that does not match is not (exit 6).
    if (pipOutput.contains(QLatin1String("Hashes are required in --require-hashes mode"))
        || pipOutput.contains(QLatin1String("all requirements must have their versions pinned with ==")))
        return ErrorKind::InvalidTask;
    return ErrorKind::Install;
}

QString PythonEnvironment::describePipFailure(const QString &pipOutput)
{
    // The most specific explanations first: each names the requirement pip could not satisfy.
    static const QList<std::pair<QRegularExpression, QString>> patterns = {
        // Hash-checking mode (RequireHashes, a lock, any --hash) and a requirement without one:
        // pip lists each under its message, with the hash the file it found has.
        {QRegularExpression(QStringLiteral("Hashes are required in --require-hashes mode[^\\n]*\\n(?:[^\\n]*\\n)*?\\s+([A-Za-z0-9][A-Za-z0-9._-]*)[=\\s]")),
         QStringLiteral("requirement \"%1\" has no hash, and every package needs one in hash-checking mode, its dependencies included")},
        {QRegularExpression(QStringLiteral("versions pinned with ==\\. These do not:\\s*\\n\\s*(\\S+)")),
         QStringLiteral("requirement \"%1\" is not pinned with ==, and hash-checking mode needs every package pinned")},
        // A file whose hash is not the one pinned (a lock, --hash, RequireHashes): the first
        // package pip lists under its warning.
        {QRegularExpression(QStringLiteral("DO NOT MATCH THE HASHES[^\\n]*\\n(?:[^\\n]*\\n)*?\\s+([A-Za-z0-9][A-Za-z0-9._-]*)==")),
         QStringLiteral("requirement \"%1\": hash mismatch: the file pip found is not the one the hashes pin")},
        {QRegularExpression(QStringLiteral("No matching distribution found for (.+)")),
         QStringLiteral("requirement \"%1\": no matching distribution found")},
        {QRegularExpression(QStringLiteral("Could not find a version that satisfies the requirement (\\S+)")),
         QStringLiteral("requirement \"%1\": no version satisfies it")},
        {QRegularExpression(QStringLiteral("Invalid requirement: '?(.+?)'?\\s*$"), QRegularExpression::MultilineOption),
         QStringLiteral("requirement \"%1\" is not valid")},
        {QRegularExpression(QStringLiteral("Failed building wheel for (\\S+)")),
         QStringLiteral("requirement \"%1\": building its wheel failed")},
        {QRegularExpression(QStringLiteral("Cannot install (.+?) because these package versions have conflicting dependencies")),
         QStringLiteral("requirements %1 conflict with each other")},
        {QRegularExpression(QStringLiteral("Could not open requirements file: (.+)")),
         QStringLiteral("cannot open the requirements file: %1")},
    };
    for (const auto &[pattern, message] : patterns) {
        const auto match = pattern.match(pipOutput);
        if (match.hasMatch())
            return message.arg(match.captured(1).trimmed());
    }
    const QStringList lines = pipOutput.split(u'\n', Qt::SkipEmptyParts);
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        if (it->startsWith(QLatin1String("ERROR:")))
            return it->mid(6).trimmed();
    }
    return lines.isEmpty() ? QStringLiteral("pip printed nothing") : lines.last().trimmed();
}

} // namespace oa
