// What executor.conf does to a run, through the real executor binary: BaseDir used by runs and
// tools, maxima a task may tighten but never loosen, Cgroups, and [PipEnvironment] and
// [ScriptEnvironment] reaching pip and scripts. How the file is read: tst_executor_config.
#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

class TestExecutorConfigEffects : public QObject {
    Q_OBJECT
private slots:
    void fileSettingsTakeEffect();
    void tightenNeverLoosen_data();
    void tightenNeverLoosen();
    void memoryMaximumHeldWithCgroupsOffFromTheFile();
    void pipEnvironmentReachesPip_data();
    void pipEnvironmentReachesPip();
    void scriptEnvironmentReachesScript();

private:
    QString writeConfig(const QByteArray &content, const QString &name = QStringLiteral("executor.conf"));
    QTemporaryDir m_dir;
};

QString TestExecutorConfigEffects::writeConfig(const QByteArray &content, const QString &name)
{
    const QString path = m_dir.path() + u'/' + name;
    QFile::remove(path);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestExecutorConfigEffects::fileSettingsTakeEffect()
{
    // BaseDir from the file is the folder the tools and a run use; --base-dir still wins.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("from-file"), "print('ran')\n");
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), writeConfig("BaseDir = " + agent.base().toUtf8() + '\n'));
    const Run list = runExecutor({QStringLiteral("--list")}, env);
    QCOMPARE(list.exitCode, 0);
    QVERIFY2(list.out.contains("from-file") && list.out.contains(agent.base().toUtf8() + "/Tasks"), list.out.constData());
    const Run run = runExecutor({QStringLiteral("from-file")}, env);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("from-file"), QStringLiteral("output.log"))).trimmed(), QByteArray("ran"));
    Agent other;
    const Run elsewhere = runExecutor({QStringLiteral("--base-dir"), other.base(), QStringLiteral("--list")}, env);
    QVERIFY(elsewhere.out.contains(other.base().toUtf8() + "/Tasks"));
    QVERIFY(!elsewhere.out.contains("from-file"));
}

void TestExecutorConfigEffects::tightenNeverLoosen_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QJsonObject>("execution");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("warning"); // in result.json's Warnings; empty: none about limits

    const QJsonObject asksMore{{QStringLiteral("TimeoutSeconds"), 600}};
    QTest::newRow("a longer timeout is held to the maximum") << QByteArray("MaxTimeoutSeconds = 1\n") << asksMore << QStringList() << 7
        << "execution.json: TimeoutSeconds 600 is above the administrator's MaxTimeoutSeconds 1 (executor.conf); the run is held to 1";
    QTest::newRow("no timeout gets the maximum") << QByteArray("MaxTimeoutSeconds = 1\n") << QJsonObject() << QStringList() << 7 << QString();
    QTest::newRow("a shorter timeout tightens it") << QByteArray("MaxTimeoutSeconds = 3600\n") << QJsonObject{{QStringLiteral("TimeoutSeconds"), 1}}
                                                   << QStringList() << 7 << QString();
    QTest::newRow("the file's default timeout") << QByteArray("TimeoutSeconds = 1\n") << QJsonObject() << QStringList() << 7 << QString();
    QTest::newRow("execution.json wins over the file's default") << QByteArray("TimeoutSeconds = 1\n")
                                                                 << QJsonObject{{QStringLiteral("TimeoutSeconds"), 600}} << QStringList() << 0 << QString();
    QTest::newRow("--timeout is the service's and wins") << QByteArray("MaxTimeoutSeconds = 1\n") << asksMore
                                                         << QStringList{QStringLiteral("--timeout"), QStringLiteral("600")} << 0 << QString();
}

void TestExecutorConfigEffects::tightenNeverLoosen()
{
    QFETCH(QByteArray, file);
    QFETCH(QJsonObject, execution);
    QFETCH(QStringList, options);
    QFETCH(int, exitCode);
    QFETCH(QString, warning);
    Agent agent;
    execution.insert(QStringLiteral("GraceSeconds"), 0);
    agent.makeScriptTask(QStringLiteral("limits"), "import time\ntime.sleep(3)\n", execution);
    QElapsedTimer clock;
    clock.start();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("limits"), QStringList{QStringLiteral("--config"), writeConfig(file)} + options),
                                cleanEnvironment(), 60000);
    QVERIFY2(run.exitCode == exitCode, run.err.constData());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("limits"), QStringLiteral("result.json")));
    const QJsonArray warnings = result.value("Warnings").toArray();
    if (warning.isEmpty()) {
        for (const QJsonValue &w : warnings)
            QVERIFY2(!w.toString().contains(QStringLiteral("the run is held to")), qPrintable(w.toString()));
    } else {
        QVERIFY2(warnings.contains(warning), QJsonDocument(warnings).toJson().constData());
    }
    if (exitCode == 7)
        QVERIFY2(clock.elapsed() < 2900, "the timeout was not the one in force");
}

