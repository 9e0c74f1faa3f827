#include "LocalTime.h"

#include <QLocale>
#include <QRegularExpression>

namespace oa::LocalTime {

namespace {

// A locale's format without its zone ("t"), which is written by zone() instead: Qt writes
// glibc's "+04" where a zone has no abbreviation.
QString withoutZone(QString format)
{
    static const QRegularExpression zoneToken(QStringLiteral("\\s*\\bt\\b"));
    return format.remove(zoneToken).trimmed();
}

QString fourDigitYear(QString format)
{
    static const QRegularExpression shortYear(QStringLiteral("(?<!y)yy(?!y)"));
    return format.replace(shortYear, QStringLiteral("yyyy"));
}

} // namespace

QString zone(const QDateTime &local)
{
    const QString abbreviation = local.timeZoneAbbreviation();
    if (!abbreviation.isEmpty() && abbreviation.at(0).isLetter())
        return abbreviation;
    const int offset = local.offsetFromUtc();
    const int minutes = qAbs(offset) / 60;
    return QStringLiteral("UTC%1%2:%3")
        .arg(offset < 0 ? u'-' : u'+')
        .arg(minutes / 60, 2, 10, QLatin1Char('0'))
        .arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QString dateTime(const QDateTime &when, bool withSeconds)
{
    if (!when.isValid())
        return {};
    const QLocale locale;
    const QDateTime local = when.toLocalTime();
    const QString date = locale.toString(local.date(), fourDigitYear(locale.dateFormat(QLocale::ShortFormat)));
    const QString time = locale.toString(local.time(), withoutZone(locale.timeFormat(withSeconds ? QLocale::LongFormat : QLocale::ShortFormat)));
    return date + u' ' + time + u' ' + zone(local);
}

QString timeOfDay(const QDateTime &when)
{
    if (!when.isValid())
        return {};
    const QLocale locale;
    const QDateTime local = when.toLocalTime();
    return locale.toString(local.time(), withoutZone(locale.timeFormat(QLocale::LongFormat))) + u' ' + zone(local);
}

QString logTime(const QDateTime &when)
{
    if (!when.isValid())
        return {};
    const QDateTime local = when.toLocalTime();
    return local.toString(QStringLiteral("HH:mm:ss.zzz")) + u' ' + zone(local);
}

QString longDateTime(const QDateTime &when)
{
    if (!when.isValid())
        return {};
    const QLocale locale;
    const QDateTime local = when.toLocalTime();
    return locale.toString(local, fourDigitYear(withoutZone(locale.dateTimeFormat(QLocale::LongFormat)))) + u' ' + zone(local);
}

QString isoWithOffset(const QDateTime &when)
{
    if (!when.isValid())
        return {};
    const QDateTime local = when.toLocalTime();
    return local.toOffsetFromUtc(local.offsetFromUtc()).toString(Qt::ISODateWithMs);
}

} // namespace oa::LocalTime
