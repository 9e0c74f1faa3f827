// The package policy in executor.conf, through the real executor and a real pip, with wheels and
// sdists built here: direct references are refused unless allowed (and then only to the hosts
// AllowedHosts lists), options in a requirements.txt that choose where packages come from are
// refused while the constraining ones work, OnlyBinary keeps an sdist's build code from running,
// and a relative path means the task folder, never the executor's working folder.
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace oatest;

namespace {

const QByteArray kImportDemo = "import oa_demo\nprint(oa_demo.__version__)\n";

QByteArray sha256Of(const QString &file)
{
    return "sha256:" + QCryptographicHash::hash(readFile(file), QCryptographicHash::Sha256).toHex();
}

// Each source of a task's packages, carrying `requirement`.
void addSourceRows(const QByteArray &requirement, const QByteArray &lockEntry)
{
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<QByteArray>("requirementsTxt");
    QTest::addColumn<QByteArray>("pipfileLock");
    QTest::addColumn<QString>("where");
    QTest::newRow("execution.json Requirements")
        << QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QString::fromUtf8(requirement)}}} << kImportDemo << QByteArray() << QByteArray()
        << "execution.json: Requirements[0]";
    QTest::newRow("requirements.txt") << QJsonObject{} << kImportDemo << QByteArray("# the demo\n" + requirement + "\n") << QByteArray()
                                      << "requirements.txt:2";
    QTest::newRow("inline script metadata")
        << QJsonObject{} << QByteArray("# /// script\n# dependencies = [\"" + requirement + "\"]\n# ///\n" + kImportDemo) << QByteArray()
        << QByteArray() << "main.py: inline script metadata: dependencies[0]";
    QTest::newRow("Pipfile.lock") << QJsonObject{} << kImportDemo << QByteArray()
                                  << QByteArray("{\"_meta\": {\"hash\": {\"sha256\": \"0\"}, \"sources\": []}, \"default\": {\"oa-demo\": " + lockEntry
                                                + "}}")
                                  << "Pipfile.lock: default.oa-demo";
}

} // namespace

class TestPackagePolicy : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void directReferenceRefusedByDefault_data();
    void directReferenceRefusedByDefault();
    void directReferenceAllowedBySetting_data();
    void directReferenceAllowedBySetting();
    void unlistedHostRefused_data();
    void unlistedHostRefused();
    void sourceChangingOptionsRefused_data();
    void sourceChangingOptionsRefused();
    void constrainingOptionsWork_data();
    void constrainingOptionsWork();
    void includeOutsideTheTaskRefused();
    void onlyBinaryKeepsBuildCodeFromRunning();
    void relativePathMeansTheTaskFolder_data();
    void relativePathMeansTheTaskFolder();

