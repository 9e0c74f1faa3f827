#include "PrintableText.h"

namespace oa {

namespace {

// One character of the text: a code point and how many UTF-16 units it takes. An unpaired
// surrogate is a character of its own, so that it can be escaped like any other.
struct CodePoint {
    char32_t value;
    qsizetype units;
};

CodePoint codePointAt(QStringView text, qsizetype i)
{
    const char16_t c = text.at(i).unicode();
    if (QChar::isHighSurrogate(c) && i + 1 < text.size() && QChar::isLowSurrogate(text.at(i + 1).unicode()))
        return {QChar::surrogateToUcs4(c, text.at(i + 1).unicode()), 2};
    return {c, 1};
}

// Format characters (category Cf: LRM/RLM, ALM, the zero-width characters, U+2060-U+2064, the
// BOM, the bidi controls, the tag characters U+E0000-U+E007F, ...) draw nothing yet change how a
// name reads or sorts, so two names that differ only in them would look alike.
bool isEscaped(char32_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || (c >= 0xd800 && c <= 0xdfff)
           || QChar::category(c) == QChar::Other_Format;
}

bool isHexDigit(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

// A backslash at `i` would read as the start of an escape. "\U" is one only with eight hex
// digits after it, so that a Windows path such as "C:\Users" still shows as typed.
bool startsEscape(QStringView text, qsizetype i)
{
    if (i >= text.size())
        return false;
    const char16_t c = text.at(i).unicode();
    if (c == u'\\' || c == u'n' || c == u'r' || c == u't' || c == u'x' || c == u'u' || isEscaped(codePointAt(text, i).value))
        return true;
    if (c != u'U' || i + 8 >= text.size())
        return false;
    for (qsizetype k = i + 1; k <= i + 8; ++k) {
        if (!isHexDigit(text.at(k)))
            return false;
    }
    return true;
}

void appendHex(QString &out, char32_t c, int digits)
{
    out += QString::number(c, 16).rightJustified(digits, u'0');
}

} // namespace

bool needsEscaping(QStringView text)
{
    for (qsizetype i = 0; i < text.size();) {
        const CodePoint cp = codePointAt(text, i);
        if (isEscaped(cp.value) || (cp.value == u'\\' && startsEscape(text, i + 1)))
            return true;
        i += cp.units;
    }
    return false;
}

QString printableAsWritten(QStringView text)
{
    for (qsizetype i = 0; i < text.size();) {
        const CodePoint cp = codePointAt(text, i);
        if (isEscaped(cp.value))
            return printableText(text);
        i += cp.units;
    }
    return text.toString();
}

QString printableText(QStringView text)
{
    if (!needsEscaping(text))
        return text.toString();
    QString out;
    out.reserve(text.size() + 16);
    for (qsizetype i = 0; i < text.size();) {
        const CodePoint cp = codePointAt(text, i);
        const char32_t c = cp.value;
        if (c == u'\\') {
            out += startsEscape(text, i + 1) ? QStringLiteral("\\\\") : QStringLiteral("\\");
        } else if (c == u'\n') {
            out += QStringLiteral("\\n");
        } else if (c == u'\r') {
            out += QStringLiteral("\\r");
        } else if (c == u'\t') {
            out += QStringLiteral("\\t");
        } else if (c < 0x20 || c == 0x7f) {
            out += QStringLiteral("\\x");
            appendHex(out, c, 2);
        } else if (isEscaped(c) && c > 0xffff) {
            out += QStringLiteral("\\U");
            appendHex(out, c, 8);
        } else if (isEscaped(c)) {
            out += QStringLiteral("\\u");
            appendHex(out, c, 4);
        } else {
            out += text.mid(i, cp.units);
        }
        i += cp.units;
    }
    return out;
}

} // namespace oa
