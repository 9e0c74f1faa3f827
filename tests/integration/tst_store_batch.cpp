// The wheels of one build stored together (StoreBatch), with the real Python: unpacked in
// parallel and compiled by one compileall process, every module of every folder has its valid
// .pyc (what lies outside site-packages and test suites is not compiled, as when each folder was
// compiled alone); and one bad wheel among several, refused while unpacking or failing to
// compile, fails the set naming its file, with no folder published for it, while the good ones
// are published complete and compiled (each is independent of the others) and staging is empty;
// a cancel while the batch compiles publishes nothing and frees every lock; folders stored
// without bytecode are published untagged, a store that accepts one so uses it as it is, a
// compile that yields leaves them so, and their next user compiles them; the background store
// takes pip and the guessed wheels ahead of the caller's store.
#include "TestSupport.h"
#include "WheelBuilder.h"

#include "environment/BackgroundStore.h"
#include "environment/CacheLayout.h"
#include "environment/DistributionStore.h"
#include "environment/PythonInterpreter.h"
#include "fs/FolderSize.h"
#include "process/ChildProcess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

using namespace oa;

class TestStoreBatch : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void severalWheelsAreStoredCompiled_data();
    void severalWheelsAreStoredCompiled();
    void oneBadWheelAmongSeveral_data();
    void oneBadWheelAmongSeveral();
    void cancelWhileCompilingPublishesNothing();
    void storedWithoutBytecodeThenCompiledByItsNextUser();
    void backgroundStoreTakesPipAndGuessesAhead();
    void backgroundStoreCompilesPipUntilItYields_data();
    void backgroundStoreCompilesPipUntilItYields();

private:
    PythonInterpreter m_python;
};

