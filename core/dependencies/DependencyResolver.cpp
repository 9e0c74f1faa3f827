#include "DependencyResolver.h"

#include "PipfileLock.h"
#include "syntax/Requirement.h"
#include "TomlReader.h"

#include <QFileInfo>

namespace oa {

QString dependencySourceName(DependencySource source)
{
    switch (source) {
    case DependencySource::None: return QStringLiteral("none");
    case DependencySource::Requirements: return QStringLiteral("execution.json");
    case DependencySource::RequirementsTxt: return QStringLiteral("requirements.txt");
    case DependencySource::PipfileLock: return QStringLiteral("Pipfile.lock");
    case DependencySource::Script: return QStringLiteral("script");
    }
    return {};
}

namespace {

Error invalid(const QString &what)
{
    return fail(ErrorKind::InvalidTask, what);
}

} // namespace

Result<ResolvedDependencies> DependencyResolver::select(const AgentFolder &folder, const ExecutionInfo &info)
{
    ResolvedDependencies deps;
    if (!info.pythonVersion.isEmpty()) {
        deps.requiresPython = info.pythonVersion;
        deps.requiresPythonFrom = QStringLiteral("execution.json PythonVersion");
    }
    if (info.requirements) {
        deps.source = info.requirements->isEmpty() ? DependencySource::None : DependencySource::Requirements;
        deps.requirements = *info.requirements;
        return deps;
    }
    const QString dir = QFileInfo(info.scriptFile).path();
    const QString lockFile = dir + QStringLiteral("/Pipfile.lock");
    const QString pipfile = dir + QStringLiteral("/Pipfile");
    const bool hasLock = folder.kindOf(lockFile) != AgentFolder::Kind::Missing;
    const bool hasPipfile = folder.kindOf(pipfile) != AgentFolder::Kind::Missing;
    const bool hasTxt = !info.requirementsFile.isEmpty();
    auto script = folder.readFile(info.scriptFile, ExecutionInfo::kMaxFileBytes);
    if (!script)
        return invalid(QStringLiteral("cannot read the script %1: %2").arg(info.scriptFile, script.error().message));
    auto block = InlineScriptMetadata::find(script.value(), info.scriptFile);
    if (!block)
        return block.error();

    QStringList found;
    if (hasLock)
        found << QStringLiteral("Pipfile.lock");
    if (hasTxt)
        found << QStringLiteral("requirements.txt");
    if (block->has_value())
        found << QStringLiteral("script");
    QString chosen = info.requirementsSource;
    if (!chosen.isEmpty() && !found.contains(chosen))
        return invalid(QStringLiteral("execution.json: RequirementsSource: \"%1\", but %2").arg(chosen,
                           chosen == QLatin1String("script") ? QStringLiteral("%1 has no \"# /// script\" block").arg(info.scriptFile)
                                                             : QStringLiteral("there is no %1 in %2").arg(chosen, dir)));
    if (hasPipfile && !hasLock && (chosen.isEmpty() || chosen == QLatin1String("Pipfile.lock")))
        return invalid(QStringLiteral("%1 has no Pipfile.lock beside it: lock it (pipenv lock) and ship Pipfile.lock with the task; "
                                      "the executor installs only what a lock pins").arg(pipfile));
    if (chosen.isEmpty()) {
        if (found.size() > 1)
            return invalid(QStringLiteral("execution.json: RequirementsSource: the task has %1 in %2; name the one to use "
                                          "(\"Pipfile.lock\", \"requirements.txt\" or \"script\")").arg(found.join(QStringLiteral(" and ")), dir));
        chosen = found.value(0);
    }

    if (chosen == QLatin1String("Pipfile.lock")) {
        auto content = folder.readFile(lockFile, ExecutionInfo::kMaxFileBytes);
        if (!content)
            return invalid(QStringLiteral("cannot read %1: %2").arg(lockFile, content.error().message));
        auto lock = PipfileLock::parse(content.value(), lockFile);
        if (!lock)
            return lock.error();
        deps.source = DependencySource::PipfileLock;
        deps.file = lockFile;
        deps.requirementsText = lock->toRequirements();
        deps.requireHashes = true;
        deps.lockHash = lock->metaHash;
        deps.lockSources = lock->sourceUrls;
        for (const PipfileLock::Package &package : std::as_const(lock->packages))
            if (!package.reference.isEmpty())
                deps.lockReferences.append({QStringLiteral("default.") + package.name, package.reference});
        if (hasPipfile)
            deps.pipfile = pipfile;
        if (deps.requiresPython.isEmpty() && !lock->requiresPython.isEmpty()) {
            deps.requiresPython = lock->requiresPython;
            deps.requiresPythonFrom = QStringLiteral("Pipfile.lock _meta.requires");
        }
    } else if (chosen == QLatin1String("requirements.txt")) {
        deps.source = DependencySource::RequirementsTxt;
        deps.file = info.requirementsFile;
        deps.requirementsFile = info.requirementsFile;
    } else if (chosen == QLatin1String("script")) {
        deps.source = DependencySource::Script;
        deps.file = info.scriptFile;
        deps.block = **block;
    }
    return deps;
}

Status DependencyResolver::complete(ResolvedDependencies &deps, const AgentFolder &folder, const QString &python, const QString &generatedFile,
                                    const QProcessEnvironment &pipEnvironment, RunControl *control,
                                    const std::shared_ptr<const ProcessCredentials> &as)
{
    if (deps.source == DependencySource::Script && deps.block) {
        auto parsed = TomlReader::parse(python, deps.block->toml, control, as);
        if (!parsed)
            return parsed.error();
        if (!parsed->error.isEmpty())
            return invalid(InlineScriptMetadata::scriptLineError(parsed->error, *deps.block, deps.file));
        auto metadata = InlineScriptMetadata::fromParsedJson(parsed->json, *deps.block, deps.file);
        if (!metadata)
            return metadata.error();
        for (qsizetype i = 0; i < metadata->dependencies.size(); ++i)
            if (const auto parsed = Requirement::parseWithoutHashes(metadata->dependencies.at(i)); !parsed)
                return invalid(QStringLiteral("%1:%2: inline script metadata: dependencies[%3]: %4").arg(deps.file).arg(deps.block->firstLine).arg(i).arg(parsed.error().message));
        deps.requirements = metadata->dependencies;
        if (deps.requiresPython.isEmpty() && !metadata->requiresPython.isEmpty()) {
            deps.requiresPython = metadata->requiresPython;
            deps.requiresPythonFrom = QStringLiteral("%1 requires-python").arg(deps.file);
        }
    }
    if (deps.source == DependencySource::PipfileLock) {
        if (Status written = folder.writeAtomically(generatedFile, deps.requirementsText); !written)
            return fail(ErrorKind::Environment, written.error().message);
        deps.requirementsFile = generatedFile;
        if (!deps.pipfile.isEmpty()) {
            const auto pipfile = folder.readFile(deps.pipfile, TomlReader::kMaxBytes);
            const auto hash = pipfile ? TomlReader::pipfileHash(python, QString::fromUtf8(pipfile.value()), control, as)
                                      : Result<QString>(pipfile.error());
            if (!hash && (hash.error().kind == ErrorKind::TimedOut || hash.error().kind == ErrorKind::Cancelled))
                return hash.error(); // the run is being stopped
            if (!hash)
                deps.warnings.append(QStringLiteral("cannot check %1 against %2: %3").arg(deps.file, deps.pipfile, hash.error().message));
            else if (hash.value() != deps.lockHash)
                deps.warnings.append(QStringLiteral("%1 was not locked from %2 (its _meta.hash does not match the Pipfile); the lock is what is "
                                                    "installed: run pipenv lock again").arg(deps.file, deps.pipfile));
        }
        // The lock's own indexes are never used: pip installs from the agent's configuration.
        const QString agentIndex = pipEnvironment.value(QStringLiteral("PIP_NO_INDEX")).isEmpty()
                                       ? pipEnvironment.value(QStringLiteral("PIP_INDEX_URL"), QStringLiteral("https://pypi.org/simple"))
                                       : QStringLiteral("no index (PIP_NO_INDEX)");
        const auto normalized = [](QString url) {
            while (url.endsWith(u'/'))
                url.chop(1);
            return url.trimmed();
        };
        for (const QString &url : std::as_const(deps.lockSources))
            if (normalized(url) != normalized(agentIndex))
                deps.warnings.append(QStringLiteral("%1 names the index %2; it is not used: pip installs from the agent's configuration (%3), "
                                                    "and the lock's hashes pin the content").arg(deps.file, url, agentIndex));
    }
    return ok();
}

} // namespace oa
