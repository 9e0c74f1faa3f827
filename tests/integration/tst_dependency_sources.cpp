// Where a task's packages come from, through the real executor and a real pip, with wheels
// built here and lock files that carry their real sha256: Pipfile.lock, inline script metadata
// (PEP 723), hash-pinned requirements.txt, the one-source rule and the Python version a task asks for.
#include "TestSupport.h"
#include "dependencies/TomlReader.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

namespace {

QString sha256Of(const QString &file)
{
    return QStringLiteral("sha256:") + QString::fromLatin1(QCryptographicHash::hash(readFile(file), QCryptographicHash::Sha256).toHex());
}

QJsonObject lockedPackage(const QString &version, const QStringList &hashes, const QString &markers = {})
{
    QJsonObject entry{{QStringLiteral("version"), QStringLiteral("==") + version}, {QStringLiteral("hashes"), QJsonArray::fromStringList(hashes)}};
    if (!markers.isEmpty())
        entry.insert(QStringLiteral("markers"), markers);
    return entry;
}

QByteArray lockJson(const QJsonObject &defaults, const QString &pipfileHash = QStringLiteral("0"), const QString &sourceUrl = {})
{
    QJsonObject meta{{QStringLiteral("hash"), QJsonObject{{QStringLiteral("sha256"), pipfileHash}}}, {QStringLiteral("pipfile-spec"), 6}};
    if (!sourceUrl.isEmpty())
        meta.insert(QStringLiteral("sources"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("pypi")}, {QStringLiteral("url"), sourceUrl}}});
    return QJsonDocument(QJsonObject{{QStringLiteral("_meta"), meta},
                                     {QStringLiteral("default"), defaults},
                                     {QStringLiteral("develop"), QJsonObject{{QStringLiteral("oa-dev"), lockedPackage(QStringLiteral("9.9"), {QStringLiteral("sha256:0000000000000000000000000000000000000000000000000000000000000000")})}}}})
        .toJson();
}

const QByteArray kPipfile = "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n"
                            "[packages]\noa-demo = \"==1.0\"\n\n[dev-packages]\noa-dev = \"*\"\n";

} // namespace

class TestDependencySources : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void pipfileLockInstallsExactlyWhatItPins();
    void tamperedHashIsRefused();
    void pipfileWithoutLockIsRefused();
    void lockFromAnotherPipfileWarns();
    void inlineMetadataRuns();
    void inlineMetadataRefused_data();
    void inlineMetadataRefused();
    void pythonVersionNotOffered_data();
    void pythonVersionNotOffered();
    void severalSourcesNeedAChoice();
    void hashPinnedRequirementsTxt();
    void listCountsEachSource();

private:
    QJsonObject result(const Agent &agent, const QString &id) const { return readJson(agent.taskFile(id, QStringLiteral("result.json"))); }
    QTemporaryDir m_wheels;
    QString m_demo10;
    QString m_demo11;
};

void TestDependencySources::initTestCase()
{
    Agent::seedStoredPip(true); // how pip gets into the store is not what this tests (tst_stored_pip)
    m_demo10 = buildWheel(m_wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("1.0"));
    m_demo11 = buildWheel(m_wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("1.1"));
    QVERIFY(!m_demo10.isEmpty() && !m_demo11.isEmpty());
}

