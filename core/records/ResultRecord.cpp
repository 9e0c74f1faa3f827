#include "ResultRecord.h"

#include "fs/JsonFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace oa {

namespace {

// result.json's names, each spelled once, for the writer and the reader alike: a field cannot
// be written under one name and read under another. Nested objects' names follow their object.
const QString kExecutionId = QStringLiteral("ExecutionId");
const QString kOutcome = QStringLiteral("Outcome");
const QString kExitCode = QStringLiteral("ExitCode");
const QString kScriptExitCode = QStringLiteral("ScriptExitCode");
const QString kScriptSignal = QStringLiteral("ScriptSignal");
const QString kStage = QStringLiteral("Stage");
const QString kMessage = QStringLiteral("Message");
const QString kErrorSummary = QStringLiteral("ErrorSummary");
const QString kStartedAt = QStringLiteral("StartedAt");
const QString kFinishedAt = QStringLiteral("FinishedAt");
const QString kDurationMs = QStringLiteral("DurationMs");
const QString kStageDurationsMs = QStringLiteral("StageDurationsMs"); // stageName() -> ms
const QString kMachineName = QStringLiteral("MachineName");
const QString kExecutorVersion = QStringLiteral("ExecutorVersion");
const QString kPython = QStringLiteral("Python");
const QString kPythonExecutable = QStringLiteral("Executable");
const QString kPythonVersion = QStringLiteral("Version");
const QString kPipFreeze = QStringLiteral("PipFreeze");
const QString kProvenance = QStringLiteral("Provenance"); // its entries' names: Provenance.cpp
const QString kProvenanceUnavailable = QStringLiteral("ProvenanceUnavailable");
const QString kPeakMemoryBytes = QStringLiteral("PeakMemoryBytes");
const QString kCpuSeconds = QStringLiteral("CpuSeconds");
const QString kProgress = QStringLiteral("Progress");
const QString kProgressPercent = QStringLiteral("Percent");
const QString kProgressMessage = QStringLiteral("Message");
const QString kProgressUpdates = QStringLiteral("Updates");
const QString kProgressBadLines = QStringLiteral("BadLines");
const QString kSurvivors = QStringLiteral("Survivors");
const QString kEnvironmentCache = QStringLiteral("EnvironmentCache");
const QString kCacheKey = QStringLiteral("Key");
const QString kCacheEntry = QStringLiteral("Entry");
const QString kCacheReused = QStringLiteral("Reused");
const QString kDependencySource = QStringLiteral("DependencySource");
const QString kDependencySourceName = QStringLiteral("Source");
const QString kDependencyFile = QStringLiteral("File");
const QString kRunAs = QStringLiteral("RunAs");
const QString kRunAsUser = QStringLiteral("User");
const QString kRunAsUid = QStringLiteral("Uid");
const QString kRunAsGid = QStringLiteral("Gid");
const QString kRunAsConfigured = QStringLiteral("Configured");
const QString kRunAsDynamic = QStringLiteral("Dynamic");
const QString kContainment = QStringLiteral("Containment");
const QString kSandbox = QStringLiteral("Sandbox");
const QString kSandboxMechanism = QStringLiteral("Mechanism");
const QString kSandboxNetwork = QStringLiteral("Network");
const QString kWarnings = QStringLiteral("Warnings");

// Containment's names.
const QString kProcessGroup = QStringLiteral("ProcessGroup");
const QString kSubreaper = QStringLiteral("Subreaper");
const QString kCgroupV2 = QStringLiteral("CgroupV2");
const QString kCgroupV1Memory = QStringLiteral("CgroupV1Memory");
const QString kMemoryLimit = QStringLiteral("MemoryLimit");
const QString kNoNewPrivileges = QStringLiteral("NoNewPrivileges");
const QString kContainmentRunAsUser = QStringLiteral("RunAsUser");

// An absent text is null in result.json, never "", so that readers test one key one way.
QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QString isoTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromIsoTime(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

// Only a number counts: a null or a text where a figure belongs says nothing.
std::optional<qint64> optionalInteger(const QJsonValue &value)
{
    return value.isDouble() ? std::optional<qint64>(value.toInteger()) : std::nullopt;
}

std::optional<double> optionalDouble(const QJsonValue &value)
{
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

// The enums are contiguous, first to last; a name outside them is nullopt.
std::optional<Outcome> outcomeNamed(const QString &name)
{
    for (int o = int(Outcome::Succeeded); o <= int(Outcome::InternalError); ++o)
        if (outcomeName(Outcome(o)) == name)
            return Outcome(o);
    return std::nullopt;
}

std::optional<Stage> stageNamed(const QString &name)
{
    for (int s = int(Stage::Lock); s <= int(Stage::Cleanup); ++s)
        if (stageName(Stage(s)) == name)
            return Stage(s);
    return std::nullopt;
}

} // namespace

QJsonObject ContainmentReport::toJson() const
{
    return QJsonObject{{kProcessGroup, processGroup},       {kSubreaper, subreaper},
                       {kCgroupV2, orNull(cgroupV2)},       {kCgroupV1Memory, orNull(cgroupV1Memory)},
                       {kMemoryLimit, orNull(memoryLimit)}, {kNoNewPrivileges, noNewPrivileges},
                       {kContainmentRunAsUser, orNull(runAsUser)}};
}

ContainmentReport ContainmentReport::fromJson(const QJsonObject &o)
{
    ContainmentReport c;
    c.processGroup = o.value(kProcessGroup).toBool();
    c.subreaper = o.value(kSubreaper).toBool();
    c.cgroupV2 = o.value(kCgroupV2).toString(); // null reads as "", as it was written from
    c.cgroupV1Memory = o.value(kCgroupV1Memory).toString();
    c.memoryLimit = o.value(kMemoryLimit).toString();
    c.noNewPrivileges = o.value(kNoNewPrivileges).toBool();
    c.runAsUser = o.value(kContainmentRunAsUser).toString();
    return c;
}

QByteArray ResultRecord::toJson() const
{
    QJsonObject durations;
    for (const auto &[stageValue, ms] : stageDurationsMs)
        durations.insert(stageName(stageValue), ms);

    QJsonObject root{
        {kExecutionId, executionId},
        {kOutcome, outcomeName(outcome)},
        {kExitCode, exitCode},
        {kStage, stageName(stage)},
        {kMessage, message},
        {kErrorSummary, orNull(errorSummary)},
        {kStartedAt, isoTime(startedAt)},
        {kFinishedAt, isoTime(finishedAt)},
        {kDurationMs, startedAt.msecsTo(finishedAt)},
        {kStageDurationsMs, durations},
        {kMachineName, machineName},
        {kExecutorVersion, executorVersion},
    };
    if (scriptExitCode)
        root.insert(kScriptExitCode, *scriptExitCode);
    if (scriptSignal)
        root.insert(kScriptSignal, *scriptSignal);
    if (!pythonExecutable.isEmpty())
        root.insert(kPython, QJsonObject{{kPythonExecutable, pythonExecutable}, {kPythonVersion, pythonVersion}});
    if (!pipFreeze.isEmpty())
        root.insert(kPipFreeze, QJsonArray::fromStringList(pipFreeze));
    if (provenance) {
        // Provenance next to PipFreeze: PipFreeze says what is there, Provenance which file each
        // came from. Unavailable (too old a pip, an unreadable report) says why instead.
        if (provenance->unavailable.isEmpty())
            root.insert(kProvenance, provenance->toJson());
        else
            root.insert(kProvenanceUnavailable, provenance->unavailable);
    }
    if (peakMemoryBytes)
        root.insert(kPeakMemoryBytes, *peakMemoryBytes);
    if (cpuSeconds)
        root.insert(kCpuSeconds, *cpuSeconds);
    if (progressUpdates > 0 || badProgressLines > 0) {
        root.insert(kProgress, QJsonObject{{kProgressPercent, progressPercent ? QJsonValue(*progressPercent) : QJsonValue()},
                                           {kProgressMessage, progressMessage},
                                           {kProgressUpdates, progressUpdates},
                                           {kProgressBadLines, badProgressLines}});
    }
    if (!survivors.isEmpty()) {
        QJsonArray pids;
        for (const qint64 pid : survivors)
            pids.append(pid);
        root.insert(kSurvivors, pids);
    }
    if (!cacheEntry.isEmpty())
        root.insert(kEnvironmentCache, QJsonObject{{kCacheKey, cacheKey}, {kCacheEntry, cacheEntry}, {kCacheReused, cacheReused}});
    if (!dependencySource.isEmpty())
        root.insert(kDependencySource, QJsonObject{{kDependencySourceName, dependencySource}, {kDependencyFile, orNull(dependencyFile)}});
    if (runAsUid >= 0) {
        QJsonObject runAs{{kRunAsUser, runAsUser}, {kRunAsUid, runAsUid}, {kRunAsGid, runAsGid}, {kRunAsConfigured, runAsConfigured}};
        if (runAsDynamic) // only then: a reader of an older record sees no new key
            runAs.insert(kRunAsDynamic, true);
        root.insert(kRunAs, runAs);
    }
    if (containment)
        root.insert(kContainment, containment->toJson());
    if (!sandboxMechanism.isEmpty())
        root.insert(kSandbox, QJsonObject{{kSandboxMechanism, sandboxMechanism}, {kSandboxNetwork, sandboxNetwork}});
    if (!warnings.isEmpty())
        root.insert(kWarnings, QJsonArray::fromStringList(warnings));
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

ResultRecord ResultRecord::fromJson(const QJsonObject &o)
{
    ResultRecord r;
    r.executionId = o.value(kExecutionId).toString();
    r.asRead.outcome = o.value(kOutcome).toString();
    r.outcome = outcomeNamed(r.asRead.outcome).value_or(r.outcome);
    r.asRead.hasExitCode = o.value(kExitCode).isDouble();
    r.exitCode = o.value(kExitCode).toInt();
    if (const auto code = optionalInteger(o.value(kScriptExitCode)))
        r.scriptExitCode = int(*code);
    if (const auto signal = optionalInteger(o.value(kScriptSignal)))
        r.scriptSignal = int(*signal);
    r.asRead.stage = o.value(kStage).toString();
    r.stage = stageNamed(r.asRead.stage).value_or(r.stage);
    r.message = o.value(kMessage).toString();
    r.errorSummary = o.value(kErrorSummary).toString();
    r.startedAt = fromIsoTime(o.value(kStartedAt));
    r.finishedAt = fromIsoTime(o.value(kFinishedAt));
    r.asRead.hasTimes = r.startedAt.isValid() && r.finishedAt.isValid();
    // A JSON object keeps no order: the stages come back in the order the pipeline runs them,
    // which is the order they ran in. A stage this build does not know is left out.
    const QJsonObject durations = o.value(kStageDurationsMs).toObject();
    for (int s = int(Stage::Lock); s <= int(Stage::Cleanup); ++s)
        if (const auto ms = optionalInteger(durations.value(stageName(Stage(s)))))
            r.stageDurationsMs.append({Stage(s), *ms});
    // What the file says, or nothing: never this machine's name for another machine's run.
    r.machineName = o.value(kMachineName).toString();
    r.executorVersion = o.value(kExecutorVersion).toString();

    const QJsonObject python = o.value(kPython).toObject();
    r.pythonExecutable = python.value(kPythonExecutable).toString();
    r.pythonVersion = python.value(kPythonVersion).toString();
    r.pipFreeze = jsonStrings(o.value(kPipFreeze));
    if (const QString why = o.value(kProvenanceUnavailable).toString(); !why.isEmpty())
        r.provenance = Provenance{{}, why};
    else if (o.value(kProvenance).isArray())
        r.provenance = Provenance{Provenance::fromJson(o.value(kProvenance).toArray()), QString()};
    r.peakMemoryBytes = optionalInteger(o.value(kPeakMemoryBytes));
    r.cpuSeconds = optionalDouble(o.value(kCpuSeconds));

    const QJsonObject progress = o.value(kProgress).toObject();
    r.progressPercent = optionalDouble(progress.value(kProgressPercent));
    r.progressMessage = progress.value(kProgressMessage).toString();
    r.progressUpdates = progress.value(kProgressUpdates).toInt();
    r.badProgressLines = progress.value(kProgressBadLines).toInt();
    for (const QJsonValue &pid : o.value(kSurvivors).toArray())
        if (pid.isDouble())
            r.survivors.append(pid.toInteger());

    const QJsonObject cache = o.value(kEnvironmentCache).toObject();
    r.cacheKey = cache.value(kCacheKey).toString();
    r.cacheEntry = cache.value(kCacheEntry).toString();
    r.cacheReused = cache.value(kCacheReused).toBool();
    const QJsonObject source = o.value(kDependencySource).toObject();
    r.dependencySource = source.value(kDependencySourceName).toString();
    r.dependencyFile = source.value(kDependencyFile).toString();
    const QJsonObject runAs = o.value(kRunAs).toObject();
    r.runAsUser = runAs.value(kRunAsUser).toString();
    r.runAsUid = runAs.value(kRunAsUid).toInteger(-1);
    r.runAsGid = runAs.value(kRunAsGid).toInteger(-1);
    r.runAsConfigured = runAs.value(kRunAsConfigured).toBool();
    r.runAsDynamic = runAs.value(kRunAsDynamic).toBool();
    if (o.value(kContainment).isObject())
        r.containment = ContainmentReport::fromJson(o.value(kContainment).toObject());
    const QJsonObject sandbox = o.value(kSandbox).toObject();
    r.sandboxMechanism = sandbox.value(kSandboxMechanism).toString();
    r.sandboxNetwork = sandbox.value(kSandboxNetwork).toString();
    r.warnings = jsonStrings(o.value(kWarnings));
    return r;
}

ResultRecord::Summary ResultRecord::summaryFromJson(const QJsonObject &o)
{
    Summary s;
    s.outcome = o.value(kOutcome).toString();
    s.message = o.value(kMessage).toString();
    s.errorSummary = o.value(kErrorSummary).toString();
    s.startedAt = fromIsoTime(o.value(kStartedAt));
    s.finishedAt = fromIsoTime(o.value(kFinishedAt));
    s.durationMs = o.value(kDurationMs).toInteger(-1);
    if (o.contains(kExitCode))
        s.exitCode = o.value(kExitCode).toInt();
    return s;
}

QList<InstalledDistribution> ResultRecord::provenanceFromJson(const QJsonObject &object)
{
    return Provenance::fromJson(object.value(kProvenance).toArray());
}

Status ResultRecord::save(const AgentFolder &folder, const QString &path) const
{
    return folder.writeAtomically(path, toJson());
}

} // namespace oa
