#include "RunHistory.h"

#include "fs/JsonFile.h"
#include "fs/OpenFolder.h"
#include "records/Limits.h"
#include "records/ResultRecord.h"

#include <cerrno>

namespace oa {

namespace {

// One run from the result.json in `dir` (its folder, open), by the executor's rule only.
RunHistory::Run runIn(const OpenFolder &dir, int generation)
{
    RunHistory::Run run;
    run.generation = generation;
    run.folder = dir.path();
    const auto result = readOwnJsonObject(dir, QStringLiteral("result.json"));
    if (!result) {
        run.problem = result.error().systemError == ENOENT ? QStringLiteral("no result.json")
                                                           : QStringLiteral("result.json: %1").arg(result.error().message);
        return run;
    }
    const ResultRecord::Summary summary = ResultRecord::summaryFromJson(*result);
    run.recorded = true;
    run.outcome = summary.outcome;
    run.exitCode = summary.exitCode;
    run.startedAt = summary.startedAt;
    run.finishedAt = summary.finishedAt;
    run.durationMs = summary.durationMs;
    run.message = summary.message;
    run.errorSummary = summary.errorSummary; // empty in a record older than ErrorSummary
    return run;
}

} // namespace

QList<RunHistory::Kept> RunHistory::keptRuns(const OpenFolder &task)
{
    // The executor keeps them numbered without gaps (RunHistoryRotation): one fstatat per kept
    // run and one for the first missing, so a task that never ran twice costs one.
    QList<Kept> kept;
    for (int generation = 1; generation <= limits::kMaxKeepRuns; ++generation) {
        const QString name = AgentPaths::runFolderName(generation);
        const AgentFolder::Kind kind = task.kindOf(name);
        if (kind == AgentFolder::Kind::Missing)
            break;
        kept.append({generation, name, kind});
    }
    return kept;
}

Result<RunHistory::Listing> RunHistory::read(const AgentPaths &paths, const QString &executionId)
{
    const QString dir = paths.taskDir(executionId);
    const Result<OpenFolder> task = OpenFolder::open(paths.folder(), dir);
    if (!task)
        return Error{ErrorKind::NotFound, QStringLiteral("no task %1: %2").arg(executionId, task.error().message), task.error().systemError};
    Listing listing;
    // The last run, once it finished: a running or never-run task has no result.json yet.
    if (task->kindOf(QStringLiteral("result.json")) != AgentFolder::Kind::Missing)
        listing.runs.append(runIn(*task, 0));
    for (const Kept &kept : keptRuns(*task)) {
        const QString path = task->pathOf(kept.name);
        if (kept.kind != AgentFolder::Kind::Directory) {
            listing.notes.append(QStringLiteral("%1: skipped: %2, not a folder the executor made").arg(path, AgentFolder::kindName(kept.kind)));
            continue;
        }
        const Result<OpenFolder> run = task->folder(kept.name);
        if (!run) {
            listing.notes.append(QStringLiteral("%1: skipped: %2").arg(path, run.error().message));
            continue;
        }
        listing.runs.append(runIn(*run, kept.generation));
    }
    return listing;
}

} // namespace oa