void TestDependencySources::pipfileLockInstallsExactlyWhatItPins()
{
    Agent agent;
    const QString pipfileHash = oa::TomlReader::pipfileHash(python(), QString::fromUtf8(kPipfile), nullptr).value();
    // 1.1 is in the folder too: only the lock's pin counts. The Windows-only package has no
    // wheel at all: its marker must keep pip from looking for it. `develop` is never installed.
    const QJsonObject pinned{{QStringLiteral("oa-demo"), lockedPackage(QStringLiteral("1.0"), {sha256Of(m_demo10)})},
                             {QStringLiteral("oa-winonly"), lockedPackage(QStringLiteral("2.0"), {QStringLiteral("sha256:0000000000000000000000000000000000000000000000000000000000000000")}, QStringLiteral("sys_platform == 'win32'"))}};
    for (const QString &id : {QStringLiteral("lock1"), QStringLiteral("lock2")})
        agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                       {{QStringLiteral("main.py"), "import oa_demo\nprint(oa_demo.__version__)\n"},
                        {QStringLiteral("Pipfile"), kPipfile},
                        {QStringLiteral("Pipfile.lock"), lockJson(pinned, pipfileHash)}});
    for (const QString &id : {QStringLiteral("lock1"), QStringLiteral("lock2")}) {
        const Run run = runExecutor(executorArgs(agent, id), offlinePipEnvironment(m_wheels.path()));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("1.0\n"));
    }
    const QJsonObject first = result(agent, QStringLiteral("lock1"));
    QVERIFY(first.value("PipFreeze").toArray().contains(QStringLiteral("oa-demo==1.0")));
    QCOMPARE(first.value("DependencySource").toObject().value("Source").toString(), QStringLiteral("Pipfile.lock"));
    QVERIFY2(!QJsonDocument(first.value("Warnings").toArray()).toJson().contains("Pipfile"), QJsonDocument(first).toJson().constData());
    // The same lock: the same entry, reused. A changed lock: a new build.
    QCOMPARE(result(agent, QStringLiteral("lock2")).value("EnvironmentCache").toObject().value("Reused").toBool(), true);
    agent.makeTask(QStringLiteral("lock3"), {{QStringLiteral("ExecutionId"), QStringLiteral("lock3")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "import oa_demo\nprint(oa_demo.__version__)\n"},
                    {QStringLiteral("Pipfile.lock"), lockJson({{QStringLiteral("oa-demo"), lockedPackage(QStringLiteral("1.1"), {sha256Of(m_demo11)})}})}});
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("lock3")), offlinePipEnvironment(m_wheels.path())).exitCode, 0);
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("lock3"), QStringLiteral("output.log"))), QByteArray("1.1\n"));
    QCOMPARE(result(agent, QStringLiteral("lock3")).value("EnvironmentCache").toObject().value("Reused").toBool(), false);
}

void TestDependencySources::tamperedHashIsRefused()
{
    Agent agent;
    // The hash of 1.1's file, pinned for 1.0: what a tampered or substituted file looks like.
    agent.makeTask(QStringLiteral("tampered"), {{QStringLiteral("ExecutionId"), QStringLiteral("tampered")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "import oa_demo\n"},
                    {QStringLiteral("Pipfile.lock"), lockJson({{QStringLiteral("oa-demo"), lockedPackage(QStringLiteral("1.0"), {sha256Of(m_demo11)})}})}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("tampered")), offlinePipEnvironment(m_wheels.path()));
    QCOMPARE(run.exitCode, 6);
    QVERIFY2(run.err.contains("requirement \\\"oa-demo\\\": hash mismatch") || run.err.contains("requirement \"oa-demo\": hash mismatch"), run.err.constData());
}

void TestDependencySources::pipfileWithoutLockIsRefused()
{
    Agent agent;
    agent.makeTask(QStringLiteral("unlocked"), {{QStringLiteral("ExecutionId"), QStringLiteral("unlocked")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "print(1)\n"}, {QStringLiteral("Pipfile"), kPipfile}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("unlocked")));
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains("has no Pipfile.lock beside it: lock it (pipenv lock)"), run.err.constData());
}

