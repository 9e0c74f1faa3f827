#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace oa {

enum class Symlinks { Follow, Refuse };

// Reads a small JSON file whose top level is an object (result.json, status.json, entry.json,
// a lock's .run file, ...). At most 4 MiB is read: these files are never larger, and a broken
// one must not cost memory. The files live in folders others can write to, so only a regular
// file is read, and it is opened non-blocking: a FIFO planted in a file's place is refused at
// once instead of hanging the reader. With Symlinks::Refuse a symlink is refused too.
// nullopt, with a short reason in `problem` ("missing", "cannot read: ...", "not a regular
// file", "not a JSON object: ..."), when the file does not give an object.
std::optional<QJsonObject> readJsonObject(const QString &path, QString *problem = nullptr, Symlinks symlinks = Symlinks::Follow);

} // namespace oa
