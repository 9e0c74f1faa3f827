// PackagePolicy: what counts as a direct reference, which hosts AllowedHosts lets through, and
// which requirements.txt options choose where packages come from.
#include "dependencies/PackagePolicy.h"
#include "syntax/Requirement.h"

#include <QTest>

using namespace oa;

namespace {
Requirement req(const QString &text)
{
    auto parsed = Requirement::parseWithoutHashes(text);
    if (!parsed)
        qFatal("not a requirement: %s: %s", qPrintable(text), qPrintable(parsed.error().message));
    return parsed.value();
}
} // namespace

class TestPackagePolicy : public QObject {
    Q_OBJECT
private slots:
    void directReferences_data();
    void directReferences();
    void refusedByDefaultAllowedBySetting();
    void allowedHosts_data();
    void allowedHosts();
    void options_data();
    void options();
    void includesStayInTheTaskFolder();
    void onlyBinaryCannotBeUndone();
    void requirementOptionsAndExpansion();
};

void TestPackagePolicy::directReferences_data()
{
    QTest::addColumn<QString>("requirement");
    QTest::addColumn<QString>("reference"); // empty: none

    QTest::newRow("name") << "oa-demo" << "";
    QTest::newRow("pinned") << "oa-demo==1.0" << "";
    QTest::newRow("extras and marker") << "oa-demo[x]>=1.0 ; python_version >= \"3.8\"" << "";
    // A file: URL is its path: toLine() writes it as one again.
    QTest::newRow("named file URL") << "oa-demo @ file:///srv/oa_demo-1.0-py3-none-any.whl" << "/srv/oa_demo-1.0-py3-none-any.whl";
    QTest::newRow("named https with marker") << "oa-demo@https://h.example/x.whl ; os_name == \"posix\"" << "https://h.example/x.whl";
    QTest::newRow("vcs") << "git+https://git.example/oa.git#egg=oa" << "git+https://git.example/oa.git#egg=oa";
    QTest::newRow("bare URL") << "https://h.example/oa_demo-1.0.tar.gz" << "https://h.example/oa_demo-1.0.tar.gz";
    QTest::newRow("file URL") << "file:///pkgs/oa.whl" << "/pkgs/oa.whl";
    QTest::newRow("relative path") << "./pkgs/oa" << "./pkgs/oa";
    QTest::newRow("absolute path") << "/srv/oa" << "/srv/oa";
    QTest::newRow("archive") << "oa_demo-1.0-py3-none-any.whl" << "oa_demo-1.0-py3-none-any.whl";
    QTest::newRow("sdist archive") << "oa_demo-1.0.tar.gz" << "oa_demo-1.0.tar.gz";
}

void TestPackagePolicy::directReferences()
{
    QFETCH(QString, requirement);
    QFETCH(QString, reference);
    QCOMPARE(req(requirement).reference(), reference);
}

void TestPackagePolicy::refusedByDefaultAllowedBySetting()
{
    PackagePolicy policy;
    const Status checked = policy.checkRequirement(req(QStringLiteral("oa-demo @ file:///x.whl")));
    QVERIFY(!checked);
    const QString problem = checked.error().message;
    QCOMPARE(checked.error().kind, oa::ErrorKind::InvalidTask);
    QVERIFY2(problem.contains(QLatin1String("oa-demo @ file:///x.whl")) && problem.contains(QLatin1String("AllowDirectReferences")),
             qPrintable(problem));
    QVERIFY(policy.checkRequirement(req(QStringLiteral("oa-demo==1.0"))));
    policy.allowDirectReferences = true;
    QVERIFY(policy.checkRequirement(req(QStringLiteral("oa-demo @ file:///x.whl"))));
}

void TestPackagePolicy::allowedHosts_data()
{
    QTest::addColumn<QString>("requirement");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<QString>("host");

    QTest::newRow("listed") << "oa @ https://wheels.example/oa.whl" << true << "wheels.example";
    QTest::newRow("listed, other case") << "oa @ https://WHEELS.example/oa.whl" << true << "wheels.example";
    QTest::newRow("unlisted") << "oa @ https://evil.example/oa.whl" << false << "evil.example";
    QTest::newRow("vcs unlisted") << "git+https://evil.example/oa.git" << false << "evil.example";
    QTest::newRow("userinfo does not fool it") << "oa @ https://wheels.example@evil.example/oa.whl" << false << "evil.example";
    QTest::newRow("path is localhost") << "./oa.whl" << false << "localhost";
}

