#pragma once

#include <QByteArray>
#include <QString>

namespace oa {

class AgentFolder;

// The line of a script's stderr that says what went wrong, for the detail pane's summary:
// the last line at ERROR or CRITICAL level (Python's logging writes INFO to stderr too, so
// "any stderr line" would be noise), or the exception line that ends a traceback.
// ErrorSummary decides a failed run's reason from the same findings (scan()).
class LastErrorLine {
public:
    // Only the last `tailBytes` of the file are read, through the gatekeeper: a 1 GiB error.log
    // costs as little as a small one. Empty when there is no such line (or no file).
    static QString read(const AgentFolder &folder, const QString &path, qint64 tailBytes = 64 * 1024);
    static QString find(const QByteArray &text);

    // What one pass over a log's text finds, each the last of its kind, trimmed; empty when
    // there is none.
    struct Findings {
        QString tracebackException; // the line that ends the last traceback: "ValueError: bad"
        QString levelLine;          // the last ERROR, CRITICAL or FATAL line
        QString lastLine;           // the last line that is not blank
        bool lastLineHasLevel = false; // it names a logging level (INFO, WARNING, ...): a log line, no message of its own
        QString lastProblem;        // what find() returns: the last of any of the first two, or of an exception-like line
    };
    static Findings scan(const QByteArray &text);
};

} // namespace oa
