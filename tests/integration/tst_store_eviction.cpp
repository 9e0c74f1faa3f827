// Eviction and administration of the store of distributions (EnvCache/store/, issue 22), through
// the real executor and the real Python, with wheels built here (no pip runs: every set is a
// Pipfile.lock of local wheels, composed from the store). --env-cache --json lists each stored
// distribution with how many sets use it and its size, and counts the store once in TotalBytes;
// a prune evicts store folders that nothing needs by the age of their last use and, least recently
// used first, by size; a folder that an entry in use names, or that a live process holds (as a
// build or a run composed from the store does, DistributionStore), survives prune and clear; an
// implausible folder (planted, writable by others, a file or link in store/) is removed; and
// --clear-env-cache empties the store of every folder nothing needs, immutable files included;
// and prunes racing runs that always rebuild never break one.
#include "StoreCacheTools.h"

#include "environment/CacheLayout.h"
#include "environment/DistributionStore.h"
#include "environment/EnvironmentCache.h"
#include "environment/PythonInterpreter.h"
#include "fs/FileProtection.h"
#include "tasks/CacheSummarizer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

using namespace oatest;

namespace {

// Sets a store folder's last use (its stamp's modification time) `secondsAgo` in the past.
bool setLastUse(const Agent &agent, const QString &folder, qint64 secondsAgo)
{
    const QByteArray stamp = QFile::encodeName(storeDir(agent) + u'/' + folder + QStringLiteral(".used"));
    const qint64 when = QDateTime::currentSecsSinceEpoch() - secondsAgo;
    const struct timeval times[2] = {{when, 0}, {when, 0}};
    return ::utimes(stamp.constData(), times) == 0;
}

} // namespace

class TestStoreEviction : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void listingCountsSetsAndSizes();
    void pruneEvictsByAgeOfLastUse();
    void pruneEvictsLeastRecentlyUsedUntilItFits();
    void foldersInUseSurvivePruneAndClear();
    void implausibleStoreFoldersAreRemoved();
    void prunesRacingRunsNeverBreakOne();

private:
    // Runs task `id` with `lock` (its script `script`), composed from the store; exit 0 expected.
    void runLock(const Agent &agent, const QString &id, const QByteArray &lock, const QByteArray &script = "import oa_edep\n",
                 const QStringList &extra = {});
    // Stores `wheels` in `agent`'s store from this process, as a build does, and lets them go.
    void storeHere(const Agent &agent, const QList<oa::PinnedWheel> &wheels);
    oa::PinnedWheel pin(const QString &path, const QString &name, const QString &version) const
    {
        oa::PinnedWheel wheel;
        wheel.name = name;
        wheel.version = version;
        wheel.sha256 = oatest::WheelBuilder::sha256Of(path);
        wheel.path = path;
        return wheel;
    }

    QTemporaryDir m_dir;
    QString m_wheels;
    QString m_app, m_dep, m_other, m_x, m_y, m_z;
    QByteArray m_lockA; // oa-eapp and oa-edep
    QByteArray m_lockB; // oa-edep and oa-eother
    oa::PythonInterpreter m_python;
};

void TestStoreEviction::initTestCase()
{
    auto probed = oa::PythonInterpreter::probe(python());
    if (!probed)
        OA_SKIP_OR_FAIL(QStringLiteral("no Python to run: %1").arg(probed.error().message));
    m_python = *probed;
    m_wheels = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(m_wheels));
    m_app = WheelBuilder(QStringLiteral("oa_eapp"), QStringLiteral("1.0"))
                .file("oa_eapp/__init__.py", "V = 'app'\n")
                .metadata("Metadata-Version: 2.1\nName: oa_eapp\nVersion: 1.0\nRequires-Dist: oa_edep\n\n")
                .write(m_wheels);
    m_dep = WheelBuilder(QStringLiteral("oa_edep"), QStringLiteral("2.0")).file("oa_edep/__init__.py", "V = 'dep'\n").write(m_wheels);
    m_other = WheelBuilder(QStringLiteral("oa_eother"), QStringLiteral("3.0")).file("oa_eother.py", QByteArray(20000, '#')).write(m_wheels);
    // Stored from this process only (never named by a set): x, y, z of growing sizes.
    m_x = WheelBuilder(QStringLiteral("oa_ex"), QStringLiteral("1.0")).file("oa_ex.py", QByteArray(30000, '#')).write(m_wheels);
    m_y = WheelBuilder(QStringLiteral("oa_ey"), QStringLiteral("1.0")).file("oa_ey.py", QByteArray(40000, '#')).write(m_wheels);
    m_z = WheelBuilder(QStringLiteral("oa_ez"), QStringLiteral("1.0")).file("oa_ez.py", QByteArray(50000, '#')).write(m_wheels);
    for (const QString &wheel : {m_app, m_dep, m_other, m_x, m_y, m_z})
        QVERIFY(!wheel.isEmpty());
    m_lockA = lockJson({{QStringLiteral("oa-eapp"), pinned(m_app, QStringLiteral("1.0"))}, {QStringLiteral("oa-edep"), pinned(m_dep, QStringLiteral("2.0"))}});
    m_lockB = lockJson({{QStringLiteral("oa-edep"), pinned(m_dep, QStringLiteral("2.0"))}, {QStringLiteral("oa-eother"), pinned(m_other, QStringLiteral("3.0"))}});
}

