#include "InlineScriptMetadata.h"

#include "TomlOutline.h"
#include "TomlReader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace oa {

namespace {

Error invalid(const QString &path, int line, const QString &what)
{
    return fail(ErrorKind::InvalidTask, QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(what));
}

} // namespace

Result<std::optional<InlineScriptBlock>> InlineScriptMetadata::find(const QByteArray &script, const QString &path)
{
    // The reference implementation: (?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$
    // read line by line, so that an unclosed block can be named by its line.
    const QStringList lines = QString::fromUtf8(script).split(u'\n');
    static const QRegularExpression opening(QRegularExpression::anchoredPattern(QStringLiteral("# /// ([a-zA-Z0-9-]+)")));
    std::optional<InlineScriptBlock> found;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(u'\r'))
            line.chop(1);
        const auto open = opening.match(line);
        if (!open.hasMatch())
            continue;
        const int openedAt = int(i) + 1;
        QStringList content;
        qsizetype j = i + 1;
        bool closed = false;
        for (; j < lines.size(); ++j) {
            QString inner = lines.at(j);
            if (inner.endsWith(u'\r'))
                inner.chop(1);
            if (inner == QLatin1String("# ///")) {
                closed = true;
                break;
            }
            if (inner == QLatin1String("#"))
                content.append(QString());
            else if (inner.startsWith(QLatin1String("# ")))
                content.append(inner.mid(2));
            else
                break; // not a comment line: the block ended without its closing line
        }
        if (open.captured(1) != QLatin1String("script")) {
            i = closed ? j : i; // other block types are not ours; skip a closed one whole
            continue;
        }
        if (!closed)
            return invalid(path, openedAt, QStringLiteral("the inline script metadata block opened here (\"# /// script\") has no closing \"# ///\" line"));
        if (found)
            return invalid(path, openedAt, QStringLiteral("a second \"# /// script\" block; a script may have only one"));
        found = InlineScriptBlock{content.join(u'\n') + u'\n', openedAt + 1};
        i = j;
    }
    return found;
}

QString InlineScriptMetadata::scriptLineError(const QString &tomlError, const InlineScriptBlock &block, const QString &path)
{
    static const QRegularExpression at(QStringLiteral("\\(at line (\\d+), column (\\d+)\\)"));
    const auto match = at.match(tomlError);
    if (!match.hasMatch()) {
        if (tomlError.endsWith(QLatin1String("(at end of document)")))
            return QStringLiteral("%1:%2: the inline script metadata is not valid TOML: %3").arg(path).arg(block.firstLine).arg(tomlError);
        // Not tomllib's (it always says where): TomlReader refused a document tomllib read, and
        // named the key path; the line is found here, else the block's opening line is named.
        const Outline outline = outlineOf(block.toml);
        if (outline.problemLine > 0)
            return QStringLiteral("%1:%2: inline script metadata: %3").arg(path).arg(block.firstLine + outline.problemLine - 1).arg(outline.problem);
        return QStringLiteral("%1:%2: inline script metadata: %3").arg(path).arg(block.firstLine - 1).arg(tomlError);
    }
    const int line = block.firstLine + match.captured(1).toInt() - 1;
    QString what = tomlError;
    what.remove(at);
    return QStringLiteral("%1:%2: the inline script metadata is not valid TOML: %3 (column %4 of the TOML, after \"# \")")
        .arg(path).arg(line).arg(what.trimmed(), match.captured(2));
}

Result<InlineScriptMetadata::Metadata> InlineScriptMetadata::fromParsedJson(const QByteArray &json, const InlineScriptBlock &block, const QString &path)
{
    const int opening = block.firstLine - 1; // "# /// script"
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return invalid(path, opening, QStringLiteral("inline script metadata: the TOML reader's answer is not a JSON object (%1)")
                                          .arg(error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("another JSON value")));
    const QJsonObject root = document.object();
    // Whole or not at all: a field PEP 723 does not define would be one the run ignores.
    static const QStringList known = {QStringLiteral("dependencies"), QStringLiteral("requires-python"), QStringLiteral("tool")};
    const Outline outline = outlineOf(block.toml);
    const auto lineOf = [&](const QString &key) {
        const auto found = outline.topLevelKeys.constFind(key);
        return found == outline.topLevelKeys.constEnd() ? opening : block.firstLine + *found - 1;
    };
    std::optional<QString> unknown; // the first in the block, as far as its line is found
    int unknownLine = 0;
    for (auto it = root.constBegin(); it != root.constEnd(); ++it) {
        if (known.contains(it.key()))
            continue;
        const int line = lineOf(it.key());
        if (!unknown || line < unknownLine) {
            unknown = it.key();
            unknownLine = line;
        }
    }
    if (unknown)
        return invalid(path, unknownLine, QStringLiteral("inline script metadata: \"%1\" is not a field of PEP 723 (dependencies, requires-python, "
                                                         "[tool]); the executor does not run a script whose metadata it cannot honour whole")
                                              .arg(*unknown));
    if (root.contains(QStringLiteral("tool")) && !root.value(QStringLiteral("tool")).isObject())
        return invalid(path, lineOf(QStringLiteral("tool")), QStringLiteral("inline script metadata: \"tool\" must be a table ([tool])"));
    Metadata metadata;
    const QJsonValue dependencies = root.value(QStringLiteral("dependencies"));
    if (!dependencies.isUndefined()) {
        if (!dependencies.isArray())
            return invalid(path, block.firstLine, QStringLiteral("inline script metadata: \"dependencies\" must be an array of strings"));
        for (const QJsonValue &d : dependencies.toArray()) {
            if (!d.isString())
                return invalid(path, block.firstLine, QStringLiteral("inline script metadata: \"dependencies\" must hold only strings"));
            metadata.dependencies.append(d.toString());
        }
    }
    const QJsonValue python = root.value(QStringLiteral("requires-python"));
    if (!python.isUndefined()) {
        if (!python.isString())
            return invalid(path, block.firstLine, QStringLiteral("inline script metadata: \"requires-python\" must be a string"));
        metadata.requiresPython = python.toString();
    }
    return metadata;
}

} // namespace oa
