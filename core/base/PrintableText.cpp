#include "PrintableText.h"

namespace oa {

namespace {

bool isEscaped(char16_t c)
{
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || (c >= 0x202a && c <= 0x202e)
           || (c >= 0x2066 && c <= 0x2069);
}

// A backslash followed by one of these would read as an escape.
bool startsEscape(char16_t c)
{
    return c == u'\\' || c == u'n' || c == u'r' || c == u't' || c == u'x' || c == u'u' || isEscaped(c);
}

void appendHex(QString &out, char16_t c, int digits)
{
    out += QString::number(c, 16).rightJustified(digits, u'0');
}

} // namespace

bool needsEscaping(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (isEscaped(c) || (c == u'\\' && i + 1 < text.size() && startsEscape(text.at(i + 1).unicode())))
            return true;
    }
    return false;
}

QString printableText(QStringView text)
{
    if (!needsEscaping(text))
        return text.toString();
    QString out;
    out.reserve(text.size() + 16);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if (c == u'\\') {
            out += i + 1 < text.size() && startsEscape(text.at(i + 1).unicode()) ? QStringLiteral("\\\\") : QStringLiteral("\\");
        } else if (c == u'\n') {
            out += QStringLiteral("\\n");
        } else if (c == u'\r') {
            out += QStringLiteral("\\r");
        } else if (c == u'\t') {
            out += QStringLiteral("\\t");
        } else if (c < 0x20 || c == 0x7f) {
            out += QStringLiteral("\\x");
            appendHex(out, c, 2);
        } else if (isEscaped(c)) {
            out += QStringLiteral("\\u");
            appendHex(out, c, 4);
        } else {
            out += QChar(c);
        }
    }
    return out;
}

} // namespace oa
