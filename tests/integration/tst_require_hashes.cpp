// RequireHashes: every install hash-checked. Through the real executor and a real pip, with
// wheels built here and their real sha256: a task whose packages carry no hashes is refused
// (exit 4) before pip runs, a wrong hash is exit 6 naming the package, and a dependency the
// task did not pin with a hash is caught by pip and refused as the task's fault.
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

namespace {

QByteArray sha256Of(const QString &file)
{
    return "sha256:" + QCryptographicHash::hash(readFile(file), QCryptographicHash::Sha256).toHex();
}

const QByteArray kImportDemo = "import oa_demo\nprint(oa_demo.__version__)\n";

} // namespace

class TestRequireHashes : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void unhashedTaskIsRefused_data();
    void unhashedTaskIsRefused();
    void hashedTaskRuns_data();
    void hashedTaskRuns();
    void wrongHashIsMismatch_data();
    void wrongHashIsMismatch();
    void unhashedDependencyIsTheTasks_data();
    void unhashedDependencyIsTheTasks();
    void settingFromTheFileIsNamed();

private:
    QProcessEnvironment env(bool requireHashes) const
    {
        QProcessEnvironment e = offlinePipEnvironment(m_wheels.path());
        if (requireHashes)
            e.insert(QStringLiteral("OPENAUTOMATE_REQUIRE_HASHES"), QStringLiteral("on"));
        return e;
    }
    QTemporaryDir m_wheels;
    QString m_demo;
    QString m_app; // depends on oa-dep
    QString m_dep;
};

void TestRequireHashes::initTestCase()
{
    Agent::seedStoredPip(true); // how pip gets into the store is not what this tests (tst_stored_pip)
    m_demo = buildWheel(m_wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("1.0"));
    m_app = buildWheel(m_wheels.path(), QStringLiteral("oa-app"), QStringLiteral("1.0"), {QStringLiteral("oa-dep==2.0")});
    m_dep = buildWheel(m_wheels.path(), QStringLiteral("oa-dep"), QStringLiteral("2.0"));
    QVERIFY(!m_demo.isEmpty() && !m_app.isEmpty() && !m_dep.isEmpty());
}

void TestRequireHashes::unhashedTaskIsRefused_data()
{
    QTest::addColumn<QJsonObject>("extra");
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<QByteArray>("requirementsTxt");
    QTest::addColumn<QString>("expected");
    QTest::newRow("execution.json Requirements")
        << QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-demo==1.0")}}} << kImportDemo << QByteArray()
        << "OPENAUTOMATE_REQUIRE_HASHES is on, and the packages from execution.json Requirements carry no hashes (oa-demo==1.0)";
    QTest::newRow("script dependencies")
        << QJsonObject{} << QByteArray("# /// script\n# dependencies = [\"oa-demo==1.0\"]\n# ///\n" + kImportDemo) << QByteArray()
        << "carry no hashes (oa-demo==1.0)";
    QTest::newRow("requirements.txt line without --hash")
        << QJsonObject{} << kImportDemo << QByteArray("# plain pins\n\noa-demo==1.0  # no hash\noa-dep==2.0\n")
        << "requirements.txt:3: \"oa-demo==1.0\" has no --hash";
}

void TestRequireHashes::unhashedTaskIsRefused()
{
    QFETCH(QJsonObject, extra);
    QFETCH(QByteArray, script);
    QFETCH(QByteArray, requirementsTxt);
    QFETCH(QString, expected);
    Agent agent;
    const QString id = QStringLiteral("plain");
    QJsonObject execution{{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        execution.insert(it.key(), it.value());
    QMap<QString, QByteArray> files{{QStringLiteral("main.py"), script}};
    if (!requirementsTxt.isEmpty())
        files.insert(QStringLiteral("requirements.txt"), requirementsTxt);

    // Without the setting the same task runs: the refusal is the setting's doing.
    agent.makeTask(id, execution, files);
    const Run allowed = runExecutor(executorArgs(agent, id), env(false));
    QVERIFY2(allowed.exitCode == 0, allowed.err.constData());

    agent.makeTask(id, execution, files);
    QFile::remove(agent.taskFile(id, QStringLiteral("pip.log")));
    QFile::remove(agent.taskFile(id, QStringLiteral("output.log")));
    const Run run = runExecutor(executorArgs(agent, id), env(true));
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    // Refused before pip or the script ran.
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("output.log"))));
    QCOMPARE(readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("ExitCode")).toInt(), 4);
}

