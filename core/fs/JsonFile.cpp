#include "JsonFile.h"

#include <QJsonArray>

#include "AgentFolder.h"
#include "OpenFolder.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cerrno>

namespace oa {

namespace {

constexpr qint64 kMaxJsonBytes = kMaxJsonFileBytes;

Result<QJsonObject> fromRead(const Result<QByteArray> &read)
{
    if (!read) {
        const int error = read.error().systemError;
        return Error{ErrorKind::System,
                     error == ENOENT ? QStringLiteral("missing") // callers test the errno, and may translate the word
                                     : QCoreApplication::translate("JsonFile", "cannot read: %1").arg(read.error().message),
                     error};
    }
    return parseJsonObject(*read);
}

} // namespace

Result<QJsonObject> jsonObjectFromRead(const Result<QByteArray> &read)
{
    return fromRead(read);
}

Result<QJsonObject> parseJsonObject(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (!document.isObject())
        // Translated where a translator is installed (the monitor shows it for an invalid
        // task); the executor has none, so its messages stay as they are.
        return fail(ErrorKind::InvalidTask, QCoreApplication::translate("JsonFile", "not a JSON object: %1")
                                                .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                                                             : QCoreApplication::translate("JsonFile", "another JSON value")));
    return document.object();
}

Result<QJsonObject> readJsonObject(const QString &path)
{
    return fromRead(AgentFolder::readRegularFile(path, kMaxJsonBytes));
}

Result<QJsonObject> readJsonObject(const AgentFolder &folder, const QString &path)
{
    return fromRead(folder.readFile(path, kMaxJsonBytes));
}

Result<QJsonObject> readOwnJsonObject(const AgentFolder &folder, const QString &path)
{
    return fromRead(folder.readOwnFile(path, kMaxJsonBytes));
}

// A missing file is "missing" here whatever the read said, so the read need not say it.
Result<QJsonObject> readJsonObject(const OpenFolder &folder, const QString &name)
{
    return fromRead(folder.readFile(name, kMaxJsonBytes, nullptr, OpenFolder::Missing::Quiet));
}

Result<QJsonObject> readOwnJsonObject(const OpenFolder &folder, const QString &name)
{
    return fromRead(folder.readOwnFile(name, kMaxJsonBytes, OpenFolder::Missing::Quiet));
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
