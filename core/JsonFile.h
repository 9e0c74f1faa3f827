#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace oa {

// Reads a small JSON file whose top level is an object (result.json, status.json, entry.json,
// a lock's .run file, ...). At most 4 MiB is read: these files are never larger, and a broken
// one must not cost memory. nullopt, with a short reason in `problem` ("missing", "cannot
// read: ...", "not a JSON object: ..."), when the file does not give an object.
std::optional<QJsonObject> readJsonObject(const QString &path, QString *problem = nullptr);

} // namespace oa
