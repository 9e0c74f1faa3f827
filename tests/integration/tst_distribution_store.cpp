// The store of distributions (EnvCache/store/) and venvs composed from it, with the real Python
// and wheels built on the spot: each wheel unpacked and compiled once and shared; a folder that
// is not exactly what the store publishes (another owner, writable, no marker, another wheel's
// marker) never used but moved aside and stored again; a RECORD mismatch or a wrong sha256
// refused naming the file; ten threads storing overlapping sets unpack each wheel once; and a
// composed venv imports, reads importlib.metadata, runs console scripts, imports a namespace
// package spread over two distributions, runs a distribution's own .pth, and its pip (itself
// a stored distribution) lists and freezes what the store gave it.
#include "TestSupport.h"
#include "WheelBuilder.h"

#include "environment/CacheLayout.h"
#include "environment/DistributionStore.h"
#include "environment/PythonEnvironment.h"
#include "environment/PythonInterpreter.h"
#include "environment/StoreComposition.h"
#include "fs/FileProtection.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace oa;

class TestDistributionStore : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void composedVenvBehavesLikeFlatSitePackages();
    void sharedDistributionIsStoredOnce();
    void tamperedFolderIsNotUsed_data();
    void tamperedFolderIsNotUsed();
    void refusedWheelsNameTheFile_data();
    void refusedWheelsNameTheFile();
    void concurrentStoresUnpackEachWheelOnce();

private:
    PythonInterpreter m_python;
};

