// --history ID: the runs of one execution ID the task folder holds, newest first (RunHistory).

#include "AdminCommands.h"

#include "CommandOutput.h"
#include "base/LocalTime.h"
#include "run/ExitCodes.h"
#include "tasks/RunHistory.h"

#include <QJsonArray>

namespace AdminCommands {

using namespace CommandOutput;

namespace {

// ISO 8601 in the local zone with its offset ("2026-11-26T06:08:39.595+01:00"): what a script
// can both parse and show as the operator's own time.
QString isoWithOffset(const QDateTime &t)
{
    return oa::LocalTime::isoWithOffset(t);
}

// The locale's short date and time with a four-digit year and the zone ("26.11.2026 06:08 CET"),
// as everywhere a person reads a time (oa::LocalTime).
QString localDateTime(const QDateTime &t)
{
    return t.isValid() ? oa::LocalTime::dateTime(t) : QStringLiteral("-");
}

QString runName(const oa::RunHistory::Run &run)
{
    return run.generation == 0 ? QStringLiteral("last") : oa::AgentPaths::runFolderName(run.generation);
}

QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

} // namespace

int history(const oa::AgentPaths &paths, const QString &executionId, bool json)
{
    if (!oa::AgentPaths::isValidExecutionId(executionId)) {
        err() << "Invalid execution ID \"" << shown(executionId) << "\"\n";
        err().flush();
        return int(oa::ExitCode::InvalidArguments);
    }
    const auto listing = oa::RunHistory::read(paths, executionId);
    if (!listing) {
        err() << shown(listing.error().message) << '\n';
        err().flush();
        return int(oa::ExitCode::TaskNotFound);
    }
    if (json) {
        QJsonArray runs;
        for (const oa::RunHistory::Run &run : listing->runs)
            runs.append(QJsonObject{
                {QStringLiteral("Run"), runName(run)},
                {QStringLiteral("Folder"), run.folder},
                {QStringLiteral("Recorded"), run.recorded},
                {QStringLiteral("Outcome"), orNull(run.outcome)},
                {QStringLiteral("ExitCode"), run.exitCode ? QJsonValue(*run.exitCode) : QJsonValue()},
                {QStringLiteral("StartedAt"), orNull(isoWithOffset(run.startedAt))},
                {QStringLiteral("FinishedAt"), orNull(isoWithOffset(run.finishedAt))},
                {QStringLiteral("DurationMs"), run.durationMs >= 0 ? QJsonValue(run.durationMs) : QJsonValue()},
                {QStringLiteral("ErrorSummary"), orNull(run.errorSummary)},
                {QStringLiteral("Message"), orNull(run.message)},
                {QStringLiteral("Problem"), orNull(run.problem)},
            });
        printJson({{QStringLiteral("ExecutionId"), executionId},
                   {QStringLiteral("Runs"), runs},
                   {QStringLiteral("Notes"), QJsonArray::fromStringList(listing->notes)}});
    } else if (listing->runs.isEmpty()) {
        out() << "no finished run of " << executionId << " in " << paths.taskDir(executionId) << '\n';
    } else {
        QList<QStringList> rows{{QStringLiteral("RUN"), QStringLiteral("OUTCOME"), QStringLiteral("EXIT"), QStringLiteral("STARTED"),
                                 QStringLiteral("DURATION"), QStringLiteral("REASON")}};
        for (const oa::RunHistory::Run &run : listing->runs) {
            // A run without the executor's record says why in place of a reason. ErrorSummary is
            // escaped already (shown as written); the problem is escaped here, for the same column.
            const QString reason = !run.recorded ? shown(run.problem) : run.errorSummary.isEmpty() ? QStringLiteral("-") : run.errorSummary;
            rows.append({runName(run), run.recorded ? run.outcome : QStringLiteral("unknown"),
                         run.exitCode ? QString::number(*run.exitCode) : QStringLiteral("-"), localDateTime(run.startedAt),
                         run.durationMs >= 0 ? QStringLiteral("%1s").arg(double(run.durationMs) / 1000.0, 0, 'f', 1) : QStringLiteral("-"),
                         reason});
        }
        // Every cell escaped once: outcomes, reasons and problems are the task's to influence.
        printTable(rows, {rows.first().size() - 1});
        out() << count(listing->runs.size(), "run", "runs") << " of " << executionId << ", newest first\n";
    }
    out().flush();
    // Kept runs that were no folder, on stderr (and in Notes with --json), as --which-runs does.
    for (const QString &note : listing->notes)
        err() << shown(note) << '\n';
    err().flush();
    return 0;
}

} // namespace AdminCommands
