// MarkerEvaluator and the PEP 440 ordering under it, with no process: each operator, `and` over
// `or`, versions against strings, and every way a marker stays undecided. The expected values
// are what pip's `packaging` answers (21.3, in Debian's pip 23.0, and 23.x alike) for the same marker and environment.
#include "syntax/MarkerEvaluator.h"
#include "syntax/Pep440Version.h"

#include <QTest>

using namespace oa;

class TestMarkerEvaluator : public QObject {
    Q_OBJECT
private slots:
    void evaluate_data();
    void evaluate();
    void withoutEnvironment_data();
    void withoutEnvironment();
    void versionOrder_data();
    void versionOrder();
};

namespace {

// Debian 12's python3.11 on x86_64, as the interpreter probe reports it.
MarkerEvaluator debian()
{
    return MarkerEvaluator({{QStringLiteral("implementation_name"), QStringLiteral("cpython")},
                            {QStringLiteral("implementation_version"), QStringLiteral("3.11.2")},
                            {QStringLiteral("os_name"), QStringLiteral("posix")},
                            {QStringLiteral("platform_machine"), QStringLiteral("x86_64")},
                            {QStringLiteral("platform_release"), QStringLiteral("6.1.0-18-amd64")},
                            {QStringLiteral("platform_system"), QStringLiteral("Linux")},
                            {QStringLiteral("platform_version"), QStringLiteral("#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)")},
                            {QStringLiteral("python_full_version"), QStringLiteral("3.11.2")},
                            {QStringLiteral("platform_python_implementation"), QStringLiteral("CPython")},
                            {QStringLiteral("python_version"), QStringLiteral("3.11")},
                            {QStringLiteral("sys_platform"), QStringLiteral("linux")}});
}

enum class Expect { False, True, Undecided };

} // namespace

Q_DECLARE_METATYPE(Expect)

void TestMarkerEvaluator::evaluate_data()
{
    QTest::addColumn<QString>("marker");
    QTest::addColumn<QString>("extra");
    QTest::addColumn<Expect>("expected");
    const auto row = [](const char *name, const char *marker, Expect expected, const char *extra = "") {
        QTest::newRow(name) << QString::fromUtf8(marker) << QString::fromUtf8(extra) << expected;
    };
    // Each operator, with versions: 3.11 is after 3.9 as a version, before it as a string.
    row("== version", "python_version == \"3.11\"", Expect::True);
    row("== version padded", "python_full_version == \"3.11.2.0\"", Expect::True);
    row("== wildcard", "python_full_version == \"3.11.*\"", Expect::True);
    row("!= version", "python_version != \"3.11\"", Expect::False);
    row("!= wildcard", "python_full_version != \"3.10.*\"", Expect::True);
    row("< version not string", "python_version < \"3.9\"", Expect::False);
    row("> version not string", "python_version > \"3.9\"", Expect::True);
    row("<= version", "python_version <= \"3.11\"", Expect::True);
    row(">= version", "python_full_version >= \"3.11.3\"", Expect::False);
    row("~= version", "python_full_version ~= \"3.11.0\"", Expect::True);
    row("~= outside the prefix", "python_full_version ~= \"3.10.0\"", Expect::False);
    row("~= two numbers", "python_version ~= \"3.7\"", Expect::True);
    row("=== version", "python_full_version === \"3.11.2\"", Expect::True);
    row("=== other text", "python_full_version === \"3.11.2.0\"", Expect::False);
    row("in", "\"linux\" in sys_platform", Expect::True);
    row("in substring", "sys_platform in \"linux2 darwin\"", Expect::True);
    row("not in", "platform_machine not in \"arm64 aarch64\"", Expect::True);
    row("not in false", "\"posix\" not in os_name", Expect::False);
    // Strings: code-point order where the right side is no version.
    row("== string", "os_name == \"posix\"", Expect::True);
    row("== string case", "platform_system == \"linux\"", Expect::False);
    row("!= string", "sys_platform != \"win32\"", Expect::True);
    row("< string", "platform_machine < \"y\"", Expect::True);
    row(">= string", "implementation_name >= \"pypy\"", Expect::False);
    row("variable on the right", "\"3.8\" <= python_version", Expect::True);
    row("string with blanks", "platform_version == \"#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\"", Expect::True);
    // Precedence: `and` before `or`, parentheses over both.
    row("and before or", "os_name == \"nt\" and python_version < \"3\" or sys_platform == \"linux\"", Expect::True);
    row("or then and", "sys_platform == \"linux\" or os_name == \"posix\" and python_version < \"3\"", Expect::True);
    row("parentheses", "(sys_platform == \"linux\" or os_name == \"posix\") and python_version < \"3\"", Expect::False);
    row("nested", "((python_version >= \"3.8\") and (os_name == \"posix\" or os_name == \"nt\"))", Expect::True);
    row("single quotes", "platform_python_implementation == 'CPython'", Expect::True);
    // Extras: "" for a requirement itself; compared by canonical names.
    row("extra absent", "extra == \"socks\"", Expect::False);
    row("extra asked", "extra == \"socks\"", Expect::True, "socks");
    row("extra other spelling", "extra == \"Foo_Bar\"", Expect::Undecided, "foo-bar"); // packaging 21.3: false; 22: true
    row("extra same spelling", "extra == \"foo-bar\"", Expect::True, "foo-bar");
    row("extra other", "extra == \"socks\"", Expect::False, "security");
    row("extra and environment", "python_version >= \"3\" and extra == \"brotli\"", Expect::False, "socks");
    // Undecided: never a guess.
    row("unknown variable", "python_implementation == \"CPython\"", Expect::Undecided);
    row("legacy dotted variable", "os.name == \"posix\"", Expect::Undecided);
    row("malformed", "python_version >= ", Expect::Undecided);
    row("unclosed parenthesis", "(os_name == \"posix\"", Expect::Undecided);
    row("unclosed quote", "os_name == \"posix", Expect::Undecided);
    row("no operator", "os_name \"posix\"", Expect::Undecided);
    row("two strings", "\"a\" == \"a\"", Expect::Undecided);
    row("two variables", "os_name == sys_platform", Expect::Undecided);
    row("~= on strings", "os_name ~= \"posix\"", Expect::Undecided);
    row("=== with blanks", "platform_version === \"#1 SMP\"", Expect::Undecided);
    row("non-version against version", "platform_release >= \"5.0\"", Expect::Undecided);
    row("poison beside a false operand", "os_name == \"nt\" and platform_release >= \"5.0\"", Expect::Undecided);
    row("empty", "", Expect::Undecided);
}

