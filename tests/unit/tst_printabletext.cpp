// oa::printableText: what a task wrote, escaped for people. A table of inputs and the exact
// text shown; every row also reads back to its input (no two inputs show alike) and holds no
// character that could end a line, drive a terminal or reorder the text.
#include "base/PrintableText.h"
#include "records/ErrorSummary.h"

#include <QTest>

#include <algorithm>
#include <cctype>

namespace {

// The reading printableText() documents: "\\" is a backslash; \n \r \t \xHH \uHHHH are the
// characters they name; a backslash before anything else is itself.
QString readBack(const QString &shown)
{
    QString out;
    for (qsizetype i = 0; i < shown.size(); ++i) {
        const QChar c = shown.at(i);
        if (c != u'\\' || i + 1 == shown.size()) {
            out += c;
            continue;
        }
        const QChar next = shown.at(i + 1);
        if (next == u'\\' || next == u'n' || next == u'r' || next == u't') {
            out += next == u'n' ? QChar(u'\n') : next == u'r' ? QChar(u'\r') : next == u't' ? QChar(u'\t') : QChar(u'\\');
            ++i;
            continue;
        }
        if (next == u'x' || next == u'u' || next == u'U') {
            const int digits = next == u'x' ? 2 : next == u'u' ? 4 : 8;
            const QString hex = shown.mid(i + 2, digits);
            bool ok = false;
            const uint value = hex.toUInt(&ok, 16);
            const bool allHex = std::all_of(hex.begin(), hex.end(), [](QChar h) { return h.unicode() < 0x80 && std::isxdigit(h.unicode()); });
            if (ok && allHex && hex.size() == digits) {
                if (value > 0xffff)
                    out += QString::fromUcs4(reinterpret_cast<const char32_t *>(&value), 1);
                else
                    out += QChar(char16_t(value));
                i += 1 + digits;
                continue;
            }
        }
        out += c; // a backslash before anything else is itself
    }
    return out;
}

// Raw in the shown text: a control, a separator, a format character (Cf, also above U+FFFF) or
// a surrogate without its pair.
bool hasRawControl(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        char32_t u = text.at(i).unicode();
        if (QChar::isHighSurrogate(u) && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            u = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
            ++i;
        } else if (QChar::isSurrogate(u)) {
            return true;
        }
        if (u < 0x20 || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029 || QChar::category(u) == QChar::Other_Format)
            return true;
    }
    return false;
}

QString fromCodePoint(char32_t u)
{
    return QString::fromUcs4(&u, 1);
}

} // namespace

class TestPrintableText : public QObject {
    Q_OBJECT
private slots:
    void escapes_data();
    void escapes();
    void everyControlCharacter();
    void asWrittenEscapesOnlyRawText();
    void errorSummaryIsOneBoundedLine();
};

