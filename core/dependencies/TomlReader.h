#pragma once

#include "ChildProcess.h"
#include "ExitCode.h"

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

    struct Parsed {
        QByteArray json;  // the document as JSON, when it parsed
        QString error;    // tomllib's message ("… (at line 3, column 7)"), when it did not
    };
    // Fails (ExitCode::EnvironmentFailed) only when Python could not do it: no tomllib before
    // 3.11, a crash, a stop by the RunControl (its own code then).
    static Result<Parsed> parse(const QString &python, const QString &toml, RunControl *control,
                                const std::shared_ptr<const ProcessCredentials> &as = nullptr);

    // Pipenv's hash of a Pipfile (the _meta.hash.sha256 a Pipfile.lock records): the SHA-256 of
    // the canonical JSON of its sources, requires, packages and dev-packages.
    static Result<QString> pipfileHash(const QString &python, const QString &pipfile, RunControl *control,
                                       const std::shared_ptr<const ProcessCredentials> &as = nullptr);
};

} // namespace oa