void TestDependencySources::lockFromAnotherPipfileWarns()
{
    Agent agent;
    agent.makeTask(QStringLiteral("stale"), {{QStringLiteral("ExecutionId"), QStringLiteral("stale")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "import oa_demo\n"},
                    {QStringLiteral("Pipfile"), kPipfile},
                    {QStringLiteral("Pipfile.lock"), lockJson({{QStringLiteral("oa-demo"), lockedPackage(QStringLiteral("1.0"), {sha256Of(m_demo10)})}},
                                                              QStringLiteral("0123"), QStringLiteral("https://pypi.example.org/simple"))}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("stale")), offlinePipEnvironment(m_wheels.path()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString warnings = QString::fromUtf8(QJsonDocument(result(agent, QStringLiteral("stale")).value("Warnings").toArray()).toJson());
    QVERIFY2(warnings.contains(QStringLiteral("was not locked from")), qPrintable(warnings));
    QVERIFY2(warnings.contains(QStringLiteral("names the index https://pypi.example.org/simple; it is not used")), qPrintable(warnings));
}

void TestDependencySources::inlineMetadataRuns()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("pep723"), "# /// script\n# requires-python = \">=3.8\"\n# dependencies = [\n#   \"oa-demo==1.1\",\n# ]\n# ///\n"
                                                   "import oa_demo\nprint(oa_demo.__version__)\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("pep723")), offlinePipEnvironment(m_wheels.path()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("pep723"), QStringLiteral("output.log"))), QByteArray("1.1\n"));
    QCOMPARE(result(agent, QStringLiteral("pep723")).value("DependencySource").toObject().value("Source").toString(), QStringLiteral("script"));
}

void TestDependencySources::inlineMetadataRefused_data()
{
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bad TOML") << QByteArray("print(1)\n# /// script\n# dependencies = [\n#   \"oa-demo\"\n#   \"oa-other\"\n# ]\n# ///\n")
                              << 4 << "main.py:5: the inline script metadata is not valid TOML";
    QTest::newRow("unclosed") << QByteArray("# /// script\n# dependencies = []\nprint(1)\n") << 4 << "main.py:1: the inline script metadata block opened here";
    QTest::newRow("option as dependency") << QByteArray("# /// script\n# dependencies = [\"--index-url=http://evil\"]\n# ///\n")
                                          << 4 << "inline script metadata: dependencies[0]";
    // Whole or not at all: what the executor cannot honour is exit 4 naming the script's line,
    // never a block dropped unnoticed (inf and nan once made the JSON unreadable, and the script
    // ran without its dependencies) nor "could not read TOML" (exit 5, Python's RecursionError).
    QTest::newRow("inf in [tool]") << QByteArray("# /// script\n# dependencies = [\"oa-demo==1.0\"]\n# [tool.x]\n# v = inf\n# ///\nprint(1)\n")
                                   << 4 << "main.py:4: inline script metadata: inf is not a finite number";
    QTest::newRow("nan in [tool]") << QByteArray("# /// script\n# requires-python = \">=3.8\"\n# [tool.x]\n# v = [1.5,\n#   nan]\n# ///\nprint(1)\n")
                                   << 4 << "main.py:5: inline script metadata: nan is not a finite number";
    QTest::newRow("-inf in [tool]") << QByteArray("# /// script\n# dependencies = []\n# [tool]\n# x = { a = { b = -inf } }\n# ///\nprint(1)\n")
                                    << 4 << "main.py:4: inline script metadata: -inf is not a finite number";
    QTest::newRow("a float that overflows") << QByteArray("# /// script\n# [tool]\n# s = 'inf'  # a string is fine\n# x = 1e999\n# ///\nprint(1)\n")
                                            << 4 << "main.py:4: inline script metadata: 1e999 is too large for a number";
    QTest::newRow("an integer past 64 bits") << QByteArray("# /// script\n# [tool]\n# x = 99_999_999_999_999_999_999\n# ///\nprint(1)\n")
                                             << 4 << "main.py:3: inline script metadata: 99_999_999_999_999_999_999 is an integer outside the 64 bits";
    QTest::newRow("an array 3000 deep") << QByteArray("# /// script\n# dependencies = []\n# [tool]\n# x = " + QByteArray("[").repeated(3000)
                                                      + QByteArray("]").repeated(3000) + "\n# ///\nprint(1)\n")
                                        << 4 << "main.py:4: inline script metadata: tables and arrays nest deeper than 32 levels";
    QTest::newRow("a dotted key 3000 deep") << QByteArray("# /// script\n# [tool]\n#\n# " + QByteArray("a.").repeated(2999) + "a = 1\n# ///\nprint(1)\n")
                                            << 4 << "main.py:4: inline script metadata: tables and arrays nest deeper than 32 levels";
    QTest::newRow("unknown key") << QByteArray("# /// script\n# dependencies = []\n# python = \">=3.11\"\n# ///\nprint(1)\n")
                                 << 4 << "main.py:3: inline script metadata: \"python\" is not a field of PEP 723";
    QTest::newRow("requires-python nobody offers") << QByteArray("# /// script\n# requires-python = \">=3.99\"\n# ///\nprint(1)\n")
                                                   << 5 << "the task needs Python >=3.99";
}

void TestDependencySources::inlineMetadataRefused()
{
    QFETCH(QByteArray, script);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("bad"), script);
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("bad")), offlinePipEnvironment(m_wheels.path()));
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("bad"), QStringLiteral("output.log"))));
}

void TestDependencySources::pythonVersionNotOffered_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("too new") << ">=3.99" << 5 << "the task needs Python >=3.99 (execution.json PythonVersion), and no interpreter this agent offers matches it";
    QTest::newRow("excluded") << "!=3.11.*" << 5 << "no interpreter this agent offers matches it";
    QTest::newRow("not a specifier") << "3.11" << 4 << "execution.json: PythonVersion: \"3.11\" is not a valid version specifier";
}

void TestDependencySources::pythonVersionNotOffered()
{
    QFETCH(QString, spec);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("py"), "print(1)\n", {{QStringLiteral("PythonVersion"), spec}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("py")));
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    // One that matches runs.
    agent.makeScriptTask(QStringLiteral("ok"), "print(1)\n", {{QStringLiteral("PythonVersion"), QStringLiteral(">=3.8,<4")}});
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("ok"))).exitCode, 0);
}

