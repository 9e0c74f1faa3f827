#include "DisplayUnits.h"

#include "base/LocalTime.h"

#include <QLocale>

namespace oa::DisplayUnits {

QString duration(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 10000)
        return QStringLiteral("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 2));
    const qint64 s = ms / 1000;
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString mebibytes(qint64 bytes)
{
    if (bytes < 0)
        return {};
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(QLocale().toString((bytes + 1023) / 1024));
    return QStringLiteral("%1 MiB").arg(QLocale().toString(double(bytes) / (1024.0 * 1024.0), 'f', 1));
}

QString cpuSeconds(double seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(QLocale().toString(seconds, 'f', seconds < 10 ? 2 : 1));
    return duration(qint64(seconds * 1000));
}

QString localTime(const QDateTime &when)
{
    return LocalTime::dateTime(when, true);
}

} // namespace oa::DisplayUnits
