#include "PipSandbox.h"

#include "RunAsGrants.h"
#include "environment/PythonEnvironment.h"

namespace oa {

PipSandbox::PipSandbox(const AgentPaths &paths, QString executionId, QMap<QString, QString> siteEnvironment, bool requireHashes,
                       bool onlyBinary)
    : m_paths(paths), m_id(std::move(executionId)), m_variables(std::move(siteEnvironment))
{
    // pip's own switches, in the venv and in the cache alike; the cache key sees pip's
    // environment, so entries built under them are their own. RequireHashes: hash-checking
    // mode for every install, dependencies included. OnlyBinary: wheels only, so no setup.py
    // or build backend of any package runs (a requirements.txt cannot undo it: see PackagePolicy).
    if (requireHashes)
        m_variables.insert(QStringLiteral("PIP_REQUIRE_HASHES"), QStringLiteral("1"));
    if (onlyBinary)
        m_variables.insert(QStringLiteral("PIP_ONLY_BINARY"), QStringLiteral(":all:"));
}

QProcessEnvironment PipSandbox::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (auto it = m_variables.cbegin(); it != m_variables.cend(); ++it)
        env.insert(it.key(), it.value());
    env.insert(QStringLiteral("HOME"), homeDirectory());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), homeDirectory() + QStringLiteral("/.config"));
    return env;
}

QString PipSandbox::inTemp(const QString &name) const
{
    return m_paths.tempDir(m_id) + u'/' + name;
}

QString PipSandbox::workingDirectory() const
{
    return inTemp(QStringLiteral("pip"));
}

QString PipSandbox::homeDirectory() const
{
    return inTemp(QStringLiteral("pip-home"));
}

QString PipSandbox::cacheDirectory() const
{
    return homeDirectory() + QStringLiteral("/.cache");
}

QString PipSandbox::reportDirectory() const
{
    return inTemp(QStringLiteral("pip-report"));
}

QString PipSandbox::lockRequirementsFile() const
{
    return inTemp(QStringLiteral("requirements-from-Pipfile.lock.txt"));
}

QString PipSandbox::checkedRequirementsDir() const
{
    return inTemp(QStringLiteral("requirements"));
}

Status PipSandbox::prepare(RunAsGrants &grants) const
{
    // The working folder: empty, root's, inside Temp/<id> (made in this stage, never reused).
    if (Status s = m_paths.ensureDir(workingDirectory()); !s)
        return s;
    // HOME: as empty and as new, so that no user's pip.conf is read; only its cache folder is
    // pip's user's to write.
    if (Status s = m_paths.ensureDir(cacheDirectory()); !s)
        return s;
    return grants.give(cacheDirectory());
}

Status PipSandbox::prepareReportDirectory(RunAsGrants &grants) const
{
    // Read back through the gatekeeper and removed before the script (whose TMP it is) runs.
    if (Status s = m_paths.ensureDir(reportDirectory()); !s)
        return s;
    return grants.give(reportDirectory());
}

void PipSandbox::applyTo(PythonEnvironment &venv) const
{
    venv.setPipEnvironment(m_variables);
    venv.setPipWorkingDirectory(workingDirectory());
    venv.setPipHome(homeDirectory());
}

void PipSandbox::applyTo(EnvironmentCache::Settings &settings) const
{
    settings.pipEnvironment = m_variables;
    settings.pipWorkingDirectory = workingDirectory();
    settings.pipHome = homeDirectory();
}

Status PipSandbox::removeScratch() const
{
    for (const QString &path : {workingDirectory(), homeDirectory(), checkedRequirementsDir(), lockRequirementsFile()})
        if (Status removed = m_paths.folder().removeTree(path); !removed)
            return removed;
    return ok();
}

} // namespace oa
