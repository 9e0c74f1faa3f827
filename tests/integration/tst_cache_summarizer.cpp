// The monitor's status line count of the store (CacheSummarizer, issue 22's "the monitor
// re-reads only folders whose stamp changed"), against a real store the executor's own
// DistributionStore filled with real wheels: an unchanged refresh reads no store folder and counts
// what a fresh summarizer counts; a new folder is read alone, a removed one is no longer counted;
// a marker or METADATA changed in place (same size, within the folder's unchanged stamp) and a
// dist-info made writable by others are noticed at once, and the folder no longer counts.
#include "TestSupport.h"
#include "WheelBuilder.h"

#include "environment/CacheLayout.h"
#include "environment/DistributionStore.h"
#include "environment/PythonInterpreter.h"
#include "fs/FileProtection.h"
#include "tasks/CacheSummarizer.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace oatest;

class TestCacheSummarizer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void unchangedRefreshReadsNothing();
    void noticesNewAndRemovedFolders();
    void noticesChangesInPlace_data();
    void noticesChangesInPlace();

private:
    // Stores `count` wheels (oa-sum0, oa-sum1, ...) from `first` on; their store folders.
    QStringList store(const Agent &agent, int first, int count);
    QString cacheDir(const Agent &agent) const { return agent.base() + QStringLiteral("/EnvCache"); }
    // What a summarizer with nothing kept counts: the truth to compare with.
    oa::EnvironmentCache::Summary fresh(const Agent &agent) const { return oa::CacheSummarizer().summarize(cacheDir(agent), agent.base()); }
    // File times have the kernel's tick: a stamp younger than the margin is never trusted.
    static void settle() { QTest::qWait(int(oa::CacheSummarizer::kSettleMs) + 30); }

    QTemporaryDir m_dir;
    oa::PythonInterpreter m_python;
};

namespace {

bool sameSummary(const oa::EnvironmentCache::Summary &a, const oa::EnvironmentCache::Summary &b)
{
    return a.entries == b.entries && a.distributions == b.distributions && a.bytes == b.bytes;
}

// The one dist-info folder below a store folder.
QString distInfoOf(const QString &folder)
{
    QDir lib(folder + QStringLiteral("/lib"));
    const QStringList versions = lib.entryList({QStringLiteral("python*")}, QDir::Dirs);
    if (versions.size() != 1)
        return {};
    const QString sitePackages = lib.filePath(versions.first()) + QStringLiteral("/site-packages");
    const QStringList infos = QDir(sitePackages).entryList({QStringLiteral("*.dist-info")}, QDir::Dirs);
    return infos.size() == 1 ? sitePackages + u'/' + infos.first() : QString();
}

// Rewrites `path` in place: same inode, same size, other bytes.
bool rewriteInPlace(const QString &path, const QByteArray &from, const QByteArray &to)
{
    QFile f(path);
    if (from.size() != to.size() || !f.open(QIODevice::ReadWrite))
        return false;
    QByteArray content = f.readAll();
    if (!content.contains(from))
        return false;
    content.replace(from, to);
    return f.seek(0) && f.write(content) == content.size();
}

} // namespace

void TestCacheSummarizer::initTestCase()
{
    auto probed = oa::PythonInterpreter::probe(python());
    if (!probed)
        OA_SKIP_OR_FAIL(QStringLiteral("no Python to run: %1").arg(probed.error().message));
    m_python = *probed;
}

QStringList TestCacheSummarizer::store(const Agent &agent, int first, int count)
{
    const QString wheels = m_dir.path() + QStringLiteral("/wheels");
    QDir().mkpath(wheels);
    QList<oa::PinnedWheel> pinned;
    for (int i = first; i < first + count; ++i) {
        const QString name = QStringLiteral("oa_sum%1").arg(i);
        const QString path = WheelBuilder(name, QStringLiteral("1.0")).file(QFile::encodeName(name) + ".py", QByteArray(1000 * (i + 1), '#')).write(wheels);
        oa::PinnedWheel wheel;
        wheel.name = name;
        wheel.version = QStringLiteral("1.0");
        wheel.sha256 = WheelBuilder::sha256Of(path);
        wheel.path = path;
        pinned.append(wheel);
    }
    const oa::CacheLayout layout(cacheDir(agent), agent.base());
    if (!layout.prepare())
        return {};
    const auto stored = oa::DistributionStore(layout).ensureAll(pinned, m_python, agent.base() + QStringLiteral("/store.log"));
    QStringList folders;
    for (const oa::StoredDistribution &d : stored.ok() ? stored.value() : QList<oa::StoredDistribution>())
        folders.append(d.dir);
    return folders;
}

