#include "TaskDependencies.h"

#include "records/ExecutionInfo.h"

#include <utility>
#include "syntax/Requirement.h"
#include "syntax/RequirementsText.h"
#include "dependencies/RequirementsTree.h"

namespace oa {

namespace {

Error refused(const QString &where, const QString &why)
{
    return fail(ErrorKind::InvalidTask, QStringLiteral("%1: %2").arg(where, why));
}

} // namespace

TaskDependencies::TaskDependencies(const AgentPaths &paths, QString executionId, Policy policy)
    : m_paths(paths), m_id(std::move(executionId)), m_policy(std::move(policy))
{
}

QString TaskDependencies::sourceText() const
{
    return m_deps.file.isEmpty() ? dependencySourceName(m_deps.source) : m_deps.file;
}

Status TaskDependencies::select(const ExecutionInfo &info)
{
    auto deps = DependencyResolver::select(m_paths.folder(), info);
    if (!deps)
        return deps.error();
    m_deps = std::move(deps).value();
    return ok();
}

Status TaskDependencies::complete(const QString &python, const QString &lockRequirementsFile, const QProcessEnvironment &pipEnvironment,
                                  RunControl *control, std::shared_ptr<const ProcessCredentials> runAs)
{
    return DependencyResolver::complete(m_deps, m_paths.folder(), python, lockRequirementsFile, pipEnvironment, control,
                                        std::move(runAs));
}

QStringList TaskDependencies::takeWarnings()
{
    return std::exchange(m_deps.warnings, {});
}

Status TaskDependencies::checkHashesRequired() const
{
    if (!m_policy.requireHashes || !m_deps.needsPackages())
        return ok();
    const QString setting = m_policy.requireHashesOrigin.isEmpty() ? QStringLiteral("RequireHashes") : m_policy.requireHashesOrigin;
    if (!m_deps.requirements.isEmpty())
        return fail(ErrorKind::InvalidTask,
                    QStringLiteral("%1 is on, and the packages from %2 carry no hashes (%3); ship a requirements.txt with "
                                   "--hash=sha256:… on every line, or a Pipfile.lock")
                        .arg(setting, m_deps.file.isEmpty() ? QStringLiteral("execution.json Requirements") : m_deps.file,
                             m_deps.requirements.join(QStringLiteral(", "))));
    auto content = m_paths.folder().readFile(m_deps.requirementsFile, ExecutionInfo::kMaxFileBytes);
    if (!content)
        return fail(ErrorKind::InvalidTask, content.error().message);
    // A lock's requirements are written from it: name the lock, not the file made from it.
    const bool fromLock = m_deps.source == DependencySource::PipfileLock;
    for (const RequirementsText::Line &line : RequirementsText::parse(content.value()))
        if (!line.isOption() && !line.hasHash())
            return fail(ErrorKind::InvalidTask,
                        fromLock ? QStringLiteral("%1 is on, and %2 has no hashes for \"%3\"; lock it again with pipenv lock")
                                       .arg(setting, m_deps.file, line.requirement())
                                 : QStringLiteral("%1 is on, and %2:%3: \"%4\" has no --hash; pin every package with "
                                                  "--hash=sha256:… (pip hash FILE prints it)")
                                       .arg(setting, m_deps.requirementsFile).arg(line.number).arg(line.requirement()));
    return ok();
}

Status TaskDependencies::check(const QString &checkedRequirementsDir)
{
    if (Status s = checkHashesRequired(); !s)
        return s;
    const PackagePolicy &policy = m_policy.packages;
    const QString taskDir = m_paths.taskDir(m_id);
    // pip gets each requirement as written again from what was parsed (Requirement), never the task's text.
    const auto checkEach = [&policy, &taskDir](QStringList &requirements, const QString &where) -> Status {
        for (qsizetype i = 0; i < requirements.size(); ++i) {
            auto parsed = Requirement::parseWithoutHashes(requirements.at(i));
            if (!parsed)
                return refused(where.arg(i), parsed.error().message);
            // A relative path means the task's folder, never pip's (empty) working folder.
            auto anchored = parsed->anchoredIn(taskDir);
            if (!anchored)
                return refused(where.arg(i), anchored.error().message);
            if (const Status allowed = policy.checkRequirement(anchored.value()); !allowed)
                return allowed.error().within(where.arg(i));
            requirements[i] = anchored->toArgument();
        }
        return ok();
    };
    Status checked = ok();
    switch (m_deps.source) {
    case DependencySource::None:
        break;
    case DependencySource::Requirements:
        checked = checkEach(m_deps.requirements, QStringLiteral("execution.json: Requirements[%1]"));
        break;
    case DependencySource::Script:
        checked = checkEach(m_deps.requirements, m_deps.file + QStringLiteral(": inline script metadata: dependencies[%1]"));
        break;
    case DependencySource::PipfileLock:
        // The lock installs each package by name and version from the agent's own index; a
        // reference beside them is still the task asking for somewhere else.
        for (const auto &[entry, reference] : std::as_const(m_deps.lockReferences)) {
            const auto parsed = Requirement::parseWithoutHashes(reference);
            const Status allowed = parsed ? policy.checkRequirement(parsed.value()) : Status(parsed.error());
            if (!allowed && checked)
                checked = refused(QStringLiteral("%1: %2").arg(m_deps.file, entry), allowed.error().message);
        }
        break;
    case DependencySource::RequirementsTxt: {
        auto tree = RequirementsTree::check(m_paths.folder(), policy, m_deps.requirementsFile, taskDir,
                                            checkedRequirementsDir);
        if (!tree) {
            checked = tree.error();
        } else { // pip reads the checked copy, never the task's own file
            auto copy = tree->writeCopy(m_paths.folder());
            if (copy)
                m_deps.requirementsFile = *copy;
            else
                checked = copy.error();
        }
        break;
    }
    }
    return checked;
}

} // namespace oa
