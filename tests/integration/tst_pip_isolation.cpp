// pip reads no user's pip configuration: every pip step (a venv's pip install and pip freeze, a
// cache build) has a HOME and XDG_CONFIG_HOME of its own in Temp/<id>, so a ~/.config/pip/pip.conf
// or ~/.pip/pip.conf that an earlier task of the run-as user left (or one in the home of the
// service's own user) never adds a source, while [PipEnvironment] still decides where pip looks.
// Through the real executor and a real pip, as a throwaway run-as user and as root.
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <unistd.h>

using namespace oatest;

namespace {

const QByteArray kImportDemo = "import oa_demo\nprint(oa_demo.__version__)\n";

// A PEP 503 index of one project in `dir`, which pip reads through file:// URLs.
bool writeIndex(const QString &dir, const QString &wheel)
{
    const QString project = dir + QStringLiteral("/oa-demo");
    const QString name = QFileInfo(wheel).fileName();
    return QDir().mkpath(project) && QFile::copy(wheel, project + u'/' + name)
           && writeFileBytes(project + QStringLiteral("/index.html"),
                             "<html><body><a href=\"" + name.toUtf8() + "\">" + name.toUtf8() + "</a></body></html>\n");
}

} // namespace

class TestPipIsolation : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void plantedPipConfIsNotRead_data();
    void plantedPipConfIsNotRead();

private:
    // Lays a poisoned pip.conf, in both places pip looks in a home, into `home`.
    void poison(const QString &home)
    {
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.config/pip")) && QDir().mkpath(home + QStringLiteral("/.pip")));
        QVERIFY(writeFileBytes(home + QStringLiteral("/.config/pip/pip.conf"), "[global]\nfind-links = " + m_poisonLinks.toUtf8() + "\n"));
        QVERIFY(writeFileBytes(home + QStringLiteral("/.pip/pip.conf"),
                               "[global]\nextra-index-url = " + QUrl::fromLocalFile(m_poisonIndex).toString().toUtf8() + "\n"));
    }
    // The service's environment: no PIP_CONFIG_FILE (which would keep pip from reading any
    // user's file) and no PIP_NO_INDEX; the configuration's [PipEnvironment] names the index.
    QProcessEnvironment env(const QString &home) const
    {
        QProcessEnvironment e = cleanEnvironment();
        e.remove(QStringLiteral("PIP_CONFIG_FILE"));
        e.remove(QStringLiteral("PIP_NO_INDEX"));
        e.insert(QStringLiteral("HOME"), home);
        e.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), m_conf);
        return e;
    }

    QTemporaryDir m_dir;
    ThrowawayUser m_user;
    QString m_conf;
    QString m_poisonLinks;
    QString m_poisonIndex;
    QString m_rootHome;
};

void TestPipIsolation::initTestCase()
{
    Agent::seedStoredPip(true); // how pip gets into the store is not what this tests (tst_stored_pip)
    if (!m_user.isValid())
        OA_SKIP_OR_FAIL(m_user.why());
    openToOthers(m_dir.path());
    const QString base = m_dir.path();
    QTemporaryDir build;
    const QString demo10 = buildWheel(build.path(), QStringLiteral("oa-demo"), QStringLiteral("1.0"));
    const QString demo20 = buildWheel(build.path(), QStringLiteral("oa-demo"), QStringLiteral("2.0"));
    const QString demo30 = buildWheel(build.path(), QStringLiteral("oa-demo"), QStringLiteral("3.0"));
    QVERIFY(!demo10.isEmpty() && !demo20.isEmpty() && !demo30.isEmpty());
    const QString index = base + QStringLiteral("/index");
    m_poisonLinks = base + QStringLiteral("/poison-links");
    m_poisonIndex = base + QStringLiteral("/poison-index");
    QVERIFY(writeIndex(index, demo10) && writeIndex(m_poisonIndex, demo30));
    QVERIFY(QDir().mkpath(m_poisonLinks) && QFile::copy(demo20, m_poisonLinks + u'/' + QFileInfo(demo20).fileName()));
    m_conf = base + QStringLiteral("/executor.conf");
    QVERIFY(writeFileBytes(m_conf, "[PipEnvironment]\nPIP_INDEX_URL = " + QUrl::fromLocalFile(index).toString().toUtf8() + "\n"));
    m_rootHome = base + QStringLiteral("/root-home");
    poison(m_rootHome);
    poison(m_user.home());
    QVERIFY(QProcess::execute(QStringLiteral("chown"), {QStringLiteral("-R"), m_user.name(), m_user.home()}) == 0);
    QVERIFY(QFile::setPermissions(m_user.home(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther));
    for (const QString &dir : {index, m_poisonLinks, m_poisonIndex})
        openToOthers(dir + QStringLiteral("/oa-demo"));

    // The control: pip itself, given that home, reads both files.
    QProcess pip;
    pip.setProcessEnvironment(env(m_rootHome));
    pip.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("config"), QStringLiteral("list")});
    QVERIFY(pip.waitForFinished(60000));
    const QByteArray seen = pip.readAllStandardOutput();
    QVERIFY2(seen.contains("global.find-links") && seen.contains("global.extra-index-url"), seen.constData());
}

void TestPipIsolation::cleanupTestCase()
{
    if (m_user.isValid())
        QDir(m_user.home()).removeRecursively();
}

void TestPipIsolation::plantedPipConfIsNotRead_data()
{
    QTest::addColumn<bool>("runAs");
    QTest::addColumn<bool>("cache");
    for (const bool runAs : {true, false})
        for (const bool cache : {true, false})
            QTest::addRow("%s, %s", runAs ? "run-as user" : "root", cache ? "environment cache" : "own venv") << runAs << cache;
}

void TestPipIsolation::plantedPipConfIsNotRead()
{
    QFETCH(bool, runAs);
    QFETCH(bool, cache);
    Agent agent;
    openToOthers(agent.base());
    const QString id = QStringLiteral("isolated");
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), kImportDemo}, {QStringLiteral("requirements.txt"), "oa-demo\n"}});
    QStringList extra{QStringLiteral("--python"), QStringLiteral("/usr/bin/python3")};
    if (runAs)
        extra << QStringLiteral("--run-as") << m_user.name();
    if (!cache)
        extra << QStringLiteral("--no-env-cache");
    const Run run = runExecutor(executorArgs(agent, id, extra), env(m_rootHome));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    // Only the configured index's 1.0: neither the find-links 2.0 nor the extra index's 3.0.
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("1.0\n"));
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QVERIFY(result.value(QStringLiteral("PipFreeze")).toArray().contains(QStringLiteral("oa-demo==1.0")));
    const QByteArray pipLog = readFile(agent.taskFile(id, QStringLiteral("pip.log")));
    QVERIFY2(!pipLog.contains("poison"), pipLog.constData());
    // pip's home was scratch of the run's: gone with Temp/<id>.
    QVERIFY(!QFileInfo::exists(agent.base() + QStringLiteral("/Temp/") + id));
}

QTEST_GUILESS_MAIN(TestPipIsolation)
#include "tst_pip_isolation.moc"
