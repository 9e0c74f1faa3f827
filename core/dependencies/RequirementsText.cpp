#include "RequirementsText.h"

#include <QRegularExpression>
#include <QStringList>

namespace oa {

namespace {

// pip: a comment starts at "#" at the beginning of a line or after whitespace.
QString withoutComment(const QString &line)
{
    static const QRegularExpression comment(QStringLiteral("(^|\\s+)#.*$"));
    return QString(line).remove(comment);
}

} // namespace

bool RequirementsText::Line::hasHash() const
{
    static const QRegularExpression hash(QStringLiteral("(^|\\s)--hash(=|\\s)"));
    return !isOption() && hash.match(text).hasMatch();
}

QString RequirementsText::Line::requirement() const
{
    static const QRegularExpression option(QStringLiteral("\\s+--?[A-Za-z].*$"));
    return QString(text).remove(option).trimmed();
}

QList<RequirementsText::Line> RequirementsText::parse(const QByteArray &content)
{
    QList<Line> lines;
    const QStringList physical = QString::fromUtf8(content).split(u'\n');
    Line current;
    bool continuing = false;
    for (qsizetype i = 0; i < physical.size(); ++i) {
        QString line = physical.at(i);
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (!continuing)
            current = Line{int(i + 1), QString()};
        // pip joins continuation lines before it strips comments.
        continuing = line.endsWith(u'\\');
        if (continuing)
            line.chop(1);
        current.text += line;
        if (continuing && i + 1 < physical.size())
            continue;
        current.text = withoutComment(current.text).trimmed();
        if (!current.text.isEmpty())
            lines.append(current);
        continuing = false;
    }
    return lines;
}

} // namespace oa
