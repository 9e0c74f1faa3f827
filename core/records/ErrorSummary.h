#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <optional>

namespace oa {

// result.json's ErrorSummary: one line that says why a run did not succeed, decided here once
// for the executor that writes it, and for --list and the monitor that show what has none (an
// interrupted run). Every summary is printableText()-escaped and at most kMaxChars long, so that
// the server and a terminal can show it as it is.
//
// A script that failed is summed up from the end of its stderr (LastErrorLine's findings), the
// first that applies:
//  1. the exception line of the last traceback ("ValueError: bad input");
//  2. with exit code 1, a last line that names no logging level: sys.exit("...") prints its
//     text so, as the last thing the script says;
//  3. the last ERROR, CRITICAL or FATAL line;
//  4. the last line that is not blank;
//  5. no stderr at all: how it ended, in a sentence ("the script exited with code 3 and wrote
//     nothing to stderr").
// A script killed by a signal skips 2 and 4: what it printed last says less than the signal.
class ErrorSummary {
public:
    static constexpr qsizetype kMaxChars = 300;
    // Only this much of stderr's end is read, whatever the file's size.
    static constexpr qint64 kTailBytes = 64 * 1024;

    // `howItEnded` is result.json's Message for the script's end ("the script exited with code 3").
    static QString ofScript(const QByteArray &stderrTail, int exitCode, bool killedBySignal, const QString &howItEnded);
    // The same, reading the last kTailBytes of `stderrPath` through LogTail: a regular file only,
    // opened without blocking and not through a final link, so a FIFO or a link planted there by
    // the task is named, never waited on or followed.
    static QString ofScriptLog(const QString &stderrPath, int exitCode, bool killedBySignal, const QString &howItEnded);
    // A reason the executor (or the scanner) already holds in words: its first line, as one line.
    static QString ofMessage(const QString &message);
    // `text` as one summary line: escaped, surrounding blanks trimmed, cut to kMaxChars with "…"
    // (never inside an escape or a surrogate pair).
    static QString oneLine(QStringView text);
};

} // namespace oa