void TestExecutorConfigEffects::memoryMaximumHeldWithCgroupsOffFromTheFile()
{
    // The task asks for 100 GB; the site allows 100 MB. Cgroups = off in the file makes the
    // limit the sampled one, which runs on every machine.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("mem"),
                         "import time\nchunks = []\n"
                         "for i in range(40):\n"
                         "    chunks.append(bytearray(25 * 1024 * 1024))\n"
                         "    time.sleep(0.1)\n"
                         "time.sleep(60)\n",
                         {{QStringLiteral("MaxMemoryMB"), 100000}, {QStringLiteral("GraceSeconds"), 1}});
    const QString file = writeConfig("MaxMemoryMB = 100\nCgroups = off\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("mem"), {QStringLiteral("--config"), file}), cleanEnvironment(), 60000);
    QVERIFY2(run.exitCode == 9, run.err.constData());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("mem"), QStringLiteral("result.json")));
    QVERIFY2(result.value("Message").toString().contains(QStringLiteral("MaxMemoryMB 100")), qPrintable(result.value("Message").toString()));
    QVERIFY(result.value("Warnings").toArray().contains(QStringLiteral(
        "execution.json: MaxMemoryMB 100000 is above the administrator's MaxMemoryMB 100 (executor.conf); the run is held to 100")));
    const QJsonObject containment = result.value("Containment").toObject();
    QCOMPARE(containment.value("MemoryLimit").toString(), QStringLiteral("sampling"));
    QVERIFY(containment.value("CgroupV2").isNull());
    QVERIFY(containment.value("CgroupV1Memory").isNull());
}

void TestExecutorConfigEffects::pipEnvironmentReachesPip_data()
{
    QTest::addColumn<bool>("cached");
    QTest::newRow("through the environment cache") << true;
    QTest::newRow("into the venv (no cache)") << false;
}

void TestExecutorConfigEffects::pipEnvironmentReachesPip()
{
    QFETCH(bool, cached);
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-site-wheel"), QStringLiteral("1.0")).isEmpty());
    Agent agent;
    const QJsonObject execution{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-site-wheel==1.0")}},
                                {QStringLiteral("UseEnvironmentCache"), cached}};
    const QByteArray script = "import oa_site_wheel, os\nprint(os.environ.get('PIP_FIND_LINKS', 'unset'))\n";
    agent.makeScriptTask(QStringLiteral("bare"), script, execution);
    agent.makeScriptTask(QStringLiteral("site"), script, execution);
    // The service's own environment: no index (as always in tests), and a wheel folder that has nothing.
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("PIP_FIND_LINKS"), m_dir.path() + QStringLiteral("/no-wheels-here"));

    const Run bare = runExecutor(executorArgs(agent, QStringLiteral("bare")), env);
    QVERIFY2(bare.exitCode == 6, bare.err.constData());

    const QString file = writeConfig("[PipEnvironment]\nPIP_FIND_LINKS = " + wheels.path().toUtf8() + "\nPIP_NO_INDEX = 1\n");
    const Run site = runExecutor(executorArgs(agent, QStringLiteral("site"), {QStringLiteral("--config"), file}), env);
    QVERIFY2(site.exitCode == 0, site.err.constData());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("site"), QStringLiteral("result.json")));
    QVERIFY(result.value("PipFreeze").toArray().contains(QStringLiteral("oa-site-wheel==1.0")));
    // pip's variables are pip's: the script sees the service's own value, not the file's.
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("site"), QStringLiteral("output.log"))).trimmed(),
             (m_dir.path() + QStringLiteral("/no-wheels-here")).toUtf8());
    if (cached) {
        // The cache key holds what pip saw, the file's wheel folder included.
        const Run listed = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--config"), file,
                                        QStringLiteral("--env-cache"), QStringLiteral("--json")}, env);
        const QJsonArray entries = QJsonDocument::fromJson(listed.out).object().value("Entries").toArray();
        QCOMPARE(entries.size(), 1);
        QVERIFY2(entries.first().toObject().value("Inputs").toString().contains(QStringLiteral("PIP_FIND_LINKS=") + wheels.path()),
                 listed.out.constData());
    }
}

void TestExecutorConfigEffects::scriptEnvironmentReachesScript()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("env"),
                         "import os\n"
                         "for name in ('SITE_NAME', 'GREETING', 'PIP_TIMEOUT', 'OPENAUTOMATE_EXECUTION_ID'):\n"
                         "    print(name, os.environ.get(name, 'unset'))\n");
    const QString file = writeConfig("[ScriptEnvironment]\n"
                                     "SITE_NAME = plant-7\n"
                                     "GREETING = \"hello, world\"\n"
                                     "[PipEnvironment]\n"
                                     "PIP_TIMEOUT = 7\n");
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("SITE_NAME"), QStringLiteral("from-the-service")); // the file's value goes over it
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("env"), {QStringLiteral("--config"), file}), env);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("env"), QStringLiteral("output.log"))),
             QByteArray("SITE_NAME plant-7\nGREETING hello, world\nPIP_TIMEOUT unset\nOPENAUTOMATE_EXECUTION_ID env\n"));
}

QTEST_GUILESS_MAIN(TestExecutorConfigEffects)
#include "tst_executor_config_effects.moc"
