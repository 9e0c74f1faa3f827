#include "JsonFile.h"

#include "AgentFolder.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cerrno>

namespace oa {

namespace {

constexpr qint64 kMaxJsonBytes = 4 * 1024 * 1024;

std::optional<QJsonObject> fromRead(const Result<QByteArray> &read, QString *problem)
{
    if (!read) {
        if (problem)
            *problem = read.failure().systemError == ENOENT ? QStringLiteral("missing")
                                                            : QStringLiteral("cannot read: %1").arg(read.failure().message);
        return std::nullopt;
    }
    return parseJsonObject(*read, problem);
}

} // namespace

std::optional<QJsonObject> parseJsonObject(const QByteArray &json, QString *problem)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (!document.isObject()) {
        if (problem)
            *problem = QStringLiteral("not a JSON object: %1")
                           .arg(error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("another JSON value"));
        return std::nullopt;
    }
    return document.object();
}

std::optional<QJsonObject> readJsonObject(const QString &path, QString *problem)
{
    return fromRead(AgentFolder::readRegularFile(path, kMaxJsonBytes), problem);
}

std::optional<QJsonObject> readJsonObject(const AgentFolder &folder, const QString &path, QString *problem)
{
    return fromRead(folder.readFile(path, kMaxJsonBytes), problem);
}

std::optional<QJsonObject> readOwnJsonObject(const AgentFolder &folder, const QString &path, QString *problem)
{
    return fromRead(folder.readOwnFile(path, kMaxJsonBytes), problem);
}

} // namespace oa
