// The one requirement grammar (oa::Requirement): what it takes, what it refuses, that what it
// writes parses back to the same requirement, and that pip's own parse_requirements reads the
// written line as the same requirement.
#include "syntax/Requirement.h"
#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QtTest>

using namespace oa;

class TestRequirement : public QObject {
    Q_OBJECT
private slots:
    void takes_data();
    void takes();
    void refuses_data();
    void refuses();
    void markers_data();
    void markers();
    void anchoring();
    void pipReadsTheWrittenLineBack();
};

void TestRequirement::takes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("line"); // toLine() after anchoring in /task
    const QString h = QStringLiteral("sha256:") + QString(64, u'a');
    QTest::newRow("name") << "requests" << "requests";
    QTest::newRow("specifier with blanks") << " Requests >= 2.28 , < 3 " << "Requests>=2.28,<3";
    QTest::newRow("parenthesized specifier") << "six (==1.16.0)" << "six==1.16.0";
    QTest::newRow("wildcard") << "numpy==1.*" << "numpy==1.*";
    QTest::newRow("local version") << "torch==2.0.1+cpu" << "torch==2.0.1+cpu";
    QTest::newRow("arbitrary equality") << "legacy===1.0-custom" << "legacy===1.0-custom";
    QTest::newRow("extras") << "requests[ socks , security ]>=2" << "requests[socks,security]>=2";
    QTest::newRow("marker") << "pywin32 ; sys_platform=='win32'" << "pywin32 ; sys_platform == \"win32\"";
    QTest::newRow("nested marker") << "x; (python_version<'3.8' or os_name == \"nt\") and extra == 'y'"
                                   << "x ; (python_version < \"3.8\" or os_name == \"nt\") and extra == \"y\"";
    QTest::newRow("in marker") << "x ; 'linux' in sys_platform and platform_machine not in 'arm64 aarch64'"
                               << "x ; \"linux\" in sys_platform and platform_machine not in \"arm64 aarch64\"";
    QTest::newRow("named URL") << "pkg @ https://files.example/pkg-1.0-py3-none-any.whl ; os_name == 'posix'"
                               << "pkg @ https://files.example/pkg-1.0-py3-none-any.whl ; os_name == \"posix\"";
    QTest::newRow("VCS URL") << "git+https://git.example/x.git@v1#egg=x" << "git+https://git.example/x.git@v1#egg=x";
    QTest::newRow("relative path") << "./wheels/x-1.0-py3-none-any.whl" << "file:///task/wheels/x-1.0-py3-none-any.whl";
    QTest::newRow("path with a blank") << "/drop/my lib/x-1.0-py3-none-any.whl" << "file:///drop/my%20lib/x-1.0-py3-none-any.whl";
    QTest::newRow("path with # and ;") << "/drop/a#b/x-1.0-py3-none-any.whl ; os_name=='posix'"
                                       << "file:///drop/a%23b/x-1.0-py3-none-any.whl ; os_name == \"posix\"";
    QTest::newRow("file URL") << "x @ file:///drop/my%20lib/x-1.0-py3-none-any.whl" << "x @ file:///drop/my%20lib/x-1.0-py3-none-any.whl";
    QTest::newRow("file URL, localhost") << "file://localhost/drop/x-1.0-py3-none-any.whl" << "file:///drop/x-1.0-py3-none-any.whl";
    QTest::newRow("archive name") << "x-1.0.tar.gz" << "file:///task/x-1.0.tar.gz";
    // Found by fuzz_requirement: ":/x" is absolute to QDir (a Qt resource), relative to pip.
    QTest::newRow("path starting with a colon") << ":/wheels/x-1.0-py3-none-any.whl" << "file:///task/%3A/wheels/x-1.0-py3-none-any.whl";
    QTest::newRow("non-ASCII folder") << "/drop/Überweisung/x-1.0-py3-none-any.whl" << "file:///drop/%C3%9Cberweisung/x-1.0-py3-none-any.whl";
    QTest::newRow("hashes") << "x==1.0 --hash=sha256:" + QString(64, u'A') + " --hash " + h << "x==1.0 --hash=" + h;
    QTest::newRow("hash after a marker") << "x==1.0 ; python_version >= '3' --hash=" + h << "x==1.0 ; python_version >= \"3\" --hash=" + h;
}

