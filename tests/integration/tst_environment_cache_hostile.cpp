// The environment cache when its folder is broken, full, read-only or tampered with: the real
// executor, a real pip, wheels built here, and filesystems mounted for the test.
#include "environment/EnvironmentCache.h"
#include "tasks/CacheSummarizer.h"
#include "TestSupport.h"

#include "fs/AgentFolder.h"
#include "fs/FileProtection.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
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
    void implausibleEntriesAreNeverUsed_data();
    void implausibleEntriesAreNeverUsed();
    void linkedCacheFoldersAreNeverFollowed_data();
    void linkedCacheFoldersAreNeverFollowed();
    void monitorSummaryNeverFollowsALinkedCache();

private:
    QJsonObject result(const Agent &agent, const QString &id) const
    {
        return readJson(agent.taskFile(id, QStringLiteral("result.json")));
    }
    Run run(const Agent &agent, const QString &id, const QStringList &extra = {}, int timeoutMs = 120000) const
    {
        return runExecutor(executorArgs(agent, id, extra), offlinePipEnvironment(m_wheels.path()), timeoutMs);
    }
    // Plants an entry for m_key, created at `created` (unless the kind says 2099), in `agent`'s
    // cache as `kind` says (see the test's rows); its oa_greeter says "planted". Links point
    // into `outside`. Returns the entry's name.
    QString plant(const Agent &agent, const QString &kind, const QString &outside, QDateTime created) const;
    static QStringList outsideListing(const QString &dir);

    QTemporaryDir m_wheels;
    QString m_key; // the environment key of ["oa-greeter"] with these wheels
};

void TestEnvironmentCacheHostile::initTestCase()
{
    Agent::seedStoredPip(true); // how pip gets into the store is tst_stored_pip's and tst_environment_cache's
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-other"), QStringLiteral("3.0")).isEmpty());
    QProcess broken; // a module with a syntax error: pip installs it, compileall fails on it
    broken.start(python(), {testDataDir() + QStringLiteral("/make_wheel.py"), QStringLiteral("--syntax-error"), m_wheels.path(),
                            QStringLiteral("oa-broken"), QStringLiteral("1.0")});
    QVERIFY(broken.waitForFinished(60000) && broken.exitCode() == 0);
    // The key does not depend on the agent folder: learn it once from a real build.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("key"), "import oa_greeter\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}});
    QCOMPARE(run(agent, QStringLiteral("key")).exitCode, 0);
    m_key = result(agent, QStringLiteral("key")).value("EnvironmentCache").toObject().value("Key").toString();
    QCOMPARE(m_key.size(), 32);
}

