// Test helper: a QtTest whose one test function cannot run and says why, through
// OA_SKIP_OR_FAIL. tst_testsupport runs it with and without OA_REQUIRE_ALL_TESTS=1.
#include "TestSupport.h"

#include <QTest>

class Skipper : public QObject {
    Q_OBJECT
private slots:
    void preconditionMissing() { OA_SKIP_OR_FAIL(QStringLiteral("the helper's precondition is missing")); }
};

QTEST_GUILESS_MAIN(Skipper)
#include "skipper.moc"
