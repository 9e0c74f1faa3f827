#include "ConfigValues.h"

#include "records/Limits.h"

#include <QDir>
#include <QFileInfo>
#include <QList>
#include <QStringList>

#include <utility>

namespace oa::config {

namespace {

using Units = QList<std::pair<char16_t, qint64>>;

const Units &ageUnits()
{
    static const Units units{{u's', 1}, {u'm', 60}, {u'h', 3600}, {u'd', 86400}};
    return units;
}

const Units &sizeUnits()
{
    static const Units units{{u'k', 1024}, {u'm', 1024 * 1024}, {u'g', qint64(1) << 30}, {u't', qint64(1) << 40}};
    return units;
}

// "7d", "12h", "500M", "3600": a positive number (or 0, with `allowZero`) with an optional unit
// from `units`, at most `maximum`. NaN and infinity are neither positive nor bounded.
std::optional<qint64> parseQuantity(const QString &text, const Units &units, qint64 maximum, QString *why, bool allowZero = false)
{
    QString number = text.trimmed().toLower();
    qint64 factor = 1;
    for (const auto &[suffix, multiplier] : units) {
        if (number.endsWith(QChar(suffix)) || number.endsWith(QString(QChar(suffix)) + u'b')) {
            number = number.left(number.lastIndexOf(QChar(suffix)));
            factor = multiplier;
            break;
        }
    }
    bool ok = false;
    const double value = number.toDouble(&ok);
    if (!ok || !(allowZero ? value >= 0 : value > 0)) {
        *why = allowZero ? QStringLiteral("not a number of 0 or more") : QStringLiteral("not a positive number");
        return std::nullopt;
    }
    if (!(value * double(factor) <= double(maximum))) {
        *why = QStringLiteral("above the maximum");
        return std::nullopt;
    }
    return qint64(value * double(factor));
}

QString largestUnit(qint64 value, const Units &units, bool upper)
{
    for (auto it = units.crbegin(); it != units.crend(); ++it)
        if (it->second > 1 && value % it->second == 0)
            return QString::number(value / it->second) + (upper ? QChar(it->first).toUpper() : QChar(it->first));
    return QString::number(value);
}

} // namespace

std::optional<QVariant> parse(Kind kind, const QString &text, QString *why, const QString &relativeBase)
{
    const QString quoted = u'"' + text + u'"';
    switch (kind) {
    case Kind::Path: {
        const QString path = text.trimmed();
        if (path.isEmpty()) {
            *why = QStringLiteral("an empty path");
            return std::nullopt;
        }
        if (QDir::isRelativePath(path) && relativeBase.isEmpty()) {
            *why = quoted + QStringLiteral(" is not an absolute path");
            return std::nullopt;
        }
        return QVariant(QDir::cleanPath(QFileInfo(QDir(relativeBase), path).absoluteFilePath()));
    }
    case Kind::Text:
        if (text.trimmed().isEmpty()) {
            *why = QStringLiteral("empty");
            return std::nullopt;
        }
        return QVariant(text.trimmed());
    case Kind::Seconds:
    case Kind::SecondsOrZero:
    case Kind::MegaBytes: {
        const bool allowZero = kind == Kind::SecondsOrZero;
        const double maximum = kind == Kind::MegaBytes ? limits::kMaxMemoryMB : limits::kMaxSeconds;
        bool isNumber = false;
        const double value = text.trimmed().toDouble(&isNumber);
        // NaN fails both comparisons; infinity fails the second.
        if (!isNumber || !(allowZero ? value >= 0 : value > 0) || !(value <= maximum)) {
            *why = quoted + QStringLiteral(" is not a ")
                   + (kind == Kind::MegaBytes ? QStringLiteral("positive number of megabytes")
                      : allowZero             ? QStringLiteral("number of seconds (0 or more)")
                                              : QStringLiteral("positive number of seconds"))
                   + QStringLiteral(" up to the maximum of ") + QString::number(maximum, 'f', 0);
            return std::nullopt;
        }
        return QVariant(value);
    }
    case Kind::Age: {
        QString reason;
        // 0 means "always rebuild".
        if (const auto seconds = parseQuantity(text, ageUnits(), limits::kMaxCacheAgeSeconds, &reason, /*allowZero=*/true))
            return QVariant(*seconds);
        *why = QStringLiteral("%1 is %2; give a duration such as 7d, 12h or 3600 (0 always rebuilds), at most %3d")
                   .arg(quoted, reason).arg(limits::kMaxCacheAgeSeconds / 86400);
        return std::nullopt;
    }
    case Kind::Size: {
        QString reason;
        if (const auto bytes = parseQuantity(text, sizeUnits(), limits::kMaxCacheSizeBytes, &reason))
            return QVariant(*bytes);
        *why = QStringLiteral("%1 is %2; give a size such as 10G or 500M, at most %3T")
                   .arg(quoted, reason).arg(limits::kMaxCacheSizeBytes >> 40);
        return std::nullopt;
    }
    case Kind::List: {
        QStringList entries;
        for (const QString &entry : text.split(u','))
            entries.append(entry.trimmed());
        if (entries.contains(QString())) {
            *why = quoted + QStringLiteral(" has an empty entry; give names or paths separated by commas");
            return std::nullopt;
        }
        return QVariant(entries);
    }
    case Kind::Switch: {
        const QString word = text.trimmed().toLower();
        for (const char *on : {"on", "true", "yes", "1"})
            if (word == QLatin1String(on))
                return QVariant(true);
        for (const char *off : {"off", "false", "no", "0"})
            if (word == QLatin1String(off))
                return QVariant(false);
        *why = quoted + QStringLiteral(" is not on or off (also true/false, yes/no, 1/0)");
        return std::nullopt;
    }
    }
    return std::nullopt;
}

QString display(Kind kind, const QVariant &value)
{
    if (!value.isValid())
        return QString();
    switch (kind) {
    case Kind::Seconds:
    case Kind::SecondsOrZero:
    case Kind::MegaBytes:
        return QString::number(value.toDouble(), 'g', 15);
    case Kind::Age:
        return largestUnit(value.toLongLong(), ageUnits(), false);
    case Kind::Size:
        return largestUnit(value.toLongLong(), sizeUnits(), true);
    case Kind::Switch:
        return value.toBool() ? QStringLiteral("on") : QStringLiteral("off");
    case Kind::List:
        return value.toStringList().join(QStringLiteral(", "));
    case Kind::Path:
    case Kind::Text:
        break;
    }
    return value.toString();
}

} // namespace oa::config