void TestStoreEviction::runLock(const Agent &agent, const QString &id, const QByteArray &lock, const QByteArray &script, const QStringList &extra)
{
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), script}, {QStringLiteral("Pipfile.lock"), lock}});
    QProcessEnvironment env = offlinePipEnvironment(m_wheels);
    const Run run = runExecutor(executorArgs(agent, id, extra), env);
    QVERIFY2(run.exitCode == 0, run.err.right(3000).constData());
    QVERIFY2(readFile(agent.taskFile(id, QStringLiteral("executor.log"))).contains("from the store"), "the set was not composed from the store");
}

void TestStoreEviction::storeHere(const Agent &agent, const QList<oa::PinnedWheel> &wheels)
{
    const oa::CacheLayout layout(agent.base() + QStringLiteral("/EnvCache"), agent.base());
    QVERIFY(layout.prepare());
    const auto stored = oa::DistributionStore(layout).ensureAll(wheels, m_python, agent.base() + QStringLiteral("/store.log"));
    QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
}

void TestStoreEviction::listingCountsSetsAndSizes()
{
    Agent agent;
    runLock(agent, QStringLiteral("a"), m_lockA);
    runLock(agent, QStringLiteral("b"), m_lockB);
    const QJsonObject listing = toolJson(agent, {QStringLiteral("--env-cache")});
    const QJsonArray store = listing.value("Store").toArray();
    QCOMPARE(store.size(), 4); // the sets' three, and the executor's pip that every entry names
    QMap<QString, int> sets;
    qint64 total = 0;
    for (const QJsonValue &v : listing.value("Entries").toArray())
        total += v.toObject().value("SizeBytes").toInteger();
    QCOMPARE(listing.value("Entries").toArray().size(), 2);
    for (const QJsonValue &v : store) {
        const QJsonObject row = v.toObject();
        sets.insert(row.value("Distribution").toString(), row.value("UsedBySets").toInt());
        QCOMPARE(row.value("InUse").toBool(), false);
        QVERIFY(!row.value("LastUsed").toString().isEmpty());
        QCOMPARE(row.value("Sha256").toString().size(), 64);
        // Its size is that of its files, as its marker recorded them when it was stored.
        const QString folder = storeDir(agent) + u'/' + row.value("Folder").toString();
        qint64 bytes = 0;
        QDirIterator files(folder, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            files.next();
            if (files.fileName() != QLatin1String("stored.json"))
                bytes += files.fileInfo().size();
        }
        QCOMPARE(row.value("SizeBytes").toInteger(), bytes);
        total += bytes;
    }
    QCOMPARE(sets, (QMap<QString, int>{{QStringLiteral("oa_eapp"), 1}, {QStringLiteral("oa_edep"), 2}, {QStringLiteral("oa_eother"), 1},
                                       {QStringLiteral("pip"), 2}}));
    // Each file once: the composed entries hold a .pth, the packages and pip are the store's.
    QCOMPARE(listing.value("TotalBytes").toInteger(), total);
    const Run text = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--env-cache")});
    QVERIFY2(text.out.contains("store: 4 distributions") && text.out.contains("oa_edep"), text.out.constData());
    // The monitor's summary counts the store too.
    const oa::EnvironmentCache::Summary summary = oa::CacheSummarizer().summarize(agent.base() + QStringLiteral("/EnvCache"), agent.base());
    QCOMPARE(summary.distributions, 4);
    QCOMPARE(summary.bytes, total);
}

