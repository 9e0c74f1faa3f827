// The test fixtures' own promises: OA_SKIP_OR_FAIL skips normally and fails where every test
// must run (OA_REQUIRE_ALL_TESTS=1), each time with the reason.
#include "TestSupport.h"

#include <QProcess>
#include <QTest>

class TestTestSupport : public QObject {
    Q_OBJECT
private slots:
    void skipOrFail_data();
    void skipOrFail();
};

void TestTestSupport::skipOrFail_data()
{
    QTest::addColumn<QString>("require"); // OA_REQUIRE_ALL_TESTS, empty: unset
    QTest::addColumn<int>("exitCode");    // QtTest's: the number of failed test functions
    QTest::addColumn<QByteArray>("verdict");
    QTest::newRow("unset: skips") << QString() << 0 << QByteArray("SKIP   : Skipper::preconditionMissing() the helper's precondition is missing");
    QTest::newRow("0: skips") << "0" << 0 << QByteArray("SKIP   : Skipper::preconditionMissing() the helper's precondition is missing");
    QTest::newRow("1: fails") << "1" << 1
                              << QByteArray("FAIL!  : Skipper::preconditionMissing() cannot run, and OA_REQUIRE_ALL_TESTS=1 forbids "
                                            "skipping: the helper's precondition is missing");
}

void TestTestSupport::skipOrFail()
{
    QFETCH(QString, require);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, verdict);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("OA_REQUIRE_ALL_TESTS"));
    if (!require.isEmpty())
        env.insert(QStringLiteral("OA_REQUIRE_ALL_TESTS"), require);
    QProcess skipper;
    skipper.setProcessEnvironment(env);
    skipper.start(QStringLiteral(OA_SKIPPER_PATH), QStringList());
    QVERIFY(skipper.waitForFinished(30000));
    const QByteArray out = skipper.readAllStandardOutput();
    QCOMPARE(skipper.exitStatus(), QProcess::NormalExit);
    QCOMPARE(skipper.exitCode(), exitCode);
    QVERIFY2(out.contains(verdict), out.constData());
}

QTEST_GUILESS_MAIN(TestTestSupport)
#include "tst_testsupport.moc"