void TestRequirement::takes()
{
    QFETCH(QString, text);
    QFETCH(QString, line);
    const auto parsed = Requirement::parse(text);
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
    const auto anchored = parsed->anchoredIn(QStringLiteral("/task"));
    QVERIFY(anchored);
    QCOMPARE(anchored->toLine(), line);
    // The oracle of the fuzzer too: what is written parses back to the same requirement.
    const auto again = Requirement::parse(anchored->toLine());
    QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
    QVERIFY(again.value() == anchored.value());
}

void TestRequirement::refuses_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("why");
    const QString h = QStringLiteral("--hash=sha256:") + QString(64, u'a');
    // On a line, pip's options start at the first word that starts with "-": the marker is empty.
    QTest::newRow("marker that is an option") << "x==1.0 ; --no-binary=x" << "followed by no marker";
    QTest::newRow("marker that is -r") << "x==1.0 ; -r other.txt" << "followed by no marker";
    QTest::newRow("marker string with an option") << "x ; os_name == 'a --no-binary=:all:'" << "not closed";
    QTest::newRow("marker string with a comment") << "x ; os_name == 'a #b'" << "blank before \"#\"";
    QTest::newRow("marker string with ${") << "x ; os_name == '${PIP_INDEX_URL}'" << "${";
    QTest::newRow("legacy marker variable") << "x ; os.name == 'posix'" << "not a marker variable";
    QTest::newRow("marker nested too deep") << "x ; " + QString(40, u'(') + "os_name=='a'" + QString(40, u')') << "deeper than";
    QTest::newRow("newline at the end of a version") << "x==1.0\n" << "U+000A";
    QTest::newRow("newline in a name") << "name\n" << "U+000A";
    QTest::newRow("carriage return") << "x\r--no-binary=:all:" << "U+000D";
    QTest::newRow("unit separator") << "\x1f--no-binary=:all:" << "U+001F";
    QTest::newRow("line separator") << QString::fromUtf8("x==1.0\u2028-r y.txt") << "U+2028";
    QTest::newRow("NEL") << QString::fromUtf8("x==1.0\u0085") << "U+0085";
    QTest::newRow("Cyrillic look-alike") << QString::fromUtf8("r\u0435quests") << "U+0435";
    QTest::newRow("fullwidth equals") << QString::fromUtf8("x\uFF1D\uFF1D1.0") << "U+FF1D";
    QTest::newRow("trailing backslash") << "x==1.0 \\" << "backslash";
    QTest::newRow("option") << "--index-url https://evil.example" << "starts with \"-\"";
    QTest::newRow("option after a requirement") << "x==1.0 --no-binary=:all:" << "only --hash";
    QTest::newRow("short hash") << "x==1.0 --hash=sha256:abc" << "not a hash";
    QTest::newRow("weak hash") << "x==1.0 --hash=md5:" + QString(32, u'a') << "not a hash";
    QTest::newRow("hash with a newline") << "x==1.0 " + h + "\n" << "U+000A";
    QTest::newRow("not a version") << "x==1.0;;" << "not an environment marker";
    QTest::newRow("bad version") << "x>=1.0.*" << "not a PEP 440 version";
    QTest::newRow("empty") << "   " << "empty";
    QTest::newRow("URL with ;") << "x @ https://h.example/a;b.whl" << "\";\"";
    QTest::newRow("URL with a blank escape broken") << "x @ https://h.example/%zz.whl" << "not an escape";
    QTest::newRow("URL with ${") << "x @ https://${TOKEN}@h.example/x.whl" << "${";
    QTest::newRow("named path") << "x @ ./x.whl" << "must be followed by a URL";
    QTest::newRow("file URL with a fragment") << "file:///drop/x.whl#sha256=00" << "fragment";
    QTest::newRow("relative file URL") << "file:x.whl" << "not a file: URL of an absolute path";
    QTest::newRow("file URL with a NUL") << "file:///drop/x%00.whl" << "U+0000";
    QTest::newRow("path with extras") << "./x.whl[extra]" << "extras";
    QTest::newRow("path with a backslash") << "wheels\\x.whl" << "backslash";
    QTest::newRow("home path") << "~/x.whl" << "\"~\"";
    QTest::newRow("URL then text") << "x @ https://h.example/x.whl junk" << "only \"; marker\"";
    QTest::newRow("unclosed extras") << "x[a" << "not closed";
    QTest::newRow("name with a dot at the end") << "x.==1" << "start and end";
}

