#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

class AgentFolder;

// Reads a small JSON file whose top level is an object (result.json, status.json, entry.json,
// a lock's run file, ...). Only a regular file is read, opened non-blocking and never through a
// final symlink, and at most 4 MiB of it: these files are never larger, and a FIFO, a link or a
// huge file planted in their place must neither hang nor cost memory. nullopt, with a short
// reason in `problem` ("missing", "cannot read: ...", "not a JSON object: ..."), when the file
// does not give an object.
std::optional<QJsonObject> readJsonObject(const QString &path, QString *problem = nullptr);
// The same below the agent folder: no component below the base may be a link.
std::optional<QJsonObject> readJsonObject(const AgentFolder &folder, const QString &path, QString *problem = nullptr);
// The same from a file only the executor could have written (AgentFolder::readOwnFile): a
// record that decides what an administrator believes, such as result.json for --which-runs.
std::optional<QJsonObject> readOwnJsonObject(const AgentFolder &folder, const QString &path, QString *problem = nullptr);

// A JSON object from bytes; nullopt with the parser's reason in `problem`.
std::optional<QJsonObject> parseJsonObject(const QByteArray &json, QString *problem = nullptr);

// The strings of a JSON array, in order; what is not a string is left out (a hand-edited or
// forged record keeps what it can).
QStringList jsonStrings(const QJsonValue &value);

} // namespace oa
