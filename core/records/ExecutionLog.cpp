#include "ExecutionLog.h"

#include "base/PrintableText.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace oa {

ExecutionLog::ExecutionLog(QString executionId) : m_executionId(std::move(executionId)) {}

Status ExecutionLog::openFile(const AgentFolder &folder, const QString &path, QString *replaced)
{
    auto fd = folder.openForWriting(path, AgentFolder::WriteMode::Append, replaced);
    if (!fd)
        return fd.error();
    const int handle = fd->get();
    if (!m_file.open(handle, QIODevice::WriteOnly | QIODevice::Append, QFileDevice::AutoCloseHandle))
        return fail(ErrorKind::System, QStringLiteral("cannot write %1: %2").arg(path, m_file.errorString()));
    fd.value().release(); // m_file closes it now
    for (const QByteArray &line : std::as_const(m_pending))
        m_file.write(line);
    m_pending.clear();
    m_file.flush();
    return ok();
}

void ExecutionLog::closeFile()
{
    m_file.close();
}

namespace {

QtMessageHandler g_consoleHandler = nullptr;

void escapedToConsole(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_consoleHandler(type, context, printableText(message));
}

} // namespace

void ExecutionLog::escapeConsole()
{
    if (g_consoleHandler)
        return;
    // Qt 6 returns its default handler (which applies the message pattern) when none was set.
    g_consoleHandler = qInstallMessageHandler(escapedToConsole);
}

QString ExecutionLog::render(const QString &messageTemplate, const QVariantMap &properties)
{
    static const QRegularExpression placeholder(QStringLiteral("\\{([A-Za-z0-9_]+)\\}"));
    QString out;
    qsizetype last = 0;
    auto it = placeholder.globalMatch(messageTemplate);
    while (it.hasNext()) {
        const auto match = it.next();
        out += QStringView(messageTemplate).mid(last, match.capturedStart() - last);
        const QString name = match.captured(1);
        out += properties.contains(name) ? properties.value(name).toString() : match.captured(0);
        last = match.capturedEnd();
    }
    out += QStringView(messageTemplate).mid(last);
    return out;
}

QByteArray ExecutionLog::toClef(const QDateTime &time, Level level, const QString &category,
                                const QString &messageTemplate, const QVariantMap &properties)
{
    QJsonObject event = QJsonObject::fromVariantMap(properties);
    event.insert(QStringLiteral("@t"), time.toUTC().toString(Qt::ISODateWithMs));
    event.insert(QStringLiteral("@mt"), messageTemplate);
    // CLEF omits @l for Information, the default level.
    switch (level) {
    case Level::Debug: event.insert(QStringLiteral("@l"), QStringLiteral("Debug")); break;
    case Level::Information: break;
    case Level::Warning: event.insert(QStringLiteral("@l"), QStringLiteral("Warning")); break;
    case Level::Error: event.insert(QStringLiteral("@l"), QStringLiteral("Error")); break;
    }
    event.insert(QStringLiteral("SourceContext"), category);
    return QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n';
}

void ExecutionLog::write(Level level, Category category, const QString &messageTemplate,
                         const QVariantMap &properties)
{
    const QString text = render(messageTemplate, properties);
    switch (level) {
    case Level::Debug: qCDebug(category).noquote() << text; break;
    case Level::Information: qCInfo(category).noquote() << text; break;
    case Level::Warning: qCWarning(category).noquote() << text; break;
    case Level::Error: qCCritical(category).noquote() << text; break;
    }
    if (level == Level::Debug && !category().isDebugEnabled())
        return;

    QVariantMap withId = properties;
    withId.insert(QStringLiteral("ExecutionId"), m_executionId);
    const QByteArray line = toClef(QDateTime::currentDateTimeUtc(), level, QString::fromLatin1(category().categoryName()),
                                   messageTemplate, withId);
    if (m_file.isOpen()) {
        m_file.write(line);
        m_file.flush(); // the monitor tails this file live
    } else {
        m_pending.append(line);
    }
}

} // namespace oa
