#pragma once

#include "base/Error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// Inline script metadata (PEP 723): a `# /// script` … `# ///` comment block in the script,
// whose lines, without their leading "# " (or "#"), are TOML with `dependencies` and
// `requires-python`. Found here exactly as the specification's reference regular expression
// does; the TOML itself is parsed by Python's tomllib (see TomlReader), so that every form TOML
// allows means what it means to uv and pipx. A block is used whole or not at all: a field PEP 723
// does not define, a number JSON cannot carry or nesting past TomlReader::kMaxDepth is
// ErrorKind::InvalidTask naming the script's line, never a block dropped unnoticed.
struct InlineScriptBlock {
    QString toml;
    int firstLine = 0; // the script's line number of the block's first TOML line (1-based)
};

class InlineScriptMetadata {
public:
    // nullopt when the script has no `script` block. ErrorKind::InvalidTask naming the
    // script's line for a block that is opened and never closed, or a second `script` block.
    static Result<std::optional<InlineScriptBlock>> find(const QByteArray &script, const QString &path);

    struct Metadata {
        QStringList dependencies;
        QString requiresPython; // empty when not given
    };
    // The JSON that the TOML parser printed for the block (TomlReader::parse), checked: JSON
    // that does not parse, a top-level key other than `dependencies`, `requires-python` and
    // `tool` (which must be a table), `dependencies` not an array of strings or `requires-python`
    // not a string is ErrorKind::InvalidTask naming the script's line.
    static Result<Metadata> fromParsedJson(const QByteArray &json, const InlineScriptBlock &block, const QString &path);
    // tomllib's "… (at line 3, column 7)" refers to the block: the script's line is said instead.
    // A refusal of TomlReader's own (a number that is not finite, nesting past its bound) names no
    // line: the line of the offending value is found in the block, else its opening line is named.
    static QString scriptLineError(const QString &tomlError, const InlineScriptBlock &block, const QString &path);
};

} // namespace oa