void TestPrintableText::escapes_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("shown");
    QTest::newRow("plain") << "bot/main.py" << "bot/main.py";
    QTest::newRow("empty") << "" << "";
    QTest::newRow("other scripts and emoji") << u"Größe/Ωμέγα/日本/🤖.py"_qs << u"Größe/Ωμέγα/日本/🤖.py"_qs;
    QTest::newRow("newline") << "a\nb" << "a\\nb";
    QTest::newRow("carriage return") << "a\rb" << "a\\rb";
    QTest::newRow("tab") << "a\tb" << "a\\tb";
    QTest::newRow("NUL") << QStringLiteral("a") + QChar(0) + QStringLiteral("b") << "a\\x00b";
    QTest::newRow("ESC sequence") << "\x1b[2J\x1b[1;32mSucceeded" << "\\x1b[2J\\x1b[1;32mSucceeded";
    QTest::newRow("BEL") << "ring\x07" << "ring\\x07";
    QTest::newRow("unit separator") << "a\x1f" << "a\\x1f";
    QTest::newRow("DEL") << "a\x7f" << "a\\x7f";
    QTest::newRow("C1 NEL") << u"a\u0085b"_qs << "a\\u0085b";
    QTest::newRow("C1 CSI") << u"\u009b31m"_qs << "\\u009b31m";
    QTest::newRow("no-break space stays") << u"a\u00a0b"_qs << u"a\u00a0b"_qs;
    QTest::newRow("line separator") << u"a\u2028b"_qs << "a\\u2028b";
    QTest::newRow("paragraph separator") << u"a\u2029b"_qs << "a\\u2029b";
    QTest::newRow("LRE") << u"\u202a"_qs << "\\u202a";
    QTest::newRow("RLO reverses a name") << u"invoice\u202efdp.py"_qs << "invoice\\u202efdp.py";
    QTest::newRow("PDF") << u"\u202c"_qs << "\\u202c";
    QTest::newRow("LRI") << u"\u2066"_qs << "\\u2066";
    QTest::newRow("PDI") << u"\u2069"_qs << "\\u2069";
    QTest::newRow("LRM") << u"a\u200eb"_qs << "a\\u200eb";
    QTest::newRow("RLM") << u"a\u200fb"_qs << "a\\u200fb";
    QTest::newRow("ALM") << u"a\u061cb"_qs << "a\\u061cb";
    QTest::newRow("zero width space") << u"ad\u200bmin"_qs << "ad\\u200bmin";
    QTest::newRow("zero width non-joiner") << u"a\u200cb"_qs << "a\\u200cb";
    QTest::newRow("zero width joiner") << u"a\u200db"_qs << "a\\u200db";
    QTest::newRow("word joiner") << u"a\u2060b"_qs << "a\\u2060b";
    QTest::newRow("invisible plus") << u"a\u2064b"_qs << "a\\u2064b";
    QTest::newRow("BOM") << u"\ufeffmain.py"_qs << "\\ufeffmain.py";
    QTest::newRow("Mongolian vowel separator") << u"a\u180eb"_qs << "a\\u180eb";
    QTest::newRow("soft hyphen") << u"a\u00adb"_qs << "a\\u00adb";
    QTest::newRow("tag A") << QStringLiteral("a") + fromCodePoint(0xe0041) + QStringLiteral("b") << "a\\U000e0041b";
    QTest::newRow("tag cancel") << fromCodePoint(0xe007f) << "\\U000e007f";
    QTest::newRow("language tag") << fromCodePoint(0xe0001) << "\\U000e0001";
    QTest::newRow("musical format character") << fromCodePoint(0x1d173) << "\\U0001d173";
    QTest::newRow("lone high surrogate") << QStringLiteral("a") + QChar(char16_t(0xd800)) + QStringLiteral("b") << "a\\ud800b";
    QTest::newRow("lone low surrogate") << QStringLiteral("a") + QChar(char16_t(0xdc00)) << "a\\udc00";
    QTest::newRow("low before high") << QString(QChar(char16_t(0xdc00))) + QChar(char16_t(0xd800)) << "\\udc00\\ud800";
    QTest::newRow("emoji pair stays") << u"\U0001f916"_qs << u"\U0001f916"_qs;
    QTest::newRow("backslash before a tag") << QStringLiteral("\\") + fromCodePoint(0xe0041) << "\\\\\\U000e0041";
    QTest::newRow("Windows home stays") << "C:\\Users\\bot" << "C:\\Users\\bot";
    QTest::newRow("literal \\U000e0041 spelled out") << "\\U000e0041" << "\\\\U000e0041";
    QTest::newRow("\\U with seven hex digits stays") << "\\U000e004" << "\\U000e004";
    QTest::newRow("\\U with a sign stays") << "\\U+000e0041" << "\\U+000e0041";
    QTest::newRow("Windows path stays") << "C:\\Users\\bot\\main.py" << "C:\\Users\\bot\\main.py";
    QTest::newRow("lone backslash at the end") << "a\\" << "a\\";
    QTest::newRow("backslash before n is doubled") << "C:\\new" << "C:\\\\new";
    QTest::newRow("literal \\x1b spelled out") << "\\x1b" << "\\\\x1b";
    QTest::newRow("literal \\u2028 spelled out") << "\\u2028" << "\\\\u2028";
    QTest::newRow("two backslashes") << "a\\\\b" << "a\\\\\\b";
    QTest::newRow("backslash before a newline") << "a\\\nb" << "a\\\\\\nb";
    QTest::newRow("backslash before ESC") << "\\\x1b" << "\\\\\\x1b";
    QTest::newRow("forged list row") << "x.py\nforged  Succeeded  -  0" << "x.py\\nforged  Succeeded  -  0";
}

