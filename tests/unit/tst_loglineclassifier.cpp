// What counts as a problem in a log: ERROR and CRITICAL lines in the usual logging layouts,
// tracebacks as whole blocks, and the executor's warnings and errors; never an INFO line that
// merely went to stderr.
#include "tasks/LogLineClassifier.h"

#include <QTest>

using oa::LogLineClassifier;
using Severity = LogLineClassifier::Severity;

Q_DECLARE_METATYPE(Severity)

namespace {

// Feeds `lines` in order; returns one letter per line: '.' normal, 'w' warning, 'E' an error
// line that starts a problem, 'e' an error line that continues one.
QString classify(const QStringList &lines)
{
    LogLineClassifier classifier;
    QString verdicts;
    for (const QString &line : lines) {
        const LogLineClassifier::Verdict v = classifier.next(line);
        verdicts += v.severity == Severity::Error ? (v.newProblem ? u'E' : u'e') : v.severity == Severity::Warning ? u'w' : u'.';
    }
    return verdicts;
}

} // namespace

class TestLogLineClassifier : public QObject {
    Q_OBJECT
private slots:
    void levelOfALine_data();
    void levelOfALine();
    void infoOnStderrIsNoProblem();
    void tracebackIsOneProblem();
    void chainedTracebacksAreOneProblem();
    void loggerExceptionIsOneProblem();
    void exceptionGroupEndsAtTheFirstUnindentedLine();
    void cutShortTraceback();
    void stateSaysWhetherABlockIsOpen();
    void clefLevels();
};

void TestLogLineClassifier::levelOfALine_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<Severity>("level");
    QTest::newRow("basicConfig error") << "ERROR:root:invoice 42 failed" << Severity::Error;
    QTest::newRow("basicConfig critical") << "CRITICAL:app.db:connection lost" << Severity::Error;
    QTest::newRow("basicConfig info") << "INFO:root:processing invoice 42" << Severity::Normal;
    QTest::newRow("basicConfig warning") << "WARNING:root:slow response" << Severity::Warning;
    QTest::newRow("info mentioning ERROR") << "INFO:root:ERROR: none so far" << Severity::Normal;
    QTest::newRow("pip") << "ERROR: Could not find a version that satisfies the requirement nope" << Severity::Error;
    QTest::newRow("dashed error") << "2026-11-26 05:08:39,596 - invoices - ERROR - bad total" << Severity::Error;
    QTest::newRow("dashed info quoting an error") << "2026-11-26 05:08:39,596 - invoices - INFO - saw ' - ERROR - ' upstream"
                                                  << Severity::Normal;
    QTest::newRow("dashed warning") << "2026-11-26 05:08:39,596 - invoices - WARNING - retrying" << Severity::Warning;
    QTest::newRow("timestamp level") << "2026-11-26 05:08:39,596 ERROR    invoices: bad total" << Severity::Error;
    QTest::newRow("bracketed timestamp") << "[2026-11-26 05:08:39] [CRITICAL] disk full" << Severity::Error;
    QTest::newRow("loguru") << "2026-11-26 05:08:39.596 | ERROR    | app:main:12 - bad" << Severity::Error;
    QTest::newRow("level first") << "ERROR    invoices: bad total" << Severity::Error;
    QTest::newRow("bracketed level") << "[WARN] disk almost full" << Severity::Warning;
    QTest::newRow("warnings module") << "/srv/task/main.py:3: DeprecationWarning: use run()" << Severity::Warning;
    QTest::newRow("prose") << "no errors, all ERRORS cleared" << Severity::Normal;
    QTest::newRow("lower case") << "error: this is prose to Python's logging" << Severity::Normal;
    QTest::newRow("word in a message") << "Processing invoice ERROR-42" << Severity::Normal;
    QTest::newRow("empty") << "" << Severity::Normal;
}

void TestLogLineClassifier::levelOfALine()
{
    QFETCH(QString, line);
    QFETCH(Severity, level);
    QCOMPARE(LogLineClassifier::levelOf(line), level);
}

void TestLogLineClassifier::infoOnStderrIsNoProblem()
{
    QCOMPARE(classify({"INFO:root:start", "INFO:root:step 1", "WARNING:root:slow", "ERROR:root:failed", "INFO:root:done"}),
             QStringLiteral("..wE."));
}