void TestStoreEviction::pruneEvictsByAgeOfLastUse()
{
    Agent agent;
    storeHere(agent, {pin(m_x, "oa-ex", "1.0"), pin(m_y, "oa-ey", "1.0")});
    const QStringList both = storeFolders(agent);
    QCOMPARE(both.size(), 2);
    // Nothing names either; x was last used two days ago, y now.
    QVERIFY(setLastUse(agent, both.first(), 2 * 86400));
    const QJsonObject pruned = toolJson(agent, {QStringLiteral("--prune-env-cache"), QStringLiteral("--env-cache-max-age"), QStringLiteral("1d")});
    QCOMPARE(removedStoreFolders(pruned), QStringList{both.first()});
    QCOMPARE(storeFolders(agent), QStringList{both.last()});
    QVERIFY(!QFileInfo::exists(storeDir(agent) + u'/' + both.first() + QStringLiteral(".used")));
    // An evicted entry hands its last use on to the store folders it named: a set stored three
    // days ago and used an hour ago leaves folders last used an hour ago.
    runLock(agent, QStringLiteral("b"), m_lockB);
    const QMap<QString, QJsonObject> rows = storeRows(agent);
    QCOMPARE(rows.size(), 4);
    QStringList named; // oa-edep's, oa-eother's and pip's
    for (const QJsonObject &row : rows)
        if (row.value("UsedBySets").toInt() == 1)
            named.append(row.value("Folder").toString());
    QCOMPARE(named.size(), 3);
    for (const QString &folder : std::as_const(named))
        QVERIFY(setLastUse(agent, folder, 3 * 86400));
    const QString entries = agent.base() + QStringLiteral("/EnvCache/entries");
    const QStringList used = QDir(entries).entryList({QStringLiteral("*.used")}, QDir::Files);
    QCOMPARE(used.size(), 1);
    const qint64 hourAgo = QDateTime::currentSecsSinceEpoch() - 3600;
    const struct timeval times[2] = {{hourAgo, 0}, {hourAgo, 0}};
    QCOMPARE(::utimes(QFile::encodeName(entries + u'/' + used.first()).constData(), times), 0);
    // Room for everything but the entry: it goes (the least recently used), nothing else.
    const QJsonObject listing = toolJson(agent, {QStringLiteral("--env-cache")});
    const qint64 entryBytes = listing.value("Entries").toArray().first().toObject().value("SizeBytes").toInteger();
    const QJsonObject bySize = toolJson(agent, {QStringLiteral("--prune-env-cache"), QStringLiteral("--env-cache-max-age"), QStringLiteral("1d"),
                                                QStringLiteral("--env-cache-max-size"), QString::number(listing.value("TotalBytes").toInteger() - entryBytes)});
    QCOMPARE(bySize.value("Removed").toArray().size(), 1);
    QVERIFY(QDir(entries).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    // Nothing names its folders now; last used an hour ago, they are younger than a day...
    toolJson(agent, {QStringLiteral("--prune-env-cache"), QStringLiteral("--env-cache-max-age"), QStringLiteral("1d")});
    QCOMPARE(storeFolders(agent).size(), 4);
    // ...and older than half an hour.
    const QJsonObject byAge = toolJson(agent, {QStringLiteral("--prune-env-cache"), QStringLiteral("--env-cache-max-age"), QStringLiteral("1800")});
    named.sort();
    QCOMPARE(removedStoreFolders(byAge), named);
    QCOMPARE(storeFolders(agent), QStringList{both.last()});
}

void TestStoreEviction::pruneEvictsLeastRecentlyUsedUntilItFits()
{
    Agent agent;
    storeHere(agent, {pin(m_x, "oa-ex", "1.0"), pin(m_y, "oa-ey", "1.0"), pin(m_z, "oa-ez", "1.0")});
    const QStringList folders = storeFolders(agent); // oa-ex, oa-ey, oa-ez
    QCOMPARE(folders.size(), 3);
    QVERIFY(setLastUse(agent, folders.at(0), 3 * 3600));
    QVERIFY(setLastUse(agent, folders.at(1), 2 * 3600));
    QVERIFY(setLastUse(agent, folders.at(2), 1 * 3600));
    const QMap<QString, QJsonObject> rows = storeRows(agent);
    const qint64 y = rows.value(folders.at(1)).value("SizeBytes").toInteger();
    const qint64 z = rows.value(folders.at(2)).value("SizeBytes").toInteger();
    QVERIFY(y > 0 && z > 0);
    // Room for y and z: x, the least recently used, goes, and nothing else.
    const QJsonObject fit = toolJson(agent, {QStringLiteral("--prune-env-cache"), QStringLiteral("--env-cache-max-size"), QString::number(y + z)});
    QCOMPARE(removedStoreFolders(fit), QStringList{folders.at(0)});
    QCOMPARE(fit.value("FreedBytes").toInteger(), rows.value(folders.at(0)).value("SizeBytes").toInteger());
    QCOMPARE(storeFolders(agent), folders.mid(1));
    // Room for z alone: y goes.
    const QJsonObject fitZ = toolJson(agent, {QStringLiteral("--prune-env-cache"), QStringLiteral("--env-cache-max-size"), QString::number(z)});
    QCOMPARE(removedStoreFolders(fitZ), QStringList{folders.at(1)});
    QCOMPARE(storeFolders(agent), folders.mid(2));
}

void TestStoreEviction::foldersInUseSurvivePruneAndClear()
{
    Agent agent;
    runLock(agent, QStringLiteral("b"), m_lockB); // oa-edep and oa-eother, then idle
    // A running execution of set A: its entry is in use, and so are the folders it names.
    agent.makeTask(QStringLiteral("busy"), {{QStringLiteral("ExecutionId"), QStringLiteral("busy")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "import os, time, oa_eapp\n"
                                                "open('ready.tmp', 'w').write(str(os.getpid())); os.rename('ready.tmp', 'ready')\n"
                                                "while not os.path.exists('go'): time.sleep(0.05)\n"},
                    {QStringLiteral("Pipfile.lock"), m_lockA}});
    QProcess busy;
    busy.setProcessEnvironment(offlinePipEnvironment(m_wheels));
    busy.start(executorPath(), executorArgs(agent, QStringLiteral("busy")));
    QCOMPARE(waitForPids(agent.taskFile(QStringLiteral("busy"), QStringLiteral("ready"))).size(), 1);
    // And a process that holds a store folder no entry names, as a build composing an entry or a
    // run composed from the store does: this one.
    const oa::CacheLayout layout(agent.base() + QStringLiteral("/EnvCache"), agent.base());
    oa::DistributionStore holder(layout);
    const auto held = holder.ensure(pin(m_x, "oa-ex", "1.0"), m_python, agent.base() + QStringLiteral("/store.log"));
    QVERIFY(held.ok());
    const QMap<QString, QJsonObject> rows = storeRows(agent);
    QCOMPARE(rows.size(), 5);
    QMap<QString, QString> folderOf;
    for (const QJsonObject &row : rows)
        folderOf.insert(row.value("Distribution").toString(), row.value("Folder").toString());
    const QString app = folderOf.value(QStringLiteral("oa_eapp"));
    const QString dep = folderOf.value(QStringLiteral("oa_edep"));
    const QString other = folderOf.value(QStringLiteral("oa_eother"));
    const QString pip = folderOf.value(QStringLiteral("pip")); // named by both entries, one of them in use
    QVERIFY(!app.isEmpty() && !dep.isEmpty() && !other.isEmpty() && !pip.isEmpty());
    QCOMPARE(rows.value(app).value("InUse").toBool(), true);
    QCOMPARE(rows.value(pip).value("InUse").toBool(), true);
    QCOMPARE(rows.value(held->folderName).value("InUse").toBool(), true);
    QCOMPARE(rows.value(other).value("InUse").toBool(), false);

    // A prune with a maximum age of 0 and a size of 1 byte takes every entry and folder nothing needs.
    const QJsonObject pruned = toolJson(agent, {QStringLiteral("--prune-env-cache"), QStringLiteral("--env-cache-max-age"), QStringLiteral("0"),
                                                QStringLiteral("--env-cache-max-size"), QStringLiteral("1")});
    QCOMPARE(removedStoreFolders(pruned), QStringList{other});
    QStringList kept{app, dep, pip, held->folderName};
    kept.sort();
    QCOMPARE(storeFolders(agent), kept);
    // A clear too, and it says what it kept.
    const QJsonObject cleared = toolJson(agent, {QStringLiteral("--clear-env-cache")});
    QVERIFY(removedStoreFolders(cleared).isEmpty());
    QStringList keptInUse;
    for (const QJsonValue &v : cleared.value("StoreKeptInUse").toArray())
        keptInUse.append(v.toString());
    keptInUse.sort();
    QCOMPARE(keptInUse, kept);
    QCOMPARE(storeFolders(agent), kept);

    // Once nothing needs them, a clear removes them all, immutable files included.
    holder.release();
    QFile go(agent.taskFile(QStringLiteral("busy"), QStringLiteral("go")));
    QVERIFY(go.open(QIODevice::WriteOnly));
    go.close();
    QVERIFY(busy.waitForFinished(60000));
    QCOMPARE(busy.exitCode(), 0);
    const Run text = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--clear-env-cache")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("removed store/" + app.toUtf8()), text.out.constData());
    QVERIFY(storeFolders(agent).isEmpty());
    QVERIFY(QDir(storeDir(agent)).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System).isEmpty()); // no stamps left
    if (::geteuid() != 0)
        return; // the immutable attribute needs root: nothing more to prove
    QProcess rm;
    rm.start(QStringLiteral("rm"), {QStringLiteral("-rf"), agent.base() + QStringLiteral("/EnvCache")});
    QVERIFY(rm.waitForFinished(30000));
    QCOMPARE(rm.exitCode(), 0);
}