private:
    // The offline pip environment with an executor.conf holding `conf`.
    QProcessEnvironment env(const QByteArray &conf)
    {
        QProcessEnvironment e = offlinePipEnvironment(m_wheels.path());
        const QString file = m_confs.path() + QStringLiteral("/executor-%1.conf").arg(++m_confCount);
        writeFileBytes(file, conf);
        e.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), file);
        return e;
    }
    // Runs the task of the current source row (addSourceRows) under `conf`.
    Run runSourceRow(const Agent &agent, const QString &id, const QByteArray &conf)
    {
        QFETCH(QJsonObject, extra);
        QFETCH(QByteArray, script);
        QFETCH(QByteArray, requirementsTxt);
        QFETCH(QByteArray, pipfileLock);
        makeTask(agent, id, extra, script, requirementsTxt, pipfileLock);
        return runExecutor(executorArgs(agent, id), env(conf));
    }
    // The current source row under `conf` is exit 4 naming where and why, before pip ran.
    void expectRefusedBeforePip(const QByteArray &conf, const QString &why)
    {
        QFETCH(QString, where);
        Agent agent;
        const QString id = QStringLiteral("refused");
        const Run run = runSourceRow(agent, id, conf);
        QCOMPARE(run.exitCode, 4);
        const QString err = QString::fromUtf8(run.err);
        QVERIFY2(err.contains(where) && err.contains(why), run.err.constData());
        QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
        QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("output.log"))));
    }
    void makeTask(const Agent &agent, const QString &id, const QJsonObject &extra, const QByteArray &script, const QByteArray &txt,
                  const QByteArray &lock)
    {
        QJsonObject execution{{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            execution.insert(it.key(), it.value());
        QMap<QString, QByteArray> files{{QStringLiteral("main.py"), script}};
        if (!txt.isEmpty())
            files.insert(QStringLiteral("requirements.txt"), txt);
        if (!lock.isEmpty())
            files.insert(QStringLiteral("Pipfile.lock"), lock);
        agent.makeTask(id, execution, files);
    }
    QTemporaryDir m_wheels;
    QTemporaryDir m_confs;
    int m_confCount = 0;
    QString m_demo;
    QString m_demo2; // another version, for the decoy
};

void TestPackagePolicy::initTestCase()
{
    Agent::seedStoredPip(true); // how pip gets into the store is not what this tests (tst_stored_pip)
    m_demo = buildWheel(m_wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("1.0"));
    QTemporaryDir other;
    const QString built = buildWheel(other.path(), QStringLiteral("oa-demo"), QStringLiteral("2.0"));
    m_demo2 = m_confs.path() + QStringLiteral("/oa_demo-2.0-py3-none-any.whl");
    QVERIFY(!m_demo.isEmpty() && !built.isEmpty() && QFile::copy(built, m_demo2));
}

void TestPackagePolicy::directReferenceRefusedByDefault_data()
{
    const QByteArray url = QUrl::fromLocalFile(m_demo).toString().toUtf8();
    addSourceRows("oa-demo @ " + url, "{\"file\": \"" + url + "\", \"version\": \"==1.0\", \"hashes\": [\"" + sha256Of(m_demo) + "\"]}");
}

void TestPackagePolicy::directReferenceRefusedByDefault()
{
    expectRefusedBeforePip("", QStringLiteral("AllowDirectReferences is off"));
}

void TestPackagePolicy::directReferenceAllowedBySetting_data()
{
    directReferenceRefusedByDefault_data();
}

void TestPackagePolicy::directReferenceAllowedBySetting()
{
    Agent agent;
    const QString id = QStringLiteral("direct");
    const Run run = runSourceRow(agent, id, "AllowDirectReferences = on\n");
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("1.0\n"));
}

void TestPackagePolicy::unlistedHostRefused_data()
{
    addSourceRows("oa-demo @ https://evil.example/oa_demo-1.0-py3-none-any.whl",
                  "{\"file\": \"https://evil.example/oa_demo-1.0-py3-none-any.whl\", \"version\": \"==1.0\", \"hashes\": [\"" + sha256Of(m_demo)
                      + "\"]}");
}

void TestPackagePolicy::unlistedHostRefused()
{
    expectRefusedBeforePip("AllowDirectReferences = on\nAllowedHosts = wheels.example.corp, localhost\n", QStringLiteral("host evil.example"));
}

