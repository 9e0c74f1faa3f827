#include "CommandOutput.h"

#include "base/PrintableText.h"

#include <QJsonDocument>

namespace CommandOutput {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QString iso(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

QString age(qint64 seconds)
{
    if (seconds < 0)
        return QStringLiteral("?");
    if (seconds < 120)
        return QStringLiteral("%1s").arg(seconds);
    if (seconds < 7200)
        return QStringLiteral("%1m").arg(seconds / 60);
    if (seconds < 172800)
        return QStringLiteral("%1h").arg(seconds / 3600);
    return QStringLiteral("%1d").arg(seconds / 86400);
}

void printJson(const QJsonObject &object)
{
    out() << QJsonDocument(object).toJson(QJsonDocument::Indented);
    out().flush();
}

QString shown(const QString &text)
{
    return oa::printableText(text);
}

void printTable(const QList<QStringList> &input)
{
    if (input.isEmpty())
        return;
    // Escaped before the widths are measured: the columns line up as printed.
    QList<QStringList> rows;
    rows.reserve(input.size());
    for (const QStringList &row : input) {
        QStringList cells;
        cells.reserve(row.size());
        for (const QString &cell : row)
            cells.append(oa::printableText(cell));
        rows.append(cells);
    }
    QList<qsizetype> widths(rows.first().size(), 0);
    for (const QStringList &row : rows)
        for (qsizetype i = 0; i < row.size(); ++i)
            widths[i] = qMax(widths[i], row.at(i).size());
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row.at(i).leftJustified(widths[i] + 2) : row.at(i);
        out() << line.trimmed() << '\n';
    }
    out().flush();
}

} // namespace CommandOutput