void TestRequirement::refuses()
{
    QFETCH(QString, text);
    QFETCH(QString, why);
    const auto parsed = Requirement::parse(text);
    QVERIFY2(!parsed, qPrintable(parsed ? parsed->toLine() : QString()));
    QVERIFY2(parsed.error().message.contains(why), qPrintable(parsed.error().message));
    QCOMPARE(parsed.error().kind, ErrorKind::InvalidTask);
}

void TestRequirement::markers_data()
{
    QTest::addColumn<QString>("marker");
    QTest::addColumn<QString>("why");
    // A Pipfile.lock's "markers" field, and execution.json's requirements, reach the marker grammar whole.
    QTest::newRow("an option") << "--no-binary=x" << "expected a marker variable";
    QTest::newRow("-r") << "-r other.txt" << "expected a marker variable";
    QTest::newRow("config settings") << "--config-settings=a=b" << "expected a marker variable";
    QTest::newRow("empty, then an option") << " --global-option=x" << "expected a marker variable";
    QTest::newRow("string with an option") << "os_name == 'a --no-binary=:all:'" << "blank before \"-\"";
    QTest::newRow("string with a hash option") << "os_name == 'a --hash=sha256:00'" << "blank before \"-\"";
    QTest::newRow("trailing option") << "os_name == 'posix' --no-binary=x" << "unexpected";
    QTest::newRow("newline") << "os_name == 'posix'\n" << "U+000A";
    QTest::newRow("not in without in") << "os_name not 'posix'" << "followed by \"in\"";
    QTest::newRow("string with a backslash") << "os_name == 'a\\'" << "U+005C";
    QTest::newRow("unclosed parenthesis") << "(os_name == 'a'" << "not closed";
}

void TestRequirement::markers()
{
    QFETCH(QString, marker);
    QFETCH(QString, why);
    const oa::Result<QString> canonical = Requirement::canonicalMarker(marker);
    QVERIFY2(!canonical, qPrintable(canonical ? canonical.value() : QString()));
    QVERIFY2(canonical.error().message.contains(why), qPrintable(canonical.error().message));
    const auto requirement = Requirement::parseWithoutHashes(QStringLiteral("x==1.0 ; ") + marker);
    QVERIFY(!requirement);
}

void TestRequirement::anchoring()
{
    const auto out = Requirement::parse(QStringLiteral("../x.whl"))->anchoredIn(QStringLiteral("/task"));
    QVERIFY(!out);
    QVERIFY2(out.error().message.contains("leads out of the task folder"), qPrintable(out.error().message));
    QVERIFY(!Requirement::parse(QStringLiteral(":/../../x.whl"))->anchoredIn(QStringLiteral("/task")));
    const auto absolute = Requirement::parse(QStringLiteral("/opt/x.whl"))->anchoredIn(QStringLiteral("/task"));
    QCOMPARE(absolute->path, QStringLiteral("/opt/x.whl"));
}

