#include "TaskDetailRows.h"

#include "DisplayUnits.h"
#include "base/Error.h"
#include "base/PrintableText.h"
#include "fs/JsonFile.h"
#include "records/ExecutionInfo.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

namespace oa {

namespace {

// Keys of execution.json are matched as the executor matches them: case-insensitively.
// Every value a task, its script or its folder wrote (a message, a path, a package name, a
// warning) is escaped for people (printableText) before it joins a row: a row's own lines are
// the only line breaks in it, and no control or bidi character reaches the pane.
QString shown(const QString &text)
{
    return printableText(text);
}

QStringList shown(const QStringList &texts)
{
    QStringList out;
    out.reserve(texts.size());
    for (const QString &text : texts)
        out.append(printableText(text));
    return out;
}

} // namespace

namespace {

// result.json's Outcome and Stage names (outcomeName(), stageName()) and what people read for them; QT_TRANSLATE_NOOP lets lupdate
// find each text in a table.
struct Wording {
    const char *name;
    const char *text;
};
constexpr Wording kOutcomes[] = {
    {"Succeeded", QT_TRANSLATE_NOOP("TaskDetailRows", "Succeeded")},
    {"Failed", QT_TRANSLATE_NOOP("TaskDetailRows", "Failed: the script exited with an error")},
    {"InvalidExecution", QT_TRANSLATE_NOOP("TaskDetailRows", "Failed: the task is not valid")},
    {"EnvironmentFailed", QT_TRANSLATE_NOOP("TaskDetailRows", "Failed: no Python environment")},
    {"RequirementsFailed", QT_TRANSLATE_NOOP("TaskDetailRows", "Failed: packages could not be installed")},
    {"TimedOut", QT_TRANSLATE_NOOP("TaskDetailRows", "Timed out")},
    {"Cancelled", QT_TRANSLATE_NOOP("TaskDetailRows", "Cancelled")},
    {"ResourceLimitExceeded", QT_TRANSLATE_NOOP("TaskDetailRows", "Stopped: a resource limit was exceeded")},
    {"InternalError", QT_TRANSLATE_NOOP("TaskDetailRows", "Failed: internal error of the executor")},
};
// In pipeline order, as stageName() spells them.
constexpr Wording kStages[] = {
    {"Lock", QT_TRANSLATE_NOOP("TaskDetailRows", "Lock")},
    {"Read", QT_TRANSLATE_NOOP("TaskDetailRows", "Read")},
    {"Validate", QT_TRANSLATE_NOOP("TaskDetailRows", "Validate")},
    {"Environment", QT_TRANSLATE_NOOP("TaskDetailRows", "Environment")},
    {"Requirements", QT_TRANSLATE_NOOP("TaskDetailRows", "Requirements")},
    {"Run", QT_TRANSLATE_NOOP("TaskDetailRows", "Run")},
    {"Cleanup", QT_TRANSLATE_NOOP("TaskDetailRows", "Cleanup")},
};

template <std::size_t N>
QString wordingFor(const Wording (&table)[N], const QString &name)
{
    for (const Wording &w : table)
        if (name == QLatin1String(w.name))
            return QCoreApplication::translate("TaskDetailRows", w.text);
    return printableText(name); // a name this monitor does not know yet: shown as written, escaped
}

} // namespace

QString TaskDetailRows::outcomeLabel(const QString &outcome)
{
    return wordingFor(kOutcomes, outcome);
}

QString TaskDetailRows::stageLabel(const QString &stage)
{
    return wordingFor(kStages, stage);
}

const TaskDetailRows::Row *TaskDetailRows::find(Field f) const
{
    for (const QList<Row> *list : {&summary, &rows})
        for (const Row &row : *list)
            if (row.field == f)
                return &row;
    return nullptr;
}

// A row only when there is something to say.
void TaskDetailRows::add(QList<Row> &list, Field f, const QString &label, const QString &value, const QString &tip)
{
    if (!value.isEmpty())
        list.append(Row{f, label, value, tip});
}

TaskDetailRows TaskDetailRows::build(const Input &in)
{
    TaskDetailRows d;
    // Before a result there is nothing to say: an empty file's record, not a new run's (which
    // would name this machine).
    const ResultRecord result = in.result ? *in.result : ResultRecord::fromJson(QJsonObject());
    d.addSummary(in, result);
    d.addRunRows(in, result);
    d.addProgress(in, result);
    d.addResources(in, result);
    d.addNotes(result);
    return d;
}

// What happened, in the order an operator asks.
void TaskDetailRows::addSummary(const Input &in, const ResultRecord &result)
{
    const bool finished = in.result.has_value();
    // Outcome and Stage as the file spells them: a newer executor's name is shown as written.
    const QString outcome = finished ? result.asRead.outcome : QString();
    summary.append(Row{Field::Outcome, tr("Outcome"), finished ? outcomeLabel(outcome) : QString(), shown(outcome)});
    const bool interrupted = !finished && in.state == TaskState::Interrupted;
    addFinding(in);
    // A dead run's last progress text is no message of its outcome: the Progress row has it.
    if (!interrupted)
        add(summary, Field::Message, tr("Message"), shown(finished ? result.message : (in.status ? in.status->message : QString())));
    if (finished && result.asRead.hasExitCode) {
        QString exit = QString::number(result.exitCode);
        if (result.scriptSignal)
            exit += u' ' + tr("(the script was killed by signal %1)").arg(*result.scriptSignal);
        else if (result.scriptExitCode && *result.scriptExitCode != result.exitCode)
            exit += u' ' + tr("(the script's own: %1)").arg(*result.scriptExitCode);
        add(summary, Field::ExitCode, tr("Exit code"), exit);
    }
    const QString stage = finished ? result.asRead.stage : (in.status ? in.status->stage : QString());
    add(summary, Field::Stage, finished ? tr("Ended in stage") : interrupted ? tr("Got as far as stage") : tr("Stage"), stageLabel(stage),
        shown(stage));
    QDateTime started = finished ? result.startedAt : in.runStartedAt;
    if (interrupted && in.status) // when the dead run began, as its executor wrote it
        started = in.status->startedAt;
    if (started.isValid())
        add(summary, Field::Started, tr("Started"), DisplayUnits::localTime(started), started.toUTC().toString(Qt::ISODateWithMs));
    if (interrupted && in.status && in.status->updatedAt.isValid())
        add(summary, Field::LastUpdate, tr("Last sign of life"), DisplayUnits::localTime(in.status->updatedAt),
            in.status->updatedAt.toUTC().toString(Qt::ISODateWithMs));
    if (finished && result.asRead.hasTimes) {
        const qint64 ms = result.startedAt.msecsTo(result.finishedAt); // what the writer wrote as DurationMs
        add(summary, Field::Duration, tr("Duration"), DisplayUnits::duration(ms), tr("%1 ms").arg(ms));
    } else if (in.elapsedMs >= 0) {
        add(summary, Field::Duration, tr("Running for"), DisplayUnits::duration(in.elapsedMs));
    }
    // A run that did not succeed says why in one line, the same one result.json, --list and the
    // table give; any other run shows the last problem its stderr holds, if any.
    if (!in.scanFinding.isEmpty() && !finished)
        return; // the finding says why, in full; its one-line summary would repeat it
    if (!in.errorSummary.isEmpty())
        add(summary, Field::LastError, tr("Last error"), printableAsWritten(in.errorSummary));
    else
        add(summary, Field::LastError, tr("Last error (stderr)"), shown(in.lastErrorLine));
}

// Why the scan finds the task so, when no result says it: an Interrupted run (its executor died:
// which one, in which stage, when it last wrote its status, in local time with the zone), an
// Invalid task (what cannot be read: --list's reason).
void TaskDetailRows::addFinding(const Input &in)
{
    if (in.result)
        return;
    if (in.state == TaskState::Interrupted && in.status) {
        const QString when = in.status->updatedAt.isValid() ? DisplayUnits::localTime(in.status->updatedAt) : tr("an unknown time");
        add(summary, Field::Finding, tr("What happened"),
            tr("The executor (PID %1) ended without writing a result, in stage %2; its last status update was at %3. "
               "The run did not finish: run it again.")
                .arg(in.status->pid)
                .arg(stageLabel(in.status->stage), when),
            shown(in.scanFinding));
    } else if (in.state == TaskState::Interrupted || in.state == TaskState::Invalid) {
        add(summary, Field::Finding, in.state == TaskState::Invalid ? tr("Why it is invalid") : tr("What happened"), shown(in.scanFinding));
    }
}

// Stage timings in the order the pipeline runs them (fromJson's order), the script, the
// interpreter and the packages.
void TaskDetailRows::addRunRows(const Input &in, const ResultRecord &result)
{
    QStringList timingText;
    for (const auto &[stageValue, ms] : result.stageDurationsMs) {
        const QString name = stageName(stageValue);
        stages.append(StageTiming{name, stageLabel(name), ms});
        timingText.append(QStringLiteral("%1 %2").arg(stageLabel(name), DisplayUnits::duration(ms)));
    }
    add(rows, Field::StageTimings, tr("Stage timings"), timingText.join(QStringLiteral(" · ")));

    // execution.json's fields as ExecutionInfo names and reads them (leniently): its keys live there only.
    const ExecutionInfo::Preview execution = ExecutionInfo::preview(in.execution);
    const QString script = execution.scriptPath;
    const QString argText = execution.arguments;
    add(rows, Field::Script, tr("Script and arguments"), shown(argText.isEmpty() ? script : script + u' ' + argText));

    if (!result.pythonExecutable.isEmpty())
        add(rows, Field::Interpreter, tr("Interpreter"), tr("Python %1 (%2)").arg(shown(result.pythonVersion), shown(result.pythonExecutable)));

    if (!result.dependencySource.isEmpty()) {
        QString name = shown(result.dependencySource);
        if (name == QLatin1String("none")) // the others are file names and stay as they are
            name = tr("none");
        add(rows, Field::DependencySource, tr("Dependency source"),
            result.dependencyFile.isEmpty() ? name : tr("%1 (%2)").arg(name, shown(result.dependencyFile)));
    }
    if (execution.requirements)
        add(rows, Field::Requirements, tr("Requirements"),
            execution.requirements->isEmpty() ? tr("none") : shown(*execution.requirements).join(u'\n'));
    if (!result.pipFreeze.isEmpty())
        add(rows, Field::InstalledPackages, tr("Installed packages (%n)", nullptr, int(result.pipFreeze.size())), shown(result.pipFreeze).join(u'\n'));
    addProvenance(result);
}

// Which file each package came from, and from where: a short hash to read, the whole one to copy.
void TaskDetailRows::addProvenance(const ResultRecord &result)
{
    if (!result.provenance)
        return;
    if (const QString why = result.provenance->unavailable; !why.isEmpty()) {
        add(rows, Field::Provenance, tr("Provenance"), tr("not recorded: %1").arg(shown(why)));
        return;
    }
    QStringList lines, tips;
    for (const InstalledDistribution &d : result.provenance->installed) {
        const QString name = shown(QStringLiteral("%1 %2").arg(d.name, d.version));
        lines.append(tr("%1 · %2 · sha256 %3 · from %4")
                         .arg(name, shown(d.file.isEmpty() ? d.url : d.file),
                              d.sha256.isEmpty() ? tr("unknown") : shown(d.sha256.left(12)) + QStringLiteral("…"), shown(d.source)));
        tips.append(QStringLiteral("%1: %2 sha256:%3").arg(name, shown(d.url), shown(d.sha256)));
    }
    add(rows, Field::Provenance, tr("Provenance (%n)", nullptr, int(lines.size())), lines.join(u'\n'), tips.join(u'\n'));
}

// The script's own progress report, live while it runs.
void TaskDetailRows::addProgress(const Input &in, const ResultRecord &result)
{
    const bool finished = in.result.has_value();
    std::optional<double> percent;
    QString progressMessage;
    int updates = -1, badLines = 0;
    // The writer records Progress only once the script reported some (or wrote a bad line).
    if (result.progressUpdates > 0 || result.badProgressLines > 0) {
        percent = result.progressPercent;
        progressMessage = result.progressMessage;
        updates = result.progressUpdates;
        badLines = result.badProgressLines;
    } else if (!finished && in.status) {
        percent = in.status->percent;
        progressMessage = in.status->message;
        badLines = in.status->badProgressLines;
    }
    QStringList progressParts;
    if (percent)
        progressParts.append(QStringLiteral("%1 %").arg(QLocale().toString(*percent, 'f', *percent == int(*percent) ? 0 : 1)));
    if (!progressMessage.isEmpty())
        progressParts.append(shown(progressMessage));
    if (updates >= 0)
        progressParts.append(updates == 1 ? tr("%n update", nullptr, updates) : tr("%n updates", nullptr, updates)); // English's singular: a string of its own
    if (badLines > 0)
        progressParts.append(badLines == 1 ? tr("%n unreadable line ignored", nullptr, badLines)
                                           : tr("%n unreadable lines ignored", nullptr, badLines));
    add(rows, Field::Progress, tr("Progress"), progressParts.join(QStringLiteral(" · ")));
}

// Resources: the final figures from result.json, or the live ones while it runs; who ran it,
// the environment cache and the limits.
void TaskDetailRows::addResources(const Input &in, const ResultRecord &result)
{
    const ExecutionInfo::Preview execution = ExecutionInfo::preview(in.execution);
    const bool finished = in.result.has_value();
    // Memory now only for a live process: a dead run's last figure is no "now".
    if (!finished && in.status && in.status->memoryBytes > 0 && in.state != TaskState::Interrupted && in.state != TaskState::Orphaned)
        add(rows, Field::Memory, tr("Memory now"), DisplayUnits::mebibytes(in.status->memoryBytes),
            tr("%1 bytes").arg(in.status->memoryBytes));
    qint64 peak = -1;
    if (result.peakMemoryBytes)
        peak = *result.peakMemoryBytes;
    else if (!finished && in.status && in.status->peakMemoryBytes > 0)
        peak = in.status->peakMemoryBytes;
    if (peak >= 0)
        add(rows, Field::PeakMemory, tr("Peak memory"), DisplayUnits::mebibytes(peak), tr("%1 bytes").arg(peak));
    double cpu = -1;
    if (result.cpuSeconds)
        cpu = *result.cpuSeconds;
    else if (!finished && in.status)
        cpu = in.status->cpuSeconds;
    if (cpu >= 0)
        add(rows, Field::CpuTime, tr("CPU time"), DisplayUnits::cpuSeconds(cpu));

    if (result.runAsUid >= 0) { // the writer records RunAs only with a uid
        const QString ids = tr("uid %1, gid %2").arg(result.runAsUid).arg(result.runAsGid);
        add(rows, Field::RunAs, tr("Ran as"),
            result.runAsConfigured ? tr("%1 (%2)").arg(shown(result.runAsUser), ids)
                                   : tr("%1 (%2), the executor's own user: no run-as user is configured").arg(shown(result.runAsUser), ids));
    } else if (!finished && in.status && !in.status->runAsUser.isEmpty()) {
        const bool dead = in.state == TaskState::Interrupted || in.state == TaskState::Orphaned;
        add(rows, Field::RunAs, dead ? tr("Ran as") : tr("Runs as"), shown(in.status->runAsUser));
    }

    if (!result.cacheEntry.isEmpty())
        add(rows, Field::EnvironmentCache, tr("Environment cache"),
            result.cacheReused ? tr("reused a cached environment") : tr("built a new cached environment"),
            tr("entry %1, key %2").arg(shown(result.cacheEntry), shown(result.cacheKey)));
    else if (finished && execution.useEnvironmentCache == false)
        add(rows, Field::EnvironmentCache, tr("Environment cache"), tr("not used (UseEnvironmentCache is false)"));

    QStringList limits;
    if (execution.timeoutSeconds)
        limits.append(tr("timeout %1").arg(DisplayUnits::duration(qint64(*execution.timeoutSeconds * 1000))));
    if (execution.maxMemoryMB)
        limits.append(tr("memory %1").arg(DisplayUnits::mebibytes(qint64(*execution.maxMemoryMB * 1024 * 1024))));
    if (execution.maxCpuSeconds)
        limits.append(tr("CPU %1").arg(DisplayUnits::cpuSeconds(*execution.maxCpuSeconds)));
    add(rows, Field::Limits, tr("Limits"), limits.join(QStringLiteral(", ")));
}

// What the executor has to say besides: warnings, survivors, where it ran.
void TaskDetailRows::addNotes(const ResultRecord &result)
{
    if (!result.warnings.isEmpty())
        add(rows, Field::Warnings, tr("Warnings (%n)", nullptr, int(result.warnings.size())), shown(result.warnings).join(u'\n'));
    QStringList survivors;
    for (const qint64 pid : result.survivors)
        survivors.append(QString::number(pid));
    if (!survivors.isEmpty())
        add(rows, Field::Survivors, tr("Still alive after the stop"), tr("PID %1").arg(survivors.join(QStringLiteral(", "))));
    if (!result.machineName.isEmpty())
        add(rows, Field::Machine, tr("Machine"), tr("%1, executor %2").arg(shown(result.machineName), shown(result.executorVersion)));
}

} // namespace oa