void TestCacheSummarizer::unchangedRefreshReadsNothing()
{
    Agent agent;
    QCOMPARE(store(agent, 0, 3).size(), 3);
    settle();
    oa::CacheSummarizer summarizer;
    const oa::EnvironmentCache::Summary first = summarizer.summarize(cacheDir(agent), agent.base());
    QCOMPARE(first.distributions, 3);
    QVERIFY(first.bytes > 6000);
    QCOMPARE(summarizer.reads(), 3);
    for (int i = 0; i < 3; ++i)
        QVERIFY(sameSummary(summarizer.summarize(cacheDir(agent), agent.base()), first));
    QCOMPARE(summarizer.reads(), 3);
    QVERIFY(sameSummary(fresh(agent), first));
}

void TestCacheSummarizer::noticesNewAndRemovedFolders()
{
    Agent agent;
    const QStringList folders = store(agent, 0, 2);
    QCOMPARE(folders.size(), 2);
    settle();
    oa::CacheSummarizer summarizer;
    QCOMPARE(summarizer.summarize(cacheDir(agent), agent.base()).distributions, 2);
    QCOMPARE(summarizer.reads(), 2);
    // A new folder is read, and only it.
    QCOMPARE(store(agent, 2, 1).size(), 1);
    const oa::EnvironmentCache::Summary three = summarizer.summarize(cacheDir(agent), agent.base());
    QCOMPARE(three.distributions, 3);
    QCOMPARE(summarizer.reads(), 3);
    QVERIFY(sameSummary(three, fresh(agent)));
    // A removed one is no longer counted, and nothing is read for it.
    oa::FileProtection::unprotectTree(oa::AgentFolder(agent.base()), folders.first());
    QVERIFY(QDir(folders.first()).removeRecursively());
    const oa::EnvironmentCache::Summary two = summarizer.summarize(cacheDir(agent), agent.base());
    QCOMPARE(two.distributions, 2);
    QVERIFY(sameSummary(two, fresh(agent)));
    QVERIFY(summarizer.reads() <= 4); // at most the new folder again, had its stamps not settled
}

void TestCacheSummarizer::noticesChangesInPlace_data()
{
    QTest::addColumn<QString>("change");
    QTest::newRow("METADATA rewritten in place") << QStringLiteral("metadata");
    QTest::newRow("marker rewritten in place") << QStringLiteral("marker");
    QTest::newRow("dist-info writable by others") << QStringLiteral("chmod");
}

void TestCacheSummarizer::noticesChangesInPlace()
{
    QFETCH(QString, change);
    Agent agent;
    const QStringList folders = store(agent, 0, 2);
    QCOMPARE(folders.size(), 2);
    const QString folder = folders.last(); // oa_sum1
    const QString distInfo = distInfoOf(folder);
    QVERIFY(!distInfo.isEmpty());
    // Lifting the protection is a change too (the files' change times): counted again after it.
    oa::FileProtection::unprotectTree(oa::AgentFolder(agent.base()), folder);
    settle();
    oa::CacheSummarizer summarizer;
    QCOMPARE(summarizer.summarize(cacheDir(agent), agent.base()).distributions, 2);
    QCOMPARE(summarizer.summarize(cacheDir(agent), agent.base()).distributions, 2);
    const int reads = summarizer.reads();
    QCOMPARE(reads, 2);
    // The folder's own stamp does not change with any of these.
    if (change == QLatin1String("metadata"))
        QVERIFY(rewriteInPlace(distInfo + QStringLiteral("/METADATA"), "Name: oa_sum1", "Name: oa_sum9"));
    else if (change == QLatin1String("marker"))
        QVERIFY(rewriteInPlace(folder + QStringLiteral("/stored.json"), "\"1.0\"", "\"9.0\""));
    else
        QCOMPARE(::chmod(QFile::encodeName(distInfo).constData(), 0757), 0);
    const oa::EnvironmentCache::Summary after = summarizer.summarize(cacheDir(agent), agent.base());
    QCOMPARE(after.distributions, 1);
    QCOMPARE(summarizer.reads(), reads + 1);
    QVERIFY(sameSummary(after, fresh(agent)));
}

QTEST_GUILESS_MAIN(TestCacheSummarizer)
#include "tst_cache_summarizer.moc"
