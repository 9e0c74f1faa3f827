// A log view's lines without a view: LogLineParser (bytes to classified lines, on the reader's
// thread) and LogDocument (the bounded stretch of the file, its counts and the filter).
#include "LogDocument.h"
#include "LogLineParser.h"

#include <QTest>
#include <QTextBlock>
#include <QTextDocument>

using Severity = oa::LogLineClassifier::Severity;

class TestLogDocument : public QObject {
    Q_OBJECT
private slots:
    void parserWaitsForTheEndOfALine();
    void parserKeepsOneBlockPerLine();
    void parserKeepsTheLastLinesOfABurst();
    void executorEventsRendered();
    void earlierPageCompletesATraceback();
    void burstReplacesTheStretch();
};

void TestLogDocument::parserWaitsForTheEndOfALine()
{
    LogLineParser parser(LogLineParser::Format::Text, 100);
    ParsedLines parsed = parser.append("one\r\ntw", 1000);
    QCOMPARE(parsed.start, 1000);
    QCOMPARE(parsed.lines.size(), 1);
    QCOMPARE(parsed.lines[0].text, QStringLiteral("one"));
    QCOMPARE(parsed.lines[0].bytes, 5);
    parsed = parser.append("o\nERROR:root:x\n", 1007);
    QCOMPARE(parsed.start, 1005);
    QCOMPARE(parsed.lines.size(), 2);
    QCOMPARE(parsed.lines[0].text, QStringLiteral("two"));
    QCOMPARE(parsed.lines[1].verdict.severity, Severity::Error);
    QCOMPARE(parsed.lines[0].bytes + parsed.lines[1].bytes, 17);
    parser.reset();
    QCOMPARE(parser.append("again\n", 0).start, 0);
}

void TestLogDocument::parserKeepsOneBlockPerLine()
{
    // pip redraws its progress bar with carriage returns; a line must stay one text block.
    LogLineParser parser(LogLineParser::Format::Text, 100);
    const ParsedLines parsed = parser.append("Downloading 10%\rDownloading 100%\nodd\xe2\x80\xa9separator\n", 0);
    QCOMPARE(parsed.lines.size(), 2);
    QCOMPARE(parsed.lines[0].text, QStringLiteral("Downloading 100%"));
    QCOMPARE(parsed.lines[0].bytes, 33);
    QCOMPARE(parsed.lines[1].text, QStringLiteral("odd separator"));
    QTextDocument doc;
    LogDocument lines(&doc, 100);
    lines.append(parsed);
    QCOMPARE(lines.lineCount(), 2);
    QCOMPARE(doc.blockCount(), 2);
}

void TestLogDocument::parserKeepsTheLastLinesOfABurst()
{
    LogLineParser parser(LogLineParser::Format::Text, 3);
    const ParsedLines parsed = parser.append("a\nbb\nccc\nd\ne\n", 10);
    QCOMPARE(parsed.lines.size(), 3);
    QCOMPARE(parsed.lines[0].text, QStringLiteral("ccc"));
    QCOMPARE(parsed.start, 10 + 2 + 3);
    const ParsedLines page = parser.page("1\n22\n333\n4444\n", 0);
    QCOMPARE(page.lines.size(), 3);
    QCOMPARE(page.lines[0].text, QStringLiteral("22"));
    QCOMPARE(page.start, 2);
}

void TestLogDocument::executorEventsRendered()
{
    LogLineParser parser(LogLineParser::Format::ExecutorClef, 100);
    const ParsedLines parsed =
        parser.append(R"({"@t":"2026-11-26T05:08:41.000Z","@mt":"pip failed: {Why}","Why":"line 1\nline 2","@l":"Error","SourceContext":"oa.pip"}
not json
)",
                      0);
    QCOMPARE(parsed.lines.size(), 2);
    QCOMPARE(parsed.lines[0].verdict.severity, Severity::Error);
    QVERIFY(parsed.lines[0].verdict.newProblem);
    QVERIFY(parsed.lines[0].text.endsWith(QStringLiteral("ERRO [oa.pip] pip failed: line 1") + QChar::LineSeparator + QStringLiteral("line 2")));
    QCOMPARE(parsed.lines[1].text, QStringLiteral("not json"));
    QCOMPARE(parsed.lines[1].verdict.severity, Severity::Normal);
}

void TestLogDocument::earlierPageCompletesATraceback()
{
    // The tail of a log can start inside a traceback; the page before it completes the block.
    QTextDocument doc;
    LogDocument lines(&doc, 100);
    LogLineParser parser(LogLineParser::Format::Text, 100);
    const QByteArray head = "INFO:root:start\nTraceback (most recent call last):\n";
    const QByteArray tail = "  File \"main.py\", line 1, in <module>\nValueError: bad\nINFO:root:next\n";
    lines.append(parser.append(tail, head.size()));
    QCOMPARE(lines.errors(), 0);
    QCOMPARE(lines.startOffset(), head.size());
    lines.setFilter(LogDocument::Filter::ErrorsOnly);
    QCOMPARE(lines.visibleText(), QString());
    QCOMPARE(lines.prepend(parser.page(head, 0)), 1); // only the Traceback line passes the filter
    QCOMPARE(lines.startOffset(), 0);
    QCOMPARE(lines.errors(), 1);
    QCOMPARE(lines.visibleText(), QStringLiteral("Traceback (most recent call last):\n  File \"main.py\", line 1, in <module>\n"
                                                 "ValueError: bad"));
    QTextCursor exceptionLine(doc.findBlockByNumber(3));
    exceptionLine.movePosition(QTextCursor::NextCharacter);
    QCOMPARE(exceptionLine.charFormat().fontWeight(), int(QFont::Bold)); // coloured as part of the traceback now
    // Appending goes on from the end.
    lines.append(parser.append("ERROR:root:again\n", head.size() + tail.size()));
    QCOMPARE(lines.errors(), 2);
    QCOMPARE(lines.endOffset(), head.size() + tail.size() + 17);
    QCOMPARE(lines.lineCount(), 6);
}

void TestLogDocument::burstReplacesTheStretch()
{
    QTextDocument doc;
    LogDocument lines(&doc, 3);
    LogLineParser parser(LogLineParser::Format::Text, 3);
    lines.append(parser.append("ERROR:root:old\n", 0));
    QCOMPARE(lines.errors(), 1);
    QCOMPARE(lines.append(parser.append("a\nb\nc\nd\n", 15)), 1); // the old line goes
    QCOMPARE(lines.visibleText(), QStringLiteral("b\nc\nd"));
    QCOMPARE(lines.startOffset(), 17);
    QCOMPARE(lines.endOffset(), 23);
    QCOMPARE(lines.errors(), 0);
    QCOMPARE(lines.append(parser.append("e\n", 23)), 1);
    QCOMPARE(lines.visibleText(), QStringLiteral("c\nd\ne"));
    QCOMPARE(lines.startOffset(), 19);
}

QTEST_MAIN(TestLogDocument)
#include "tst_logdocument.moc"
