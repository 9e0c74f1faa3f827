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
void printJson(const QJsonObject &object); // JSON escapes control characters itself
// Rows as left-aligned columns; the header is the first row. Every cell is escaped.
void printTable(const QList<QStringList> &rows);
// Task-influenced text for a line of its own (a host name, a problem, a path): escaped.
QString shown(const QString &text);

} // namespace CommandOutput
