#include "RequirementsText.h"

#include <QRegularExpression>
#include <QStringDecoder>
#include <QStringList>

namespace oa {

namespace {

// pip: a comment starts at "#" at the beginning of a line or after whitespace.
QString withoutComment(const QString &line)
{
    static const QRegularExpression comment(QStringLiteral("(^|\\s+)#.*$"));
    return QString(line).remove(comment);
}

const QByteArray kUtf8Bom("\xEF\xBB\xBF");

QByteArray withoutBom(const QByteArray &content)
{
    return content.startsWith(kUtf8Bom) ? content.mid(kUtf8Bom.size()) : content;
}

} // namespace

std::optional<RequirementsText::EncodingProblem> RequirementsText::encodingProblem(const QByteArray &content)
{
    // pip's BOMS table, longest first: a UTF-32 LE mark begins with the UTF-16 LE one.
    static const QList<std::pair<QByteArray, QString>> boms = {
        {QByteArray("\xFF\xFE\x00\x00", 4), QStringLiteral("UTF-32")}, {QByteArray("\x00\x00\xFE\xFF", 4), QStringLiteral("UTF-32")},
        {QByteArray("\xFF\xFE"), QStringLiteral("UTF-16")}, {QByteArray("\xFE\xFF"), QStringLiteral("UTF-16")}};
    for (const auto &[bom, encoding] : boms)
        if (content.startsWith(bom))
            return EncodingProblem{1, QStringLiteral("the file starts with a %1 byte order mark, so pip would read it as %1; "
                                                     "write it in UTF-8").arg(encoding)};
    const QList<QByteArray> lines = withoutBom(content).split('\n');
    // pip's coding regex, on the raw first two lines: b"^#.*coding[:=]\s*([-\w.]+)".
    static const QRegularExpression coding(QStringLiteral("^#.*coding[:=]\\s*([-\\w.]+)"));
    for (qsizetype i = 0; i < qMin<qsizetype>(2, lines.size()); ++i) {
        const QString declared = coding.match(QString::fromLatin1(lines.at(i))).captured(1);
        const QString normalized = declared.toLower().replace(u'_', u'-');
        if (!declared.isEmpty() && normalized != QLatin1String("utf-8") && normalized != QLatin1String("utf8"))
            return EncodingProblem{int(i + 1), QStringLiteral("the file declares the encoding %1, which pip would decode it with; "
                                                              "write it in UTF-8 without the declaration").arg(declared)};
    }
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = decoder.decode(lines.at(i));
        if (decoder.hasError())
            return EncodingProblem{int(i + 1), QStringLiteral("the line is not valid UTF-8, so pip would read it in its locale's encoding, "
                                                              "which may differ; write the file in UTF-8")};
    }
    return std::nullopt;
}

namespace {
// The index of the first word (split at " ", as pip splits) that starts with "-"; the length of
// `text` when there is none.
qsizetype optionsStart(const QString &text)
{
    qsizetype at = 0;
    for (const QString &word : text.split(u' ')) {
        if (word.startsWith(u'-'))
            return at;
        at += word.size() + 1;
    }
    return text.size();
}
} // namespace

bool RequirementsText::Line::hasHash() const
{
    static const QRegularExpression hash(QStringLiteral("(^|\\s)--hash(=|\\s)"));
    return !isOption() && hash.match(options()).hasMatch();
}

QString RequirementsText::Line::requirement() const
{
    return text.left(optionsStart(text)).trimmed();
}

QString RequirementsText::Line::options() const
{
    return text.mid(optionsStart(text));
}

QList<RequirementsText::Line> RequirementsText::parse(const QByteArray &content)
{
    // Exactly pip's req_file.preprocess, so that what is checked is what pip reads: lines split
    // as Python's str.splitlines() splits them (not only at "\n": a "\r" or a U+2028 would
    // otherwise hide a line from the check), then join_lines, then ignore_comments.
    static const QRegularExpression breaks(QStringLiteral("\\r\\n|[\\n\\r\\x{0b}\\x{0c}\\x{1c}\\x{1d}\\x{1e}\\x{85}\\x{2028}\\x{2029}]"));
    static const QRegularExpression comment(QStringLiteral("(^|\\s+)#.*$")); // pip's COMMENT_RE
    const QStringList physical = QString::fromUtf8(withoutBom(content)).split(breaks);
    QList<Line> lines;
    const auto emitLine = [&lines](int number, const QString &text) {
        const QString kept = withoutComment(text).trimmed();
        if (!kept.isEmpty())
            lines.append(Line{number, kept});
    };
    QStringList pending; // a line continued with "\"
    int primary = 0;
    for (qsizetype i = 0; i < physical.size(); ++i) {
        QString line = physical.at(i);
        // pip's COMMENT_RE.match: a line that is a comment from its start never continues, and
        // it ends a continuation (a "# \" line cannot swallow the line after it).
        const bool isComment = comment.match(line, 0, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption).hasMatch();
        if (!line.endsWith(u'\\') || isComment) {
            if (isComment)
                line.prepend(u' ');
            if (!pending.isEmpty()) {
                pending.append(line);
                emitLine(primary, pending.join(QString()));
                pending.clear();
            } else {
                emitLine(int(i + 1), line);
            }
        } else {
            if (pending.isEmpty())
                primary = int(i + 1);
            while (line.startsWith(u'\\')) // Python's line.strip("\\")
                line.remove(0, 1);
            while (line.endsWith(u'\\'))
                line.chop(1);
            pending.append(line);
        }
    }
    if (!pending.isEmpty()) // a continuation at the end of the file
        emitLine(primary, pending.join(QString()));
    return lines;
}

} // namespace oa
