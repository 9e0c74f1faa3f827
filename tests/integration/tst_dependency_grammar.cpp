// One grammar from every dependency source to pip, and cache keys from content (issue 19),
// through the real executor and a real pip: each hostile declaration that once made pip do
// something the executor's check did not see is now exit 4 naming the file, the entry and why;
// two tasks whose installed content differs never share an environment cache entry.
#include "TestSupport.h"
#include "base/PrintableText.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace oatest;

using Files = QMap<QString, QByteArray>;

namespace {

const QByteArray kPrintDemo = "import oa_demo\nprint(oa_demo.__version__, oa_demo.MARK)\n";

QByteArray sha256Of(const QString &file)
{
    return QCryptographicHash::hash(readFile(file), QCryptographicHash::Sha256).toHex();
}

} // namespace

class TestDependencyGrammar : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void lockFieldsThatWouldMeanSomethingElse_data();
    void lockFieldsThatWouldMeanSomethingElse();
    void requirementsLineReadAsPipReadsIt_data();
    void requirementsLineReadAsPipReadsIt();
    void includeCyclesAreNamed_data();
    void includeCyclesAreNamed();
    void sharedIncludeIsNoCycle();
    void includesCountAtAnyDepthAndPlace_data();
    void includesCountAtAnyDepthAndPlace();
    void includeThatPipTakesForAUrl_data();
    void includeThatPipTakesForAUrl();
    void findLinksInAnIncludeAreKeyed();
    void pathsAreKeyedExactly();
    void wheelRebuiltInPlaceIsANewKey();

private:
    QProcessEnvironment env(const QByteArray &conf = {})
    {
        QProcessEnvironment e = offlinePipEnvironment(m_wheels.path());
        const QString file = m_confs.path() + QStringLiteral("/executor-%1.conf").arg(++m_confCount);
        writeFileBytes(file, conf);
        e.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), file);
        return e;
    }
    static QJsonObject execution(const QString &id, const QJsonObject &extra = {})
    {
        QJsonObject e{{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            e.insert(it.key(), it.value());
        return e;
    }
    static QJsonObject cacheOf(const Agent &agent, const QString &id)
    {
        return readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("EnvironmentCache")).toObject();
    }
    // Runs a task that prints oa_demo's version and mark; its output, or the failure.
    QByteArray runPrinting(const Agent &agent, const QString &id, const QProcessEnvironment &e)
    {
        const Run run = runExecutor(executorArgs(agent, id), e);
        if (run.exitCode != 0)
            return "exit " + QByteArray::number(run.exitCode) + ": " + run.err;
        return readFile(agent.taskFile(id, QStringLiteral("output.log")));
    }
    QTemporaryDir m_wheels;
    QTemporaryDir m_confs;
    QTemporaryDir m_drop; // wheels a task refers to by path
    int m_confCount = 0;
    QString m_demo;
};

void TestDependencyGrammar::initTestCase()
{
    Agent::seedStoredPip(true); // how pip gets into the store is not what this tests (tst_stored_pip)
    m_demo = buildWheel(m_wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("1.0"));
    QVERIFY(!m_demo.isEmpty());
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("2.0")).isEmpty());
}

