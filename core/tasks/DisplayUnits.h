#pragma once

#include <QDateTime>
#include <QString>

namespace oa {

// How the monitor writes quantities for people, in the default locale's digits (QLocale(), set
// by --lang): the same units everywhere, never raw bytes or milliseconds.
namespace DisplayUnits {

// "0.18 s", "9.95 s" below ten seconds; "0:01:06" from there on.
QString duration(qint64 ms);
// "39.3 MiB"; "812 KiB" below one MiB.
QString mebibytes(qint64 bytes);
// CPU time: "0.31 s", "12.5 s", "0:02:10" from a minute on.
QString cpuSeconds(double seconds);
// A point in time in the local time zone, with seconds and the zone: "26.11.2026 06:08:39 CET"
// (LocalTime::dateTime, as every time a person reads).
QString localTime(const QDateTime &when);

} // namespace DisplayUnits
} // namespace oa