void TestPrintableText::escapes()
{
    QFETCH(QString, input);
    QFETCH(QString, shown);
    const QString got = oa::printableText(input);
    QCOMPARE(got, shown);
    QVERIFY(!hasRawControl(got));
    QCOMPARE(readBack(got), input);
    QCOMPARE(oa::needsEscaping(input), got != input);
}

// Each character on its own and between letters: never raw, always read back. Every code unit
// (so every BMP character and every surrogate alone), then the planes above with their Cf ones.
void TestPrintableText::everyControlCharacter()
{
    // Empty when the character shows safely and reads back, alone and after a backslash.
    const auto problem = [](const QString &character, char32_t u) -> QString {
        const QString input = QStringLiteral("a") + character + QStringLiteral("\\b");
        const QString got = oa::printableText(input);
        const QString after = QStringLiteral("\\") + character;
        if (hasRawControl(got) || readBack(got) != input || oa::needsEscaping(input) != (got != input)
            || readBack(oa::printableText(after)) != after)
            return QString::number(u, 16) + u' ' + got;
        return {};
    };
    for (char32_t u = 0; u <= 0xffff; ++u) {
        const QString bad = problem(QString(QChar(char16_t(u))), u);
        QVERIFY2(bad.isEmpty(), qPrintable(bad));
    }
    for (char32_t u = 0x10000; u <= 0x10ffff; u += (u >= 0xe0000 && u <= 0xe0100) ? 1 : 0x3f) {
        const QString bad = problem(fromCodePoint(u), u);
        QVERIFY2(bad.isEmpty(), qPrintable(bad));
    }
}

// Text escaped once where it was made (result.json's ErrorSummary) shows as it is; only what
// printableText cannot have written (a raw control: a forged record) is escaped.
void TestPrintableText::asWrittenEscapesOnlyRawText()
{
    const QString once = oa::printableText(QStringLiteral("C:\\new \x1b[31m") + QChar(0x202e));
    QCOMPARE(once, QStringLiteral("C:\\\\new \\x1b[31m\\u202e"));
    QCOMPARE(oa::printableAsWritten(once), once);
    QCOMPARE(oa::printableAsWritten(QStringLiteral("two\nlines\x1b")), QStringLiteral("two\\nlines\\x1b"));
    QCOMPARE(oa::printableAsWritten(QString()), QString());
}

// ErrorSummary::oneLine: escaped, trimmed, at most kMaxChars, cut with "…" between escapes.
void TestPrintableText::errorSummaryIsOneBoundedLine()
{
    QCOMPARE(oa::ErrorSummary::oneLine(u"  ValueError: bad\tinput \n"), QStringLiteral("ValueError: bad\\tinput"));
    const QString longLine = oa::ErrorSummary::oneLine(QString(1000, u'x'));
    QCOMPARE(longLine.size(), oa::ErrorSummary::kMaxChars);
    QVERIFY(longLine.endsWith(QChar(0x2026)));
    // 1 + 74 escapes of 4 characters fit before the "…"; the 75th would be cut inside: it goes whole.
    const QString escapes = oa::ErrorSummary::oneLine(QStringLiteral("y") + QString(200, QChar(0x1b)));
    QCOMPARE(escapes, QStringLiteral("y") + QStringLiteral("\\x1b").repeated(74) + QChar(0x2026));
    const QString pairs = oa::ErrorSummary::oneLine(QString(400, u'a').replace(298, 2, QStringLiteral("\U0001F600")));
    QVERIFY(!pairs.at(pairs.size() - 2).isHighSurrogate());
}

QTEST_GUILESS_MAIN(TestPrintableText)
#include "tst_printabletext.moc"
