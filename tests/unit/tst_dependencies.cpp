// The parsers behind dependency sources: PEP 440 specifiers for the Python a task needs,
// Pipfile.lock turned into hash-pinned requirements, PEP 723 inline script blocks, requirements.txt
// lines as pip reads them, and the choice among the interpreters an agent offers.
#include "dependencies/InlineScriptMetadata.h"
#include "environment/InterpreterChoice.h"
#include "dependencies/PipfileLock.h"
#include "syntax/RequirementsText.h"
#include "TestSupport.h"
#include "dependencies/TomlReader.h"
#include "syntax/VersionSpecifier.h"

#include <QTest>

using namespace oa;

class TestDependencies : public QObject {
    Q_OBJECT
private slots:
    void specifierMatches_data();
    void specifierMatches();
    void specifierRefused_data();
    void specifierRefused();
    void lockBecomesHashPinnedRequirements();
    void lockRefused_data();
    void lockRefused();
    void inlineBlockFound();
    void inlineBlockRefused_data();
    void inlineBlockRefused();
    void tomlErrorNamesTheScriptLine();
    void tomlReadByPython();
    void pipfileHashIgnoresFormatting();
    void requirementsTextLines();
    void interpreterChoice_data();
    void interpreterChoice();
    void interpreterChoiceStopsOnAStop();
};

void TestDependencies::specifierMatches_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("matches");
    QTest::newRow("range in") << ">=3.10,<3.12" << "3.11.7" << true;
    QTest::newRow("range out") << ">=3.10,<3.12" << "3.12.0" << false;
    QTest::newRow("padded equal") << "==3.11" << "3.11.0" << true;
    QTest::newRow("exact patch") << "==3.11.2" << "3.11.7" << false;
    QTest::newRow("wildcard") << "==3.11.*" << "3.11.7" << true;
    QTest::newRow("wildcard out") << "==3.11.*" << "3.10.9" << false;
    QTest::newRow("not wildcard") << "!=3.11.*" << "3.11.2" << false;
    QTest::newRow("compatible minor") << "~=3.10" << "3.11.2" << true;
    QTest::newRow("compatible patch") << "~=3.11.3" << "3.11.2" << false;
    QTest::newRow("compatible patch in") << "~=3.11.3" << "3.11.7" << true;
    QTest::newRow("compatible patch next minor") << "~=3.11.3" << "3.12.0" << false;
    QTest::newRow("greater") << ">3.11.2" << "3.11.7" << true;
    QTest::newRow("less equal") << "<=3.11.2" << "3.11.2" << true;
    QTest::newRow("spaces") << " >= 3.9 , != 3.11.7 " << "3.11.7" << false;
    QTest::newRow("arbitrary") << "===3.11.2" << "3.11.2" << true;
}

void TestDependencies::specifierMatches()
{
    QFETCH(QString, spec);
    QFETCH(QString, version);
    QFETCH(bool, matches);
    const auto parsed = VersionSpecifier::parse(spec, QStringLiteral("PythonVersion"));
    QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->matches(version), matches);
}

void TestDependencies::specifierRefused_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << "" << "PythonVersion: the version specifier is empty";
    QTest::newRow("no operator") << "3.11" << "PythonVersion: \"3.11\" is not a valid version specifier";
    QTest::newRow("wildcard with >=") << ">=3.*" << "a wildcard (.*) goes only with == and !=";
    QTest::newRow("pre-release") << ">=3.12a1" << "\"3.12a1\" is not a release number";
    QTest::newRow("short compatible") << "~=3" << "~= needs at least two release numbers";
}

void TestDependencies::specifierRefused()
{
    QFETCH(QString, spec);
    QFETCH(QString, expected);
    const auto parsed = VersionSpecifier::parse(spec, QStringLiteral("PythonVersion"));
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().kind, ErrorKind::InvalidTask);
    QVERIFY2(parsed.error().message.contains(expected), qPrintable(parsed.error().message));
}

