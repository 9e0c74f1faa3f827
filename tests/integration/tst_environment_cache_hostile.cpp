// The environment cache when its folder is broken, full, read-only or tampered with: the real
// executor, a real pip, wheels built here, and filesystems mounted for the test.
#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <memory>

#include <sys/mount.h>

using namespace oatest;

namespace {

// A tmpfs mounted on a folder for one test and unmounted when it ends. Mounting needs
// CAP_SYS_ADMIN; without it the test is skipped, with the reason.
class TmpfsMount {
public:
    explicit TmpfsMount(const QString &dir, bool readOnly, const QByteArray &size = "64m")
        : m_dir(QFile::encodeName(dir))
    {
        QDir().mkpath(dir);
        if (::mount("none", m_dir.constData(), "tmpfs", readOnly ? MS_RDONLY : 0, QByteArray("size=" + size).constData()) == 0)
            m_mounted = true;
        else
            m_error = QString::fromLocal8Bit(std::strerror(errno));
    }
    ~TmpfsMount()
    {
        if (m_mounted)
            ::umount2(m_dir.constData(), MNT_DETACH);
    }
    bool isMounted() const { return m_mounted; }
    QString error() const { return m_error; }
    bool remountReadOnly() const { return ::mount("none", m_dir.constData(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0; }

private:
    QByteArray m_dir;
    bool m_mounted = false;
    QString m_error;
};

} // namespace

class TestEnvironmentCacheHostile : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void unwritableMarkerFailsTheRun();
    void unusableCacheWaitsForNobody_data();
    void unusableCacheWaitsForNobody();
    void brokenModuleFailsTheBuild();

private:
    QJsonObject result(const Agent &agent, const QString &id) const
    {
        return readJson(agent.taskFile(id, QStringLiteral("result.json")));
    }
    Run run(const Agent &agent, const QString &id, const QStringList &extra = {}, int timeoutMs = 120000) const
    {
        return runExecutor(executorArgs(agent, id, extra), offlinePipEnvironment(m_wheels.path()), timeoutMs);
    }
    QTemporaryDir m_wheels;
};

void TestEnvironmentCacheHostile::initTestCase()
{
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-other"), QStringLiteral("3.0")).isEmpty());
    QProcess broken; // a module with a syntax error: pip installs it, compileall fails on it
    broken.start(python(), {testDataDir() + QStringLiteral("/make_wheel.py"), QStringLiteral("--syntax-error"), m_wheels.path(),
                            QStringLiteral("oa-broken"), QStringLiteral("1.0")});
    QVERIFY(broken.waitForFinished(60000) && broken.exitCode() == 0);
}

void TestEnvironmentCacheHostile::unwritableMarkerFailsTheRun()
{
    // A cache that held a good entry, then became read-only: the run cannot record that it uses
    // the entry, so an eviction could pull it away mid-run. That is said, not ignored.
    QTemporaryDir scratch;
    const QString cacheDir = scratch.path() + QStringLiteral("/cache");
    const TmpfsMount mount(cacheDir, false);
    if (!mount.isMounted())
        QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs on %1: %2").arg(cacheDir, mount.error())));
    Agent agent;
    const QJsonObject reqs{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}};
    agent.makeScriptTask(QStringLiteral("build"), "import oa_greeter\n", reqs);
    agent.makeScriptTask(QStringLiteral("reuse"), "import oa_greeter\n", reqs);
    const QStringList cache{QStringLiteral("--env-cache-dir"), cacheDir};
    const Run built = run(agent, QStringLiteral("build"), cache);
    QVERIFY2(built.exitCode == 0, built.err.constData());
    QVERIFY(mount.remountReadOnly());

    const Run reuse = run(agent, QStringLiteral("reuse"), cache);
    QCOMPARE(reuse.exitCode, 6);
    const QString message = result(agent, QStringLiteral("reuse")).value("Message").toString();
    QVERIFY2(message.contains(cacheDir + QStringLiteral("/in-use/")) && message.contains(QStringLiteral("Read-only file system")), qPrintable(message));
}

void TestEnvironmentCacheHostile::unusableCacheWaitsForNobody_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("named"); // what the message must name, relative to the cache folder
    QTest::newRow("EnvCache is a plain file") << "file" << "";
    QTest::newRow("read-only cache folder") << "read-only" << "/entries";
    QTest::newRow("read-only cache, a new key") << "read-only with an entry" << "/locks/";
}

void TestEnvironmentCacheHostile::unusableCacheWaitsForNobody()
{
    // A cache that cannot be built into was waited on until the 30-minute bound, "waiting for
    // PID 0": a build lock that cannot be taken at all is a failure, at once, that says why.
    QFETCH(QString, kind);
    QFETCH(QString, named);
    Agent agent;
    QTemporaryDir scratch;
    QString cacheDir = agent.base() + QStringLiteral("/EnvCache");
    QStringList extra;
    std::unique_ptr<TmpfsMount> mount;
    if (kind == QLatin1String("file")) {
        QFile file(cacheDir);
        QVERIFY(file.open(QIODevice::WriteOnly));
    } else {
        cacheDir = scratch.path() + QStringLiteral("/cache");
        extra = {QStringLiteral("--env-cache-dir"), cacheDir};
        const bool withEntry = kind.endsWith(QLatin1String("with an entry"));
        mount = std::make_unique<TmpfsMount>(cacheDir, !withEntry);
        if (!mount->isMounted())
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs on %1: %2").arg(cacheDir, mount->error())));
        if (withEntry) {
            agent.makeScriptTask(QStringLiteral("first"), "import oa_greeter\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}});
            QCOMPARE(run(agent, QStringLiteral("first"), extra).exitCode, 0);
            QVERIFY(mount->remountReadOnly());
        }
    }
    agent.makeScriptTask(QStringLiteral("stuck"), "import oa_other\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-other")}}});
    QElapsedTimer clock;
    clock.start();
    const Run stuck = run(agent, QStringLiteral("stuck"), extra, 60000);
    QVERIFY2(clock.elapsed() < 30000, qPrintable(QStringLiteral("took %1 ms").arg(clock.elapsed())));
    QCOMPARE(stuck.exitCode, 6);
    const QString message = result(agent, QStringLiteral("stuck")).value("Message").toString();
    QVERIFY2(message.contains(cacheDir + named), qPrintable(message));
    if (kind != QLatin1String("file"))
        QVERIFY2(message.contains(QStringLiteral("Read-only file system")), qPrintable(message));
    QVERIFY(!stuck.err.contains("Waiting for"));
}

void TestEnvironmentCacheHostile::brokenModuleFailsTheBuild()
{
    // compileall's failure was ignored, and the entry published: every later run would share it.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("broken"), "import oa_broken\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-broken")}}});
    const Run broken = run(agent, QStringLiteral("broken"));
    QCOMPARE(broken.exitCode, 6);
    const QString message = result(agent, QStringLiteral("broken")).value("Message").toString();
    const QString pipLog = agent.taskFile(QStringLiteral("broken"), QStringLiteral("pip.log"));
    QVERIFY2(message.contains(QStringLiteral("compiling")) && message.contains(pipLog), qPrintable(message));
    QVERIFY(readFile(pipLog).contains("broken.py"));
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/entries")).isEmpty());
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/staging")).isEmpty());
}

QTEST_GUILESS_MAIN(TestEnvironmentCacheHostile)
#include "tst_environment_cache_hostile.moc"