void TestEnvironmentCacheHostile::unwritableMarkerFailsTheRun()
{
    // A cache that held a good entry, then became read-only: the run cannot record that it uses
    // the entry, so an eviction could pull it away mid-run. That is said, not ignored.
    QTemporaryDir scratch;
    const QString cacheDir = scratch.path() + QStringLiteral("/cache");
    const TmpfsMount mount(cacheDir, false);
    if (!mount.isMounted())
        OA_SKIP_OR_FAIL(QStringLiteral("cannot mount a tmpfs on %1: %2").arg(cacheDir, mount.error()));
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
    Agent agent(Agent::Seed::Nothing); // EnvCache itself is what this test plants
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
            OA_SKIP_OR_FAIL(QStringLiteral("cannot mount a tmpfs on %1: %2").arg(cacheDir, mount->error()));
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
    if (kind == QLatin1String("file")) { // the listing, which changes nothing, says why
        const Run listing = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--env-cache"), QStringLiteral("--json")});
        QVERIFY2(QJsonDocument::fromJson(listing.out).object().value("Problems").toArray().first().toString().contains(cacheDir), listing.out.constData());
    }
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

QString TestEnvironmentCacheHostile::plant(const Agent &agent, const QString &kind, const QString &outside, QDateTime created) const
{
    if (kind == QLatin1String("created in 2099"))
        created = QDateTime(QDate(2099, 1, 1), QTime(0, 0), Qt::UTC);
    QString name = QStringLiteral("%1-%2").arg(m_key).arg(created.toMSecsSinceEpoch());
    if (kind == QLatin1String("name is not its CreatedAt"))
        name = QStringLiteral("%1-%2").arg(m_key).arg(created.toMSecsSinceEpoch() + 1000);
    const QString entries = agent.base() + QStringLiteral("/EnvCache/entries");
    const bool linkedEntry = kind == QLatin1String("the entry is a link");
    const QString dir = linkedEntry ? outside + QStringLiteral("/entry") : entries + u'/' + name;
    const auto write = [](const QString &path, const QByteArray &data) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(data);
    };
    const QJsonObject json{{QStringLiteral("Key"), kind == QLatin1String("Key is not its name's") ? QString(32, u'f') : m_key},
                           {QStringLiteral("Inputs"), QStringLiteral("planted")},
                           {QStringLiteral("PipFreeze"), QJsonArray{QStringLiteral("oa-greeter==6.6.6")}},
                           {QStringLiteral("CreatedAt"), created.toString(Qt::ISODateWithMs)},
                           {QStringLiteral("SizeBytes"), 100}};
    const QByteArray module = "print('planted')\ndef greet(who):\n    return 'planted'\n";
    const QString site = kind == QLatin1String("site-packages is a link") ? outside + QStringLiteral("/site") : dir + QStringLiteral("/site-packages");
    write(site + QStringLiteral("/oa_greeter/__init__.py"), module);
    write(site + QStringLiteral("/tool"), "#!/bin/sh\n");
    QFile(site + QStringLiteral("/tool")).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (site != dir + QStringLiteral("/site-packages"))
        QFile::link(site, dir + QStringLiteral("/site-packages"));
    if (kind == QLatin1String("entry.json is a link")) {
        write(outside + QStringLiteral("/entry.json"), QJsonDocument(json).toJson());
        QFile::link(outside + QStringLiteral("/entry.json"), dir + QStringLiteral("/entry.json"));
    } else {
        write(dir + QStringLiteral("/entry.json"), QJsonDocument(json).toJson());
    }
    if (kind != QLatin1String("no COMPLETE"))
        write(dir + QStringLiteral("/COMPLETE"), created.toString(Qt::ISODateWithMs).toUtf8());
    if (linkedEntry) {
        QDir().mkpath(entries);
        QFile::link(dir, entries + u'/' + name);
    }
    return name;
}

QStringList TestEnvironmentCacheHostile::outsideListing(const QString &dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        found.append(QStringLiteral("%1 %2 %3").arg(info.filePath()).arg(int(info.permissions()), 0, 16).arg(QString::fromUtf8(info.isFile() ? readFile(info.filePath()) : QByteArray())));
    }
    found.sort();
    return found;
}

void TestEnvironmentCacheHostile::implausibleEntriesAreNeverUsed_data()
{
    QTest::addColumn<QString>("kind");
    for (const char *kind : {"created in 2099", "Key is not its name's", "name is not its CreatedAt", "no COMPLETE", "entry.json is a link",
                             "site-packages is a link", "the entry is a link"})
        QTest::newRow(kind) << QString::fromLatin1(kind);
}

