// What execve() can pass: the per-argument and the total limits, with the environment counted.
#include "records/Limits.h"

#include <QTest>

#include <unistd.h>

using oa::ArgumentLimits;

static qint64 reserved()
{
    return 100 - 6 * (4 + qint64(sizeof(char *)));
}

class TestLimits : public QObject {
    Q_OBJECT
private slots:
    void ofThisSystem();
    void execveBytes();
    void check_data();
    void check();
};

void TestLimits::ofThisSystem()
{
    const ArgumentLimits limits = ArgumentLimits::ofThisSystem();
    QCOMPARE(limits.maxArgumentBytes, 32 * qint64(::sysconf(_SC_PAGESIZE))); // MAX_ARG_STRLEN
    QCOMPARE(limits.maxTotalBytes, qBound(qint64(128 * 1024), qint64(::sysconf(_SC_ARG_MAX)), qint64(6 * 1024 * 1024)));
}

void TestLimits::execveBytes()
{
    // Each string: its UTF-8 bytes, a NUL and a pointer.
    QCOMPARE(oa::execveBytes({}), 0);
    QCOMPARE(oa::execveBytes({QString()}), 1 + qint64(sizeof(char *)));
    QCOMPARE(oa::execveBytes({QStringLiteral("abc"), QStringLiteral("ü")}), 4 + 3 + 2 * qint64(sizeof(char *)));
}

void TestLimits::check_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("environment"); // KEY=value entries
    QTest::addColumn<QString>("field");           // empty: the arguments fit
    QTest::addColumn<QString>("reason");          // part of the message
    // Limits small enough to read: 10 bytes per string with its NUL, and 100 in all, of which
    // reserved() is kept free so that exactly six "abc" fit (each costs 4 bytes and a pointer).
    const qint64 p = qint64(sizeof(char *));
    QTest::newRow("nothing") << QStringList() << QStringList() << QString() << QString();
    QTest::newRow("one argument at the limit") << QStringList{QString(9, u'a')} << QStringList() << QString() << QString();
    QTest::newRow("one argument a byte over") << QStringList{"ok", QString(10, u'a')} << QStringList() << "Arguments[1]"
                                              << "is 10 bytes long; the OS passes at most 9 bytes in one argument (Linux's MAX_ARG_STRLEN, 10 with its NUL)";
    QTest::newRow("UTF-8 bytes, not characters") << QStringList{QString(5, QChar(0xfc))} << QStringList() << "Arguments[0]"
                                                 << "is 10 bytes long";
    QTest::newRow("total at the limit") << QStringList(6, QStringLiteral("abc")) << QStringList() << QString() << QString();
    QTest::newRow("total a byte over") << (QStringList(5, QStringLiteral("abc")) << QStringLiteral("abcd")) << QStringList() << "Arguments"
                                       << QStringLiteral("6 string(s) need %1 bytes; with the environment (0 bytes) and %2 bytes kept for "
                                                         "the executor's own paths and variables that is more than the 100 bytes")
                                              .arg(6 * (4 + p) + 1).arg(reserved());
    QTest::newRow("the environment counts") << QStringList(5, QStringLiteral("abc")) << QStringList{"AB=1"} << "Arguments"
                                            << QStringLiteral("with the environment (%1 bytes)").arg(5 + p);
    QTest::newRow("the environment fits") << QStringList(5, QStringLiteral("abc")) << QStringList{"A=1"} << QString() << QString();
}

void TestLimits::check()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, environment);
    QFETCH(QString, field);
    QFETCH(QString, reason);
    ArgumentLimits limits;
    limits.maxArgumentBytes = 10;
    limits.maxTotalBytes = 100;
    limits.reservedBytes = reserved();
    QProcessEnvironment env;
    for (const QString &entry : environment)
        env.insert(entry.section(u'=', 0, 0), entry.section(u'=', 1));
    const auto problem = limits.check(arguments, env);
    if (field.isEmpty()) {
        QVERIFY2(!problem, problem ? qPrintable(problem->field + u' ' + problem->reason) : "");
        return;
    }
    QVERIFY(problem);
    QCOMPARE(problem->field, field);
    QVERIFY2(problem->reason.contains(reason), qPrintable(problem->reason));
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
