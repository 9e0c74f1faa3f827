#pragma once

#include "fs/AgentFolder.h"
#include "process/ChildProcess.h"
#include "records/ExecutionInfo.h"
#include "base/Error.h"
#include "InlineScriptMetadata.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// Where a task's packages come from: exactly one source, chosen explicitly.
enum class DependencySource { None, Requirements, RequirementsTxt, PipfileLock, Script };
// As result.json's DependencySource says it: "execution.json", "requirements.txt", "Pipfile.lock", "script", "none".
QString dependencySourceName(DependencySource source);

struct ResolvedDependencies {
    DependencySource source = DependencySource::None;
    QString file;                // the file the packages were read from (empty for execution.json)
    QStringList requirements;    // Requirements, or the script's `dependencies`
    QString requirementsFile;    // requirements.txt, or the hash-pinned file written from the lock
    QByteArray requirementsText; // that file's content: part of the cache key
    bool requireHashes = false;  // a lock installs in pip's hash-checking mode
    QString requiresPython;      // a PEP 440 specifier, or empty
    QString requiresPythonFrom;  // where it was written, for messages
    QStringList warnings;

    bool needsPackages() const { return !requirements.isEmpty() || !requirementsFile.isEmpty(); }

    // Filled by select(), used by complete().
    std::optional<InlineScriptBlock> block;
    QString pipfile;             // a Pipfile beside the lock, for the hash check
    QString lockHash;            // the lock's _meta.hash.sha256
    QStringList lockSources;     // the lock's _meta.sources urls
    QList<std::pair<QString, QString>> lockReferences; // "default.<name>" and its direct reference
};

// Picks and reads a task's dependency source. `Requirements` in execution.json wins; otherwise
// the folder of the script may hold one of Pipfile.lock, requirements.txt, or an inline block in
// the script. With more than one, execution.json's RequirementsSource must name one. Every
// ambiguity and every bad file is ErrorKind::InvalidTask naming the files.
class DependencyResolver {
public:
    // The Validate stage: files only, read through the gatekeeper, no interpreter yet.
    static Result<ResolvedDependencies> select(const AgentFolder &folder, const ExecutionInfo &info);

    // The Environment stage, with an interpreter that can read TOML: the script's block becomes
    // its dependencies and requires-python; a lock becomes `generatedFile` (hash-pinned), and
    // its Pipfile hash and sources are compared (a mismatch is a warning: the lock is what is
    // installed). `pipEnvironment` is what pip will see, to tell whether the lock's index differs.
    static Status complete(ResolvedDependencies &deps, const AgentFolder &folder, const QString &python, const QString &generatedFile,
                           const QProcessEnvironment &pipEnvironment, RunControl *control,
                           const std::shared_ptr<const ProcessCredentials> &as = nullptr);
};

} // namespace oa
