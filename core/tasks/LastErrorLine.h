#pragma once

#include <QByteArray>
#include <QString>

namespace oa {

class AgentFolder;

// The line of a script's stderr that says what went wrong, for the detail pane's summary:
// the last line at ERROR or CRITICAL level (Python's logging writes INFO to stderr too, so
// "any stderr line" would be noise), or the exception line that ends a traceback.
class LastErrorLine {
public:
    // Only the last `tailBytes` of the file are read, through the gatekeeper: a 1 GiB error.log
    // costs as little as a small one. Empty when there is no such line (or no file).
    static QString read(const AgentFolder &folder, const QString &path, qint64 tailBytes = 64 * 1024);
    static QString find(const QByteArray &text);
};

} // namespace oa
