#include "TaskDetails.h"

#include "JsonFile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace oa {

namespace {

QString display(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Array: {
        QStringList items;
        for (const QJsonValue &v : value.toArray())
            items.append(v.isString() ? v.toString() : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)));
        return items.join(QStringLiteral("\n"));
    }
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(value.toDouble(), 'g', 15);
    case QJsonValue::String: return value.toString();
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Undefined: break;
    }
    return QString();
}

} // namespace

TaskDetails TaskDetails::load(const AgentPaths &paths, const QString &id, AgentPaths::Generation generation)
{
    TaskDetails details;
    QString problem;
    if (const auto execution = readJsonObject(paths.folder(), paths.executionFile(id), &problem)) {
        for (auto it = execution->begin(); it != execution->end(); ++it)
            details.execution.append({it.key(), display(it.value())});
    } else {
        details.execution.append({QStringLiteral("execution.json"), problem});
    }
    if (const auto result = readJsonObject(paths.folder(), paths.resultFile(id, generation))) {
        details.hasResult = true;
        for (auto it = result->begin(); it != result->end(); ++it) {
            if (it.key() == QLatin1String("StageDurationsMs")) {
                const QJsonObject stages = it.value().toObject();
                for (auto s = stages.begin(); s != stages.end(); ++s)
                    details.result.append({QStringLiteral("Stage: %1").arg(s.key()), QStringLiteral("%1 ms").arg(s.value().toInteger())});
            } else {
                details.result.append({it.key(), display(it.value())});
            }
        }
    }
    return details;
}

} // namespace oa
