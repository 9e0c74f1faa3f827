#include "TaskDetails.h"

#include "records/ExecutionInfo.h"
#include "records/ResultRecord.h"
#include "fs/JsonFile.h"
#include "records/LastErrorLine.h"
#include "lock/LockInspector.h"
#include "base/PrintableText.h"

#include <QJsonDocument>

namespace oa {

namespace {

constexpr qint64 kMaxJsonBytes = 4 * 1024 * 1024; // as readJsonObject: these files are never larger

Result<QString> pretty(const AgentFolder &folder, const QString &path)
{
    const auto bytes = folder.readFile(path, kMaxJsonBytes);
    if (!bytes)
        return bytes.error();
    const QJsonDocument document = QJsonDocument::fromJson(bytes.value());
    // Not JSON: shown as it is, which is what someone debugging a broken file wants to see, its
    // lines kept and each escaped for people (printableText). JSON escapes control characters itself.
    if (document.isNull()) {
        QStringList lines = QString::fromUtf8(bytes.value()).split(u'\n');
        for (QString &line : lines)
            line = printableText(line);
        return lines.join(u'\n');
    }
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

bool runInProgress(TaskState state)
{
    return state == TaskState::Running || state == TaskState::Orphaned || state == TaskState::RunningElsewhere;
}

} // namespace

TaskDetails::Stamp TaskDetails::stampOf(const AgentPaths &paths, const QString &id, AgentPaths::Generation generation)
{
    Stamp s;
    s.execution = FileStamp::of(paths.executionFile(id));
    s.result = FileStamp::of(paths.resultFile(id, generation));
    s.status = FileStamp::of(paths.statusFile(id, generation));
    s.errorLog = FileStamp::of(paths.errorLogFile(id, generation));
    s.lock = FileStamp::of(paths.lockFile(id));
    // A new run makes a new previous/ (PreviousRun): its inode tells a new generation.
    s.previous = FileStamp::of(paths.previousDir(id));
    s.lastResult = generation == AgentPaths::Generation::Current ? s.result : FileStamp::of(paths.resultFile(id));
    if (s.lock.exists())
        if (const auto lock = LockInspector(paths).lock(id))
            s.lockVerdict = int(lock->verdict);
    return s;
}

TaskDetails TaskDetails::load(const AgentPaths &paths, const QString &id, AgentPaths::Generation generation, const Stamp *known,
                              const QList<RunHistory::Run> &knownRuns)
{
    TaskDetails d;
    d.id = id;
    d.stamp = stampOf(paths, id, generation);
    d.generation = generation;
    const bool previous = generation != AgentPaths::Generation::Current; // a kept run
    const std::optional<TaskSummary> summary = previous ? TaskScanner(paths).keptRun(id, int(generation)) : TaskScanner(paths).task(id);
    d.state = summary ? summary->state : TaskState::Invalid;

    const Result<QString> rawExecution = pretty(paths.folder(), paths.executionFile(id));
    d.rawExecution = rawExecution ? rawExecution.value() : rawExecution.error().message;
    const Result<QString> rawResult = pretty(paths.folder(), paths.resultFile(id, generation));
    d.rawResult = rawResult ? rawResult.value() : QString();

    // previous/ shows only a result.json the executor could alone have written (the rule
    // PreviousRun keeps it by and --which-runs reads it with): a forged one is named, not shown.
    if (previous)
        if (const QString forged = paths.folder().forgeableRecordAt(paths.resultFile(id, generation)); !forged.isEmpty())
            d.rawResult = QStringLiteral("(not shown: %1 is %2, not a file the executor wrote)").arg(paths.resultFile(id, generation), forged);

    TaskDetailRows::Input in;
    if (const auto execution = readJsonObject(paths.folder(), paths.executionFile(id)))
        in.execution = execution.value();
    const bool inProgress = !previous && runInProgress(d.state);
    // While a run is in progress, result.json on disk belongs to the run before it.
    if (!inProgress) {
        // The previous run's by the same rule, from the descriptor read: it cannot be swapped.
        if (const auto result = previous ? readOwnJsonObject(paths.folder(), paths.resultFile(id, generation))
                                         : readJsonObject(paths.folder(), paths.resultFile(id, generation)))
            in.result = ResultRecord::fromJson(*result);
    }
    if (const auto status = readJsonObject(paths.folder(), paths.statusFile(id, generation)); status && !in.result) {
        d.status = StatusRecord::fromJson(*status);
        in.status = d.status;
    }
    if (inProgress && summary && summary->startedAt.isValid()) {
        d.runStartedAt = summary->startedAt;
        in.runStartedAt = summary->startedAt;
        in.elapsedMs = summary->startedAt.msecsTo(QDateTime::currentDateTimeUtc());
    }
    if (in.result || in.status)
        in.lastErrorLine = LastErrorLine::read(paths.folder(), paths.errorLogFile(id, generation));
    // A finished run's reason is its result.json's: one older than ErrorSummary keeps showing
    // stderr's last problem line. One that left no result says why the scan found it so.
    if (in.result)
        in.errorSummary = in.result->errorSummary;
    else if (summary)
        in.errorSummary = summary->errorSummary;
    if (summary && (summary->state == TaskState::Interrupted || summary->state == TaskState::Invalid))
        in.scanFinding = summary->message; // why the scan finds it so: the executor died, or what cannot be read
    in.state = d.state;
    d.rows = TaskDetailRows::build(in);
    if (known && known->lastResult.exists() == d.stamp.lastResult.exists() && known->sameRuns(d.stamp))
        d.runs = knownRuns;
    else if (const auto history = RunHistory::read(paths, id)) {
        d.runs = history->runs;
        // A kept run without a result (its executor died) is named by what the scan finds, with
        // its start from its status.json: rare, one more read each.
        for (RunHistory::Run &run : d.runs)
            if (!run.recorded && run.generation > 0)
                if (const auto scanned = TaskScanner(paths).keptRun(id, run.generation)) {
                    run.scannedState = scanned->state;
                    run.startedAt = scanned->startedAt;
                }
    }
    return d;
}

std::optional<TaskDetails> TaskDetails::loadIfChanged(const AgentPaths &paths, const QString &id, const Stamp &known,
                                                       AgentPaths::Generation generation, const QList<RunHistory::Run> &knownRuns)
{
    if (stampOf(paths, id, generation) == known)
        return std::nullopt;
    return load(paths, id, generation, &known, knownRuns);
}

} // namespace oa