void TestDependencySources::severalSourcesNeedAChoice()
{
    Agent agent;
    const QMap<QString, QByteArray> files{{QStringLiteral("main.py"), "import oa_demo\nprint(oa_demo.__version__)\n"},
                                          {QStringLiteral("requirements.txt"), "oa-demo==1.1\n"},
                                          {QStringLiteral("Pipfile.lock"), lockJson({{QStringLiteral("oa-demo"), lockedPackage(QStringLiteral("1.0"), {sha256Of(m_demo10)})}})}};
    agent.makeTask(QStringLiteral("two"), {{QStringLiteral("ExecutionId"), QStringLiteral("two")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}}, files);
    const Run ambiguous = runExecutor(executorArgs(agent, QStringLiteral("two")), offlinePipEnvironment(m_wheels.path()));
    QCOMPARE(ambiguous.exitCode, 4);
    QVERIFY2(ambiguous.err.contains("RequirementsSource: the task has Pipfile.lock and requirements.txt"), ambiguous.err.constData());
    agent.makeTask(QStringLiteral("chosen"), {{QStringLiteral("ExecutionId"), QStringLiteral("chosen")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")},
                                              {QStringLiteral("RequirementsSource"), QStringLiteral("requirements.txt")}}, files);
    const Run chosen = runExecutor(executorArgs(agent, QStringLiteral("chosen")), offlinePipEnvironment(m_wheels.path()));
    QVERIFY2(chosen.exitCode == 0, chosen.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("chosen"), QStringLiteral("output.log"))), QByteArray("1.1\n"));
    QCOMPARE(result(agent, QStringLiteral("chosen")).value("DependencySource").toObject().value("Source").toString(), QStringLiteral("requirements.txt"));
    agent.makeTask(QStringLiteral("absent"), {{QStringLiteral("ExecutionId"), QStringLiteral("absent")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")},
                                              {QStringLiteral("RequirementsSource"), QStringLiteral("script")}}, files);
    const Run absent = runExecutor(executorArgs(agent, QStringLiteral("absent")));
    QCOMPARE(absent.exitCode, 4);
    QVERIFY2(absent.err.contains("has no \\\"# /// script\\\" block") || absent.err.contains("has no \"# /// script\" block"), absent.err.constData());
}

void TestDependencySources::hashPinnedRequirementsTxt()
{
    Agent agent;
    agent.makeTask(QStringLiteral("hashed"), {{QStringLiteral("ExecutionId"), QStringLiteral("hashed")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "import oa_demo\nprint(oa_demo.__version__)\n"},
                    {QStringLiteral("requirements.txt"), "oa-demo==1.0 --hash=" + sha256Of(m_demo10).toUtf8() + "\n"}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("hashed")), offlinePipEnvironment(m_wheels.path()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("hashed"), QStringLiteral("output.log"))), QByteArray("1.0\n"));
}

void TestDependencySources::listCountsEachSource()
{
    // --list --json's RequirementsCount counts the task's own source, not only execution.json's
    // Requirements: pending tasks, and one that ran (whose result.json names its source).
    Agent agent;
    const auto task = [&](const QString &id, const QJsonObject &extra, const QMap<QString, QByteArray> &files) {
        QJsonObject execution{{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            execution.insert(it.key(), it.value());
        QMap<QString, QByteArray> all = files;
        all.insert(QStringLiteral("main.py"), "import oa_demo\n");
        agent.makeTask(id, execution, all);
    };
    task(QStringLiteral("txt"), {}, {{QStringLiteral("requirements.txt"), "# two packages\noa-demo==1.0\n\noa-dep>=1 --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000\n"}});
    task(QStringLiteral("json"), {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-demo==1.0")}}}, {});
    task(QStringLiteral("none"), {}, {});
    task(QStringLiteral("ran"), {}, {{QStringLiteral("requirements.txt"), "oa-demo==1.0\n"}});
    const Run ran = runExecutor(executorArgs(agent, QStringLiteral("ran")), offlinePipEnvironment(m_wheels.path()));
    QVERIFY2(ran.exitCode == 0, ran.err.constData());

    const Run list = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    QMap<QString, QJsonValue> counts;
    for (const QJsonValue &t : QJsonDocument::fromJson(list.out).object().value(QStringLiteral("Tasks")).toArray())
        counts.insert(t.toObject().value(QStringLiteral("Id")).toString(), t.toObject().value(QStringLiteral("RequirementsCount")));
    QCOMPARE(counts.value(QStringLiteral("txt")), QJsonValue(2));
    QCOMPARE(counts.value(QStringLiteral("json")), QJsonValue(1));
    QCOMPARE(counts.value(QStringLiteral("none")), QJsonValue(0));
    QCOMPARE(counts.value(QStringLiteral("ran")), QJsonValue(1));
}

QTEST_GUILESS_MAIN(TestDependencySources)
#include "tst_dependency_sources.moc"
