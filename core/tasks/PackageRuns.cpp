#include "PackageRuns.h"

#include "fs/JsonFile.h"
#include "fs/OpenFolder.h"
#include "records/ResultRecord.h"
#include "RunHistory.h"

#include <QRegularExpression>

#include <algorithm>
#include <cerrno>

namespace oa {

Result<PackageRuns::Query> PackageRuns::parse(const QString &spec)
{
    // A name as PEP 508 allows it, and at most one "==" with a version of PEP 440's characters:
    // a range (">=1") would need a resolver's idea of versions, which a search does not need.
    static const QRegularExpression pattern(QStringLiteral("^\\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\\s*"
                                                           "(?:==\\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*))?\\s*$"));
    const QRegularExpressionMatch match = pattern.match(spec);
    if (!match.hasMatch())
        return fail(ErrorKind::BadArgument,
                    QStringLiteral("--which-runs: \"%1\" is not PACKAGE or PACKAGE==VERSION (e.g. oa-demo or oa-demo==1.0)").arg(spec));
    return Query{InstallReport::normalizeName(match.captured(1)), match.captured(2)};
}

PackageRuns::Found PackageRuns::find(const AgentPaths &paths, const Query &query)
{
    Found found;
    const AgentFolder folder = paths.folder();
    // Tasks/ is walked to once; each task folder is then one openat(O_NOFOLLOW) in it, and its
    // result.json one more: the gatekeeper's checks, without a walk from the base per task.
    const Result<OpenFolder> tasks = OpenFolder::open(folder, paths.tasksDir());
    if (!tasks)
        return found; // no Tasks/ (or one that is a link): no run to find, as a listing of it gives none
    for (const AgentFolder::Entry &task : tasks->entries()) {
        if (task.kind != AgentFolder::Kind::Directory) {
            if (task.kind == AgentFolder::Kind::Symlink)
                found.notes.append(QStringLiteral("%1/%2: skipped: the task folder is a link").arg(paths.tasksDir(), task.name));
            continue;
        }
        const QString taskPath = paths.tasksDir() + u'/' + task.name;
        // Only a result.json the executor wrote: a run-as user may leave one of its own (its
        // file, a hard link, a group-writable file) where a killed executor wrote none. A task
        // folder that cannot be opened (it became a link since the listing) is read by path,
        // rarely, so that the gatekeeper says why in its usual words.
        const Result<OpenFolder> taskDir = tasks->folder(task.name);
        const auto consider = [&](const Result<QJsonObject> &result, const QString &resultFile, const QString &run) {
            if (!result) {
                if (result.error().systemError != ENOENT) // a task that has not finished is no news
                    found.notes.append(QStringLiteral("%1: skipped: %2").arg(resultFile, result.error().message));
                return;
            }
            const ResultRecord::Summary summary = ResultRecord::summaryFromJson(*result);
            for (const InstalledDistribution &d : ResultRecord::provenanceFromJson(*result)) {
                if (InstallReport::normalizeName(d.name) != query.name
                    || (!query.version.isEmpty() && d.version.compare(query.version, Qt::CaseInsensitive) != 0))
                    continue;
                // The folder's name, not the ExecutionId inside: a copied result.json cannot claim another run.
                found.runs.append({task.name, run, summary.outcome, summary.finishedAt, d});
            }
        };
        const QString resultFile = taskPath + QStringLiteral("/result.json");
        consider(taskDir ? readOwnJsonObject(*taskDir, QStringLiteral("result.json")) : readOwnJsonObject(folder, resultFile), resultFile, {});
        if (!taskDir)
            continue;
        // The earlier runs it keeps, each folder one openat(O_NOFOLLOW) in the open task folder.
        for (const RunHistory::Kept &kept : RunHistory::keptRuns(*taskDir)) {
            const QString keptFile = taskPath + u'/' + kept.name + QStringLiteral("/result.json");
            if (kept.kind != AgentFolder::Kind::Directory) {
                found.notes.append(QStringLiteral("%1/%2: skipped: %3, not a folder the executor made")
                                       .arg(taskPath, kept.name, AgentFolder::kindName(kept.kind)));
                continue;
            }
            const Result<OpenFolder> runDir = taskDir->folder(kept.name);
            if (!runDir) {
                found.notes.append(QStringLiteral("%1/%2: skipped: %3").arg(taskPath, kept.name, runDir.error().message));
                continue;
            }
            consider(readOwnJsonObject(*runDir, QStringLiteral("result.json")), keptFile, kept.name);
        }
    }
    std::sort(found.runs.begin(), found.runs.end(), [](const Run &a, const Run &b) {
        return a.finishedAt != b.finishedAt ? a.finishedAt < b.finishedAt : a.executionId != b.executionId ? a.executionId < b.executionId : a.run > b.run;
    });
    return found;
}

} // namespace oa