void TestEnvironmentCacheHostile::implausibleEntriesAreNeverUsed()
{
    // A folder under entries/ with the right key and a CreatedAt in 2099 was used by every later
    // run and never expired. Only what a build writes is used; anything else is reported, and
    // removed by the next prune, without following a link out of the cache.
    QFETCH(QString, kind);
    Agent agent;
    QTemporaryDir outside;
    const QDateTime created = QDateTime::currentDateTimeUtc().addSecs(-60);
    const QString planted = plant(agent, kind, outside.path(), created);
    const QStringList outsideBefore = outsideListing(outside.path());

    const Run listing = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--env-cache"), QStringLiteral("--json")});
    QCOMPARE(listing.exitCode, 0);
    const QJsonObject listed = QJsonDocument::fromJson(listing.out).object();
    QVERIFY2(listed.value("Entries").toArray().isEmpty(), listing.out.constData());
    QCOMPARE(listed.value("Implausible").toArray().first().toObject().value("Entry").toString(), planted);

    agent.makeScriptTask(QStringLiteral("run"), "import oa_greeter\nprint(oa_greeter.greet('x'))\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}});
    const Run used = run(agent, QStringLiteral("run"));
    QVERIFY2(used.exitCode == 0, used.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("run"), QStringLiteral("output.log"))), QByteArray("oa-greeter 1.0 greets x\n"));
    const QJsonObject runResult = result(agent, QStringLiteral("run"));
    QCOMPARE(runResult.value("EnvironmentCache").toObject().value("Reused").toBool(), false);
    const QString warnings = QJsonDocument(runResult.value("Warnings").toArray()).toJson();
    QVERIFY2(warnings.contains(planted), qPrintable(warnings));
    QVERIFY(!runResult.value("PipFreeze").toArray().contains(QStringLiteral("oa-greeter==6.6.6")));
    // The build's own prune removed it; planted again, --prune-env-cache removes it.
    const QString entries = agent.base() + QStringLiteral("/EnvCache/entries/");
    QVERIFY(!QFileInfo::exists(entries + planted) && !QFileInfo(entries + planted).isSymLink());
    QCOMPARE(outsideListing(outside.path()), outsideBefore);
    const QStringList built = QDir(entries).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(built.size(), 1);

    if (kind == QLatin1String("the entry is a link"))
        QFile::remove(entries + planted);
    QVERIFY(QDir(outside.path()).removeRecursively() && QDir().mkpath(outside.path()));
    QCOMPARE(plant(agent, kind, outside.path(), created), planted);
    const QStringList outsideAgain = outsideListing(outside.path());
    const Run prune = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--prune-env-cache"), QStringLiteral("--json")});
    QCOMPARE(prune.exitCode, 0);
    QVERIFY2(QJsonDocument::fromJson(prune.out).object().value("Removed").toArray().contains(planted), prune.out.constData());
    QVERIFY(!QFileInfo::exists(entries + planted) && !QFileInfo(entries + planted).isSymLink());
    QCOMPARE(QDir(entries).entryList(QDir::Dirs | QDir::NoDotAndDotDot), built);
    QCOMPARE(outsideListing(outside.path()), outsideAgain);
}

void TestEnvironmentCacheHostile::linkedCacheFoldersAreNeverFollowed_data()
{
    QTest::addColumn<QString>("folder");
    for (const char *folder : {"staging", "entries", "in-use", "locks"})
        QTest::newRow(folder) << QString::fromLatin1(folder);
}