namespace {

PinnedWheel pin(const QString &path, const QString &name, const QString &version)
{
    return {name, version, oatest::WheelBuilder::sha256Of(path), path};
}

struct Output {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Output run(const QString &program, const QStringList &args)
{
    QProcess process;
    process.setProcessEnvironment(oatest::cleanEnvironment());
    process.setWorkingDirectory(QStringLiteral("/"));
    process.start(program, args);
    Output output;
    if (!process.waitForFinished(120000))
        return output;
    output.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    output.out = process.readAllStandardOutput();
    output.err = process.readAllStandardError();
    return output;
}

// A store in an agent's EnvCache, as the executor lays it out.
struct StoreFixture {
    oatest::Agent agent;
    CacheLayout layout{agent.base() + QStringLiteral("/EnvCache"), agent.base()};
    QString wheels = agent.base() + QStringLiteral("/wheels");
    QString log = agent.base() + QStringLiteral("/store.log");
    bool prepare() { return layout.prepare() && QDir().mkpath(wheels); }
};

QString demoWheel(const QString &dir, const QString &version = QStringLiteral("2.0"))
{
    return oatest::WheelBuilder(QStringLiteral("oa_demo"), version)
        .file("oa_demo/__init__.py", "def main():\n    print('demo main ran')\n")
        .file(QStringLiteral("oa_demo-%1.data/scripts/oa-demo-raw").arg(version).toUtf8(), "#!python\nimport oa_demo\nprint('raw script ran')\n")
        .entryPoints("[console_scripts]\noa-demo = oa_demo:main\n")
        .write(dir);
}

} // namespace

void TestDistributionStore::initTestCase()
{
    auto probed = PythonInterpreter::probe(oatest::python());
    if (!probed)
        OA_SKIP_OR_FAIL(QStringLiteral("no Python to run: %1").arg(probed.error().message));
    m_python = *probed;
}

void TestDistributionStore::composedVenvBehavesLikeFlatSitePackages()
{
    StoreFixture f;
    QVERIFY(f.prepare());
    const QString demo = demoWheel(f.wheels);
    const QString nsA = oatest::WheelBuilder(QStringLiteral("oa_ns_a"), QStringLiteral("1.0")).file("oans/a.py", "X = 'a'\n").write(f.wheels);
    const QString nsB = oatest::WheelBuilder(QStringLiteral("oa_ns_b"), QStringLiteral("1.0")).file("oans/b.py", "Y = 'b'\n").write(f.wheels);
    const QString hook = oatest::WheelBuilder(QStringLiteral("oa_hook"), QStringLiteral("0.1"))
                             .file("oa_hook.pth", "import os; os.environ['OA_HOOK_RAN'] = 'yes'\n")
                             .write(f.wheels);
    QList<PinnedWheel> set{pin(demo, "oa-demo", "2.0"), pin(nsA, "oa-ns-a", "1.0"), pin(nsB, "oa-ns-b", "1.0"), pin(hook, "oa-hook", "0.1")};
    // pip itself, from Debian's wheel, as any other distribution: `python -m pip` in the venv.
    const QDir debian(QStringLiteral("/usr/share/python-wheels"));
    const QStringList pips = debian.entryList({QStringLiteral("pip-*-py3-none-any.whl")});
    const bool withPip = !pips.isEmpty();
    if (withPip)
        set.append(pin(debian.filePath(pips.first()), "pip", pips.first().section(u'-', 1, 1)));

    DistributionStore store(f.layout);
    const auto stored = store.ensureAll(set, m_python, f.log);
    QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
    for (qsizetype i = 0; i < stored->size(); ++i) {
        const StoredDistribution &d = stored->at(i);
        QVERIFY(!d.reused);
        QVERIFY2(QFile::exists(d.dir + u'/' + QLatin1String(StoreFolder::kMarkerFile)), qPrintable(d.dir));
        QCOMPARE(d.url, QUrl::fromLocalFile(set.at(i).path).toString());
        QCOMPARE(d.sha256, set.at(i).sha256);
    }
    const QString demoDir = stored->first().dir;
    QCOMPARE(QFileInfo(demoDir).fileName(), QStringLiteral("oa-demo-2.0-") + set.first().sha256.left(16));
    // Compiled once, read-only.
    QVERIFY(!QDir(stored->first().sitePackages + QStringLiteral("/oa_demo/__pycache__")).entryList({QStringLiteral("*.pyc")}).isEmpty());
    QVERIFY(!QFileInfo(stored->first().sitePackages + QStringLiteral("/oa_demo/__init__.py")).isWritable() || ::geteuid() == 0);

    const QString venvDir = f.agent.base() + QStringLiteral("/venvs/job");
    PythonEnvironment venv(m_python, venvDir);
    QVERIFY(venv.create(false));
    const AgentFolder agentFolder(f.agent.base());
    const Status composed = StoreComposition::compose(f.layout.folder(), agentFolder, *stored, venv.sitePackages(), venv.binDirectory(),
                                                      venv.pythonExecutable());
    QVERIFY2(composed, qPrintable(composed ? QString() : composed.error().message));

    const Output imported = run(venv.pythonExecutable(), {QStringLiteral("-c"), QStringLiteral(
        "import importlib.metadata as m, os, oa_demo, oans.a, oans.b\n"
        "print(m.version('oa-demo'), m.version('oa-ns-b'), oans.a.X + oans.b.Y, os.environ.get('OA_HOOK_RAN'), oa_demo.__file__)\n")});
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
    const QList<QByteArray> words = imported.out.trimmed().split(' ');
    QCOMPARE(words.mid(0, 4), (QList<QByteArray>{"2.0", "1.0", "ab", "yes"}));
    QVERIFY2(words.value(4).startsWith(demoDir.toUtf8()), imported.out.constData()); // from the store, not a copy

    const Output wrapper = run(venv.binDirectory() + QStringLiteral("/oa-demo"), {});
    QVERIFY2(wrapper.exitCode == 0 && wrapper.out == "demo main ran\n", wrapper.err.constData());
    const Output raw = run(venv.binDirectory() + QStringLiteral("/oa-demo-raw"), {});
    QVERIFY2(raw.exitCode == 0 && raw.out == "raw script ran\n", raw.err.constData());
    QVERIFY(oatest::readFile(venv.binDirectory() + QStringLiteral("/oa-demo")).startsWith("#!" + venv.pythonExecutable().toUtf8() + '\n'));

    if (!withPip)
        OA_SKIP_OR_FAIL(QStringLiteral("no pip wheel in /usr/share/python-wheels (python3-pip-whl)"));
    const Output freeze = run(venv.pythonExecutable(), {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("freeze"),
                                                        QStringLiteral("--all"), QStringLiteral("--disable-pip-version-check")});
    QVERIFY2(freeze.exitCode == 0, freeze.err.constData());
    for (const char *line : {"oa_demo==2.0", "oa_ns_a==1.0", "oa_ns_b==1.0", "oa_hook==0.1"}) // as their METADATA spells them
        QVERIFY2(freeze.out.contains(QByteArray(line) + '\n'), freeze.out.constData());
    const Output list = run(venv.binDirectory() + QStringLiteral("/pip"), {QStringLiteral("list"), QStringLiteral("--disable-pip-version-check")});
    QVERIFY2(list.exitCode == 0 && list.out.contains("oa_demo") && list.out.contains("2.0"), list.out + list.err);
}

void TestDistributionStore::sharedDistributionIsStoredOnce()
{
    StoreFixture f;
    QVERIFY(f.prepare());
    const PinnedWheel demo = pin(demoWheel(f.wheels), "oa-demo", "2.0");
    const PinnedWheel other = pin(oatest::WheelBuilder(QStringLiteral("oa_other"), QStringLiteral("1.0")).file("oa_other.py", "").write(f.wheels),
                                  "oa-other", "1.0");
    const auto first = DistributionStore(f.layout).ensureAll({demo}, m_python, f.log);
    QVERIFY(first.ok());
    struct stat before {};
    QCOMPARE(::stat(QFile::encodeName(first->first().sitePackages + QStringLiteral("/oa_demo/__init__.py")).constData(), &before), 0);
    // A second set sharing oa-demo: the same folder, not unpacked again.
    const auto second = DistributionStore(f.layout).ensureAll({other, demo}, m_python, f.log);
    QVERIFY(second.ok());
    QVERIFY(!second->at(0).reused);
    QVERIFY(second->at(1).reused);
    QCOMPARE(second->at(1).dir, first->first().dir);
    struct stat after {};
    QCOMPARE(::stat(QFile::encodeName(second->at(1).sitePackages + QStringLiteral("/oa_demo/__init__.py")).constData(), &after), 0);
    QCOMPARE(after.st_ino, before.st_ino);
    QCOMPARE(QDir(f.layout.storeDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 2);
}

void TestDistributionStore::tamperedFolderIsNotUsed_data()
{
    QTest::addColumn<QString>("tamper");
    QTest::addColumn<QString>("reason");
    QTest::newRow("another owner") << "chown" << "owned by uid";
    QTest::newRow("writable by others") << "chmod" << "written by its group or others";
    QTest::newRow("no marker") << "unmark" << "stored.json";
    QTest::newRow("another wheel's marker") << "remark" << "sha256";
    QTest::newRow("a file in its place") << "file" << "not a folder";
}

void TestDistributionStore::tamperedFolderIsNotUsed()
{
    QFETCH(QString, tamper);
    QFETCH(QString, reason);
    StoreFixture f;
    QVERIFY(f.prepare());
    const PinnedWheel demo = pin(demoWheel(f.wheels), "oa-demo", "2.0");
    const auto stored = DistributionStore(f.layout).ensure(demo, m_python, f.log);
    QVERIFY(stored.ok());
    const QString dir = stored->dir;
    const QString marker = dir + u'/' + QLatin1String(StoreFolder::kMarkerFile);
    FileProtection::unprotectTree(f.layout.folder(), dir);
    if (tamper == "chown") {
        if (::geteuid() != 0)
            OA_SKIP_OR_FAIL(QStringLiteral("changing a folder's owner needs root"));
        QCOMPARE(::chown(QFile::encodeName(dir).constData(), 12345, 12345), 0);
    } else if (tamper == "chmod") {
        QCOMPARE(::chmod(QFile::encodeName(dir).constData(), 0757), 0);
    } else if (tamper == "unmark") {
        QVERIFY(QFile::remove(marker));
    } else if (tamper == "remark") {
        QByteArray json = oatest::readFile(marker);
        json.replace(demo.sha256.toUtf8(), QByteArray(64, 'a'));
        QVERIFY(QFile::remove(marker) && oatest::writeFileBytes(marker, json));
    } else {
        QVERIFY(QDir(dir).removeRecursively());
        QVERIFY(oatest::writeFileBytes(dir, "planted"));
    }
    DistributionStore again(f.layout);
    const auto rebuilt = again.ensure(demo, m_python, f.log);
    QVERIFY2(rebuilt.ok(), qPrintable(rebuilt.ok() ? QString() : rebuilt.error().message));
    QVERIFY(!rebuilt->reused); // stored again, never used as it was
    const QString warnings = again.takeWarnings().join(u'\n');
    QVERIFY2(warnings.contains(QStringLiteral("moved the implausible store folder")) && warnings.contains(reason), qPrintable(warnings));
    QVERIFY(StoreFolder::read(f.layout.folder(), f.layout.storeDir(), demo.name, demo.version, demo.sha256).distribution.has_value());
    QVERIFY(QDir(f.layout.stagingDir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty()); // the trash is gone
}

void TestDistributionStore::refusedWheelsNameTheFile_data()
{
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("expected");
    QTest::newRow("RECORD mismatch") << "record" << "oa_demo/__init__.py";
    QTest::newRow("another sha256") << "hash" << "hash mismatch";
}

void TestDistributionStore::refusedWheelsNameTheFile()
{
    QFETCH(QString, shape);
    QFETCH(QString, expected);
    StoreFixture f;
    QVERIFY(f.prepare());
    oatest::WheelBuilder builder(QStringLiteral("oa_demo"), QStringLiteral("2.0"));
    builder.file("oa_demo/__init__.py", "X = 1\n");
    if (shape == "record")
        builder.recordRow("oa_demo/__init__.py", "oa_demo/__init__.py," + oatest::WheelBuilder::recordHash("X = 2\n"));
    const QString wheel = builder.write(f.wheels);
    PinnedWheel pinned = pin(wheel, "oa-demo", "2.0");
    if (shape == "hash")
        pinned.sha256 = QString(64, u'0');
    const auto stored = DistributionStore(f.layout).ensure(pinned, m_python, f.log);
    QVERIFY(!stored.ok());
    QCOMPARE(stored.error().kind, ErrorKind::Install);
    QVERIFY2(stored.error().message.contains(expected) && stored.error().message.contains(QStringLiteral("oa_demo-2.0-py3-none-any.whl")),
             qPrintable(stored.error().message));
    QVERIFY(QDir(f.layout.storeDir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
    QVERIFY(QDir(f.layout.stagingDir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty());
}

void TestDistributionStore::concurrentStoresUnpackEachWheelOnce()
{
    StoreFixture f;
    QVERIFY(f.prepare());
    QStringList wheels;
    for (int i = 0; i < 5; ++i) {
        const QString name = QStringLiteral("oa_part%1").arg(i);
        wheels.append(oatest::WheelBuilder(name, QStringLiteral("1.0")).file((name + QStringLiteral(".py")).toUtf8(), "N = 1\n").write(f.wheels));
    }
    // Ten builder processes (as ten executors would be), each a set of three overlapping wheels,
    // all at once: this test program run again as a builder (main() below).
    constexpr int kBuilders = 10;
    std::vector<std::unique_ptr<QProcess>> builders;
    for (int b = 0; b < kBuilders; ++b) {
        auto builder = std::make_unique<QProcess>();
        builder->setProcessEnvironment(oatest::cleanEnvironment());
        builder->start(QCoreApplication::applicationFilePath(),
                       {QStringLiteral("--store-child"), f.agent.base(), m_python.executable, wheels[b % 5], wheels[(b + 1) % 5], wheels[(b + 2) % 5]});
        builders.push_back(std::move(builder));
    }
    QMap<QString, int> unpacked;
    for (auto &builder : builders) {
        QVERIFY(builder->waitForFinished(240000));
        QVERIFY2(builder->exitCode() == 0, builder->readAllStandardError().constData());
        for (const QByteArray &line : builder->readAllStandardOutput().split('\n')) {
            if (!line.isEmpty())
                unpacked[QString::fromUtf8(line).section(u' ', 0, 0)] += line.endsWith(" unpacked") ? 1 : 0;
        }
    }
    QCOMPARE(unpacked.size(), 5);
    for (auto it = unpacked.cbegin(); it != unpacked.cend(); ++it)
        QVERIFY2(it.value() == 1, qPrintable(QStringLiteral("%1 unpacked %2 times").arg(it.key()).arg(it.value())));
    QCOMPARE(QDir(f.layout.storeDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 5);
}

namespace {

// One builder of concurrentStoresUnpackEachWheelOnce: --store-child BASE PYTHON WHEEL...; prints
// "<folder> unpacked" or "<folder> reused" for each wheel.
int storeChild(const QStringList &args)
{
    const CacheLayout layout(args.at(0) + QStringLiteral("/EnvCache"), args.at(0));
    auto python = PythonInterpreter::probe(args.at(1));
    if (!python)
        return 2;
    QList<PinnedWheel> wheels;
    for (const QString &path : args.mid(2)) {
        const QString name = QFileInfo(path).fileName().section(u'-', 0, 0);
        wheels.append(pin(path, name, QFileInfo(path).fileName().section(u'-', 1, 1)));
    }
    const auto stored = DistributionStore(layout).ensureAll(wheels, *python, args.at(0) + QStringLiteral("/store.log"));
    if (!stored) {
        fprintf(stderr, "%s\n", qPrintable(stored.error().message));
        return 1;
    }
    for (const StoredDistribution &d : *stored)
        printf("%s %s\n", qPrintable(d.folderName), d.reused ? "reused" : "unpacked");
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() > 1 && args.at(1) == QStringLiteral("--store-child"))
        return storeChild(args.mid(2));
    TestDistributionStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_distribution_store.moc"
