#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include "base/Error.h"

namespace oa {

class AgentFolder;
class OpenFolder;

// Reads a small JSON file whose top level is an object (result.json, status.json, entry.json,
// a lock's run file, ...). Only a regular file is read, opened non-blocking and never through a
// final symlink, and at most 4 MiB of it: these files are never larger, and a FIFO, a link or a
// huge file planted in their place must neither hang nor cost memory. When the file does not
// give an object, the Error says why in a short message: a missing file is System with ENOENT
// and the message "missing" (callers test systemError == ENOENT), one that cannot be read is
// System "cannot read: ..." with its errno, and one that holds no object is InvalidTask "not a
// JSON object: ..." (a caller that knows whose file it is may say so in a kind of its own).
Result<QJsonObject> readJsonObject(const QString &path);
// The same below the agent folder: no component below the base may be a link.
Result<QJsonObject> readJsonObject(const AgentFolder &folder, const QString &path);
// The same from a file only the executor could have written (AgentFolder::readOwnFile): a
// record that decides what an administrator believes, such as result.json for --which-runs.
Result<QJsonObject> readOwnJsonObject(const AgentFolder &folder, const QString &path);
// The same two for `name` in a folder already open (a scan reads many files under one).
Result<QJsonObject> readJsonObject(const OpenFolder &folder, const QString &name);
Result<QJsonObject> readOwnJsonObject(const OpenFolder &folder, const QString &name);

// A JSON object from bytes, or InvalidTask with the parser's reason ("not a JSON object: ...").
Result<QJsonObject> parseJsonObject(const QByteArray &json);
// The bound every read above applies.
constexpr qint64 kMaxJsonFileBytes = 4 * 1024 * 1024;
// What the reads above give for a read the caller made itself (within kMaxJsonFileBytes), in the
// same words: for a scan that needs a file's bytes as well as its object.
Result<QJsonObject> jsonObjectFromRead(const Result<QByteArray> &read);

// The strings of a JSON array, in order; what is not a string is left out (a hand-edited or
// forged record keeps what it can).
QStringList jsonStrings(const QJsonValue &value);

} // namespace oa