void TestEnvironmentCacheHostile::linkedCacheFoldersAreNeverFollowed()
{
    // With EnvCache/staging a link, --prune-env-cache (and the prune after every build) deleted
    // every folder in its target that was named like a dead builder's; entries/, in-use/ and
    // locks/ were pruned the same way. The outside folder holds what each prune removes from
    // a real cache folder: dead builds, an eviction cut short, an entry without COMPLETE, a
    // dead execution's in-use marker, a dead builder's lock and owner files.
    QFETCH(QString, folder);
    Agent agent;
    const QJsonObject reqs{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}};
    agent.makeScriptTask(QStringLiteral("first"), "import oa_greeter\n", reqs);
    QCOMPARE(run(agent, QStringLiteral("first")).exitCode, 0);
    const QString entry = result(agent, QStringLiteral("first")).value("EnvironmentCache").toObject().value("Entry").toString();
    QTemporaryDir outside;
    const auto write = [&](const QString &name, const QByteArray &data) {
        const QString path = outside.path() + u'/' + name;
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(data);
    };
    const QByteArray deadPid = "4999999"; // above Linux's PID_MAX_LIMIT (2^22): never alive
    write(m_key + u'.' + QString::fromLatin1(deadPid) + QStringLiteral(".1/site-packages/keep.py"), "kept\n");
    write(entry + u'.' + QString::fromLatin1(deadPid) + QStringLiteral(".evicted/keep.py"), "kept\n");
    write(entry + QStringLiteral(".evicted/keep.py"), "kept\n"); // as earlier versions named it
    write(m_key + QStringLiteral("-1700000000000/entry.json"), "{}");
    write(entry + QStringLiteral("@ghost.") + QString::fromLatin1(deadPid), "");
    write(entry + QStringLiteral(".used"), "");
    write(m_key + QStringLiteral(".lock"), deadPid + "\nopenautomate-executor\n" + QSysInfo::machineHostName().toUtf8() + "\n");
    write(m_key + QStringLiteral(".owner"), "{\"Pid\":" + deadPid + "}");
    const QStringList before = outsideListing(outside.path());

    const QString cacheFolder = agent.base() + QStringLiteral("/EnvCache/") + folder;
    const auto plantLink = [&] {
        if (QFileInfo(cacheFolder).isSymLink()) {
            QVERIFY(QFile::remove(cacheFolder));
        } else {
            oa::FileProtection::unprotectTree(oa::AgentFolder(agent.base()), cacheFolder);
            QVERIFY(QDir(cacheFolder).removeRecursively());
        }
        QVERIFY(QFile::link(outside.path(), cacheFolder));
    };
    const auto replacedByAFolder = [&] {
        QVERIFY(!QFileInfo(cacheFolder).isSymLink());
        QVERIFY(QFileInfo(cacheFolder).isDir());
    };
    plantLink();
    const Run listing = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--env-cache"), QStringLiteral("--json")});
    QVERIFY2(QJsonDocument::fromJson(listing.out).object().value("Problems").toArray().first().toString().contains(cacheFolder), listing.out.constData());
    const Run prune = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--prune-env-cache"), QStringLiteral("--json")});
    QCOMPARE(prune.exitCode, 0);
    QCOMPARE(outsideListing(outside.path()), before);
    QVERIFY2(QJsonDocument::fromJson(prune.out).object().value("Warnings").toArray().first().toString().contains(cacheFolder), prune.out.constData());
    replacedByAFolder();

    // A run that builds (the entry has expired) and prunes afterwards.
    plantLink();
    QTest::qWait(1100);
    agent.makeScriptTask(QStringLiteral("second"), "import oa_greeter\n", reqs);
    const Run second = run(agent, QStringLiteral("second"), {QStringLiteral("--env-cache-max-age"), QStringLiteral("1s")});
    QVERIFY2(second.exitCode == 0, second.err.constData());
    QCOMPARE(result(agent, QStringLiteral("second")).value("EnvironmentCache").toObject().value("Reused").toBool(), false);
    QCOMPARE(outsideListing(outside.path()), before);
    const QString warnings = QJsonDocument(result(agent, QStringLiteral("second")).value("Warnings").toArray()).toJson();
    QVERIFY2(warnings.contains(cacheFolder), qPrintable(warnings));
    replacedByAFolder();
}

void TestEnvironmentCacheHostile::monitorSummaryNeverFollowsALinkedCache()
{
    // The monitor counts the cache of the agent folder it shows. An EnvCache planted as a link
    // to another cache (here a real one, with a real entry) is not read through.
    Agent real;
    real.makeScriptTask(QStringLiteral("b"), "import oa_greeter\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}});
    QCOMPARE(run(real, QStringLiteral("b")).exitCode, 0);
    Agent shown(Agent::Seed::Nothing); // its EnvCache is the planted link
    QVERIFY(QFile::link(real.base() + QStringLiteral("/EnvCache"), shown.base() + QStringLiteral("/EnvCache")));
    const QString cacheDir = shown.base() + QStringLiteral("/EnvCache");
    QCOMPARE(oa::CacheSummarizer().summarize(cacheDir).entries, 1); // a cache folder of its own may be a link
    QCOMPARE(oa::CacheSummarizer().summarize(cacheDir, shown.base()).entries, 0);
}

QTEST_GUILESS_MAIN(TestEnvironmentCacheHostile)
#include "tst_environment_cache_hostile.moc"