void TestDependencyGrammar::lockFieldsThatWouldMeanSomethingElse_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("fields"); // JSON members besides "hashes"
    QTest::addColumn<QString>("why");
    // pip read "oa-demo==1.0 ; --no-binary=oa-demo --hash=…" as an empty marker and an option.
    QTest::newRow("marker --no-binary") << QByteArray("oa-demo") << QByteArray(R"("version": "==1.0", "markers": "--no-binary=oa-demo")")
                                        << "default.oa-demo: markers: \"--no-binary=oa-demo\" is not an environment marker";
    QTest::newRow("marker --config-settings") << QByteArray("oa-demo") << QByteArray(R"("version": "==1.0", "markers": "--config-settings=a=b")")
                                              << "is not an environment marker";
    QTest::newRow("marker --global-option") << QByteArray("oa-demo") << QByteArray(R"("version": "==1.0", "markers": "--global-option=x")")
                                            << "is not an environment marker";
    QTest::newRow("marker -r swallowing the hash") << QByteArray("oa-demo") << QByteArray(R"("version": "==1.0", "markers": "-r")")
                                                   << "is not an environment marker";
    // "$" matched before a final "\n": the line split and pip ignored the orphaned --hash.
    QTest::newRow("version ending in a newline") << QByteArray("oa-demo") << QByteArray(R"("version": "==1.0\n")")
                                                 << "default.oa-demo: version \"==1.0\n\" is not one version pinned with ==";
    QTest::newRow("name ending in a newline") << QByteArray("oa-demo\\n") << QByteArray(R"("version": "==1.0")")
                                              << "default.oa-demo\\n: the package name";
    QTest::newRow("marker ending in a newline") << QByteArray("oa-demo") << QByteArray(R"("version": "==1.0", "markers": "os_name == 'posix'\n")")
                                                << "U+000A";
}

void TestDependencyGrammar::lockFieldsThatWouldMeanSomethingElse()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, fields);
    QFETCH(QString, why);
    Agent agent;
    const QString id = QStringLiteral("lock");
    const QByteArray lock = R"({"_meta": {"hash": {"sha256": "0"}, "sources": []}, "default": {")" + name + "\": {" + fields
                            + R"(, "hashes": ["sha256:)" + sha256Of(m_demo) + R"("]}}})";
    agent.makeTask(id, execution(id), {{QStringLiteral("main.py"), kPrintDemo}, {QStringLiteral("Pipfile.lock"), lock}});
    const Run run = runExecutor(executorArgs(agent, id), env("OnlyBinary = on\n"));
    QVERIFY2(run.exitCode == 4, run.err.constData());
    QVERIFY2(run.err.contains(agent.taskFile(id, QStringLiteral("Pipfile.lock")).toUtf8() + ": default."), run.err.constData());
    // The console log shows the message escaped for people (printableText): a newline as "\n".
    QVERIFY2(QString::fromUtf8(run.err).contains(oa::printableText(why)), run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("output.log"))));
}

void TestDependencyGrammar::requirementsLineReadAsPipReadsIt_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("why");
    // The check saw two lines; its trimmed copy ended in "\" and pip joined it with the include.
    QTest::newRow("backslash then blanks") << QByteArray("oa-demo==1.0 \\   \n-r more.txt\n") << "requirements.txt:1" << "backslash";
    QTest::newRow("backslash then a tab") << QByteArray("oa-demo==1.0 \\\t\n-r more.txt\n") << "requirements.txt:1" << "backslash";
    QTest::newRow("marker holding an option") << QByteArray("oa-demo==1.0 ; os_name == 'posix' and platform_release >= '0 --no-binary=:all:'\n")
                                              << "requirements.txt:1" << "not closed";
    // pip ends the line at " #": what is left of the marker is refused, not half-read.
    QTest::newRow("marker string with a comment") << QByteArray("oa-demo==1.0 ; platform_version == '#1 #2'\n") << "requirements.txt:1"
                                                  << "not closed";
    QTest::newRow("look-alike name") << QString::fromUtf8("oa-d\u0435mo==1.0\n").toUtf8() << "requirements.txt:1" << "U+0435";
}

void TestDependencyGrammar::requirementsLineReadAsPipReadsIt()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, where);
    QFETCH(QString, why);
    Agent agent;
    const QString id = QStringLiteral("txt");
    agent.makeTask(id, execution(id), {{QStringLiteral("main.py"), kPrintDemo}, {QStringLiteral("requirements.txt"), text},
                                       {QStringLiteral("more.txt"), "oa-demo==2.0\n"}});
    const Run run = runExecutor(executorArgs(agent, id), env());
    QVERIFY2(run.exitCode == 4, run.err.constData());
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(err.contains(agent.taskDir(id) + u'/' + where + QStringLiteral(": ")) && err.contains(why), run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
}

