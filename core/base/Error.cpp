#include "Error.h"

#include <QCoreApplication>

#include <cstring>

namespace oa {

QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::BadArgument: return QStringLiteral("BadArgument");
    case ErrorKind::Busy: return QStringLiteral("Busy");
    case ErrorKind::NotFound: return QStringLiteral("NotFound");
    case ErrorKind::InvalidTask: return QStringLiteral("InvalidTask");
    case ErrorKind::Environment: return QStringLiteral("Environment");
    case ErrorKind::Install: return QStringLiteral("Install");
    case ErrorKind::TimedOut: return QStringLiteral("TimedOut");
    case ErrorKind::Cancelled: return QStringLiteral("Cancelled");
    case ErrorKind::LimitExceeded: return QStringLiteral("LimitExceeded");
    case ErrorKind::System: return QStringLiteral("System");
    case ErrorKind::Internal: return QStringLiteral("Internal");
    }
    return QStringLiteral("Internal");
}

QString errorKindText(ErrorKind kind)
{
    // QT_TRANSLATE_NOOP marks the sentences for lupdate; translate() looks them up at run time.
    static const char *const context = "oa::Error";
    const char *text = nullptr;
    switch (kind) {
    case ErrorKind::BadArgument: text = QT_TRANSLATE_NOOP("oa::Error", "The request is not valid"); break;
    case ErrorKind::Busy: text = QT_TRANSLATE_NOOP("oa::Error", "Another process holds it"); break;
    case ErrorKind::NotFound: text = QT_TRANSLATE_NOOP("oa::Error", "Not found"); break;
    case ErrorKind::InvalidTask: text = QT_TRANSLATE_NOOP("oa::Error", "The task's files are not valid"); break;
    case ErrorKind::Environment: text = QT_TRANSLATE_NOOP("oa::Error", "The Python environment could not be made"); break;
    case ErrorKind::Install: text = QT_TRANSLATE_NOOP("oa::Error", "The packages could not be installed"); break;
    case ErrorKind::TimedOut: text = QT_TRANSLATE_NOOP("oa::Error", "Timed out"); break;
    case ErrorKind::Cancelled: text = QT_TRANSLATE_NOOP("oa::Error", "Cancelled"); break;
    case ErrorKind::LimitExceeded: text = QT_TRANSLATE_NOOP("oa::Error", "A resource limit was exceeded"); break;
    case ErrorKind::System: text = QT_TRANSLATE_NOOP("oa::Error", "A file operation failed"); break;
    case ErrorKind::Internal: text = QT_TRANSLATE_NOOP("oa::Error", "Internal error"); break;
    }
    return text ? QCoreApplication::translate(context, text) : QString();
}

QString Error::text() const
{
    const QString phrase = errorKindText(kind);
    return message.isEmpty() ? QString(phrase + u'.') : QString(phrase + QStringLiteral(": ") + message);
}

Error Error::within(const QString &context) const
{
    return Error{kind, QStringLiteral("%1: %2").arg(context, message), systemError};
}

Error systemFailure(const QString &message, int error)
{
    return Error{ErrorKind::System, QStringLiteral("%1: %2").arg(message, QString::fromLocal8Bit(std::strerror(error))), error};
}

} // namespace oa
