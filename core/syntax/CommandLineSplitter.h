#pragma once

#include "base/Error.h"

#include <QStringList>

namespace oa {

// Splits an `Arguments` string the way a POSIX shell splits words, without any expansion:
// whitespace separates words; '...' keeps everything literally; "..." groups words and lets a
// backslash escape ", \, $ and `; outside quotes a backslash makes the next character literal.
// Nothing is ever executed by a shell: the words go straight to the interpreter.
class CommandLineSplitter {
public:
    static Result<QStringList> split(const QString &commandLine);
};

} // namespace oa
