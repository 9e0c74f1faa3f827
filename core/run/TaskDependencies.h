#pragma once

#include "base/Error.h"
#include "dependencies/DependencyResolver.h"
#include "dependencies/PackagePolicy.h"
#include "fs/AgentPaths.h"
#include "process/RunAsUser.h"

#include <QProcessEnvironment>
#include <QString>

#include <memory>

namespace oa {

class RunControl;
struct ExecutionInfo;

// What one run's task depends on, from the Validate stage until pip runs: its one dependency
// source chosen; completed with the interpreter (a Pipfile.lock's hash-pinned requirements, the
// Python version it asks for); then checked before pip sees any of it: RequireHashes first, then
// the package policy on every entry. pip gets each requirement as written again from what was
// parsed, and a requirements.txt as a checked copy, never the task's own text.
class TaskDependencies {
public:
    struct Policy {
        bool requireHashes = false;
        QString requireHashesOrigin; // where RequireHashes was set, for a message
        PackagePolicy packages;
    };

    TaskDependencies(const AgentPaths &paths, QString executionId, Policy policy);

    const ResolvedDependencies &resolved() const { return m_deps; }
    // The source, or the file it is in, for a log line.
    QString sourceText() const;

    // Validate: the one dependency source of `info`.
    Status select(const ExecutionInfo &info);
    // Environment: the lock's packages read with `python` into `lockRequirementsFile`, pip's
    // environment and user as pip will have them. Warnings go to takeWarnings().
    Status complete(const QString &python, const QString &lockRequirementsFile, const QProcessEnvironment &pipEnvironment,
                    RunControl *control, std::shared_ptr<const ProcessCredentials> runAs);
    // Before pip runs: RequireHashes, then the package policy; a requirements.txt and its
    // includes are copied, checked, into `checkedRequirementsDir`, and that copy is what pip reads.
    // ErrorKind::InvalidTask naming the entry.
    Status check(const QString &checkedRequirementsDir);

    QStringList takeWarnings();

private:
    Status checkHashesRequired() const;

    AgentPaths m_paths;
    QString m_id;
    Policy m_policy;
    ResolvedDependencies m_deps;
};

} // namespace oa
