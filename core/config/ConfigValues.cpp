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
// from `units`, at most `maximum`. NaN and infinity are neither positive nor bounded. The
// error's message is the reason alone ("above the maximum"), for the caller's sentence.
Result<qint64> parseQuantity(const QString &text, const Units &units, qint64 maximum, bool allowZero = false)
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
    if (!ok || !(allowZero ? value >= 0 : value > 0))
        return fail(ErrorKind::BadArgument, allowZero ? QStringLiteral("not a number of 0 or more") : QStringLiteral("not a positive number"));
    if (!(value * double(factor) <= double(maximum)))
        return fail(ErrorKind::BadArgument, QStringLiteral("above the maximum"));
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

Result<QVariant> parse(Kind kind, const QString &text, const QString &relativeBase)
{
    const auto refused = [](const QString &why) { return fail(ErrorKind::BadArgument, why); };
    const QString quoted = u'"' + text + u'"';
    switch (kind) {
    case Kind::Path: {
        const QString path = text.trimmed();
        if (path.isEmpty())
            return refused(QStringLiteral("an empty path"));
        if (QDir::isRelativePath(path) && relativeBase.isEmpty())
            return refused(quoted + QStringLiteral(" is not an absolute path"));
        return QVariant(QDir::cleanPath(QFileInfo(QDir(relativeBase), path).absoluteFilePath()));
    }
    case Kind::Text:
        if (text.trimmed().isEmpty())
            return refused(QStringLiteral("empty"));
        return QVariant(text.trimmed());
    case Kind::Seconds:
    case Kind::SecondsOrZero:
    case Kind::MegaBytes: {
        const bool allowZero = kind == Kind::SecondsOrZero;
        const double maximum = kind == Kind::MegaBytes ? limits::kMaxMemoryMB : limits::kMaxSeconds;
        bool isNumber = false;
        const double value = text.trimmed().toDouble(&isNumber);
        // NaN fails both comparisons; infinity fails the second.
        if (!isNumber || !(allowZero ? value >= 0 : value > 0) || !(value <= maximum))
            return refused(quoted + QStringLiteral(" is not a ")
                           + (kind == Kind::MegaBytes ? QStringLiteral("positive number of megabytes")
                              : allowZero             ? QStringLiteral("number of seconds (0 or more)")
                                                      : QStringLiteral("positive number of seconds"))
                           + QStringLiteral(" up to the maximum of ") + QString::number(maximum, 'f', 0));
        return QVariant(value);
    }
    case Kind::Age: {
        // 0 means "always rebuild".
        const auto seconds = parseQuantity(text, ageUnits(), limits::kMaxCacheAgeSeconds, /*allowZero=*/true);
        if (seconds)
            return QVariant(*seconds);
        return refused(QStringLiteral("%1 is %2; give a duration such as 7d, 12h or 3600 (0 always rebuilds), at most %3d")
                           .arg(quoted, seconds.error().message).arg(limits::kMaxCacheAgeSeconds / 86400));
    }
    case Kind::Size: {
        const auto bytes = parseQuantity(text, sizeUnits(), limits::kMaxCacheSizeBytes);
        if (bytes)
            return QVariant(*bytes);
        return refused(QStringLiteral("%1 is %2; give a size such as 10G or 500M, at most %3T")
                           .arg(quoted, bytes.error().message).arg(limits::kMaxCacheSizeBytes >> 40));
    }
    case Kind::List: {
        QStringList entries;
        for (const QString &entry : text.split(u','))
            entries.append(entry.trimmed());
        if (entries.contains(QString()))
            return refused(quoted + QStringLiteral(" has an empty entry; give names or paths separated by commas"));
        return QVariant(entries);
    }
    case Kind::IdRange: {
        // Up to 2^31 - 2: every ID is a valid uid_t and gid_t, and (uid_t)-1 ("no change") never is one.
        const QStringList ends = text.trimmed().split(u'-');
        bool firstOk = false, lastOk = false;
        const qint64 first = ends.size() == 2 ? ends.at(0).trimmed().toLongLong(&firstOk) : 0;
        const qint64 last = ends.size() == 2 ? ends.at(1).trimmed().toLongLong(&lastOk) : 0;
        if (!firstOk || !lastOk || first < 1 || last > 2147483646 || first > last)
            return refused(quoted + QStringLiteral(" is not a range of user IDs such as 61184-65519 (first-last, 1 to 2147483646, "
                                                   "first not above last)"));
        return QVariant(QVariantList{first, last});
    }
    case Kind::RunCount: {
        // Digits only: "2.5", "1e2" and "0x10" are refused rather than read as some other count.
        const QString digits = text.trimmed();
        bool isNumber = !digits.isEmpty() && digits.size() <= 9;
        for (const QChar c : digits)
            isNumber = isNumber && c >= u'0' && c <= u'9';
        const int count = isNumber ? digits.toInt() : 0;
        if (count < 1 || count > limits::kMaxKeepRuns)
            return refused(quoted + QStringLiteral(" is not a whole number of runs from 1 to %1").arg(limits::kMaxKeepRuns));
        return QVariant(count);
    }
    case Kind::Switch: {
        const QString word = text.trimmed().toLower();
        for (const char *on : {"on", "true", "yes", "1"})
            if (word == QLatin1String(on))
                return QVariant(true);
        for (const char *off : {"off", "false", "no", "0"})
            if (word == QLatin1String(off))
                return QVariant(false);
        return refused(quoted + QStringLiteral(" is not on or off (also true/false, yes/no, 1/0)"));
    }
    case Kind::Sandbox:
    case Kind::Network: {
        const QString word = text.trimmed().toLower();
        const QStringList words = kind == Kind::Sandbox ? QStringList{QStringLiteral("none"), QStringLiteral("bubblewrap")}
                                                        : QStringList{QStringLiteral("host"), QStringLiteral("none")};
        if (words.contains(word))
            return QVariant(word);
        return refused(quoted + QStringLiteral(" is not ") + words.join(QStringLiteral(" or ")));
    }
    }
    return fail(ErrorKind::Internal, QStringLiteral("no such kind of setting"));
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
    case Kind::RunCount:
        return QString::number(value.toInt());
    case Kind::List:
        return value.toStringList().join(QStringLiteral(", "));
    case Kind::IdRange:
        return QStringLiteral("%1-%2").arg(value.toList().value(0).toLongLong()).arg(value.toList().value(1).toLongLong());
    case Kind::Path:
    case Kind::Text:
    case Kind::Sandbox:
    case Kind::Network:
        break;
    }
    return value.toString();
}

} // namespace oa::config