void TestStoreEviction::implausibleStoreFoldersAreRemoved()
{
    Agent agent;
    storeHere(agent, {pin(m_x, "oa-ex", "1.0"), pin(m_y, "oa-ey", "1.0")});
    const QStringList folders = storeFolders(agent);
    QCOMPARE(folders.size(), 2);
    // A plausible folder made writable by others; a planted folder with a store folder's name
    // and no marker; a file and a link in store/ (whose target must survive).
    const QString writable = storeDir(agent) + u'/' + folders.first();
    oa::FileProtection::unprotectTree(oa::AgentFolder(agent.base()), writable);
    QCOMPARE(::chmod(QFile::encodeName(writable).constData(), 0757), 0);
    const QString planted = storeDir(agent) + QStringLiteral("/oa-planted-1.0-0123456789abcdef");
    QVERIFY(QDir().mkpath(planted + QStringLiteral("/lib")));
    QVERIFY(writeFileBytes(planted + QStringLiteral("/lib/evil.py"), "raise SystemExit\n"));
    QVERIFY(writeFileBytes(storeDir(agent) + QStringLiteral("/junk"), "junk"));
    QTemporaryDir outside;
    QVERIFY(writeFileBytes(outside.path() + QStringLiteral("/keep"), "keep"));
    QVERIFY(QFile::link(outside.path(), storeDir(agent) + QStringLiteral("/oa-link-1.0-0123456789abcdef")));
    // Listed as implausible, never used.
    const QJsonArray listed = toolJson(agent, {QStringLiteral("--env-cache")}).value("StoreImplausible").toArray();
    QCOMPARE(listed.size(), 4);
    const QJsonObject pruned = toolJson(agent, {QStringLiteral("--prune-env-cache")});
    QStringList expected{folders.first(), QStringLiteral("oa-planted-1.0-0123456789abcdef"), QStringLiteral("junk"), QStringLiteral("oa-link-1.0-0123456789abcdef")};
    expected.sort();
    QCOMPARE(removedStoreFolders(pruned), expected);
    const QString warnings = QJsonDocument(pruned.value("Warnings").toArray()).toJson();
    QVERIFY2(warnings.contains("may be written by its group or others") && warnings.contains("stored.json"), qPrintable(warnings));
    QCOMPARE(storeFolders(agent), folders.mid(1)); // the plausible one stays (it is recent)
    QVERIFY(QFileInfo::exists(outside.path() + QStringLiteral("/keep")));
}

