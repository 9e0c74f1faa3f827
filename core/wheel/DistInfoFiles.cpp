#include "DistInfoFiles.h"

#include "WheelNames.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringList>

namespace oa {

namespace {

// The headers of `text`, by lower-case name: a repeated header that matters here is refused by
// the caller, so each name keeps every value.
Result<QMultiHash<QString, QString>> headersOf(const QByteArray &text, const QString &where)
{
    const auto lines = distInfoLines(text, where);
    if (!lines)
        return lines.error();
    QMultiHash<QString, QString> headers;
    for (qsizetype n = 0; n < lines->size(); ++n) {
        const QString &line = lines->at(n);
        if (line.isEmpty())
            break; // the body (METADATA's description) starts here
        if (line.at(0).isSpace())
            continue; // a continuation of a header that is not read
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0)
            return fail(ErrorKind::Install, QStringLiteral("%1, line %2: not a \"Key: value\" header").arg(where).arg(n + 1));
        headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    return headers;
}

Result<QString> single(const QMultiHash<QString, QString> &headers, const QString &key, const QString &where)
{
    const QStringList values = headers.values(key.toLower());
    if (values.size() != 1 || values.first().isEmpty())
        return fail(ErrorKind::Install, QStringLiteral("%1 must have exactly one %2 header").arg(where, key));
    return values.first();
}

} // namespace

Result<WheelFile> WheelFile::parse(const QByteArray &text, const QString &where)
{
    const auto headers = headersOf(text, where);
    if (!headers)
        return headers.error();
    const auto version = single(*headers, QStringLiteral("Wheel-Version"), where);
    if (!version)
        return version.error();
    // A later major version may change how a wheel is laid out; PEP 427 tells an installer to
    // refuse it (and to go on with a later minor version).
    static const QRegularExpression oneDotX(QStringLiteral("^1\\.[0-9]+\\z"));
    if (!oneDotX.match(*version).hasMatch())
        return fail(ErrorKind::Install, QStringLiteral("%1: Wheel-Version %2 is not 1.x").arg(where, *version));
    const auto purelib = single(*headers, QStringLiteral("Root-Is-Purelib"), where);
    if (!purelib)
        return purelib.error();
    WheelFile wheel;
    wheel.wheelVersion = *version;
    if (purelib->compare(QStringLiteral("true"), Qt::CaseInsensitive) == 0)
        wheel.rootIsPurelib = true;
    else if (purelib->compare(QStringLiteral("false"), Qt::CaseInsensitive) == 0)
        wheel.rootIsPurelib = false;
    else
        return fail(ErrorKind::Install, QStringLiteral("%1: Root-Is-Purelib %2 is neither true nor false").arg(where, *purelib));
    return wheel;
}

Result<MetadataFile> MetadataFile::parse(const QByteArray &text, const QString &where)
{
    const auto headers = headersOf(text, where);
    if (!headers)
        return headers.error();
    MetadataFile metadata;
    for (const auto &[key, field] : {std::pair{QStringLiteral("Metadata-Version"), &metadata.metadataVersion},
                                     std::pair{QStringLiteral("Name"), &metadata.name},
                                     std::pair{QStringLiteral("Version"), &metadata.version}}) {
        const auto value = single(*headers, key, where);
        if (!value)
            return value.error();
        *field = *value;
    }
    return metadata;
}

} // namespace oa
