#pragma once

#include <QByteArray>
#include <QStringList>

namespace oa {

// The packages a dependency file names, read cheaply for display (the monitor's Requirements
// column): no interpreter, no pip, no network. What the executor installs is decided by
// DependencyResolver and pip; these lists only say what the task asks for.
namespace PackageLists {

// requirements.txt: one entry per requirement, continuation lines joined, comments, options
// (-r, --index-url, …) and --hash= parts left out: "requests==2.28.1".
QStringList fromRequirementsTxt(const QByteArray &text);
// A Pipfile.lock's `default` packages as "name==1.2.3"; empty when it does not parse.
QStringList fromPipfileLock(const QByteArray &json, bool *ok = nullptr);
// The string items of the `dependencies = [ … ]` array in an inline script block's TOML. A
// cheap scan, not a TOML parser (the executor has Python's tomllib read the block): it reads
// basic and literal strings, comments and line breaks inside the array, which is what such
// blocks hold. `ok` is false when no array could be read.
QStringList fromScriptBlock(const QString &toml, bool *ok = nullptr);

} // namespace PackageLists
} // namespace oa