void TestStoreEviction::prunesRacingRunsNeverBreakOne()
{
    // Prunes that evict every entry and store folder nothing needs, one after another, while runs
    // that always rebuild their entry (maximum age 0) store, compose and import the same wheels:
    // a folder a build has just found or stored is never taken from under it, the entry it has
    // just published is not evicted before its execution marks it (it is expired at once), and
    // a run's packages never vanish while it imports them.
    Agent agent;
    const QString stop = agent.base() + QStringLiteral("/stop-pruning");
    const QString log = agent.base() + QStringLiteral("/prunes.json");
    QProcess pruner;
    pruner.setProcessEnvironment(cleanEnvironment());
    pruner.start(QStringLiteral("/bin/sh"),
                 {QStringLiteral("-c"),
                  QStringLiteral("while [ ! -e \"$1\" ]; do \"$2\" --base-dir \"$3\" --prune-env-cache --env-cache-max-age 0 --env-cache-max-size 1 --json >>\"$4\" || exit 1; done"),
                  QStringLiteral("sh"), stop, executorPath(), agent.base(), log});
    QVERIFY(pruner.waitForStarted());
    for (int i = 0; i < 4; ++i)
        runLock(agent, QStringLiteral("r%1").arg(i), m_lockA, "import oa_eapp, oa_edep\nassert (oa_eapp.V, oa_edep.V) == ('app', 'dep')\n",
                {QStringLiteral("--env-cache-max-age"), QStringLiteral("0")});
    QVERIFY(writeFileBytes(stop, ""));
    QVERIFY(pruner.waitForFinished(60000));
    QCOMPARE(pruner.exitCode(), 0);
    QVERIFY2(readFile(log).contains("\"store/oa-eapp-1.0-"), "no prune evicted a store folder meanwhile");
}

QTEST_GUILESS_MAIN(TestStoreEviction)
#include "tst_store_eviction.moc"
