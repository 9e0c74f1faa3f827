#pragma once

// The oracles' check: a violated property prints what was expected and aborts, which libFuzzer
// reports as a crash and saves the input for (crash-<sha1> in -artifact_prefix).

#include <QByteArray>
#include <QString>

#include <cstdio>
#include <cstdlib>

#define OA_FUZZ_CHECK(condition, what)                                                                                 \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "\n==oracle== %s:%d: %s does not hold: %s\n", __FILE__, __LINE__, #condition,        \
                         QString(what).toUtf8().constData());                                                          \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

namespace oa::fuzz {

// A text for a message, with every control character and non-ASCII character escaped.
inline QString shown(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        if (c.unicode() >= 0x20 && c.unicode() < 0x7f && c != u'\\')
            out += c;
        else
            out += QStringLiteral("\\u%1").arg(uint(c.unicode()), 4, 16, QLatin1Char('0'));
    }
    return u'"' + out + u'"';
}

} // namespace oa::fuzz
