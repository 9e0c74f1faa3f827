#pragma once

#include <QDateTime>
#include <QString>

namespace oa {

// How a point in time is written for people, everywhere one reads it (the monitor's tables,
// tooltips and details, --list, --locks and --history): in the local time zone, in the default
// locale's format (QLocale(), which the monitor's --lang sets) but always with a four-digit year,
// and always with the zone. A two-digit year cannot tell this century's runs from the last's,
// and a time without its zone cannot be set beside a script's own log lines (with TZ set, they
// differ by the offset).
namespace LocalTime {

// "CET", "CEST", "UTC"; "UTC+04:00" where the zone has no letters (glibc's "+04" for Asia/Dubai).
QString zone(const QDateTime &local);
// The locale's short date and time, year in four digits, then the zone: "12/6/2026 9:04 PM CET",
// "06.12.2026 21:04 CET". `withSeconds`: the locale's long time format ("21:04:32").
QString dateTime(const QDateTime &when, bool withSeconds = false);
// The time of day alone, with seconds and the zone: "21:04:32 CET" (for today's rows of a table).
QString timeOfDay(const QDateTime &when);
// A log line's time: 24-hour, to the millisecond, with the zone ("21:04:32.595 CET"), whatever the
// locale: the monitor's executor log view, set beside a script's own log lines (Python's logging
// writes 24-hour local time with milliseconds).
QString logTime(const QDateTime &when);
// The locale's long format, with the zone: for tooltips.
QString longDateTime(const QDateTime &when);
// ISO 8601 in the local zone with its offset ("2026-12-06T21:04:32.595+01:00"): for JSON that a
// script both parses and shows.
QString isoWithOffset(const QDateTime &when);

} // namespace LocalTime
} // namespace oa
