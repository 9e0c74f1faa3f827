#include "StatusRecord.h"

#include <QJsonDocument>

namespace oa {

namespace {
const QString kExecutionId = QStringLiteral("ExecutionId");
const QString kState = QStringLiteral("State");
const QString kStage = QStringLiteral("Stage");
const QString kPercent = QStringLiteral("Percent");
const QString kMessage = QStringLiteral("Message");
const QString kPid = QStringLiteral("Pid");
const QString kStartedAt = QStringLiteral("StartedAt");
const QString kUpdatedAt = QStringLiteral("UpdatedAt");
const QString kMemoryBytes = QStringLiteral("MemoryBytes");
const QString kPeakMemoryBytes = QStringLiteral("PeakMemoryBytes");
const QString kCpuSeconds = QStringLiteral("CpuSeconds");
const QString kBadProgressLines = QStringLiteral("BadProgressLines");
const QString kOutcome = QStringLiteral("Outcome");
const QString kStopReason = QStringLiteral("StopReason");
const QString kRunAsUser = QStringLiteral("RunAsUser");
} // namespace

QByteArray StatusRecord::toJson() const
{
    QJsonObject o{
        {kExecutionId, executionId},
        {kState, state},
        {kStage, stage},
        {kPercent, percent ? QJsonValue(*percent) : QJsonValue()},
        {kMessage, message},
        {kPid, pid},
        {kStartedAt, startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {kUpdatedAt, updatedAt.toUTC().toString(Qt::ISODateWithMs)},
        {kMemoryBytes, memoryBytes},
        {kPeakMemoryBytes, peakMemoryBytes},
        {kCpuSeconds, cpuSeconds},
        {kBadProgressLines, badProgressLines},
        {kRunAsUser, runAsUser},
    };
    if (!outcome.isEmpty())
        o.insert(kOutcome, outcome);
    if (!stopReason.isEmpty())
        o.insert(kStopReason, stopReason);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

StatusRecord StatusRecord::fromJson(const QJsonObject &o)
{
    StatusRecord s;
    s.executionId = o.value(kExecutionId).toString();
    s.state = o.value(kState).toString();
    s.stage = o.value(kStage).toString();
    if (o.value(kPercent).isDouble())
        s.percent = o.value(kPercent).toDouble();
    s.message = o.value(kMessage).toString();
    s.pid = o.value(kPid).toInteger();
    s.startedAt = QDateTime::fromString(o.value(kStartedAt).toString(), Qt::ISODateWithMs);
    s.updatedAt = QDateTime::fromString(o.value(kUpdatedAt).toString(), Qt::ISODateWithMs);
    s.memoryBytes = o.value(kMemoryBytes).toInteger();
    s.peakMemoryBytes = o.value(kPeakMemoryBytes).toInteger();
    s.cpuSeconds = o.value(kCpuSeconds).toDouble();
    s.badProgressLines = o.value(kBadProgressLines).toInt();
    s.outcome = o.value(kOutcome).toString();
    s.stopReason = o.value(kStopReason).toString();
    s.runAsUser = o.value(kRunAsUser).toString();
    return s;
}

} // namespace oa
