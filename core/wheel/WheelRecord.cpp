#include "WheelRecord.h"

#include "WheelNames.h"

namespace oa {

namespace {

struct Algorithm {
    const char *name;
    QCryptographicHash::Algorithm algorithm;
    int length;
};

// The wheel spec forbids md5 and sha1; these are what hashlib.algorithms_guaranteed has beyond.
constexpr Algorithm kAlgorithms[] = {
    {"sha256", QCryptographicHash::Sha256, 32},
    {"sha384", QCryptographicHash::Sha384, 48},
    {"sha512", QCryptographicHash::Sha512, 64},
};

// One CSV line split into fields: quoted fields may hold commas and doubled quotes. A line
// break inside quotes is not accepted (no member name can hold one).
bool splitCsvLine(const QString &line, QStringList *fields)
{
    QString field;
    bool quoted = false;
    bool wasQuoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c != u'"') {
                field.append(c);
            } else if (i + 1 < line.size() && line.at(i + 1) == u'"') {
                field.append(u'"');
                ++i;
            } else {
                quoted = false;
            }
        } else if (c == u',') {
            fields->append(field);
            field.clear();
            wasQuoted = false;
        } else if (c == u'"' && field.isEmpty() && !wasQuoted) {
            quoted = wasQuoted = true;
        } else if (c == u'"') {
            return false; // a quote inside an unquoted field, or text after a closing quote
        } else {
            field.append(c);
        }
    }
    fields->append(field);
    return !quoted;
}

QString csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    return u'"' + QString(text).replace(QStringLiteral("\""), QStringLiteral("\"\"")) + u'"';
}

} // namespace

Result<QList<RecordRow>> WheelRecord::parse(const QByteArray &text, const QString &where)
{
    const auto lines = distInfoLines(text, where);
    if (!lines)
        return lines.error();
    QList<RecordRow> rows;
    for (qsizetype n = 0; n < lines->size(); ++n) {
        const QString &line = lines->at(n);
        if (line.isEmpty())
            continue;
        const auto bad = [&](const QString &why) {
            return fail(ErrorKind::Install, QStringLiteral("%1, line %2: %3").arg(where).arg(n + 1).arg(why));
        };
        QStringList fields;
        if (!splitCsvLine(line, &fields) || fields.size() != 3)
            return bad(QStringLiteral("not three comma-separated fields (path,hash,size)"));
        RecordRow row;
        row.path = fields.at(0);
        if (row.path.isEmpty())
            return bad(QStringLiteral("an empty path"));
        const QString hash = fields.at(1);
        if (!hash.isEmpty()) {
            const qsizetype eq = hash.indexOf(u'=');
            const QString name = hash.left(eq);
            const Algorithm *algorithm = nullptr;
            for (const Algorithm &a : kAlgorithms) {
                if (eq > 0 && name == QLatin1String(a.name))
                    algorithm = &a;
            }
            if (!algorithm)
                return bad(QStringLiteral("hash \"%1\" is not sha256, sha384 or sha512").arg(name));
            const auto decodedDigest = QByteArray::fromBase64Encoding(
                hash.mid(eq + 1).toLatin1(),
                QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals | QByteArray::AbortOnBase64DecodingErrors);
            if (!decodedDigest || decodedDigest.decoded.size() != algorithm->length)
                return bad(QStringLiteral("the %1 digest is not %2 bytes of urlsafe base64").arg(name).arg(algorithm->length));
            row.algorithm = algorithm->algorithm;
            row.digest = decodedDigest.decoded;
        }
        const QString size = fields.at(2);
        if (!size.isEmpty()) {
            bool ok = false;
            row.size = size.toLongLong(&ok);
            if (!ok || row.size < 0 || !size.at(0).isDigit())
                return bad(QStringLiteral("size \"%1\" is not a number of bytes").arg(size));
        }
        rows.append(row);
    }
    return rows;
}

QByteArray WheelRecord::write(const QList<RecordRow> &rows)
{
    QByteArray out;
    for (const RecordRow &row : rows) {
        out += csvField(row.path).toUtf8() + ',';
        if (row.hasHash())
            out += hashField(row.algorithm, row.digest);
        out += ',';
        if (row.size >= 0)
            out += QByteArray::number(row.size);
        out += '\n';
    }
    return out;
}

QByteArray WheelRecord::hashField(QCryptographicHash::Algorithm algorithm, const QByteArray &digest)
{
    return algorithmName(algorithm).toLatin1() + '='
           + digest.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString WheelRecord::algorithmName(QCryptographicHash::Algorithm algorithm)
{
    for (const Algorithm &a : kAlgorithms) {
        if (a.algorithm == algorithm)
            return QLatin1String(a.name);
    }
    return QStringLiteral("unknown");
}

} // namespace oa