// pip's own requirements-file parser and requirement constructor read every written line; each
// must come back with the name, extras, specifier, link, marker and hashes that were written.
void TestRequirement::pipReadsTheWrittenLineBack()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QStringList lines;
    QList<Requirement> written;
    const QStringList inputs = {
        "requests", " Requests >= 2.28 , < 3 ", "six (==1.16.0)", "numpy==1.*", "torch==2.0.1+cpu", "legacy===1.0-custom",
        "requests[ socks , security ]>=2", "pywin32 ; sys_platform=='win32'",
        "x; (python_version<'3.8' or os_name == \"nt\") and extra == 'y'",
        "x ; 'linux' in sys_platform and platform_machine not in 'arm64 aarch64'",
        "pkg @ https://files.example/pkg-1.0-py3-none-any.whl ; os_name == 'posix'",
        "/drop/my lib/x-1.0-py3-none-any.whl", "/drop/a#b/y-1.0-py3-none-any.whl ; os_name=='posix'",
        "z @ file:///drop/my%20lib/z-1.0-py3-none-any.whl", "x==1.0 ; python_version >= '3' --hash=sha256:" + QString(64, u'a'),
        "x==1.0 ; os_name == 'a;b' and platform_version == '#1 SMP'", "/drop/Überweisung/w-1.0-py3-none-any.whl"};
    for (const QString &input : inputs) {
        const auto parsed = Requirement::parse(input);
        QVERIFY2(parsed, qPrintable(input));
        written.append(parsed.value());
        lines.append(parsed->toLine());
    }
    const QString file = dir.filePath("requirements.txt");
    QVERIFY(oatest::writeFileBytes(file, lines.join(u'\n').toUtf8() + '\n'));
    const char *reader = R"PY(
import json, sys
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
from pip._internal.req.constructors import install_req_from_parsed_requirement
out = []
for parsed in parse_requirements(sys.argv[1], session=PipSession()):
    req = install_req_from_parsed_requirement(parsed)
    out.append({"name": req.req.name if req.req else "", "extras": sorted(req.req.extras) if req.req else [],
                "specifier": sorted(str(s) for s in req.req.specifier) if req.req else [],
                "link": req.link.url if req.link else "", "marker": str(req.markers) if req.markers else "",
                "hashes": sorted(f"{k}:{v}" for k, vs in req.hash_options.items() for v in vs)})
print(json.dumps(out))
)PY";
    QProcess pip;
    QProcessEnvironment env = oatest::cleanEnvironment();
    pip.setProcessEnvironment(env);
    pip.start(oatest::python(), {"-I", "-c", QString::fromUtf8(reader), file});
    QVERIFY(pip.waitForFinished(60000));
    const QByteArray err = pip.readAllStandardError();
    if (err.contains("No module named 'pip'"))
        OA_SKIP_OR_FAIL("the test Python has no pip to read the lines back");
    QVERIFY2(pip.exitCode() == 0, err.constData());
    const QJsonArray read = QJsonDocument::fromJson(pip.readAllStandardOutput()).array();
    QCOMPARE(read.size(), written.size());
    for (qsizetype i = 0; i < written.size(); ++i) {
        const Requirement &r = written.at(i);
        const QJsonObject p = read.at(i).toObject();
        const QString row = QStringLiteral("line %1: %2").arg(i + 1).arg(lines.at(i));
        if (!r.name.isEmpty())
            QVERIFY2(p.value("name").toString() == r.name, qPrintable(row));
        QStringList extras = r.extras;
        extras.sort();
        QVERIFY2(p.value("extras").toVariant().toStringList() == extras, qPrintable(row));
        QStringList clauses = r.specifier.isEmpty() ? QStringList() : r.specifier.split(u',');
        if (!r.path.isEmpty() && r.name.isEmpty()) // pip names a bare wheel by its file name: name==version
            clauses = {QStringLiteral("==1.0")};
        clauses.sort();
        QVERIFY2(p.value("specifier").toVariant().toStringList() == clauses, qPrintable(row + " read " + QJsonDocument(p).toJson()));
        const QString link = r.url.isEmpty() && r.path.isEmpty() ? QString() : r.toArgument().section(u' ', r.name.isEmpty() ? 0 : 2, r.name.isEmpty() ? 0 : 2);
        QVERIFY2(p.value("link").toString() == link, qPrintable(row + " read " + QJsonDocument(p).toJson()));
        QVERIFY2(p.value("marker").toString() == r.marker, qPrintable(row + " read " + QJsonDocument(p).toJson()));
        QStringList hashes = r.hashes;
        hashes.sort();
        QVERIFY2(p.value("hashes").toVariant().toStringList() == hashes, qPrintable(row));
    }
}

QTEST_GUILESS_MAIN(TestRequirement)
#include "tst_requirement.moc"
