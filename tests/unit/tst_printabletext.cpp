// oa::printableText: what a task wrote, escaped for people. A table of inputs and the exact
// text shown; every row also reads back to its input (no two inputs show alike) and holds no
// character that could end a line, drive a terminal or reorder the text.
#include "base/PrintableText.h"

#include <QTest>

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
        if (next == u'x' || next == u'u') {
            const int digits = next == u'x' ? 2 : 4;
            const QString hex = shown.mid(i + 2, digits);
            bool ok = false;
            const ushort value = hex.toUShort(&ok, 16);
            if (ok && hex.size() == digits) {
                out += QChar(value);
                i += 1 + digits;
                continue;
            }
        }
        out += c; // a backslash before anything else is itself
    }
    return out;
}

bool hasRawControl(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 || (u >= 0x7f && u <= 0x9f) || u == 0x2028 || u == 0x2029 || (u >= 0x202a && u <= 0x202e)
            || (u >= 0x2066 && u <= 0x2069))
            return true;
    }
    return false;
}

} // namespace

class TestPrintableText : public QObject {
    Q_OBJECT
private slots:
    void escapes_data();
    void escapes();
    void everyControlCharacter();
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
    QTest::newRow("zero width joiner stays") << u"a\u200db"_qs << u"a\u200db"_qs;
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

// Each character on its own and between letters: never raw, always read back.
void TestPrintableText::everyControlCharacter()
{
    for (char32_t u = 0; u <= 0x2100; ++u) {
        if (u >= 0xd800 && u <= 0xdfff)
            continue;
        const QString input = QStringLiteral("a") + QChar(char16_t(u)) + QStringLiteral("\\b");
        const QString got = oa::printableText(input);
        QVERIFY2(!hasRawControl(got), qPrintable(QString::number(u, 16)));
        QVERIFY2(readBack(got) == input, qPrintable(QString::number(u, 16) + u' ' + got));
    }
}

QTEST_GUILESS_MAIN(TestPrintableText)
#include "tst_printabletext.moc"