void TestDependencies::lockBecomesHashPinnedRequirements()
{
    const QByteArray json = R"({
        "_meta": {"hash": {"sha256": "abc"}, "requires": {"python_version": "3.11"},
                  "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]},
        "default": {
            "oa-demo": {"hashes": ["sha256:%1"], "version": "==1.0"},
            "oa-win": {"hashes": ["sha256:%2", "sha256:%3"], "markers": "sys_platform == 'win32'", "version": "==2.0"},
            "oa-extra": {"extras": ["fast"], "hashes": ["sha512:%4"], "version": "==3.1"}
        },
        "develop": {"oa-dev": {"hashes": ["sha256:%1"], "version": "==9.9"}}
    })";
    const QString h0 = QString(64, u'0'), h1 = QString(64, u'1'), h2 = QString(64, u'2'), h3 = QString(128, u'3');
    const auto lock = PipfileLock::parse(QString::fromUtf8(json).arg(h0, h1, h2, h3).toUtf8(), QStringLiteral("Pipfile.lock"));
    QVERIFY2(lock, lock ? "" : qPrintable(lock.error().message));
    QCOMPARE(lock->metaHash, QStringLiteral("abc"));
    QCOMPARE(lock->requiresPython, QStringLiteral("==3.11.*"));
    QCOMPARE(lock->sourceUrls, QStringList{QStringLiteral("https://pypi.org/simple")});
    // Written by Requirement's writer: the marker in its canonical form.
    QCOMPARE(QString::fromUtf8(lock->toRequirements()),
             QStringLiteral("oa-demo==1.0 --hash=sha256:%1\n"
                            "oa-extra[fast]==3.1 --hash=sha512:%4\n"
                            "oa-win==2.0 ; sys_platform == \"win32\" --hash=sha256:%2 --hash=sha256:%3\n").arg(h0, h1, h2, h3));
}

