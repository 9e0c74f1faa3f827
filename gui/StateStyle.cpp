#include "StateStyle.h"

#include <QCoreApplication>
#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace StateStyle {

// Spelled out as QCoreApplication::translate("StateStyle", ...) so that lupdate finds each one.
QString label(oa::TaskState state)
{
    switch (state) {
    case oa::TaskState::Pending: return QCoreApplication::translate("StateStyle", "Pending");
    case oa::TaskState::Running: return QCoreApplication::translate("StateStyle", "Running");
    case oa::TaskState::Orphaned: return QCoreApplication::translate("StateStyle", "Orphaned");
    case oa::TaskState::RunningElsewhere: return QCoreApplication::translate("StateStyle", "Running elsewhere");
    case oa::TaskState::Succeeded: return QCoreApplication::translate("StateStyle", "Succeeded");
    case oa::TaskState::Failed: return QCoreApplication::translate("StateStyle", "Failed");
    case oa::TaskState::TimedOut: return QCoreApplication::translate("StateStyle", "Timed out");
    case oa::TaskState::Cancelled: return QCoreApplication::translate("StateStyle", "Cancelled");
    case oa::TaskState::Invalid: return QCoreApplication::translate("StateStyle", "Invalid");
    case oa::TaskState::Interrupted: return QCoreApplication::translate("StateStyle", "Interrupted");
    }
    return QCoreApplication::translate("StateStyle", "Invalid");
}

QIcon icon(oa::TaskState state)
{
    switch (state) {
    case oa::TaskState::Pending: return QIcon(QStringLiteral(":/icons/state-pending.png"));
    case oa::TaskState::Running: return QIcon(QStringLiteral(":/icons/state-running.png"));
    case oa::TaskState::Orphaned: return QIcon(QStringLiteral(":/icons/state-orphaned.png"));
    case oa::TaskState::RunningElsewhere: return QIcon(QStringLiteral(":/icons/state-elsewhere.png"));
    case oa::TaskState::Succeeded: return QIcon(QStringLiteral(":/icons/state-succeeded.png"));
    case oa::TaskState::Failed: return QIcon(QStringLiteral(":/icons/state-failed.png"));
    case oa::TaskState::TimedOut: return QIcon(QStringLiteral(":/icons/state-timedout.png"));
    case oa::TaskState::Cancelled: return QIcon(QStringLiteral(":/icons/state-cancelled.png"));
    case oa::TaskState::Invalid: return QIcon(QStringLiteral(":/icons/state-invalid.png"));
    case oa::TaskState::Interrupted: return QIcon(QStringLiteral(":/icons/state-interrupted.png"));
    }
    return {};
}

QIcon earlierRunsIcon()
{
    static const QIcon icon = [] {
        QPixmap pixmap(16, 16);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(QColor(0x55, 0x60, 0x70), 1.2));
        painter.setBrush(QColor(0xe8, 0xec, 0xf2));
        painter.drawRoundedRect(QRectF(5.5, 1.5, 9, 10), 1.5, 1.5); // the earlier run, behind
        painter.drawRoundedRect(QRectF(1.5, 4.5, 9, 10), 1.5, 1.5); // the last one
        painter.drawLine(QPointF(3.5, 8.5), QPointF(8.5, 8.5));
        painter.drawLine(QPointF(3.5, 11.5), QPointF(8.5, 11.5));
        return QIcon(pixmap);
    }();
    return icon;
}

QColor color(oa::TaskState state)
{
    switch (state) {
    case oa::TaskState::Failed:
    case oa::TaskState::Invalid: return QColor(0xb0, 0x20, 0x20);
    case oa::TaskState::Orphaned:
    case oa::TaskState::TimedOut: return QColor(0xa0, 0x60, 0x00);
    case oa::TaskState::Running: return QColor(0x15, 0x60, 0xb0);
    case oa::TaskState::Succeeded: return QColor(0x20, 0x80, 0x3a);
    case oa::TaskState::Interrupted: return QColor(0x9a, 0x2a, 0x80); // a crash: neither a failure's red nor pending's grey
    case oa::TaskState::Pending:
    case oa::TaskState::RunningElsewhere:
    case oa::TaskState::Cancelled: break;
    }
    return {};
}

bool needsAttention(oa::TaskState state)
{
    return severity(state) <= severity(oa::TaskState::Invalid);
}

int severity(oa::TaskState state)
{
    switch (state) {
    case oa::TaskState::Failed: return 0;
    case oa::TaskState::TimedOut: return 1;
    case oa::TaskState::Interrupted: return 2;
    case oa::TaskState::Orphaned: return 3;
    case oa::TaskState::Invalid: return 4;
    // Then what may still need a look (a run in progress), then what is at rest.
    case oa::TaskState::Running: return 5;
    case oa::TaskState::RunningElsewhere: return 6;
    case oa::TaskState::Pending: return 7;
    case oa::TaskState::Cancelled: return 8;
    case oa::TaskState::Succeeded: return 9;
    }
    return 4;
}

QString verdictLabel(oa::LockVerdict verdict)
{
    switch (verdict) {
    case oa::LockVerdict::Live: return QCoreApplication::translate("StateStyle", "Live");
    case oa::LockVerdict::Orphaned: return QCoreApplication::translate("StateStyle", "Orphaned");
    case oa::LockVerdict::Foreign: return QCoreApplication::translate("StateStyle", "Other host");
    case oa::LockVerdict::Unreadable: return QCoreApplication::translate("StateStyle", "Unreadable");
    }
    return QCoreApplication::translate("StateStyle", "Unreadable");
}

QIcon verdictIcon(oa::LockVerdict verdict)
{
    switch (verdict) {
    case oa::LockVerdict::Live: return icon(oa::TaskState::Running);
    case oa::LockVerdict::Orphaned: return icon(oa::TaskState::Orphaned);
    case oa::LockVerdict::Foreign: return icon(oa::TaskState::RunningElsewhere);
    case oa::LockVerdict::Unreadable: return icon(oa::TaskState::Invalid);
    }
    return {};
}

QString age(qint64 seconds)
{
    if (seconds < 0)
        return QStringLiteral("?");
    if (seconds < 120)
        return QCoreApplication::translate("StateStyle", "%1 s").arg(seconds);
    if (seconds < 7200)
        return QCoreApplication::translate("StateStyle", "%1 min").arg(seconds / 60);
    if (seconds < 172800)
        return QCoreApplication::translate("StateStyle", "%1 h").arg(seconds / 3600);
    return QCoreApplication::translate("StateStyle", "%1 d").arg(seconds / 86400);
}

QString size(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes);
}

} // namespace StateStyle