void TestPackagePolicy::allowedHosts()
{
    QFETCH(QString, requirement);
    QFETCH(bool, allowed);
    QFETCH(QString, host);
    PackagePolicy policy;
    policy.allowDirectReferences = true;
    policy.allowedHosts = {QStringLiteral("wheels.example")};
    const Status checked = policy.checkRequirement(req(requirement));
    QCOMPARE(checked.ok(), allowed);
    if (!checked)
        QVERIFY2(checked.error().message.contains(QStringLiteral("host %1").arg(host)), qPrintable(checked.error().message));
}

void TestPackagePolicy::options_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<bool>("allowedWithFileOptions");

    QTest::newRow("--index-url") << "--index-url http://127.0.0.1:9/simple" << false << true;
    QTest::newRow("-i") << "-i http://127.0.0.1:9/simple" << false << true;
    QTest::newRow("--extra-index-url=") << "--extra-index-url=http://x/simple" << false << true;
    QTest::newRow("--find-links") << "--find-links /tmp/wheels" << false << true;
    QTest::newRow("-f") << "-f /tmp/wheels" << false << true;
    QTest::newRow("--trusted-host") << "--trusted-host evil.example" << false << true;
    QTest::newRow("--no-index") << "--no-index" << false << true;
    QTest::newRow("-e") << "-e ./src" << false << true;
    QTest::newRow("--editable") << "--editable=./src" << false << true;
    QTest::newRow("--no-binary") << "--no-binary :all:" << false << true;
    QTest::newRow("unknown") << "--use-feature=truststore" << false << false;
    // pip's option parser takes any unambiguous prefix: "--index" is --index-url to pip.
    QTest::newRow("abbreviation") << "--index http://127.0.0.1:9/simple" << false << false;
    QTest::newRow("joined short form") << "-ihttp://127.0.0.1:9/simple" << false << true;
    QTest::newRow("--only-binary") << "--only-binary :all:" << true << true;
    QTest::newRow("--prefer-binary") << "--prefer-binary" << true << true;
    QTest::newRow("--require-hashes") << "--require-hashes" << true << true;
}

void TestPackagePolicy::options()
{
    QFETCH(QString, line);
    QFETCH(bool, allowed);
    QFETCH(bool, allowedWithFileOptions);
    PackagePolicy policy;
    const auto option = PackagePolicy::classify(line);
    const Status checked = policy.checkOption(option);
    QCOMPARE(checked.ok(), allowed);
    if (!checked)
        QVERIFY2(checked.error().message.contains(option.name), qPrintable(checked.error().message));
    policy.allowRequirementsFileOptions = true;
    QCOMPARE(policy.checkOption(option).ok(), allowedWithFileOptions);
}

void TestPackagePolicy::includesStayInTheTaskFolder()
{
    PackagePolicy policy;
    const QString task = QStringLiteral("/base/Tasks/t1");
    const auto r = PackagePolicy::classify(QStringLiteral("-r ../../outside.txt"));
    QCOMPARE(r.kind, PackagePolicy::Option::Kind::Include);
    QCOMPARE(r.value, QStringLiteral("../../outside.txt"));
    QVERIFY(!policy.checkInclude(r, QStringLiteral("/base/outside.txt"), task));
    QVERIFY(!policy.checkInclude(r, QStringLiteral("/base/Tasks/t10/x.txt"), task)); // a sibling sharing the prefix
    QVERIFY(policy.checkInclude(PackagePolicy::classify(QStringLiteral("-c constraints.txt")), task + QStringLiteral("/constraints.txt"), task));
    QVERIFY(!policy.checkInclude(PackagePolicy::classify(QStringLiteral("-r https://evil.example/r.txt")), QStringLiteral("/x"), task));
    policy.allowRequirementsFileOptions = true;
    // pip reads a file outside the task folder unchecked: only where no other setting holds.
    QVERIFY(!policy.checkInclude(r, QStringLiteral("/base/outside.txt"), task)); // AllowDirectReferences is off
    policy.allowDirectReferences = true;
    QVERIFY(policy.checkInclude(r, QStringLiteral("/base/outside.txt"), task));
    QVERIFY(policy.checkInclude(PackagePolicy::classify(QStringLiteral("-r https://h.example/r.txt")), QStringLiteral("/x"), task));
    policy.onlyBinary = true;
    const Status checked = policy.checkInclude(r, QStringLiteral("/base/outside.txt"), task);
    QVERIFY(!checked && checked.error().message.contains(QStringLiteral("pip would read without the executor's check")));
    QVERIFY(policy.checkInclude(PackagePolicy::classify(QStringLiteral("-c constraints.txt")), task + QStringLiteral("/constraints.txt"), task));
    policy.onlyBinary = false;
    policy.allowedHosts = {QStringLiteral("pypi.example.corp")};
    QVERIFY(!policy.checkInclude(r, QStringLiteral("/base/outside.txt"), task));
}

