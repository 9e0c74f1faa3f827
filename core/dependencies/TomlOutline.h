#pragma once

#include <QHash>
#include <QString>

namespace oa {

// Where things are in a block's TOML, for messages only. tomllib (TomlReader) decides what the
// document is and what is refused; it says where by key path, never by line. This lexical pass
// (strings, comments, brackets, keys) finds the line of the first thing TomlReader would refuse
// and of each top-level key. It never decides on its own that a block is usable.
struct Outline {
    int problemLine = 0; // 1-based line of the TOML, 0 when none was found
    QString problem;
    QHash<QString, int> topLevelKeys; // as written, quotes removed -> the line first naming it
};

// The outline of `toml` (an inline script metadata block's TOML, as InlineScriptMetadata holds it).
Outline outlineOf(const QString &toml);

} // namespace oa
