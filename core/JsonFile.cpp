#include "JsonFile.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

namespace oa {

std::optional<QJsonObject> readJsonObject(const QString &path, QString *problem)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (problem)
            *problem = file.exists() ? QStringLiteral("cannot read: %1").arg(file.errorString()) : QStringLiteral("missing");
        return std::nullopt;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(4 * 1024 * 1024), &error);
    if (!document.isObject()) {
        if (problem)
            *problem = QStringLiteral("not a JSON object: %1")
                           .arg(error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("another JSON value"));
        return std::nullopt;
    }
    return document.object();
}

} // namespace oa