void TestPackagePolicy::onlyBinaryCannotBeUndone()
{
    {
        // A direct reference escapes PIP_ONLY_BINARY: only a wheel may be named while it is on.
        PackagePolicy policy;
        policy.allowDirectReferences = true;
        const QString sdist = QStringLiteral("oa-sd @ file:///srv/oa-sd-1.0.tar.gz");
        QVERIFY(policy.checkRequirement(req(sdist)));
        policy.onlyBinary = true;
        const Status checked = policy.checkRequirement(req(sdist));
        QVERIFY(!checked && checked.error().message.contains(QStringLiteral("is not a wheel, and OnlyBinary is on")));
        QVERIFY(!policy.checkRequirement(req(QStringLiteral("oa-x @ git+https://example.org/oa-x.git"))));
        QVERIFY(!policy.checkRequirement(req(QStringLiteral("./project"))));
        QVERIFY(policy.checkRequirement(req(QStringLiteral("oa-demo @ https://h.example/oa_demo-1.0-py3-none-any.whl#sha256=00"))));
    }
    PackagePolicy policy;
    policy.onlyBinary = true;
    policy.allowRequirementsFileOptions = true; // even so
    QVERIFY(!policy.checkOption(PackagePolicy::classify(QStringLiteral("--no-binary :all:"))));
    QVERIFY(!policy.checkOption(PackagePolicy::classify(QStringLiteral("--only-binary :none:"))));
    QVERIFY(policy.checkOption(PackagePolicy::classify(QStringLiteral("--only-binary :all:"))));
}

void TestPackagePolicy::requirementOptionsAndExpansion()
{
    PackagePolicy policy;
    // Only --hash may follow a requirement (Requirement::parse); pip reads the rest through shlex.
    QVERIFY(Requirement::parse(QStringLiteral("x --hash=sha256:%1 --hash sha256:%1").arg(QString(64, u'0'))));
    QVERIFY(!Requirement::parse(QStringLiteral("x --config-settings=x=y")));
    QVERIFY(!Requirement::parse(QStringLiteral("x --global-option=--build")));
    QVERIFY(!Requirement::parse(QStringLiteral("x --hash=sha256:%1 ''--global-option=--quiet").arg(QString(64, u'0'))));
    QVERIFY(!Requirement::parse(QStringLiteral("x -'-global-option=--quiet'")));
    QVERIFY(!Requirement::parse(QStringLiteral("x --hash")));          // no digest
    QVERIFY(!Requirement::parse(QStringLiteral("x --hash=sha256:%1 x").arg(QString(64, u'0')))); // a stray word
    // One option a line: shlex and optparse take every one of them.
    QVERIFY(PackagePolicy::checkOptionLine(QStringLiteral("--only-binary :all:")));
    QVERIFY(PackagePolicy::checkOptionLine(QStringLiteral("-rmore.txt")));
    QVERIFY(PackagePolicy::checkOptionLine(QStringLiteral("--index-url=https://x.example/simple")));
    QVERIFY(!PackagePolicy::checkOptionLine(QStringLiteral("--prefer-binary --find-links /tmp")));
    QVERIFY(!PackagePolicy::checkOptionLine(QStringLiteral("--only-binary=:all: --pre")));
    QVERIFY(!PackagePolicy::checkOptionLine(QStringLiteral("-r a.txt b.txt")));
    // Python strips U+001F from a line, Qt does not.
    QVERIFY(!PackagePolicy::checkCharacters(QString(QChar(0x1f)) + QStringLiteral("--no-binary=:all:")));
    QVERIFY(!PackagePolicy::checkCharacters(QStringLiteral("oa-demo") + QChar(0x7f)));
    QVERIFY(PackagePolicy::checkCharacters(QStringLiteral("oa-demo==1.0\t; python_version < \"3.12\"")));
    QVERIFY(!PackagePolicy::checkExpansion(QStringLiteral("oa @ https://h.example/${TOKEN}/oa.whl")));
    QVERIFY(PackagePolicy::checkExpansion(QStringLiteral("oa-demo==1.0")));
}

QTEST_GUILESS_MAIN(TestPackagePolicy)
#include "tst_packagepolicy.moc"
