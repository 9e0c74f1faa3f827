#include "syntax/CommandLineSplitter.h"

#include <QTest>

using oa::CommandLineSplitter;

class TestCommandLineSplitter : public QObject {
    Q_OBJECT
private slots:
    void split_data();
    void split();
    void rejects_data();
    void rejects();
};

void TestCommandLineSplitter::split_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QStringList>("words");
    QTest::newRow("empty") << QString() << QStringList();
    QTest::newRow("only spaces") << QStringLiteral("   \t ") << QStringList();
    QTest::newRow("plain words") << QStringLiteral("a bb  ccc") << QStringList{"a", "bb", "ccc"};
    QTest::newRow("double quotes group") << QStringLiteral("--name \"John Smith\" x") << QStringList{"--name", "John Smith", "x"};
    QTest::newRow("single quotes are literal") << QStringLiteral("'a \"b\" \\n'") << QStringList{"a \"b\" \\n"};
    QTest::newRow("escaped quote in double quotes") << QStringLiteral("\"say \\\"hi\\\"\"") << QStringList{"say \"hi\""};
    QTest::newRow("backslash kept before ordinary char in double quotes") << QStringLiteral("\"C:\\Users\\bot\"") << QStringList{"C:\\Users\\bot"};
    QTest::newRow("escaped space outside quotes") << QStringLiteral("a\\ b c") << QStringList{"a b", "c"};
    QTest::newRow("empty quoted word kept") << QStringLiteral("a \"\" b") << QStringList{"a", "", "b"};
    QTest::newRow("adjacent quoted parts join") << QStringLiteral("pre\"fix\"'post'") << QStringList{"prefixpost"};
    QTest::newRow("no expansion") << QStringLiteral("$HOME `id` *.py ; rm -rf /") << QStringList{"$HOME", "`id`", "*.py", ";", "rm", "-rf", "/"};
    QTest::newRow("unicode") << QStringLiteral("\"Grüße aus Köln\" 日本") << QStringList{"Grüße aus Köln", "日本"};
    QTest::newRow("newlines separate") << QStringLiteral("a\nb") << QStringList{"a", "b"};
}

void TestCommandLineSplitter::split()
{
    QFETCH(QString, line);
    QFETCH(QStringList, words);
    const auto result = CommandLineSplitter::split(line);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(result.value(), words);
}

void TestCommandLineSplitter::rejects_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("reason");
    QTest::newRow("open double quote") << QStringLiteral("a \"b c") << QStringLiteral("double quote opened at position 2");
    QTest::newRow("open single quote") << QStringLiteral("'abc") << QStringLiteral("single quote opened at position 0");
    QTest::newRow("trailing backslash") << QStringLiteral("abc\\") << QStringLiteral("trailing backslash");
}

void TestCommandLineSplitter::rejects()
{
    QFETCH(QString, line);
    QFETCH(QString, reason);
    const auto result = CommandLineSplitter::split(line);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, oa::ErrorKind::InvalidTask);
    QVERIFY2(result.error().message.contains(reason), qPrintable(result.error().message));
}

QTEST_GUILESS_MAIN(TestCommandLineSplitter)
#include "tst_commandlinesplitter.moc"
