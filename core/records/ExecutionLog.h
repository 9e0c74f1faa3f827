#pragma once

#include "fs/AgentFolder.h"
#include "base/Error.h"

#include <QFile>
#include <QList>
#include <QLoggingCategory>
#include <QString>
#include <QVariantMap>

namespace oa {

// The executor's structured log. Each event goes to two places:
//  - QLoggingCategory (one category per area), which the console prints as a human-readable line;
//  - Tasks/{id}/executor.log as one JSON line in Serilog's compact format (CLEF: @t, @l, @mt plus
//    properties), so that the service's Serilog and Seq tooling read it as it is.
// Events logged before the file may be written (while the lock is not yet held) are kept in
// memory and written when the file opens; if it never opens, they were on the console only.
class ExecutionLog {
public:
    enum class Level { Debug, Information, Warning, Error };
    // What Q_LOGGING_CATEGORY declares: a function returning the category.
    using Category = const QLoggingCategory &(*)();

    explicit ExecutionLog(QString executionId);

    // Opens (appends to) the log file through the gatekeeper and writes the buffered events.
    // Something planted at its name (a link, a FIFO) is replaced, and `replaced` says what it
    // was. The failure when it cannot.
    Status openFile(const AgentFolder &folder, const QString &path, QString *replaced = nullptr);
    void closeFile();

    // `messageTemplate` uses Serilog placeholders, e.g. "Created {VenvPath}"; `properties`
    // fills them and is stored as-is in the JSON line.
    void write(Level level, Category category, const QString &messageTemplate,
               const QVariantMap &properties = {});
    void info(Category c, const QString &t, const QVariantMap &p = {}) { write(Level::Information, c, t, p); }
    void warning(Category c, const QString &t, const QVariantMap &p = {}) { write(Level::Warning, c, t, p); }
    void error(Category c, const QString &t, const QVariantMap &p = {}) { write(Level::Error, c, t, p); }

    static QString render(const QString &messageTemplate, const QVariantMap &properties);
    // The console sink for people: from now on every Qt log message of the process (this log's
    // lines, and any other category's) reaches stderr with its control characters escaped
    // (printableText), so a ScriptPath or message a task wrote is one line and never drives the
    // terminal. The CLEF file is JSON, escaped by its own rules, and unchanged. Once per process.
    static void escapeConsole();
    static QByteArray toClef(const QDateTime &time, Level level, const QString &category,
                             const QString &messageTemplate, const QVariantMap &properties);

private:
    QString m_executionId;
    QFile m_file;
    QList<QByteArray> m_pending;
};

} // namespace oa
