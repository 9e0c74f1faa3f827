#pragma once

#include "base/Error.h"
#include "process/ChildProcess.h"
#include "PythonInterpreter.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace oa {

// One execution's virtual environment, venvs/{id}, built by the base interpreter.
class PythonEnvironment {
public:
    PythonEnvironment(PythonInterpreter base, QString venvDir);

    QString directory() const { return m_dir; }
    // bin/python on Unix, Scripts\python.exe on Windows.
    QString pythonExecutable() const;
    QString binDirectory() const;
    // lib/pythonX.Y/site-packages (Lib/site-packages on Windows); empty before create().
    QString sitePackages() const;

    // `python -m venv`. pip is only put in when packages will be installed: with pip a venv
    // costs seconds, without it tens of milliseconds. ErrorKind::Environment on failure.
    Status create(bool withPip, RunControl *control = nullptr) const;

    // pip install, each requirement its own argument after "--" (never an option), or -r for
    // a requirements.txt. pip sees the agent's own PIP_* variables and pip.conf (but no user's,
    // see isolatePip), with the pip environment (setPipEnvironment) over them. Its whole
    // output goes to `pipLog`. ErrorKind::Install names the requirement that failed.
    // `othersAlive`, when given, gets ProcessExit::othersAliveAtExit of pip: build code that
    // outlived it could have rewritten what it wrote, its installation report included.
    Status install(const QStringList &requirements, const QString &requirementsFile, const QString &pipLog,
                   RunControl *control = nullptr, int *othersAlive = nullptr) const;

    // Puts the executor's helper module (`from openautomate import progress`) into the venv's
    // site-packages, from the executor's resources.
    Status installHelpers() const;

    // The version of the venv's own pip, from its .dist-info folder; empty when there is none.
    QString pipVersion() const;
    // pip install gets `arguments` from now on: InstallReport::pipArguments, "--report FILE" when
    // the venv's pip can write an installation report, else nothing.
    void setInstallReportArguments(QStringList arguments) { m_reportArguments = std::move(arguments); }

    // `pip freeze` of the venv: the versions that were really installed.
    QStringList freeze(RunControl *control = nullptr) const;

    // pip (install and freeze) runs as this user from now on: it runs third-party build code
    // (setup.py), and the venv it reads is the user's. Null: as the executor's own user.
    void setRunAs(std::shared_ptr<const ProcessCredentials> user) { m_runAs = std::move(user); }
    // Variables set over the executor's environment for pip install (executor.conf's
    // [PipEnvironment]: an index, a proxy, certificates).
    void setPipEnvironment(QMap<QString, QString> variables) { m_pipEnvironment = std::move(variables); }
    // pip install's and pip freeze's working folder: an empty one of the executor's (default
    // "/"), never the executor's own, which a service may have started anywhere: `-m pip` puts
    // the working folder first on sys.path.
    void setPipWorkingDirectory(QString dir) { m_pipWorkingDirectory = std::move(dir); }
    // pip install's and pip freeze's HOME (see isolatePip); empty: the user's own.
    void setPipHome(QString dir) { m_pipHome = std::move(dir); }
    // pip install and pip freeze run in this sandbox (Sandbox = bubblewrap); none: unsandboxed.
    void setPipSandbox(std::optional<SandboxSpec> sandbox) { m_pipSandbox = std::move(sandbox); }

    // Makes `spec`, a pip step, read no user's pip configuration: HOME and XDG_CONFIG_HOME are
    // `home` (an empty folder of the executor's, which pip's user cannot write), so that a
    // ~/.config/pip/pip.conf or ~/.pip/pip.conf an earlier task of the same user (or anyone
    // who can write root's home) left never chooses where packages come from; pip's cache goes
    // to home/.cache, which its user may write. PYTHONUTF8=1: pip decodes the requirements
    // copies it is given as UTF-8, as they were written, whatever the locale. Nothing when
    // `home` is empty.
    static void isolatePip(ProcessSpec &spec, const QString &home);

    // Reads pip's output and says which requirement failed and why, in one line.
    static QString describePipFailure(const QString &pipOutput);
    // ErrorKind::InvalidTask when pip refused the requirements as the task wrote them
    // (no hash, or not pinned, in hash-checking mode); ErrorKind::Install otherwise.
    static ErrorKind pipFailureKind(const QString &pipOutput);
    // A child stopped by the RunControl fails with the stop's own code and reason.

private:
    PythonInterpreter m_base;
    QString m_dir;
    std::shared_ptr<const ProcessCredentials> m_runAs;
    QMap<QString, QString> m_pipEnvironment;
    QStringList m_reportArguments;
    QString m_pipWorkingDirectory;
    QString m_pipHome;
    std::optional<SandboxSpec> m_pipSandbox;
};

} // namespace oa
