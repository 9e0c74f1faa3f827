#include "ResultRecord.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>

namespace oa {

QJsonObject ContainmentReport::toJson() const
{
    const auto orNull = [](const QString &text) { return text.isEmpty() ? QJsonValue() : QJsonValue(text); };
    return QJsonObject{{QStringLiteral("ProcessGroup"), processGroup},
                       {QStringLiteral("Subreaper"), subreaper},
                       {QStringLiteral("CgroupV2"), orNull(cgroupV2)},
                       {QStringLiteral("CgroupV1Memory"), orNull(cgroupV1Memory)},
                       {QStringLiteral("MemoryLimit"), orNull(memoryLimit)},
                       {QStringLiteral("NoNewPrivileges"), noNewPrivileges},
                       {QStringLiteral("RunAsUser"), orNull(runAsUser)}};
}

QByteArray ResultRecord::toJson() const
{
    QJsonObject durations;
    for (const auto &[stageValue, ms] : stageDurationsMs)
        durations.insert(stageName(stageValue), ms);

    QJsonObject root{
        {QStringLiteral("ExecutionId"), executionId},
        {QStringLiteral("Outcome"), outcomeName(outcome)},
        {QStringLiteral("ExitCode"), exitCode},
        {QStringLiteral("Stage"), stageName(stage)},
        {QStringLiteral("Message"), message},
        {QStringLiteral("StartedAt"), startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("FinishedAt"), finishedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("DurationMs"), startedAt.msecsTo(finishedAt)},
        {QStringLiteral("StageDurationsMs"), durations},
        {QStringLiteral("MachineName"), QSysInfo::machineHostName()},
        {QStringLiteral("ExecutorVersion"), QStringLiteral(OA_VERSION)},
    };
    if (scriptExitCode)
        root.insert(QStringLiteral("ScriptExitCode"), *scriptExitCode);
    if (scriptSignal)
        root.insert(QStringLiteral("ScriptSignal"), *scriptSignal);
    if (!pythonExecutable.isEmpty()) {
        root.insert(QStringLiteral("Python"), QJsonObject{{QStringLiteral("Executable"), pythonExecutable},
                                                          {QStringLiteral("Version"), pythonVersion}});
    }
    if (!pipFreeze.isEmpty())
        root.insert(QStringLiteral("PipFreeze"), QJsonArray::fromStringList(pipFreeze));
    if (provenance) {
        // Provenance next to PipFreeze: PipFreeze says what is there, Provenance which file each
        // came from. Unavailable (too old a pip, an unreadable report) says why instead.
        if (provenance->unavailable.isEmpty())
            root.insert(QStringLiteral("Provenance"), provenance->toJson());
        else
            root.insert(QStringLiteral("ProvenanceUnavailable"), provenance->unavailable);
    }
    if (peakMemoryBytes)
        root.insert(QStringLiteral("PeakMemoryBytes"), *peakMemoryBytes);
    if (cpuSeconds)
        root.insert(QStringLiteral("CpuSeconds"), *cpuSeconds);
    if (progressUpdates > 0 || badProgressLines > 0) {
        root.insert(QStringLiteral("Progress"),
                    QJsonObject{{QStringLiteral("Percent"), progressPercent ? QJsonValue(*progressPercent) : QJsonValue()},
                                {QStringLiteral("Message"), progressMessage},
                                {QStringLiteral("Updates"), progressUpdates},
                                {QStringLiteral("BadLines"), badProgressLines}});
    }
    if (!survivors.isEmpty()) {
        QJsonArray pids;
        for (const qint64 pid : survivors)
            pids.append(pid);
        root.insert(QStringLiteral("Survivors"), pids);
    }
    if (!cacheEntry.isEmpty())
        root.insert(QStringLiteral("EnvironmentCache"), QJsonObject{{QStringLiteral("Key"), cacheKey},
                                                                    {QStringLiteral("Entry"), cacheEntry},
                                                                    {QStringLiteral("Reused"), cacheReused}});
    if (!dependencySource.isEmpty())
        root.insert(QStringLiteral("DependencySource"), QJsonObject{{QStringLiteral("Source"), dependencySource},
                                                                    {QStringLiteral("File"), dependencyFile.isEmpty() ? QJsonValue() : QJsonValue(dependencyFile)}});
    if (runAsUid >= 0)
        root.insert(QStringLiteral("RunAs"), QJsonObject{{QStringLiteral("User"), runAsUser},
                                                         {QStringLiteral("Uid"), runAsUid},
                                                         {QStringLiteral("Gid"), runAsGid},
                                                         {QStringLiteral("Configured"), runAsConfigured}});
    if (containment)
        root.insert(QStringLiteral("Containment"), containment->toJson());
    if (!warnings.isEmpty())
        root.insert(QStringLiteral("Warnings"), QJsonArray::fromStringList(warnings));
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

ResultRecord::Summary ResultRecord::summaryFromJson(const QJsonObject &o)
{
    Summary s;
    s.outcome = o.value(QStringLiteral("Outcome")).toString();
    s.message = o.value(QStringLiteral("Message")).toString();
    s.startedAt = QDateTime::fromString(o.value(QStringLiteral("StartedAt")).toString(), Qt::ISODateWithMs);
    s.finishedAt = QDateTime::fromString(o.value(QStringLiteral("FinishedAt")).toString(), Qt::ISODateWithMs);
    s.durationMs = o.value(QStringLiteral("DurationMs")).toInteger(-1);
    if (o.contains(QStringLiteral("ExitCode")))
        s.exitCode = o.value(QStringLiteral("ExitCode")).toInt();
    return s;
}

QList<InstalledDistribution> ResultRecord::provenanceFromJson(const QJsonObject &object)
{
    return Provenance::fromJson(object.value(QStringLiteral("Provenance")).toArray());
}

Status ResultRecord::save(const AgentFolder &folder, const QString &path) const
{
    return folder.writeAtomically(path, toJson());
}

} // namespace oa
