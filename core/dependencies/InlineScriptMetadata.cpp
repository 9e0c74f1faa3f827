#include "InlineScriptMetadata.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace oa {

namespace {

Failure invalid(const QString &path, int line, const QString &what)
{
    return fail(ExitCode::InvalidExecution, QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(what));
}

} // namespace

Result<std::optional<InlineScriptBlock>> InlineScriptMetadata::find(const QByteArray &script, const QString &path)
{
    // The reference implementation: (?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$
    // read line by line, so that an unclosed block can be named by its line.
    const QStringList lines = QString::fromUtf8(script).split(u'\n');
    static const QRegularExpression opening(QStringLiteral("^# /// ([a-zA-Z0-9-]+)$"));
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
    if (!match.hasMatch())
        return QStringLiteral("%1:%2: the inline script metadata is not valid TOML: %3").arg(path).arg(block.firstLine).arg(tomlError);
    const int line = block.firstLine + match.captured(1).toInt() - 1;
    QString what = tomlError;
    what.remove(at);
    return QStringLiteral("%1:%2: the inline script metadata is not valid TOML: %3 (column %4 of the TOML, after \"# \")")
        .arg(path).arg(line).arg(what.trimmed(), match.captured(2));
}

Result<InlineScriptMetadata::Metadata> InlineScriptMetadata::fromParsedJson(const QByteArray &json, const InlineScriptBlock &block, const QString &path)
{
    const QJsonObject root = QJsonDocument::fromJson(json).object();
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
