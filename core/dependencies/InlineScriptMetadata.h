#pragma once

#include "ExitCode.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// Inline script metadata (PEP 723): a `# /// script` … `# ///` comment block in the script,
// whose lines, without their leading "# " (or "#"), are TOML with `dependencies` and
// `requires-python`. Found here exactly as the specification's reference regular expression
// does; the TOML itself is parsed by Python's tomllib (see InlineScriptParser), so that every
// form TOML allows means what it means to uv and pipx.
struct InlineScriptBlock {
    QString toml;
    int firstLine = 0; // the script's line number of the block's first TOML line (1-based)
};

class InlineScriptMetadata {
public:
    // nullopt when the script has no `script` block. ExitCode::InvalidExecution naming the
    // script's line for a block that is opened and never closed, or a second `script` block.
    static Result<std::optional<InlineScriptBlock>> find(const QByteArray &script, const QString &path);

    struct Metadata {
        QStringList dependencies;
        QString requiresPython; // empty when not given
    };
    // The JSON that the TOML parser printed for the block (see InlineScriptParser), checked:
    // `dependencies` an array of strings, `requires-python` a string.
    static Result<Metadata> fromParsedJson(const QByteArray &json, const InlineScriptBlock &block, const QString &path);
    // tomllib's "… (at line 3, column 7)" refers to the block: the script's line is said instead.
    static QString scriptLineError(const QString &tomlError, const InlineScriptBlock &block, const QString &path);
};

} // namespace oa