void TestRequireHashes::hashedTaskRuns_data()
{
    QTest::addColumn<bool>("cache");
    QTest::newRow("environment cache") << true;
    QTest::newRow("own venv") << false;
}

void TestRequireHashes::hashedTaskRuns()
{
    QFETCH(bool, cache);
    Agent agent;
    const QString id = QStringLiteral("hashed");
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "import oa_app, oa_dep\nprint(oa_app.__version__, oa_dep.__version__)\n"},
                    {QStringLiteral("requirements.txt"),
                     "oa-app==1.0 --hash=" + sha256Of(m_app) + "\noa-dep==2.0 --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000 --hash=" + sha256Of(m_dep) + "\n"}});
    const Run run = runExecutor(executorArgs(agent, id, cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")}), env(true));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("1.0 2.0\n"));
}

void TestRequireHashes::wrongHashIsMismatch_data()
{
    hashedTaskRuns_data();
}

void TestRequireHashes::wrongHashIsMismatch()
{
    QFETCH(bool, cache);
    Agent agent;
    const QString id = QStringLiteral("tampered");
    // The hash of another file: what a swapped wheel on a mirror looks like.
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), kImportDemo}, {QStringLiteral("requirements.txt"), "oa-demo==1.0 --hash=" + sha256Of(m_dep) + "\n"}});
    const Run run = runExecutor(executorArgs(agent, id, cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")}), env(true));
    QCOMPARE(run.exitCode, 6);
    QVERIFY2(run.err.contains("requirement \\\"oa-demo\\\": hash mismatch") || run.err.contains("requirement \"oa-demo\": hash mismatch"),
             run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("output.log"))));
}

void TestRequireHashes::unhashedDependencyIsTheTasks_data()
{
    hashedTaskRuns_data();
}

void TestRequireHashes::unhashedDependencyIsTheTasks()
{
    QFETCH(bool, cache);
    Agent agent;
    const QString id = QStringLiteral("halfpinned");
    // oa-app is pinned with its hash; the oa-dep it pulls in is not named at all.
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "import oa_app\n"}, {QStringLiteral("requirements.txt"), "oa-app==1.0 --hash=" + sha256Of(m_app) + "\n"}});
    const Run run = runExecutor(executorArgs(agent, id, cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")}), env(true));
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains("oa-dep") && run.err.contains("has no hash"), run.err.constData());
}

void TestRequireHashes::settingFromTheFileIsNamed()
{
    Agent agent;
    QTemporaryDir dir;
    const QString conf = dir.path() + QStringLiteral("/executor.conf");
    QVERIFY(writeFileBytes(conf, "# hash-checked installs only\nRequireHashes = yes\n"));
    QProcessEnvironment e = env(false);
    e.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), conf);
    agent.makeScriptTask(QStringLiteral("f"), kImportDemo, {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-demo==1.0")}}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("f")), e);
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains(QStringLiteral("%1:2: RequireHashes is on").arg(conf).toUtf8()), run.err.constData());
    // The command line's switch works where the file says nothing.
    const Run flag = runExecutor(executorArgs(agent, QStringLiteral("f"), {QStringLiteral("--require-hashes")}), env(false));
    QCOMPARE(flag.exitCode, 4);
    QVERIFY2(flag.err.contains("--require-hashes is on"), flag.err.constData());
    const Run shown = runExecutor({QStringLiteral("--show-config"), QStringLiteral("--json")}, e);
    const QJsonObject setting = QJsonDocument::fromJson(shown.out).object().value(QStringLiteral("Settings")).toObject().value(QStringLiteral("RequireHashes")).toObject();
    QCOMPARE(setting.value(QStringLiteral("Value")).toBool(), true);
    QCOMPARE(setting.value(QStringLiteral("Source")).toString(), QStringLiteral("file:2"));
}

QTEST_GUILESS_MAIN(TestRequireHashes)
#include "tst_require_hashes.moc"
