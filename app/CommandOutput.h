#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QTextStream>

// How the executor's administrative commands (--list, --locks, --env-cache, --which-runs, …)
// print: tables for people, indented JSON for programs, notes on stderr.
namespace CommandOutput {

QTextStream &out();
QTextStream &err();
QString iso(const QDateTime &t); // UTC, ISO 8601; empty when invalid
QString age(qint64 seconds);     // "42s", "3m", "5h", "2d"
void printJson(const QJsonObject &object);
// Rows as left-aligned columns; the header is the first row.
void printTable(const QList<QStringList> &rows);

} // namespace CommandOutput
