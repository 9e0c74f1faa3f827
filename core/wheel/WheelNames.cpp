#include "WheelNames.h"

#include <QRegularExpression>
#include <QStringDecoder>
#include <QStringList>

namespace oa {

Result<WheelFileName> WheelFileName::parse(const QString &fileName)
{
    // Each part may hold what its PEP allows once escaped; "-" only separates them, so a name
    // or version with one in it is not a wheel file name. A version starts with a digit (PEP 440),
    // which keeps "my-pkg-1.0-py3-none-any.whl" from reading as "my", version "pkg", build "1.0".
    static const QRegularExpression pattern(QStringLiteral(
        "^([A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?)-([0-9][A-Za-z0-9_.!+]*)(?:-([0-9][A-Za-z0-9_.]*))?"
        "-([A-Za-z0-9_.]+)-([A-Za-z0-9_.]+)-([A-Za-z0-9_.]+)\\.whl$"));
    const QRegularExpressionMatch m = pattern.match(fileName);
    if (!m.hasMatch())
        return fail(ErrorKind::Install,
                    QStringLiteral("%1 is not a wheel file name ({name}-{version}(-{build})?-{python}-{abi}-{platform}.whl)")
                        .arg(fileName));
    WheelFileName parsed;
    parsed.name = m.captured(1);
    parsed.version = m.captured(2);
    parsed.build = m.captured(3);
    parsed.tags = QStringList{m.captured(4), m.captured(5), m.captured(6)}.join(u'-');
    return parsed;
}

QString canonicalProjectName(const QString &name)
{
    static const QRegularExpression runs(QStringLiteral("[-_.]+"));
    return QString(name).replace(runs, QStringLiteral("-")).toLower();
}

namespace {

MemberPath checkComponents(const QString &text, int maxDepth)
{
    MemberPath result;
    result.folder = text.endsWith(u'/');
    if (text.startsWith(u'/')) {
        result.problem = QStringLiteral("is an absolute path");
        return result;
    }
    QStringList kept;
    for (const QString &part : text.split(u'/')) {
        if (part == QStringLiteral(".."))  {
            result.problem = QStringLiteral("has a \"..\" component");
            return result;
        }
        if (!part.isEmpty() && part != QStringLiteral("."))
            kept.append(part);
    }
    if (kept.isEmpty())
        result.problem = QStringLiteral("names no file");
    else if (kept.size() > maxDepth)
        result.problem = QStringLiteral("is more than %1 folders deep").arg(maxDepth);
    else
        result.path = kept.join(u'/');
    return result;
}

} // namespace

MemberPath MemberPath::check(const QByteArray &raw, int maxDepth)
{
    MemberPath result;
    for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        // A control character would let a name rewrite a log line or a terminal; NUL would end
        // it early for every C call below.
        if (byte < 0x20 || byte == 0x7f) {
            result.problem = QStringLiteral("has a control character");
            return result;
        }
        // Not a separator on Linux, but one for every tool that unpacks the same wheel on
        // Windows, and never in a name a wheel builder writes.
        if (c == '\\') {
            result.problem = QStringLiteral("has a backslash");
            return result;
        }
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(raw);
    if (decoder.hasError()) {
        result.problem = QStringLiteral("is not UTF-8");
        return result;
    }
    return checkComponents(text, maxDepth);
}

MemberPath checkRecordPath(const QString &path, int maxDepth)
{
    for (const QChar c : path) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            MemberPath result;
            result.problem = QStringLiteral("has a control character");
            return result;
        }
        if (c == u'\\') {
            MemberPath result;
            result.problem = QStringLiteral("has a backslash");
            return result;
        }
    }
    return checkComponents(path, maxDepth);
}

Result<QStringList> distInfoLines(const QByteArray &text, const QString &where)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder(text);
    if (decoder.hasError())
        return fail(ErrorKind::Install, QStringLiteral("%1 is not UTF-8").arg(where));
    QStringList lines = decoded.split(u'\n');
    for (QString &line : lines)
        if (line.endsWith(u'\r'))
            line.chop(1);
    return lines;
}

} // namespace oa