namespace {

PinnedWheel pin(const QString &path, const QString &name, const QString &version)
{
    return {name, version, oatest::WheelBuilder::sha256Of(path), path};
}

struct StoreFixture {
    // `cacheFolder`: where EnvCache lies below the agent folder.
    explicit StoreFixture(const QString &cacheFolder = QStringLiteral("/EnvCache")) : layout(agent.base() + cacheFolder, agent.base()) {}
    oatest::Agent agent;
    CacheLayout layout;
    QString wheels = agent.base() + QStringLiteral("/wheels");
    QString log = agent.base() + QStringLiteral("/store.log");
    bool prepare() { return layout.prepare() && QDir().mkpath(wheels); }
    QStringList storeNames() const { return QDir(layout.storeDir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot); }
    QStringList stagingNames() const { return QDir(layout.stagingDir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot); }
};

// Three good wheels: a package with a subpackage and a test suite, a module with a data file
// that is Python but lies outside site-packages, and a plain module.
QList<PinnedWheel> goodWheels(const QString &dir)
{
    const QString pkg = oatest::WheelBuilder(QStringLiteral("oa_pkg"), QStringLiteral("1.0"))
                            .file("oa_pkg/__init__.py", "from . import sub\nV = sub.W + 1\n")
                            .file("oa_pkg/sub/__init__.py", "W = 41\n")
                            .file("oa_pkg/tests/test_it.py", "import nothing_here\n")
                            .write(dir);
    const QString data = oatest::WheelBuilder(QStringLiteral("oa_data"), QStringLiteral("2.0"))
                             .file("oa_data.py", "D = 'd'\n")
                             .file("oa_data-2.0.data/data/share/oa_data/tool.py", "print('not compiled')\n")
                             .write(dir);
    const QString plain = oatest::WheelBuilder(QStringLiteral("oa_plain"), QStringLiteral("0.3")).file("oa_plain.py", "P = 3\n").write(dir);
    return {pin(pkg, "oa-pkg", "1.0"), pin(data, "oa-data", "2.0"), pin(plain, "oa-plain", "0.3")};
}

// Run with the real Python: for every .py of each site-packages (test suites aside), its .pyc
// beside it exists, has this interpreter's magic number, records the source's mtime and size
// (the default timestamp mode) and unmarshals; nothing else has a __pycache__; and importing the
// modules with bytecode writing off works. Prints "ok" or what is wrong.
const char *kCheckBytecode = R"(
import importlib.util, marshal, os, sys
sys.dont_write_bytecode = True
bad = []
for prefix in sys.argv[1:]:
    for root, dirs, files in os.walk(prefix):
        below = root[len(prefix):]  # what the store made: the folders above are the test's
        in_site = '/site-packages' in below
        if '__pycache__' in dirs and not in_site:
            bad.append('compiled outside site-packages: ' + root)
        for name in files:
            if not name.endswith('.py'):
                continue
            source = os.path.join(root, name)
            cached = importlib.util.cache_from_source(source)
            if not in_site or '/tests/' in source[len(prefix):]:
                if os.path.exists(cached):
                    bad.append('compiled: ' + source)
                continue
            try:
                data = open(cached, 'rb').read()
            except OSError:
                bad.append('no .pyc: ' + source)
                continue
            st = os.stat(source)
            if data[:4] != importlib.util.MAGIC_NUMBER or int.from_bytes(data[4:8], 'little') != 0 \
               or int.from_bytes(data[8:12], 'little') != int(st.st_mtime) & 0xFFFFFFFF \
               or int.from_bytes(data[12:16], 'little') != st.st_size & 0xFFFFFFFF:
                bad.append('stale .pyc: ' + source)
            marshal.loads(data[16:])
    sys.path.insert(0, os.path.join(prefix, 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages'))
import oa_pkg, oa_data, oa_plain
if oa_pkg.V != 42 or oa_data.D != 'd' or oa_plain.P != 3:
    bad.append('wrong values')
print('\n'.join(bad) or 'ok')
)";

QByteArray checkBytecode(const QString &python, const QStringList &dirs)
{
    QProcess process;
    process.setProcessEnvironment(oatest::cleanEnvironment());
    process.setWorkingDirectory(QStringLiteral("/"));
    process.start(python, QStringList{QStringLiteral("-I"), QStringLiteral("-c"), QString::fromUtf8(kCheckBytecode)} + dirs);
    if (!process.waitForFinished(120000) || process.exitCode() != 0)
        return "checker failed: " + process.readAllStandardError();
    return process.readAllStandardOutput().trimmed();
}

// Asks for a stop as soon as a child runs (the batch's compileall), as a cancel request would.
class CancelOnceChildRuns : public RunControl {
public:
    std::optional<StopRequest> check(qint64 processGroup) override
    {
        if (processGroup > 0)
            m_asked = true;
        if (!m_asked)
            return std::nullopt;
        return StopRequest{ErrorKind::Cancelled, QStringLiteral("cancelled by the test"), true};
    }
    qint64 graceMs() const override { return 0; }
    bool asked() const { return m_asked; }

private:
    bool m_asked = false;
};

} // namespace

void TestStoreBatch::initTestCase()
{
    auto probed = PythonInterpreter::probe(oatest::python());
    if (!probed)
        OA_SKIP_OR_FAIL(QStringLiteral("no Python to run: %1").arg(probed.error().message));
    m_python = *probed;
}

void TestStoreBatch::severalWheelsAreStoredCompiled_data()
{
    QTest::addColumn<QString>("cacheFolder");
    QTest::newRow("the agent folder's EnvCache") << QStringLiteral("/EnvCache");
    // compileall matches its -x pattern against whole paths: a test-suite pattern not anchored
    // below site-packages excluded every file of a cache kept in a folder named tests.
    QTest::newRow("a cache inside a folder named tests") << QStringLiteral("/tests/EnvCache");
}

void TestStoreBatch::severalWheelsAreStoredCompiled()
{
    QFETCH(QString, cacheFolder);
    StoreFixture f(cacheFolder);
    QVERIFY(QDir().mkpath(f.agent.base() + QFileInfo(cacheFolder).path()));
    QVERIFY(f.prepare());
    const QList<PinnedWheel> set = goodWheels(f.wheels);
    DistributionStore store(f.layout);
    const auto stored = store.ensureAll(set, m_python, f.log);
    QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
    QCOMPARE(stored->size(), set.size());
    QStringList dirs;
    for (qsizetype i = 0; i < stored->size(); ++i) {
        const StoredDistribution &d = stored->at(i);
        QVERIFY(!d.reused);
        QCOMPARE(d.sha256, set.at(i).sha256); // in the set's order
        QVERIFY2(StoreFolder::read(f.layout.folder(), f.layout.storeDir(), set.at(i).name, set.at(i).version, set.at(i).sha256).distribution,
                 qPrintable(d.dir));
        dirs.append(d.dir);
    }
    QCOMPARE(checkBytecode(m_python.executable, dirs), QByteArray("ok"));
    QVERIFY(f.stagingNames().isEmpty());
}

void TestStoreBatch::oneBadWheelAmongSeveral_data()
{
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("expected");
    QTest::newRow("refused while unpacking (RECORD mismatch)") << "record" << "oa_bad/__init__.py";
    QTest::newRow("does not compile") << "syntax" << "failed while compiling it";
}

void TestStoreBatch::oneBadWheelAmongSeveral()
{
    QFETCH(QString, shape);
    QFETCH(QString, expected);
    StoreFixture f;
    QVERIFY(f.prepare());
    QList<PinnedWheel> set = goodWheels(f.wheels);
    oatest::WheelBuilder bad(QStringLiteral("oa_bad"), QStringLiteral("1.0"));
    bad.file("oa_bad/__init__.py", shape == "syntax" ? "def broken(:\n" : "X = 1\n");
    if (shape == "record")
        bad.recordRow("oa_bad/__init__.py", "oa_bad/__init__.py," + oatest::WheelBuilder::recordHash("X = 2\n"));
    set.insert(1, pin(bad.write(f.wheels), "oa-bad", "1.0"));

    const auto stored = DistributionStore(f.layout).ensureAll(set, m_python, f.log);
    QVERIFY(!stored.ok());
    QCOMPARE(stored.error().kind, ErrorKind::Install);
    QVERIFY2(stored.error().message.contains(expected) && stored.error().message.contains(QStringLiteral("oa_bad-1.0-py3-none-any.whl")),
             qPrintable(stored.error().message));
    // The bad wheel has no folder; the good ones are published complete and compiled.
    const QStringList names = f.storeNames();
    QVERIFY2(names.filter(QStringLiteral("oa-bad")).isEmpty(), qPrintable(names.join(u' ')));
    QStringList dirs;
    for (const PinnedWheel &wheel : std::as_const(set)) {
        if (wheel.name == QLatin1String("oa-bad"))
            continue;
        const auto good = StoreFolder::read(f.layout.folder(), f.layout.storeDir(), wheel.name, wheel.version, wheel.sha256).distribution;
        QVERIFY2(good, qPrintable(wheel.name));
        dirs.append(good->dir);
    }
    QCOMPARE(checkBytecode(m_python.executable, dirs), QByteArray("ok"));
    QVERIFY2(f.stagingNames().isEmpty(), qPrintable(f.stagingNames().join(u' ')));
    // Every wheel's lock is free again, the bad one's too.
    for (const PinnedWheel &wheel : std::as_const(set)) {
        const auto lock = f.layout.folder().tryLock(f.layout.storeLockFile(wheel.sha256));
        QVERIFY2(lock && lock->isValid(), qPrintable(wheel.name));
    }
    // The same set without the bad wheel reuses all three.
    set.removeAt(1);
    const auto again = DistributionStore(f.layout).ensureAll(set, m_python, f.log);
    QVERIFY(again.ok());
    for (const StoredDistribution &d : *again)
        QVERIFY(d.reused);
}

void TestStoreBatch::cancelWhileCompilingPublishesNothing()
{
    StoreFixture f;
    QVERIFY(f.prepare());
    const QList<PinnedWheel> set = goodWheels(f.wheels);
    CancelOnceChildRuns control;
    const auto stored = DistributionStore(f.layout, &control).ensureAll(set, m_python, f.log);
    QVERIFY(control.asked());
    QVERIFY(!stored.ok());
    QCOMPARE(stored.error().kind, ErrorKind::Cancelled);
    QVERIFY2(f.storeNames().isEmpty(), qPrintable(f.storeNames().join(u' '))); // unpacked, not compiled: not published
    QVERIFY2(f.stagingNames().isEmpty(), qPrintable(f.stagingNames().join(u' ')));
    for (const PinnedWheel &wheel : set) {
        const auto lock = f.layout.folder().tryLock(f.layout.storeLockFile(wheel.sha256));
        QVERIFY2(lock && lock->isValid(), qPrintable(wheel.name));
    }
}

void TestStoreBatch::storedWithoutBytecodeThenCompiledByItsNextUser()
{
    StoreFixture f;
    QVERIFY(f.prepare());
    const QList<PinnedWheel> set = goodWheels(f.wheels);
    DistributionStore store(f.layout);
    store.setWithoutBytecode(true);
    const auto stored = store.ensureAll(set, m_python, f.log);
    QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
    QStringList dirs;
    for (qsizetype i = 0; i < set.size(); ++i) {
        QVERIFY2(stored->at(i).bytecode.isEmpty(), qPrintable(stored->at(i).bytecode.join(u' ')));
        const auto read = StoreFolder::read(f.layout.folder(), f.layout.storeDir(), set.at(i).name, set.at(i).version, set.at(i).sha256).distribution;
        QVERIFY2(read && read->bytecode.isEmpty() && read->compiling.isEmpty(), qPrintable(set.at(i).name)); // published, plausible, untagged
        dirs.append(read->dir);
    }
    const QByteArray none = checkBytecode(m_python.executable, dirs);
    QVERIFY2(none.contains("no .pyc: ") && none.contains("oa_plain.py") && !none.contains("stale"), none.constData());
    QVERIFY(f.stagingNames().isEmpty());
    store.release();

    // A store told to accept one without bytecode uses it as it is; it compiles nothing.
    DistributionStore taker(f.layout);
    taker.acceptWithoutBytecode(set.at(2).sha256.toUpper());
    const auto taken = taker.ensureAll({set.at(2)}, m_python, f.log);
    QVERIFY(taken.ok());
    QVERIFY(taken->first().reused);
    QVERIFY(taken->first().bytecode.isEmpty());
    QVERIFY(!QFileInfo::exists(taken->first().sitePackages + QStringLiteral("/__pycache__")));
    taker.release();

    // A compile that yields at once (its flag exists) leaves them so: protected, unmarked, untagged.
    const QString flag = f.layout.stagingDir() + QStringLiteral("/yield.test");
    QVERIFY(QDir().mkpath(flag));
    DistributionStore yielding(f.layout);
    yielding.setCompileYieldFlag(flag);
    const auto yielded = yielding.ensureAll(set, m_python, f.log);
    QVERIFY2(yielded.ok(), qPrintable(yielded.ok() ? QString() : yielded.error().message));
    for (const StoredDistribution &d : *yielded) {
        QVERIFY(d.bytecode.isEmpty());
        const auto read = StoreFolder::read(f.layout.folder(), f.layout.storeDir(), d.name, d.version, d.sha256).distribution;
        QVERIFY2(read && read->bytecode.isEmpty() && read->compiling.isEmpty(), qPrintable(d.name));
        QVERIFY(!QFile(d.sitePackages + QStringLiteral("/new.py")).open(QIODevice::WriteOnly)); // immutable again
    }
    QVERIFY(oatest::readFile(f.log).contains("Stopped at the build's request: 0 of "));
    yielding.release();

    // Any other user compiles them (StoreBytecode) and records the tag.
    const auto next = DistributionStore(f.layout).ensureAll(set, m_python, f.log);
    QVERIFY2(next.ok(), qPrintable(next.ok() ? QString() : next.error().message));
    for (const StoredDistribution &d : *next)
        QCOMPARE(d.bytecode, QStringList{m_python.cacheTag});
    QCOMPARE(checkBytecode(m_python.executable, dirs), QByteArray("ok"));
}

void TestStoreBatch::backgroundStoreTakesPipAndGuessesAhead()
{
    // A big wheel plays pip; two of the good wheels are the guesses, and a third file that is
    // not a wheel is a guess that cannot be stored (the caller's own store would report it).
    StoreFixture f;
    QVERIFY(f.prepare());
    oatest::WheelBuilder big(QStringLiteral("oa_big"), QStringLiteral("1.0"));
    for (int i = 0; i < 400; ++i)
        big.file(QStringLiteral("oa_big/m%1.py").arg(i).toUtf8(), QByteArray("X = ") + QByteArray::number(i) + "\n");
    const PinnedWheel pip = pin(big.write(f.wheels), "oa-big", "1.0");
    const QList<PinnedWheel> set = goodWheels(f.wheels);
    QVERIFY(oatest::writeFileBytes(f.wheels + QStringLiteral("/oa_junk-1.0-py3-none-any.whl"), "not a zip"));
    QList<PinnedWheel> guesses{set.at(0), set.at(2), {QStringLiteral("oa-junk"), QStringLiteral("1.0"), {}, f.wheels + QStringLiteral("/oa_junk-1.0-py3-none-any.whl")}};
    for (PinnedWheel &guess : guesses)
        guess.sha256.clear(); // the thread hashes them

    BackgroundStore ahead(f.layout, m_python, pip, guesses, f.log);
    ahead.yieldCompile(); // before pip's compile (step 3) can start: pip is left without bytecode
    // Once the second guess is published (after pip and the first), the caller's own store
    // reuses them, compiled.
    QTRY_VERIFY_WITH_TIMEOUT(StoreFolder::read(f.layout.folder(), f.layout.storeDir(), set.at(2).name, set.at(2).version, set.at(2).sha256).distribution,
                             60000);
    DistributionStore caller(f.layout);
    caller.acceptWithoutBytecode(pip.sha256);
    const auto stored = caller.ensureAll({set.at(0), set.at(2), pip}, m_python, f.log);
    QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
    QVERIFY(stored->at(0).reused && stored->at(1).reused);
    QCOMPARE(stored->at(0).bytecode, QStringList{m_python.cacheTag});
    QCOMPARE(stored->at(1).bytecode, QStringList{m_python.cacheTag});
    QVERIFY(stored->at(2).reused);
    QVERIFY2(stored->at(2).bytecode.isEmpty(), qPrintable(stored->at(2).bytecode.join(u' ')));
    QVERIFY(ahead.finish().isEmpty());
    QCOMPARE(ahead.storedAhead(), (QStringList{QFileInfo(set.at(0).path).fileName(), QFileInfo(set.at(2).path).fileName()}));
    QVERIFY2(f.stagingNames().isEmpty(), qPrintable(f.stagingNames().join(u' '))); // the yield flag too
    QVERIFY(f.storeNames().filter(QStringLiteral("oa-junk")).isEmpty());
    QCOMPARE(checkBytecode(m_python.executable, {stored->at(0).dir, stored->at(1).dir}).contains("no .pyc"), false);
}

void TestStoreBatch::backgroundStoreCompilesPipUntilItYields_data()
{
    QTest::addColumn<bool>("yieldMidway");
    QTest::newRow("no guess, no yield: pip compiled whole (step 3)") << false;
    QTest::newRow("the caller's store starts while pip compiles") << true;
}

void TestStoreBatch::backgroundStoreCompilesPipUntilItYields()
{
    QFETCH(bool, yieldMidway);
    StoreFixture f;
    QVERIFY(f.prepare());
    oatest::WheelBuilder big(QStringLiteral("oa_big"), QStringLiteral("1.0"));
    for (int i = 0; i < 3000; ++i) // long enough to be seen compiling
        big.file(QStringLiteral("oa_big/m%1.py").arg(i).toUtf8(), "def f(x):\n    return [y * 2 for y in range(x) if y % 3]\n");
    const PinnedWheel pip = pin(big.write(f.wheels), "oa-big", "1.0");
    const auto marker = [&] {
        return StoreFolder::read(f.layout.folder(), f.layout.storeDir(), pip.name, pip.version, pip.sha256).distribution;
    };
    BackgroundStore ahead(f.layout, m_python, pip, {}, f.log);
    if (yieldMidway) {
        // Step 3 has lifted the folder and is compiling it in place: the store starts now.
        QTRY_VERIFY_WITH_TIMEOUT(marker() && !marker()->compiling.isEmpty(), 60000);
        ahead.yieldCompile();
    } else {
        QTRY_VERIFY_WITH_TIMEOUT(marker() && marker()->bytecode == QStringList{m_python.cacheTag}, 120000);
    }
    QVERIFY(ahead.finish().isEmpty());
    const auto d = marker();
    QVERIFY(d);
    QVERIFY(d->compiling.isEmpty());
    // The .pyc files written are counted: SizeBytes is everything but the marker itself.
    QCOMPARE(d->sizeBytes, oa::folderSize(d->dir) - QFileInfo(d->dir + QStringLiteral("/stored.json")).size());
    QVERIFY(!QFile(d->sitePackages + QStringLiteral("/oa_big/new.py")).open(QIODevice::WriteOnly)); // protected again
    const QByteArray log = oatest::readFile(f.log);
    if (yieldMidway) {
        // It stopped at the flag (or, on a fast machine, had just finished): never killed.
        QVERIFY2(d->bytecode.isEmpty() == log.contains("Stopped at the build's request: "), log.constData());
    }
    QDirIterator temporaries(d->sitePackages, {QStringLiteral("*.pyc.*")}, QDir::Files, QDirIterator::Subdirectories);
    QVERIFY2(!temporaries.hasNext(), qPrintable(temporaries.hasNext() ? temporaries.next() : QString()));
    QVERIFY2(f.stagingNames().isEmpty(), qPrintable(f.stagingNames().join(u' ')));
}

QTEST_GUILESS_MAIN(TestStoreBatch)
#include "tst_store_batch.moc"
