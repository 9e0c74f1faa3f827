#pragma once

#include "base/Error.h"
#include "environment/EnvironmentCache.h"
#include "fs/AgentPaths.h"

#include <QMap>
#include <QProcessEnvironment>
#include <QString>

namespace oa {

class PythonEnvironment;
class RunAsGrants;

// Where pip runs for one execution, and what it sees: an empty working folder and an empty
// HOME of root's inside Temp/<id>, made new for the run, so that neither the service's working
// folder, nor the task's, nor any user's pip.conf can put a module on pip's sys.path or choose
// its index; the site's [PipEnvironment] with the policy's own pip switches over the service's
// environment; and, when pip is done, its scratch in Temp/<id> removed before the script, whose
// TMPDIR that is, runs. Only pip's cache folder (and its report folder) is pip's user's to write.
class PipSandbox {
public:
    // `siteEnvironment`: executor.conf's [PipEnvironment]. RequireHashes and OnlyBinary become
    // pip's own switches in it, for the venv and the cache alike.
    PipSandbox(const AgentPaths &paths, QString executionId, QMap<QString, QString> siteEnvironment, bool requireHashes,
               bool onlyBinary);

    // The variables set over the service's environment for pip (policy switches included).
    const QMap<QString, QString> &variables() const { return m_variables; }
    // What pip sees: the service's environment, the variables over it, and its private HOME,
    // so that the cache key reads the pip.conf files pip reads.
    QProcessEnvironment environment() const;

    QString workingDirectory() const;      // Temp/<id>/pip
    QString homeDirectory() const;         // Temp/<id>/pip-home
    QString cacheDirectory() const;        // Temp/<id>/pip-home/.cache, the user's
    QString reportDirectory() const;       // Temp/<id>/pip-report, the user's
    QString lockRequirementsFile() const;  // a Pipfile.lock's hash-pinned requirements
    QString checkedRequirementsDir() const; // the checked copy of a requirements.txt

    // Makes the working folder and HOME, and gives the cache folder to the run-as user.
    // Temp/<id> must exist and be new for this run.
    Status prepare(RunAsGrants &grants) const;
    // The folder pip's installation report is written into, given to the run-as user.
    Status prepareReportDirectory(RunAsGrants &grants) const;
    // Everything the sandbox sets on a venv's pip, or on the cache's builds.
    void applyTo(PythonEnvironment &venv) const;
    void applyTo(EnvironmentCache::Settings &settings) const;
    // What pip needed in Temp/<id> (working folder, HOME, the checked requirements, the lock's
    // hash-pinned file) is the executor's: removed before the script runs.
    Status removeScratch() const;

private:
    QString inTemp(const QString &name) const;

    AgentPaths m_paths;
    QString m_id;
    QMap<QString, QString> m_variables;
};

} // namespace oa