void TestDependencies::lockRefused_data()
{
    QTest::addColumn<QByteArray>("defaultSection");
    QTest::addColumn<QString>("expected");
    // Every row but the first has a valid hash, so that only the field named can be why.
    QTest::newRow("no version") << QByteArray(R"({"x": {"git": "https://example.org/x.git", "hashes": ["sha256:00"]}})")
                                << "default.x has no pinned \"version\"";
    const QByteArray h = "\"hashes\": [\"sha256:" + QByteArray(64, 'a') + "\"]";
    const auto entry = [&h](const QByteArray &name, const QByteArray &fields) { return "{\"" + name + "\": {" + fields + ", " + h + "}}"; };
    QTest::newRow("range") << entry("x", R"("version": ">=1")") << "version \">=1\" is not one version pinned with ==";
    QTest::newRow("wildcard") << entry("x", R"("version": "==1.*")") << "is not one version pinned";
    QTest::newRow("no hashes") << QByteArray(R"({"x": {"version": "==1"}})") << "default.x has no hashes";
    QTest::newRow("bad hash") << QByteArray(R"({"x": {"version": "==1", "hashes": ["md5:00"]}})") << "\"md5:00\" is not a hash";
    QTest::newRow("short hash") << QByteArray(R"({"x": {"version": "==1", "hashes": ["sha256:00"]}})") << "is not a hash";
    QTest::newRow("hash with a newline") << QByteArray(R"({"x": {"version": "==1", "hashes": ["sha256:)" + QByteArray(64, 'a') + R"(\n"]}})")
                                         << "is not a hash";
    QTest::newRow("option in markers") << entry("x", R"("version": "==1", "markers": "os_name == 'posix' --index-url http://evil")") << "markers";
    // pip took the empty marker before it and the option: sdists were built despite OnlyBinary.
    QTest::newRow("marker that is --no-binary") << entry("x", R"("version": "==1", "markers": "--no-binary=x")") << "is not an environment marker";
    QTest::newRow("marker that is --config-settings") << entry("x", R"("version": "==1", "markers": "--config-settings=a=b")") << "is not an environment marker";
    QTest::newRow("marker that is --global-option") << entry("x", R"("version": "==1", "markers": "--global-option=x")") << "is not an environment marker";
    QTest::newRow("marker that is -r") << entry("x", R"("version": "==1", "markers": "-r")") << "is not an environment marker";
    QTest::newRow("marker with a newline") << entry("x", R"("version": "==1", "markers": "os_name == 'posix'\n-r x")") << "U+000A";
    QTest::newRow("option as name") << entry("--index-url", R"("version": "==1")") << "the package name";
    QTest::newRow("newline in version") << entry("x", R"("version": "==1\n-r /etc/passwd")") << "is not one version pinned";
    // "$" matched before a final newline: the line split, and pip ignored the orphaned --hash.
    QTest::newRow("version ending in a newline") << entry("x", R"("version": "==1.0\n")") << "is not one version pinned";
    QTest::newRow("name ending in a newline") << entry("x\n", R"("version": "==1.0")") << "default.x\\n: the package name";
    QTest::newRow("extra ending in a newline") << entry("x", R"("version": "==1.0", "extras": ["a\n"])") << "the extra";
    QTest::newRow("markers not a string") << entry("x", R"("version": "==1.0", "markers": 1)") << "must be a string";
}

void TestDependencies::lockRefused()
{
    QFETCH(QByteArray, defaultSection);
    QFETCH(QString, expected);
    const auto lock = PipfileLock::parse(R"({"default": )" + defaultSection + "}", QStringLiteral("Tasks/t/Pipfile.lock"));
    QVERIFY(!lock);
    QCOMPARE(lock.error().kind, ErrorKind::InvalidTask);
    QVERIFY2(lock.error().message.startsWith(QStringLiteral("Tasks/t/Pipfile.lock: ")), qPrintable(lock.error().message));
    QVERIFY2(lock.error().message.contains(expected), qPrintable(lock.error().message));
}

void TestDependencies::inlineBlockFound()
{
    const QByteArray script = "#!/usr/bin/env python3\n"
                              "# /// pyproject\n# [x]\n# ///\n"
                              "# /// script\n"
                              "# requires-python = \">=3.11\"\n"
                              "# dependencies = [\n"
                              "#   \"oa-demo==1.0\",\n"
                              "# ]\n"
                              "#\n"
                              "# ///\n"
                              "print('hi')\n";
    const auto block = InlineScriptMetadata::find(script, QStringLiteral("main.py"));
    QVERIFY(block);
    QVERIFY(block->has_value());
    QCOMPARE((*block)->firstLine, 6);
    QCOMPARE((*block)->toml, QStringLiteral("requires-python = \">=3.11\"\ndependencies = [\n  \"oa-demo==1.0\",\n]\n\n"));
    const auto metadata = InlineScriptMetadata::fromParsedJson(R"({"requires-python": ">=3.11", "dependencies": ["oa-demo==1.0"]})",
                                                               **block, QStringLiteral("main.py"));
    QVERIFY(metadata);
    QCOMPARE(metadata->dependencies, QStringList{QStringLiteral("oa-demo==1.0")});
    QCOMPARE(metadata->requiresPython, QStringLiteral(">=3.11"));
    QVERIFY(!InlineScriptMetadata::find("print(1)\n# /// scripts\n", QStringLiteral("main.py"))->has_value());
}

void TestDependencies::inlineBlockRefused_data()
{
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unclosed") << QByteArray("print(1)\n# /// script\n# dependencies = []\nprint(2)\n")
                              << "main.py:2: the inline script metadata block opened here";
    QTest::newRow("two blocks") << QByteArray("# /// script\n# dependencies = []\n# ///\n\n# /// script\n# ///\n")
                                << "main.py:5: a second \"# /// script\" block";
}

void TestDependencies::inlineBlockRefused()
{
    QFETCH(QByteArray, script);
    QFETCH(QString, expected);
    const auto block = InlineScriptMetadata::find(script, QStringLiteral("main.py"));
    QVERIFY(!block);
    QCOMPARE(block.error().kind, ErrorKind::InvalidTask);
    QVERIFY2(block.error().message.startsWith(expected), qPrintable(block.error().message));
}

void TestDependencies::tomlErrorNamesTheScriptLine()
{
    const InlineScriptBlock block{QStringLiteral("a = 1\nb = [\n"), 10};
    QCOMPARE(InlineScriptMetadata::scriptLineError(QStringLiteral("Unclosed array (at line 2, column 5)"), block, QStringLiteral("main.py")),
             QStringLiteral("main.py:11: the inline script metadata is not valid TOML: Unclosed array (column 5 of the TOML, after \"# \")"));
}

void TestDependencies::tomlReadByPython()
{
    const QByteArray script = "# /// script\n# requires-python = '>=3.11'  # a comment\n# dependencies = ['oa-demo==1.0',\n#   \"oa-other\"]\n# ///\n";
    const auto block = InlineScriptMetadata::find(script, QStringLiteral("main.py"));
    QVERIFY(block && block->has_value());
    const auto parsed = TomlReader::parse(oatest::python(), (*block)->toml, nullptr);
    QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
    QVERIFY2(parsed->error.isEmpty(), qPrintable(parsed->error));
    const auto metadata = InlineScriptMetadata::fromParsedJson(parsed->json, **block, QStringLiteral("main.py"));
    QVERIFY(metadata);
    QCOMPARE(metadata->dependencies, (QStringList{QStringLiteral("oa-demo==1.0"), QStringLiteral("oa-other")}));
    QCOMPARE(metadata->requiresPython, QStringLiteral(">=3.11"));

    // Malformed TOML: tomllib's line inside the block becomes the script's line.
    const QByteArray broken = "print(1)\n# /// script\n# dependencies = [\n#   'a',\n#   'b'\n# ///\n";
    const auto brokenBlock = InlineScriptMetadata::find(broken, QStringLiteral("main.py"));
    QVERIFY(brokenBlock && brokenBlock->has_value());
    const auto error = TomlReader::parse(oatest::python(), (*brokenBlock)->toml, nullptr);
    QVERIFY(error);
    QVERIFY(!error->error.isEmpty());
    const QString message = InlineScriptMetadata::scriptLineError(error->error, **brokenBlock, QStringLiteral("main.py"));
    QVERIFY2(message.startsWith(QStringLiteral("main.py:")) && message.contains(QStringLiteral("not valid TOML")), qPrintable(message));
    const int line = message.section(u':', 1, 1).toInt();
    QVERIFY2(line >= 3 && line <= 6, qPrintable(message)); // within the block, in the script's numbering
}

void TestDependencies::pipfileHashIgnoresFormatting()
{
    const QString pipfile = QStringLiteral("[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n"
                                           "[packages]\nrequests = \"*\"\noa-demo = {version = \"==1.0\"}\n\n[dev-packages]\n\n"
                                           "[requires]\npython_version = \"3.11\"\n");
    // The same content with other formatting, order and comments: the same hash, as for Pipenv.
    const QString reformatted = QStringLiteral("# my project\n[requires]\npython_version = '3.11'\n[packages]\n"
                                               "oa-demo = { version = '==1.0' }\nrequests = '*'\n[[source]]\nname = 'pypi'\n"
                                               "url = 'https://pypi.org/simple'\nverify_ssl = true\n[dev-packages]\n");
    const auto first = TomlReader::pipfileHash(oatest::python(), pipfile, nullptr);
    QVERIFY2(first, first ? "" : qPrintable(first.error().message));
    QCOMPARE(first->size(), 64);
    QCOMPARE(TomlReader::pipfileHash(oatest::python(), reformatted, nullptr).value(), first.value());
    // Another package, or a dev package: another hash.
    QVERIFY(TomlReader::pipfileHash(oatest::python(), pipfile + QStringLiteral("[scripts]\n"), nullptr).value() == first.value());
    QVERIFY(TomlReader::pipfileHash(oatest::python(), QString(pipfile).replace(QStringLiteral("==1.0"), QStringLiteral("==1.1")), nullptr).value()
            != first.value());
    const auto bad = TomlReader::pipfileHash(oatest::python(), QStringLiteral("[packages\n"), nullptr);
    QVERIFY(!bad);
    QVERIFY2(bad.error().message.startsWith(QStringLiteral("Pipfile is not valid TOML")), qPrintable(bad.error().message));
}

void TestDependencies::requirementsTextLines()
{
    const auto lines = RequirementsText::parse("# a comment\r\n\n"
                                               "oa-demo==1.0 \\\n"
                                               "    --hash=sha256:aa \\\n"
                                               "    --hash=sha256:bb  # trailing\n"
                                               "-r other.txt\n"
                                               "oa-dep==2.0#not-a-comment\n"
                                               "  oa-x >= 1 ; python_version < \"4\"  # plain\n"
                                               "oa-y==1 --hash sha256:cc\n"
                                               "oa-z==1 \\");
    QCOMPARE(lines.size(), 6);
    QCOMPARE(lines.at(0).number, 3);
    QCOMPARE(lines.at(0).requirement(), QStringLiteral("oa-demo==1.0"));
    QVERIFY(lines.at(0).hasHash());
    QCOMPARE(lines.at(1).number, 6);
    QVERIFY(lines.at(1).isOption());
    QVERIFY(!lines.at(1).hasHash());
    QCOMPARE(lines.at(2).text, QStringLiteral("oa-dep==2.0#not-a-comment")); // pip: "#" only after whitespace
    QVERIFY(!lines.at(2).hasHash());
    QCOMPARE(lines.at(3).number, 8);
    QCOMPARE(lines.at(3).requirement(), QStringLiteral("oa-x >= 1 ; python_version < \"4\""));
    QVERIFY(lines.at(4).hasHash());
    QCOMPARE(lines.at(5).text, QStringLiteral("oa-z==1")); // a continuation at the end of the file

    // What pip sees, the check sees: every line break of str.splitlines(), and pip's rule that a
    // comment line ending in "\\" continues nothing.
    const auto hidden = RequirementsText::parse(QStringLiteral("oa-demo ; python_version>'0'\roa-evil @ file:///e.whl\n"
                                                               "a==1\u2028--find-links=/evil\u2029b==2\x0b" "c==3\x85" "d==4\n"
                                                               "# \\\n--index-url=http://evil/simple\n")
                                                    .toUtf8());
    QStringList texts;
    for (const auto &line : hidden)
        texts << QStringLiteral("%1:%2").arg(line.number).arg(line.text);
    QCOMPARE(texts, (QStringList{"1:oa-demo ; python_version>'0'", "2:oa-evil @ file:///e.whl", "3:a==1", "4:--find-links=/evil",
                                 "5:b==2", "6:c==3", "7:d==4", "9:--index-url=http://evil/simple"}));
}

namespace {

// Interpreters by path, as a probe would answer; "gone" cannot be run.
OfferedPythons::Locator fakeLocator(const QMap<QString, QString> &versions, QStringList *probed = nullptr)
{
    return [versions, probed](const QString &program, const QString &) -> Result<PythonInterpreter> {
        if (probed)
            probed->append(program);
        if (!versions.contains(program))
            return fail(ErrorKind::Environment, QStringLiteral("the Python interpreter \"%1\" does not exist").arg(program));
        PythonInterpreter interpreter;
        interpreter.requested = program;
        interpreter.executable = program.endsWith(QLatin1String("-link")) ? program.chopped(5) : program;
        interpreter.version = versions.value(program);
        return interpreter;
    };
}

} // namespace

void TestDependencies::interpreterChoice_data()
{
    QTest::addColumn<QString>("python");
    QTest::addColumn<QStringList>("pythons");
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("chosen"); // empty: none matches
    QTest::newRow("newest of all") << "" << QStringList{"/a", "/b", "/c"} << ">=3.8" << "/b";
    QTest::newRow("newest that matches") << "" << QStringList{"/a", "/b", "/c"} << "<3.12" << "/c";
    QTest::newRow("Python is offered too") << "/b" << QStringList{"/a"} << ">=3.0" << "/b";
    QTest::newRow("a tie goes to the one named first") << "" << QStringList{"/c", "/c2"} << "==3.11.7" << "/c";
    QTest::newRow("another name of one offered") << "" << QStringList{"/a", "/a-link"} << "==3.10.4" << "/a";
    QTest::newRow("a gone one is skipped") << "" << QStringList{"/a", "gone", "/c"} << ">=3.11" << "/c";
    QTest::newRow("none") << "" << QStringList{"/a", "/c"} << ">=3.13" << "";
    QTest::newRow("not runnable by the user") << "" << QStringList{"/a", "/root-only"} << ">=3.8" << "/a";
}

void TestDependencies::interpreterChoice()
{
    QFETCH(QString, python);
    QFETCH(QStringList, pythons);
    QFETCH(QString, spec);
    QFETCH(QString, chosen);
    const QMap<QString, QString> versions{{"/a", "3.10.4"}, {"/a-link", "3.10.4"}, {"/b", "3.12.1"}, {"/c", "3.11.7"},
                                          {"/c2", "3.11.7"}, {"/root-only", "3.13.0"}};
    const OfferedPythons offered{python, QStringLiteral("Python"), pythons, QStringLiteral("Pythons")};
    QStringList probed;
    const auto locate = fakeLocator(versions, &probed);
    const auto current = offered.defaultInterpreter(locate);
    QVERIFY(current);
    QCOMPARE(current->executable, python.isEmpty() ? pythons.first() : python);
    const auto wanted = VersionSpecifier::parse(spec, QStringLiteral("PythonVersion"));
    QVERIFY(wanted);
    QStringList warnings;
    const auto runnable = [](const QString &executable) {
        return executable == QLatin1String("/root-only") ? QStringLiteral("cannot be run by the run-as user bot") : QString();
    };
    const auto result = offered.choose(*wanted, QStringLiteral("PythonVersion"), *current, locate, runnable, &warnings);
    if (chosen.isEmpty()) {
        QVERIFY(!result);
        QCOMPARE(result.error().kind, ErrorKind::Environment);
        QVERIFY2(result.error().message.contains(QStringLiteral("offered: /a (3.10.4), /c (3.11.7)")), qPrintable(result.error().message));
        return;
    }
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    QCOMPARE(result->executable, chosen);
    QCOMPARE(warnings.size(), pythons.contains(QStringLiteral("gone")) ? 1 : 0);
}

void TestDependencies::interpreterChoiceStopsOnAStop()
{
    // A timeout or cancel while an offered interpreter answers ends the run, not just the choice.
    const OfferedPythons offered{QString(), QString(), {QStringLiteral("/a"), QStringLiteral("/slow")}, QStringLiteral("Pythons")};
    const OfferedPythons::Locator locate = [](const QString &program, const QString &) -> Result<PythonInterpreter> {
        if (program == QLatin1String("/slow"))
            return fail(ErrorKind::TimedOut, QStringLiteral("timed out"));
        PythonInterpreter interpreter;
        interpreter.executable = program;
        interpreter.version = QStringLiteral("3.10.4");
        return interpreter;
    };
    QStringList warnings;
    const auto result = offered.choose(*VersionSpecifier::parse(QStringLiteral(">=3"), QString()), QString(), *offered.defaultInterpreter(locate),
                                       locate, [](const QString &) { return QString(); }, &warnings);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ErrorKind::TimedOut);
}

QTEST_GUILESS_MAIN(TestDependencies)
#include "tst_dependencies.moc"
