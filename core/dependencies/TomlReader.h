#pragma once

#include "process/ChildProcess.h"
#include "base/Error.h"

#include <QByteArray>
#include <QString>

namespace oa {

// TOML read by Python's own tomllib (3.11+), in a child process under the run's control: the
// inline script metadata and a Pipfile mean exactly what they mean to uv, pipx and Pipenv, and
// the executor carries no TOML parser of its own. The text is passed as an argument (bounded
// by kMaxBytes), never through a file the task could swap.
class TomlReader {
public:
    static constexpr qsizetype kMaxBytes = 64 * 1024;
    // The deepest that tables and arrays may nest in a document parse() reads: `a = [[1]]` is 2
    // deep, `[tool.x]` with `v = [1]` is 3, and a dotted key's parts count as tables. Far more
    // than inline script metadata needs, and far less than where Python's own recursion gives up
    // (a few hundred levels), so that a deep document is a refusal that names where it is, not a
    // RecursionError.
    static constexpr int kMaxDepth = 32;

    struct Parsed {
        QByteArray json;  // the document as JSON, when it parsed
        // When it did not: tomllib's message, which always ends in "(at line 3, column 7)" or
        // "(at end of document)"; or, with neither, why a document tomllib read is not used
        // whole: a number that is not finite (JSON has no inf or nan) or not a 64-bit integer,
        // nesting past kMaxDepth, or an error tomllib let through (RecursionError, ValueError).
        QString error;
    };
    // Fails (ErrorKind::Environment) only when Python could not do it: no tomllib before
    // 3.11, a crash, an answer that is not JSON, a stop by the RunControl (its own code then).
    static Result<Parsed> parse(const QString &python, const QString &toml, RunControl *control,
                                const std::shared_ptr<const ProcessCredentials> &as = nullptr);

    // Pipenv's hash of a Pipfile (the _meta.hash.sha256 a Pipfile.lock records): the SHA-256 of
    // the canonical JSON of its sources, requires, packages and dev-packages.
    static Result<QString> pipfileHash(const QString &python, const QString &pipfile, RunControl *control,
                                       const std::shared_ptr<const ProcessCredentials> &as = nullptr);
};

} // namespace oa
