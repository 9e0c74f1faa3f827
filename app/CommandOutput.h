#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QTextStream>

// How the executor's administrative commands (--list, --locks, --env-cache, --which-runs, …)
// print: tables for people, indented JSON for programs, notes on stderr. Text a task or its
// folder can influence reaches a person only through printTable() or shown(), which escape
// control characters (oa::printableText): one row is one line, and no byte drives the terminal.
namespace CommandOutput {

QTextStream &out();
QTextStream &err();
QString iso(const QDateTime &t); // UTC, ISO 8601; empty when invalid
QString age(qint64 seconds);     // "42s", "3m", "5h", "2d"
// For people: the locale's date and time, four-digit year, with the zone ("6 Dec 2026 21:04:32
// CET", oa::LocalTime); "-" when invalid. JSON keeps iso().
QString localTime(const QDateTime &t);
// "1 task", "17 tasks": a count with its noun in the right number, never "task(s)".
QString count(qsizetype n, const char *singular, const char *plural);
void printJson(const QJsonObject &object); // JSON escapes control characters itself
void printJson(const QByteArray &json);     // a document already written (IndentedJsonWriter)
// Rows as left-aligned columns; the header is the first row. Every cell is escaped, once.
// `asWritten`: columns whose text was escaped where it was made (result.json's ErrorSummary),
// shown as it is (oa::printableAsWritten) rather than escaped twice.
void printTable(const QList<QStringList> &rows, const QList<qsizetype> &asWritten = {});
// Task-influenced text for a line of its own (a host name, a problem, a path): escaped.
QString shown(const QString &text);

// Writes what QJsonDocument::toJson(Indented) writes, byte for byte, without building the
// document first: --list --json over 10,000 tasks spent a third of its time building
// QJsonObjects and converting them. Members are written in the order given, so callers give
// them sorted by key, as QJsonObject keeps them. A string of printable ASCII or of characters
// outside it that are no surrogates is written here; any other (a control character, a quote,
// a backslash, a surrogate) is escaped by Qt's own writer, so the escaping is Qt's.
class IndentedJsonWriter {
public:
    void openObject(QLatin1String key = {}); // a key inside an object; none in an array or at the top
    void closeObject();
    void openArray(QLatin1String key);
    void closeArray();
    void string(QLatin1String key, const QString &value);
    void number(QLatin1String key, qint64 value);
    void null(QLatin1String key);
    // The document, ended by a newline as toJson() ends it; writing starts over.
    QByteArray take();

private:
    void member(QLatin1String key);
    void open(QLatin1String key, char bracket);
    void close(char bracket);
    QByteArray m_text;
    QList<bool> m_empty; // per open container: nothing written in it yet
};

} // namespace CommandOutput