void TestDependencyGrammar::includeCyclesAreNamed_data()
{
    QTest::addColumn<Files>("files");
    QTest::addColumn<QString>("cycle"); // relative to the task folder, joined with " -> "
    QTest::newRow("itself") << Files{{"requirements.txt", "oa-demo==1.0\n-r requirements.txt\n"}}
                            << "requirements.txt -> requirements.txt";
    QTest::newRow("each other") << Files{{"requirements.txt", "-r a.txt\n"}, {"a.txt", "oa-demo==1.0\n-r requirements.txt\n"}}
                                << "requirements.txt -> a.txt -> requirements.txt";
    QTest::newRow("constraints") << Files{{"requirements.txt", "oa-demo\n-c c.txt\n"}, {"c.txt", "-c sub/d.txt\n"},
                                                              {"sub/d.txt", "-r ../c.txt\n"}}
                                 << "c.txt -> sub/d.txt -> c.txt";
}

void TestDependencyGrammar::includeCyclesAreNamed()
{
    QFETCH(Files, files);
    QFETCH(QString, cycle);
    Agent agent;
    const QString id = QStringLiteral("cycle");
    files.insert(QStringLiteral("main.py"), kPrintDemo);
    agent.makeTask(id, execution(id), files);
    const Run run = runExecutor(executorArgs(agent, id), env());
    QVERIFY2(run.exitCode == 4, run.err.constData());
    const QString prefix = agent.taskDir(id) + u'/';
    QString expected = cycle;
    expected.replace(QStringLiteral(" -> "), QStringLiteral(" -> ") + prefix).prepend(prefix);
    QVERIFY2(QString::fromUtf8(run.err).contains(QStringLiteral("include each other in a cycle: ") + expected), run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
}

void TestDependencyGrammar::sharedIncludeIsNoCycle()
{
    Agent agent;
    const QString id = QStringLiteral("diamond");
    agent.makeTask(id, execution(id), {{QStringLiteral("main.py"), kPrintDemo}, {QStringLiteral("requirements.txt"), "-r a.txt\n-r b.txt\n"},
                                       {QStringLiteral("a.txt"), "-r pins.txt\n"}, {QStringLiteral("b.txt"), "-c pins.txt\noa-demo\n"},
                                       {QStringLiteral("pins.txt"), "oa-demo==2.0\n"}});
    QCOMPARE(runPrinting(agent, id, env()), QByteArray("2.0 \n"));
}

void TestDependencyGrammar::includesCountAtAnyDepthAndPlace_data()
{
    QTest::addColumn<int>("depth"); // a chain of this many files before the pin
    QTest::addColumn<int>("width"); // and this many includes in the top file, the pin in the last
    QTest::newRow("8 levels deep") << 8 << 1;
    QTest::newRow("40th include") << 1 << 40;
}

// The key once read 5 levels and 32 includes: two tasks that differed past them shared an
// entry, and the second ran the first one's version.
void TestDependencyGrammar::includesCountAtAnyDepthAndPlace()
{
    QFETCH(int, depth);
    QFETCH(int, width);
    Agent agent;
    const auto makeTask = [&](const QString &id, const QByteArray &version) {
        QMap<QString, QByteArray> files{{QStringLiteral("main.py"), kPrintDemo}};
        QByteArray top;
        for (int i = 1; i < width; ++i) {
            top += "-r empty" + QByteArray::number(i) + ".txt\n";
            files.insert(QStringLiteral("empty%1.txt").arg(i), "# nothing\n");
        }
        top += "-r level1.txt\n";
        files.insert(QStringLiteral("requirements.txt"), top);
        for (int level = 1; level < depth; ++level)
            files.insert(QStringLiteral("level%1.txt").arg(level), "-r level" + QByteArray::number(level + 1) + ".txt\n");
        files.insert(QStringLiteral("level%1.txt").arg(depth), "oa-demo==" + version + "\n");
        agent.makeTask(id, execution(id), files);
    };
    makeTask(QStringLiteral("one"), "1.0");
    makeTask(QStringLiteral("two"), "2.0");
    QCOMPARE(runPrinting(agent, QStringLiteral("one"), env()), QByteArray("1.0 \n"));
    QCOMPARE(runPrinting(agent, QStringLiteral("two"), env()), QByteArray("2.0 \n"));
    QCOMPARE(cacheOf(agent, QStringLiteral("two")).value(QStringLiteral("Reused")).toBool(), false);
    QVERIFY(cacheOf(agent, QStringLiteral("two")).value(QStringLiteral("Key")) != cacheOf(agent, QStringLiteral("one")).value(QStringLiteral("Key")));
}

void TestDependencyGrammar::includeThatPipTakesForAUrl_data()
{
    QTest::addColumn<QByteArray>("include");
    QTest::addColumn<QString>("why");
    // pip's SCHEME_RE takes "file:/x" for a URL; the check once took it for the task's folder
    // "file:", read a decoy there, and pip read the real file, unchecked, as root.
    QTest::newRow("file: without //") << QByteArray("-r file:OUTSIDE") << "is not a file: URL of an absolute path";
    QTest::newRow("file:/// outside") << QByteArray("-r file://OUTSIDE") << "outside the task folder";
    QTest::newRow("http: without //") << QByteArray("-c http:evil.txt") << "names a URL";
    QTest::newRow("HTTPS: in capitals") << QByteArray("-r HTTPS://evil.example/r.txt") << "names a URL";
}

void TestDependencyGrammar::includeThatPipTakesForAUrl()
{
    QFETCH(QByteArray, include);
    QFETCH(QString, why);
    QTemporaryDir outside;
    const QString evil = outside.filePath("evil.txt");
    QVERIFY(writeFileBytes(evil, "--no-binary :all:\noa-demo==2.0\n"));
    include.replace("OUTSIDE", evil.toUtf8());
    Agent agent;
    const QString id = QStringLiteral("urlish");
    // The decoy the old check read: the same path below the task folder.
    const QString decoy = QString::fromUtf8(include.mid(3));
    agent.makeTask(id, execution(id), {{QStringLiteral("main.py"), kPrintDemo}, {QStringLiteral("requirements.txt"), include + "\n"},
                                       {decoy, "oa-demo==1.0\n"}});
    const Run run = runExecutor(executorArgs(agent, id), env("OnlyBinary = on\n"));
    QVERIFY2(run.exitCode == 4, run.err.constData());
    QVERIFY2(QString::fromUtf8(run.err).contains(agent.taskFile(id, QStringLiteral("requirements.txt:1: "))) && QString::fromUtf8(run.err).contains(why),
             run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
}

// A --find-links folder named in an included file: a wheel rebuilt there is a new key.
void TestDependencyGrammar::findLinksInAnIncludeAreKeyed()
{
    const QString drop = m_drop.path() + QStringLiteral("/find-links");
    const auto build = [&](const QString &mark) {
        QProcess make;
        make.start(python(), {testDataDir() + QStringLiteral("/make_wheel.py"), QStringLiteral("--mark=") + mark, drop, QStringLiteral("oa-marked"),
                              QStringLiteral("1.0")});
        return make.waitForFinished(60000) && make.exitCode() == 0;
    };
    Agent agent;
    for (const QString &id : {QStringLiteral("before"), QStringLiteral("after")})
        agent.makeTask(id, execution(id), {{QStringLiteral("main.py"), "import oa_marked\nprint(oa_marked.MARK)\n"},
                                           {QStringLiteral("requirements.txt"), "-r inc.txt\n"},
                                           {QStringLiteral("inc.txt"), "--find-links " + drop.toUtf8() + "\noa-marked==1.0\n"}});
    const QProcessEnvironment e = env("AllowRequirementsFileOptions = on\n");
    QVERIFY(build(QStringLiteral("AAAA")));
    QCOMPARE(runPrinting(agent, QStringLiteral("before"), e), QByteArray("AAAA\n"));
    QVERIFY(build(QStringLiteral("BBBB")));
    QCOMPARE(runPrinting(agent, QStringLiteral("after"), e), QByteArray("BBBB\n"));
    QCOMPARE(cacheOf(agent, QStringLiteral("after")).value(QStringLiteral("Reused")).toBool(), false);
}

// The key once removed all whitespace: "my lib" and "mylib" were one key, and the second task
// ran the first one's code.
void TestDependencyGrammar::pathsAreKeyedExactly()
{
    const QString spaced = m_drop.path() + QStringLiteral("/my lib");
    const QString plain = m_drop.path() + QStringLiteral("/mylib");
    QProcess make;
    for (const auto &[dir, mark] : {std::pair{spaced, QStringLiteral("spaced")}, std::pair{plain, QStringLiteral("plain")}}) {
        make.start(python(), {testDataDir() + QStringLiteral("/make_wheel.py"), QStringLiteral("--mark=") + mark, dir, QStringLiteral("oa-demo"),
                              QStringLiteral("1.0")});
        QVERIFY(make.waitForFinished(60000) && make.exitCode() == 0);
    }
    Agent agent;
    for (const auto &[id, dir] : {std::pair{QStringLiteral("spaced"), spaced}, std::pair{QStringLiteral("plain"), plain}})
        agent.makeTask(id, execution(id, {{QStringLiteral("Requirements"), QJsonArray{dir + QStringLiteral("/oa_demo-1.0-py3-none-any.whl")}}}),
                       {{QStringLiteral("main.py"), kPrintDemo}});
    const QProcessEnvironment e = env("AllowDirectReferences = on\n");
    QCOMPARE(runPrinting(agent, QStringLiteral("spaced"), e), QByteArray("1.0 spaced\n"));
    QCOMPARE(runPrinting(agent, QStringLiteral("plain"), e), QByteArray("1.0 plain\n"));
    QCOMPARE(cacheOf(agent, QStringLiteral("plain")).value(QStringLiteral("Reused")).toBool(), false);
}

// A wheel rebuilt at the same path kept serving the old entry until it expired.
void TestDependencyGrammar::wheelRebuiltInPlaceIsANewKey()
{
    Agent agent;
    const QString dir = m_drop.path() + QStringLiteral("/rebuilt");
    const auto build = [&](const QString &mark) {
        QProcess make;
        make.start(python(), {testDataDir() + QStringLiteral("/make_wheel.py"), QStringLiteral("--mark=") + mark, dir, QStringLiteral("oa-demo"),
                              QStringLiteral("1.0")});
        return make.waitForFinished(60000) && make.exitCode() == 0;
    };
    // A requirements.txt that includes the reference one level down: content counts at any depth.
    for (const QString &id : {QStringLiteral("before"), QStringLiteral("after"), QStringLiteral("again")})
        agent.makeTask(id, execution(id), {{QStringLiteral("main.py"), kPrintDemo}, {QStringLiteral("requirements.txt"), "-r pins/wheel.txt\n"},
                                           {QStringLiteral("pins/wheel.txt"), dir.toUtf8() + "/oa_demo-1.0-py3-none-any.whl\n"}});
    const QProcessEnvironment e = env("AllowDirectReferences = on\n");
    QVERIFY(build(QStringLiteral("first")));
    QCOMPARE(runPrinting(agent, QStringLiteral("before"), e), QByteArray("1.0 first\n"));
    QVERIFY(build(QStringLiteral("second")));
    QCOMPARE(runPrinting(agent, QStringLiteral("after"), e), QByteArray("1.0 second\n"));
    QCOMPARE(cacheOf(agent, QStringLiteral("after")).value(QStringLiteral("Reused")).toBool(), false);
    // The same content again is the same key: the cache still works.
    QCOMPARE(runPrinting(agent, QStringLiteral("again"), e), QByteArray("1.0 second\n"));
    QCOMPARE(cacheOf(agent, QStringLiteral("again")).value(QStringLiteral("Reused")).toBool(), true);
}

QTEST_GUILESS_MAIN(TestDependencyGrammar)
#include "tst_dependency_grammar.moc"
