#include "CommandOutput.h"

#include "base/LocalTime.h"
#include "base/PrintableText.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <utility>

#include <cstdio>

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

QString localTime(const QDateTime &t)
{
    return t.isValid() ? oa::LocalTime::dateTime(t, true) : QStringLiteral("-");
}

QString count(qsizetype n, const char *singular, const char *plural)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? singular : plural));
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
    // The document is UTF-8 already: written as bytes, not decoded into the text stream and
    // encoded again (--list --json over 10,000 tasks is megabytes).
    printJson(QJsonDocument(object).toJson(QJsonDocument::Indented));
}

QString shown(const QString &text)
{
    return oa::printableText(text);
}

void printTable(const QList<QStringList> &input, const QList<qsizetype> &asWritten)
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
            cells.append(asWritten.contains(cells.size()) ? oa::printableAsWritten(cell) : oa::printableText(cell));
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

void IndentedJsonWriter::member(QLatin1String key)
{
    if (!m_empty.isEmpty()) {
        m_text += m_empty.last() ? "\n" : ",\n";
        m_empty.last() = false;
    }
    m_text.append(4 * m_empty.size(), ' ');
    if (!key.isEmpty()) {
        m_text += '"';
        m_text += QByteArrayView(key.data(), key.size());
        m_text += "\": ";
    }
}

void IndentedJsonWriter::open(QLatin1String key, char bracket)
{
    member(key);
    m_text += bracket;
    m_empty.append(true);
}

void IndentedJsonWriter::close(char bracket)
{
    m_empty.removeLast();
    m_text += '\n';
    m_text.append(4 * m_empty.size(), ' ');
    m_text += bracket;
}

void IndentedJsonWriter::openObject(QLatin1String key) { open(key, '{'); }
void IndentedJsonWriter::closeObject() { close('}'); }
void IndentedJsonWriter::openArray(QLatin1String key) { open(key, '['); }
void IndentedJsonWriter::closeArray() { close(']'); }

void IndentedJsonWriter::string(QLatin1String key, const QString &value)
{
    member(key);
    const bool plain = std::all_of(value.cbegin(), value.cend(), [](QChar c) {
        return c.unicode() >= 0x20 && c != u'"' && c != u'\\' && !c.isSurrogate();
    });
    if (plain) {
        m_text += '"';
        m_text += value.toUtf8();
        m_text += '"';
        return;
    }
    // Qt's escaping: the value alone in a compact array, brackets cut off.
    const QByteArray escaped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    m_text += QByteArrayView(escaped).sliced(1, escaped.size() - 2);
}

void IndentedJsonWriter::number(QLatin1String key, qint64 value)
{
    member(key);
    m_text += QByteArray::number(value);
}

void IndentedJsonWriter::null(QLatin1String key)
{
    member(key);
    m_text += "null";
}

QByteArray IndentedJsonWriter::take()
{
    m_text += '\n';
    m_empty.clear();
    return std::exchange(m_text, QByteArray());
}

void printJson(const QByteArray &json)
{
    out().flush();
    std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
    std::fflush(stdout);
}

} // namespace CommandOutput