void TestPackagePolicy::sourceChangingOptionsRefused_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("option");
    QTest::newRow("--index-url") << QByteArray("--index-url http://127.0.0.1:9/simple") << "--index-url";
    QTest::newRow("-i") << QByteArray("-i http://127.0.0.1:9/simple") << "-i";
    QTest::newRow("--extra-index-url") << QByteArray("--extra-index-url=http://127.0.0.1:9/simple") << "--extra-index-url";
    QTest::newRow("--find-links") << QByteArray("--find-links /tmp") << "--find-links";
    QTest::newRow("-f") << QByteArray("-f /tmp") << "-f";
    QTest::newRow("--trusted-host") << QByteArray("--trusted-host 127.0.0.1") << "--trusted-host";
    QTest::newRow("--no-index") << QByteArray("--no-index") << "--no-index";
    QTest::newRow("-e") << QByteArray("-e ./src") << "-e";
    QTest::newRow("--editable") << QByteArray("--editable ./src") << "--editable";
    QTest::newRow("--no-binary") << QByteArray("--no-binary :all:") << "--no-binary";
    QTest::newRow("unknown option") << QByteArray("--use-feature=truststore") << "--use-feature";
    // pip reads option lines through shlex: ".'.'" would be ".." to it.
    QTest::newRow("quoted include") << QByteArray("-r .'.'/.'.'/outside.txt") << "\"-r .'.'/.'.'/outside.txt\" holds a quote";
    // pip takes every option of a line: a constraining one first must not carry another along.
    QTest::newRow("two options on a line") << QByteArray("--prefer-binary --find-links /tmp")
                                           << "\"--prefer-binary --find-links /tmp\" holds more than one option";
    QTest::newRow("--no-binary after a constraining option") << QByteArray("--prefer-binary --no-binary=:all:")
                                                             << "\"--prefer-binary --no-binary=:all:\" holds more than one option";
    // Python's strip() takes U+001F for whitespace, Qt's does not: pip would see an option line.
    QTest::newRow("control character before an option") << QByteArray("\x1f--no-binary=:all:") << "the line holds the control character U+001F";
    // After a requirement pip reads its options through shlex too.
    QTest::newRow("quoted option after a requirement") << QByteArray("oa-demo==1.0 -'-global-option=--quiet'")
                                                       << "\"-'-global-option=--quiet'\" after a requirement is not taken";
    QTest::newRow("quoted option after a hash") << QByteArray("oa-demo==1.0 --hash=sha256:%1 ''--global-option=--quiet").replace("%1", QByteArray(64, '0'))
                                                << "\"''--global-option=--quiet\" after a requirement is not taken";
    QTest::newRow("--config-settings after a requirement") << QByteArray("oa-demo==1.0 --config-settings=x=y")
                                                           << "\"--config-settings=x=y\" after a requirement is not taken";
}

void TestPackagePolicy::sourceChangingOptionsRefused()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, option);
    Agent agent;
    const QString id = QStringLiteral("options");
    makeTask(agent, id, {}, kImportDemo, "# where from\n" + line + "\noa-demo==1.0\n", {});
    const Run run = runExecutor(executorArgs(agent, id), env(""));
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains(QStringLiteral("requirements.txt:2: %1").arg(option).toUtf8()), run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
}

void TestPackagePolicy::constrainingOptionsWork_data()
{
    QTest::addColumn<QByteArray>("requirementsTxt");
    QTest::newRow("--only-binary") << QByteArray("--only-binary :all:\noa-demo==1.0\n");
    QTest::newRow("--prefer-binary") << QByteArray("--prefer-binary\noa-demo==1.0\n");
    QTest::newRow("--hash") << QByteArray("oa-demo==1.0 --hash=" + sha256Of(m_demo) + "\n");
    QTest::newRow("-r inside the task") << QByteArray("-r more/pins.txt\n");
}

void TestPackagePolicy::constrainingOptionsWork()
{
    QFETCH(QByteArray, requirementsTxt);
    Agent agent;
    const QString id = QStringLiteral("constrained");
    makeTask(agent, id, {}, kImportDemo, requirementsTxt, {});
    QVERIFY(QDir().mkpath(agent.taskFile(id, QStringLiteral("more"))));
    QVERIFY(writeFileBytes(agent.taskFile(id, QStringLiteral("more/pins.txt")), "oa-demo==1.0\n"));
    const Run run = runExecutor(executorArgs(agent, id), env(""));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("1.0\n"));
}

void TestPackagePolicy::includeOutsideTheTaskRefused()
{
    Agent agent;
    const QString id = QStringLiteral("outside");
    makeTask(agent, id, {}, kImportDemo, "oa-demo==1.0\n-r ../../outside.txt\n", {});
    QVERIFY(writeFileBytes(agent.base() + QStringLiteral("/outside.txt"), "--index-url http://127.0.0.1:9/simple\n"));
    const Run run = runExecutor(executorArgs(agent, id), env(""));
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains("requirements.txt:2: -r ../../outside.txt names") && run.err.contains("outside the task folder"), run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
}