void TestLogLineClassifier::tracebackIsOneProblem()
{
    QCOMPARE(classify({"INFO:root:start",
                       "Traceback (most recent call last):",
                       "  File \"/srv/task/main.py\", line 3, in <module>",
                       "    total = 1 / 0",
                       "            ~~^~~",
                       "ZeroDivisionError: division by zero",
                       "INFO:root:after"}),
             QStringLiteral(".Eeeee."));
}

void TestLogLineClassifier::chainedTracebacksAreOneProblem()
{
    QCOMPARE(classify({"Traceback (most recent call last):",
                       "  File \"main.py\", line 2, in <module>",
                       "KeyError: 'total'",
                       "",
                       "During handling of the above exception, another exception occurred:",
                       "",
                       "Traceback (most recent call last):",
                       "  File \"main.py\", line 4, in <module>",
                       "ValueError: no total",
                       "",
                       "next run"}),
             QStringLiteral("Eee.e.eee.."));
}

void TestLogLineClassifier::loggerExceptionIsOneProblem()
{
    QCOMPARE(classify({"ERROR:root:invoice failed",
                       "Traceback (most recent call last):",
                       "  File \"main.py\", line 2, in <module>",
                       "ValueError: bad",
                       "Traceback (most recent call last):",
                       "  File \"main.py\", line 9, in <module>",
                       "OSError: disk"}),
             QStringLiteral("EeeeEee"));
}

void TestLogLineClassifier::exceptionGroupEndsAtTheFirstUnindentedLine()
{
    QCOMPARE(classify({"  + Exception Group Traceback (most recent call last):",
                       "  |   File \"main.py\", line 2, in <module>",
                       "  | ExceptionGroup: many (1 sub-exception)",
                       "  +-+---------------- 1 ----------------",
                       "    | Traceback (most recent call last):",
                       "    | ValueError: 1",
                       "    +------------------------------------",
                       "INFO:root:after"}),
             QStringLiteral("Eeeeeee."));
}

void TestLogLineClassifier::cutShortTraceback()
{
    // A process killed mid-traceback: a blank line or a new traceback ends it.
    QCOMPARE(classify({"Traceback (most recent call last):", "  File \"a.py\", line 1", "", "plain"}), QStringLiteral("Ee.."));
    QCOMPARE(classify({"Traceback (most recent call last):", "  File \"a.py\", line 1", "Traceback (most recent call last):",
                       "  File \"b.py\", line 1", "OSError: x"}),
             QStringLiteral("EeEee"));
}

void TestLogLineClassifier::stateSaysWhetherABlockIsOpen()
{
    LogLineClassifier classifier;
    QVERIFY(!classifier.inBlock());
    classifier.next(u"Traceback (most recent call last):");
    QVERIFY(classifier.inBlock());
    classifier.next(u"ValueError: x");
    QVERIFY(classifier.inBlock()); // a chained traceback may still follow
    classifier.next(u"plain");
    QVERIFY(!classifier.inBlock());
    classifier.next(u"Traceback (most recent call last):");
    classifier.reset();
    QVERIFY(!classifier.inBlock());
    QCOMPARE(classifier.next(u"  File \"a.py\", line 1").severity, Severity::Normal);
}

void TestLogLineClassifier::clefLevels()
{
    QCOMPARE(LogLineClassifier::clefEvent(u"").severity, Severity::Normal);
    QVERIFY(!LogLineClassifier::clefEvent(u"Debug").newProblem);
    QCOMPARE(LogLineClassifier::clefEvent(u"Warning").severity, Severity::Warning);
    QVERIFY(LogLineClassifier::clefEvent(u"Warning").newProblem);
    QCOMPARE(LogLineClassifier::clefEvent(u"Error").severity, Severity::Error);
    QCOMPARE(LogLineClassifier::clefEvent(u"Fatal").severity, Severity::Error);
    QVERIFY(LogLineClassifier::clefEvent(u"Fatal").newProblem);
}

QTEST_GUILESS_MAIN(TestLogLineClassifier)
#include "tst_loglineclassifier.moc"
