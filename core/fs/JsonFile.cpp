#include "JsonFile.h"

#include <QJsonArray>

#include "AgentFolder.h"

#include <QCoreApplication>
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
            *problem = read.error().systemError == ENOENT ? QStringLiteral("missing") // a sentinel callers compare
                                                            : QCoreApplication::translate("JsonFile", "cannot read: %1").arg(read.error().message);
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
            // Translated where a translator is installed (the monitor shows it for an invalid
            // task); the executor has none, so its messages stay as they are.
            *problem = QCoreApplication::translate("JsonFile", "not a JSON object: %1")
                           .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                                        : QCoreApplication::translate("JsonFile", "another JSON value"));
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

QStringList jsonStrings(const QJsonValue &value)
{
    QStringList out;
    for (const QJsonValue &v : value.toArray())
        if (v.isString())
            out.append(v.toString());
    return out;
}

} // namespace oa