void TestPackagePolicy::onlyBinaryKeepsBuildCodeFromRunning()
{
    // An sdist whose build code (an in-tree PEP 517 backend, which needs nothing from an index:
    // Debian's setuptools wheel cannot build under every interpreter the tests may use) appends
    // to a marker file when it runs. A setup.py is build code of the same kind.
    QTemporaryDir wheels;
    QTemporaryDir markers;
    const QString marker = markers.path() + QStringLiteral("/built");
    QProcess make;
    make.start(python(), {testDataDir() + QStringLiteral("/make_sdist.py"), QStringLiteral("--marker"), marker, wheels.path(),
                          QStringLiteral("oa-built"), QStringLiteral("1.0")});
    QVERIFY(make.waitForFinished(60000) && make.exitCode() == 0);

    const auto runWith = [&](const QByteArray &conf) {
        Agent agent;
        agent.makeScriptTask(QStringLiteral("sdist"), "import oa_built\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-built==1.0")}}});
        QProcessEnvironment e = env(conf);
        e.insert(QStringLiteral("PIP_FIND_LINKS"), wheels.path());
        return runExecutor(executorArgs(agent, QStringLiteral("sdist")), e);
    };
    // Without OnlyBinary the build code runs: the marker shows that the test can fail.
    const Run built = runWith("");
    QVERIFY2(built.exitCode == 0, built.err.constData());
    QVERIFY(QFile::exists(marker));
    QVERIFY(QFile::remove(marker));

    const Run refused = runWith("OnlyBinary = on\n");
    QCOMPARE(refused.exitCode, 6);
    QVERIFY2(refused.err.contains("oa-built"), refused.err.constData());
    QVERIFY2(!QFile::exists(marker), "the sdist's build code ran although OnlyBinary is on");
}

void TestPackagePolicy::relativePathMeansTheTaskFolder_data()
{
    QTest::addColumn<bool>("cache");
    QTest::addColumn<bool>("fromFile"); // a file included by requirements.txt, else Requirements
    QTest::newRow("Requirements, environment cache") << true << false;
    QTest::newRow("Requirements, own venv") << false << false;
    QTest::newRow("included requirements file, environment cache") << true << true;
    QTest::newRow("included requirements file, own venv") << false << true;
}

void TestPackagePolicy::relativePathMeansTheTaskFolder()
{
    QFETCH(bool, cache);
    QFETCH(bool, fromFile);
    Agent agent;
    const QString id = QStringLiteral("relative");
    const QString name = QStringLiteral("oa_demo-1.0-py3-none-any.whl");
    if (fromFile) {
        makeTask(agent, id, {}, kImportDemo, "-r deps/more.txt\n", {});
        QVERIFY(QDir().mkpath(agent.taskFile(id, QStringLiteral("deps"))));
        QVERIFY(writeFileBytes(agent.taskFile(id, QStringLiteral("deps/more.txt")), "./pkgs/" + name.toUtf8() + "\n"));
    } else {
        makeTask(agent, id, {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("./pkgs/") + name}}}, kImportDemo, {}, {});
    }
    QVERIFY(QDir().mkpath(agent.taskFile(id, QStringLiteral("pkgs"))));
    QVERIFY(QFile::copy(m_demo, agent.taskFile(id, QStringLiteral("pkgs/") + name)));
    // The executor starts in a folder with a decoy of the same name: version 2.0 inside.
    QTemporaryDir decoy;
    QVERIFY(QDir().mkpath(decoy.path() + QStringLiteral("/pkgs")));
    QVERIFY(QFile::copy(m_demo2, decoy.path() + QStringLiteral("/pkgs/") + name));

    QProcess executor;
    executor.setProcessEnvironment(env("AllowDirectReferences = on\n"));
    executor.setWorkingDirectory(decoy.path());
    executor.start(executorPath(), executorArgs(agent, id, cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")}));
    QVERIFY(executor.waitForFinished(300000));
    QVERIFY2(executor.exitCode() == 0, executor.readAllStandardError().constData());
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("1.0\n"));

    // A path that leads out of the task folder is refused.
    if (fromFile)
        QVERIFY(writeFileBytes(agent.taskFile(id, QStringLiteral("deps/more.txt")), "../../pkgs/" + name.toUtf8() + "\n"));
    else
        makeTask(agent, id, {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("../../pkgs/") + name}}}, kImportDemo, {}, {});
    const Run out = runExecutor(executorArgs(agent, id), env("AllowDirectReferences = on\n"));
    QCOMPARE(out.exitCode, 4);
    QVERIFY2(out.err.contains("leads out of the task folder"), out.err.constData());
}

QTEST_GUILESS_MAIN(TestPackagePolicy)
#include "tst_package_policy.moc"