void TestMarkerEvaluator::evaluate()
{
    QFETCH(QString, marker);
    QFETCH(QString, extra);
    QFETCH(Expect, expected);
    QString why;
    const std::optional<bool> decided = debian().evaluate(marker, extra, &why);
    if (expected == Expect::Undecided) {
        QVERIFY2(!decided, qPrintable(QStringLiteral("decided %1").arg(decided.value_or(false))));
        QVERIFY(!why.isEmpty());
    } else {
        QVERIFY2(decided, qPrintable(why));
        QCOMPARE(*decided, expected == Expect::True);
        QVERIFY(why.isEmpty());
    }
}

void TestMarkerEvaluator::withoutEnvironment_data()
{
    QTest::addColumn<QString>("marker");
    QTest::addColumn<Expect>("expected");
    // An unknown variable decides nothing, unless the rest decides without it.
    QTest::newRow("unknown alone") << QStringLiteral("python_version < \"3.8\"") << Expect::Undecided;
    QTest::newRow("false and unknown") << QStringLiteral("extra == \"e\" and python_version < \"3\"") << Expect::False;
    QTest::newRow("unknown and false") << QStringLiteral("(os_name != \"nt\" or python_version >= \"3\") and (extra == \"brotli\")") << Expect::False;
    QTest::newRow("unknown or false") << QStringLiteral("python_version < \"3\" or extra == \"e\"") << Expect::Undecided;
    QTest::newRow("true or unknown") << QStringLiteral("extra == \"\" or os_name == \"nt\"") << Expect::True;
}

void TestMarkerEvaluator::withoutEnvironment()
{
    QFETCH(QString, marker);
    QFETCH(Expect, expected);
    const std::optional<bool> decided = MarkerEvaluator().evaluate(marker);
    QCOMPARE(decided.has_value(), expected != Expect::Undecided);
    if (decided)
        QCOMPARE(*decided, expected == Expect::True);
}

void TestMarkerEvaluator::versionOrder_data()
{
    QTest::addColumn<QString>("lower");
    QTest::addColumn<QString>("higher");
    QTest::newRow("release") << QStringLiteral("3.9") << QStringLiteral("3.11");
    QTest::newRow("dev before pre") << QStringLiteral("1.0.dev0") << QStringLiteral("1.0a1");
    QTest::newRow("pre kinds") << QStringLiteral("1.0b2") << QStringLiteral("1.0rc1");
    QTest::newRow("pre before final") << QStringLiteral("1.0rc1") << QStringLiteral("1.0");
    QTest::newRow("final before local") << QStringLiteral("1.0") << QStringLiteral("1.0+local");
    QTest::newRow("local before post") << QStringLiteral("1.0+local") << QStringLiteral("1.0.post1");
    QTest::newRow("post dev before post") << QStringLiteral("1.0.post1.dev1") << QStringLiteral("1.0.post1");
    QTest::newRow("epoch") << QStringLiteral("2024.1") << QStringLiteral("1!0.1");
    QTest::newRow("local numbers above words") << QStringLiteral("1.0+abc") << QStringLiteral("1.0+1");
}

void TestMarkerEvaluator::versionOrder()
{
    QFETCH(QString, lower);
    QFETCH(QString, higher);
    const auto a = Pep440Version::parse(lower);
    const auto b = Pep440Version::parse(higher);
    QVERIFY(a && b);
    QCOMPARE(a->compare(*b), -1);
    QCOMPARE(b->compare(*a), 1);
    QCOMPARE(a->compare(*a), 0);
    // Spelled differently, equal: PEP 440's normal form.
    QCOMPARE(Pep440Version::parse(QStringLiteral("1.0-RC.1"))->normalized(), QStringLiteral("1.0rc1"));
    QCOMPARE(Pep440Version::parse(QStringLiteral("1.0-RC.1"))->compare(*Pep440Version::parse(QStringLiteral("1.0rc1"))), 0);
    // A pre-release of the release named is not below it; a post-release not above it.
    QCOMPARE(Pep440Version::clauseContains(QStringLiteral("<"), QStringLiteral("3.13"), QStringLiteral("3.13.0rc1")), std::optional<bool>(false));
    QCOMPARE(Pep440Version::clauseContains(QStringLiteral(">"), QStringLiteral("1.0"), QStringLiteral("1.0.post1")), std::optional<bool>(false));
    QCOMPARE(Pep440Version::clauseContains(QStringLiteral("<="), QStringLiteral("3.13"), QStringLiteral("3.13.0rc1")), std::optional<bool>(true));
}

QTEST_GUILESS_MAIN(TestMarkerEvaluator)
#include "tst_marker_evaluator.moc"
