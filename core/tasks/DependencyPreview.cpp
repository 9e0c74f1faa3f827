#include "DependencyPreview.h"

#include "dependencies/DependencyResolver.h"
#include "records/ExecutionInfo.h"
#include "records/Limits.h"
#include "records/ResultRecord.h"
#include "dependencies/InlineScriptMetadata.h"
#include "fs/JsonFile.h"
#include "PackageLists.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcessEnvironment>

namespace oa {

namespace {

bool hasRequirementsKey(const QJsonObject &execution)
{
    for (auto it = execution.begin(); it != execution.end(); ++it)
        if (it.key().compare(QLatin1String("Requirements"), Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

QStringList executionRequirements(const QJsonObject &execution)
{
    QStringList out;
    for (auto it = execution.begin(); it != execution.end(); ++it)
        if (it.key().compare(QLatin1String("Requirements"), Qt::CaseInsensitive) == 0)
            for (const QJsonValue &v : it.value().toArray())
                out.append(v.toString());
    return out;
}

// The packages of a source whose file is known.
void listPackages(DependencyPreview &p, const AgentFolder &folder, const QJsonObject &execution)
{
    if (p.source == QLatin1String("none"))
        return;
    if (p.source == QLatin1String("execution.json")) {
        p.packages = executionRequirements(execution);
        return;
    }
    const auto content = folder.readFile(p.file, ExecutionInfo::kMaxFileBytes);
    if (!content) {
        p.counted = false;
        p.problem = content.error().message;
        return;
    }
    if (p.source == QLatin1String("requirements.txt")) {
        p.packages = PackageLists::fromRequirementsTxt(content.value());
    } else if (p.source == QLatin1String("Pipfile.lock")) {
        bool ok = false;
        p.packages = PackageLists::fromPipfileLock(content.value(), &ok);
        p.counted = ok;
    } else if (p.source == QLatin1String("script")) {
        const auto block = InlineScriptMetadata::find(content.value(), p.file);
        bool ok = false;
        if (block && block->has_value())
            p.packages = PackageLists::fromScriptBlock((*block)->toml, &ok);
        p.counted = ok;
    } else {
        p.counted = false;
    }
}

} // namespace

// The execve() cost of the environment a script would inherit, measured once per process: a
// preview only says what a run would decide, and the run inherits the service's environment,
// not this one's, so measuring it for each of 10,000 tasks (most of --list --json's time) bought nothing.
qint64 previewEnvironmentBytes()
{
    static const qint64 bytes = ArgumentLimits::environmentBytes(QProcessEnvironment::systemEnvironment());
    return bytes;
}

namespace {
// The same for the limits execve() sets, which only a change of the stack's limit moves.
ExecutionInfo::ParseContext previewContext(int taskDirFd)
{
    static const ExecutionInfo::ParseContext measured = [] {
        ExecutionInfo::ParseContext context;
        context.environmentBytes = previewEnvironmentBytes();
        return context;
    }();
    ExecutionInfo::ParseContext context = measured;
    context.taskDirFd = taskDirFd;
    return context;
}
} // namespace

DependencyPreview DependencyPreview::read(const AgentPaths &paths, const QString &id, bool finished, QStringList *inputs,
                                          const OpenFolder *task)
{
    Records records;
    records.task = task;
    const QString executionName = QStringLiteral("execution.json");
    records.executionBytes = task ? task->readFile(executionName, ExecutionInfo::kMaxFileBytes)
                                  : paths.folder().readFile(paths.executionFile(id), ExecutionInfo::kMaxFileBytes);
    records.execution = records.executionBytes ? parseJsonObject(records.executionBytes.value()) : Result<QJsonObject>(records.executionBytes.error());
    if (finished) {
        if (const auto json = task ? readJsonObject(*task, QStringLiteral("result.json")) : readJsonObject(paths.folder(), paths.resultFile(id)))
            records.result = json.value();
    }
    return fromRecords(paths, id, records, inputs);
}

DependencyPreview DependencyPreview::fromRecords(const AgentPaths &paths, const QString &id, const Records &records, QStringList *inputs)
{
    const AgentFolder &folder = paths.folder();
    const QString taskDir = paths.taskDir(id);
    const Result<QByteArray> &bytes = records.executionBytes;
    const QJsonObject execution = records.execution ? records.execution.value() : QJsonObject();
    if (inputs)
        *inputs << paths.executionFile(id);
    const auto addInput = [inputs](const QString &path) {
        if (inputs && !path.isEmpty() && !inputs->contains(path))
            inputs->append(path);
    };
    // The files the executor would look at when execution.json lists no Requirements, by name,
    // whether they are there or not: one that appears later changes the answer.
    const auto addSourceInputs = [&] {
        const QString script = taskDir + u'/' + ExecutionInfo::preview(execution).scriptPath;
        const QString scriptDir = QFileInfo(script).path();
        addInput(scriptDir); // the script itself must be there, in any case
        if (!hasRequirementsKey(execution)) // else the answer is execution.json's alone
            for (const QString &path : QStringList{script, scriptDir + QStringLiteral("/requirements.txt"), scriptDir + QStringLiteral("/Pipfile.lock"),
                                        scriptDir + QStringLiteral("/Pipfile")})
                addInput(path);
    };

    DependencyPreview p;
    if (records.result) {
        addInput(paths.resultFile(id));
        const ResultRecord result = ResultRecord::fromJson(*records.result);
        if (!result.dependencySource.isEmpty()) {
            p.source = result.dependencySource;
            p.file = result.dependencyFile;
            addInput(p.file);
            listPackages(p, folder, execution);
            return p;
        }
    }
    addSourceInputs();
    if (!bytes) {
        p.problem = bytes.error().message;
        return p;
    }
    // Parsed once by the scan; a file that is no JSON object is parsed again here only to say
    // why in ExecutionInfo's words.
    auto info = records.execution ? ExecutionInfo::parse(execution, id, taskDir, previewContext(records.task ? records.task->fd() : -1))
                                  : ExecutionInfo::parse(bytes.value(), id, taskDir, previewEnvironmentBytes());
    if (!info) {
        p.problem = info.error().message;
        return p;
    }
    auto deps = DependencyResolver::select(folder, info.value());
    if (!deps) {
        p.problem = deps.error().message;
        return p;
    }
    p.source = dependencySourceName(deps->source);
    p.file = deps->file;
    addInput(p.file);
    listPackages(p, folder, execution);
    return p;
}

} // namespace oa
