// pip in an execution's own venv (--no-env-cache) comes from the store of distributions: the
// interpreter's bundled pip wheel, stored once (EnvCache/store/pip-…) and named by the venv's
// openautomate-store.pth. Through the real executor and a real Python: the venv's site-packages
// holds no pip, yet the script's `python -m pip` works, and what it installs lands in the venv,
// never in the store; the run marks the store folder in use while it lasts (so eviction leaves
// it alone); as a run-as user and under bubblewrap too; and an interpreter with no bundled pip
// wheel gets today's venv, said at INFO. A cache entry names the same stored pip instead of
// unpacking its own: `python -m pip` in a cached venv runs it, compiled, and installs into the
// venv, leaving the entry and the store as they were; an entry built before, with pip unpacked
// in it, still works.
#include "RunAsFixture.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include "environment/CacheLayout.h"
#include "environment/DistributionStore.h"
#include "environment/InstallReport.h"
#include "environment/PythonInterpreter.h"
#include "environment/StoredPip.h"
#include "fs/AgentFolder.h"
#include "fs/FileProtection.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <unistd.h>

using namespace oatest;

namespace {

// The script: pip's version and where it lives, then `pip install` of tinypkg from the task's
// own wheels/ (which a sandboxed script can read), the import, pip list and pip freeze; all into
// report.json.
QByteArray pipScript()
{
    return "import json, subprocess, sys\n"
           "def pip(*a):\n"
           "    r = subprocess.run([sys.executable, '-m', 'pip', '--disable-pip-version-check', *a], capture_output=True, text=True)\n"
           "    return {'code': r.returncode, 'out': r.stdout, 'err': r.stderr[-2000:]}\n"
           "out = {'version': pip('--version')}\n"
           "out['install'] = pip('install', '--no-index', '--find-links', 'wheels', 'tinypkg')\n"
           "import importlib; importlib.invalidate_caches()\n"
           "import tinypkg\n"
           "out['imported'] = tinypkg.__file__\n"
           "out['list'] = pip('list', '--format=json')\n"
           "out['freeze'] = pip('freeze')\n"
           "json.dump(out, open('report.json', 'w'))\n";
}

// Every path below `dir`, relative, sorted.
QStringList tree(const QString &dir)
{
    QStringList paths;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        paths.append(QDir(dir).relativeFilePath(it.next()));
    paths.sort();
    return paths;
}

QString sitePackagesOf(const QString &venv)
{
    const QStringList libs = QDir(venv + QStringLiteral("/lib")).entryList({QStringLiteral("python3*")}, QDir::Dirs);
    return libs.isEmpty() ? QString() : venv + QStringLiteral("/lib/") + libs.first() + QStringLiteral("/site-packages");
}

// A task that needs tinyreq (a cache entry) and prints what `python -m pip --version` says.
void makePipVersionTask(Agent &agent, const QString &id)
{
    agent.makeScriptTask(id, "import subprocess, sys, tinyreq\n"
                             "print(subprocess.run([sys.executable, '-m', 'pip', '--version'], capture_output=True, text=True).stdout)\n",
                         QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("tinyreq")}}});
}

} // namespace

class TestStoredPip : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void scriptPipInstallsIntoTheVenv_data();
    void scriptPipInstallsIntoTheVenv();
    void executorsPipIsTheStores();
    void liveRunMarksStoreFolderInUse();
    void noBundledWheelKeepsTodaysVenv();
    void recordedHashOfAnotherFileIsNotUsed();
    void cachedVenvUsesTheStoresPip_data();
    void cachedVenvUsesTheStoresPip();
    void entryWithItsOwnPipStillWorks();
    void tamperedPipFolderRebuildsTheEntry();

private:
    QTemporaryDir m_dir;
    QString m_wheels;
};

void TestStoredPip::initTestCase()
{
    QVERIFY(m_dir.isValid());
    openToOthers(m_dir.path());
    m_wheels = m_dir.path() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(m_wheels));
    QVERIFY(!buildWheel(m_wheels, QStringLiteral("tinypkg"), QStringLiteral("1.0")).isEmpty());
    // The cached tests' set: the script pip-installs tinypkg on top of it.
    QVERIFY(!buildWheel(m_wheels, QStringLiteral("tinyreq"), QStringLiteral("1.0")).isEmpty());
    openToOthers(m_wheels);
}

void TestStoredPip::scriptPipInstallsIntoTheVenv_data()
{
    QTest::addColumn<QString>("python"); // empty: the tests' own (pyenv's, with ensurepip's _bundled wheel)
    QTest::addColumn<bool>("runAs");
    QTest::addColumn<bool>("sandbox");
    QTest::addColumn<bool>("dynamic"); // RunAsUser = dynamic: a user ID of the run's own
    QTest::newRow("pyenv python") << QString() << false << false << false;
    QTest::newRow("Debian python (python-wheels)") << kSystemPython << false << false << false;
    QTest::newRow("run-as user") << kSystemPython << true << false << false;
    QTest::newRow("run-as user under bubblewrap") << kSystemPython << true << true << false;
    QTest::newRow("dynamic user") << kSystemPython << false << false << true;
    QTest::newRow("dynamic user under bubblewrap") << kSystemPython << false << true << true;
}

void TestStoredPip::scriptPipInstallsIntoTheVenv()
{
    QFETCH(QString, python);
    QFETCH(bool, runAs);
    QFETCH(bool, sandbox);
    QFETCH(bool, dynamic);
    if (dynamic && ::geteuid() != 0)
        OA_SKIP_OR_FAIL("dynamic users need root (CI runs as root)");
    if (sandbox && !QFileInfo(QStringLiteral("/usr/bin/bwrap")).isExecutable())
        OA_SKIP_OR_FAIL("/usr/bin/bwrap is not installed (Debian's bubblewrap package; scripts/lib.sh installs it)");
    std::unique_ptr<ThrowawayUser> user;
    if (runAs) {
        user = std::make_unique<ThrowawayUser>();
        if (!user->isValid())
            OA_SKIP_OR_FAIL(user->why());
    }
    Agent agent;
    const QString id = QStringLiteral("pip");
    agent.makeScriptTask(id, pipScript());
    QVERIFY(QDir().mkpath(agent.taskFile(id, QStringLiteral("wheels"))));
    QVERIFY(QFile::copy(m_wheels + QStringLiteral("/tinypkg-1.0-py3-none-any.whl"), agent.taskFile(id, QStringLiteral("wheels/tinypkg-1.0-py3-none-any.whl"))));
    QProcessEnvironment env = cleanEnvironment();
    if (sandbox || dynamic) {
        // A range no other test uses: the lease of an ID is host-wide.
        const QString conf = m_dir.path() + QStringLiteral("/executor.conf");
        QVERIFY(writeFileBytes(conf, QByteArray("[General]\n") + (sandbox ? "Sandbox = bubblewrap\nNetwork = none\n" : "")
                                         + (dynamic ? "RunAsUser = dynamic\nDynamicUserRange = 61170-61171\n" : "")));
        env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), conf);
    }
    QStringList extra{QStringLiteral("--no-env-cache"), QStringLiteral("--keep-venv")};
    if (!runAs) // runAsArgs names the system python: pyenv's lives under /root
        extra << QStringLiteral("--python") << (python.isEmpty() ? oatest::python() : python);
    if (runAs || dynamic)
        openToOthers(agent.base());
    const Run run = runExecutor(runAs ? runAsArgs(agent, id, user->name(), extra) : executorArgs(agent, id, extra), env);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject ranAs = readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("RunAs")).toObject();
    QCOMPARE(ranAs.value(QStringLiteral("Dynamic")).toBool(), dynamic);
    if (runAs)
        QCOMPARE(ranAs.value(QStringLiteral("User")).toString(), user->name());
    // No pip of the venv's own: its site-packages names the store's pip through one .pth.
    const QString venv = agent.base() + QStringLiteral("/venvs/") + id;
    const QString site = sitePackagesOf(venv);
    QVERIFY(!site.isEmpty());
    QVERIFY2(!QFileInfo::exists(site + QStringLiteral("/pip")), qPrintable(tree(site).join(u' ')));
    QVERIFY(QDir(site).entryList({QStringLiteral("pip-*.dist-info")}, QDir::Dirs).isEmpty());
    const QByteArray pth = readFile(site + QStringLiteral("/openautomate-store.pth"));
    const QString storeDir = agent.base() + QStringLiteral("/EnvCache/store");
    const QStringList stored = QDir(storeDir).entryList({QStringLiteral("pip-*")}, QDir::Dirs);
    QCOMPARE(stored.size(), 1);
    QVERIFY2(pth.contains(QFile::encodeName(storeDir + u'/' + stored.first())), pth.constData());
    const QStringList storeBefore = tree(storeDir + u'/' + stored.first());
    // The script's pip ran from the store and installed into the venv.
    const QJsonObject out = report(agent, id);
    const QJsonObject version = out.value(QStringLiteral("version")).toObject();
    QCOMPARE(version.value(QStringLiteral("code")).toInt(-1), 0);
    QVERIFY2(version.value(QStringLiteral("out")).toString().contains(storeDir + u'/' + stored.first()),
             qPrintable(version.value(QStringLiteral("out")).toString()));
    const QJsonObject install = out.value(QStringLiteral("install")).toObject();
    QVERIFY2(install.value(QStringLiteral("code")).toInt(-1) == 0, qPrintable(install.value(QStringLiteral("err")).toString()));
    QCOMPARE(QFileInfo(out.value(QStringLiteral("imported")).toString()).canonicalFilePath(),
             QFileInfo(site + QStringLiteral("/tinypkg/__init__.py")).canonicalFilePath());
    QVERIFY(QFileInfo::exists(site + QStringLiteral("/tinypkg-1.0.dist-info/RECORD")));
    QCOMPARE(tree(storeDir + u'/' + stored.first()), storeBefore); // nothing written into the store
    QVERIFY(!tree(storeDir).join(u' ').contains(QLatin1String("tinypkg")));
    QStringList listed;
    for (const QJsonValue &p : QJsonDocument::fromJson(out.value(QStringLiteral("list")).toObject().value(QStringLiteral("out")).toString().toUtf8()).array())
        listed.append(p.toObject().value(QStringLiteral("name")).toString());
    listed.sort();
    QCOMPARE(listed, (QStringList{QStringLiteral("pip"), QStringLiteral("tinypkg")}));
    QCOMPARE(out.value(QStringLiteral("freeze")).toObject().value(QStringLiteral("out")).toString(), QStringLiteral("tinypkg==1.0\n"));
    // The run's mark on the store folder went with it; the kept venv's record names the folder
    // instead, for as long as the venv exists (KeptVenvs).
    const QString inUse = agent.base() + QStringLiteral("/EnvCache/in-use");
    QVERIFY2(QDir(inUse).entryList(QDir::Files | QDir::Hidden | QDir::System).isEmpty(), qPrintable(tree(inUse).join(u' ')));
    const QStringList kept = QDir(inUse + QStringLiteral("/kept")).entryList(QDir::Files);
    QCOMPARE(kept.size(), 1);
    QVERIFY(readFile(inUse + QStringLiteral("/kept/") + kept.first()).contains(stored.first().toUtf8()));
    QVERIFY(readFile(agent.taskFile(id, QStringLiteral("executor.log"))).contains("from the store of distributions"));
    QVERIFY(!QFileInfo::exists(agent.taskFile(id, QStringLiteral("pip.log")))); // no packages: no pip.log
}

void TestStoredPip::executorsPipIsTheStores()
{
    // The executor's own pip install (--no-env-cache, a requirement) runs the store's pip from the
    // venv: the package lands in the venv, which still has no pip of its own, and PipFreeze and
    // Provenance name the package alone, as they did when the venv had its own pip.
    Agent agent;
    const QString id = QStringLiteral("req");
    agent.makeScriptTask(id, "import tinypkg, pip\nprint(tinypkg.__file__)\nprint(pip.__file__)\n",
                         QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("tinypkg")}}});
    const Run run = runExecutor(executorArgs(agent, id, {QStringLiteral("--no-env-cache"), QStringLiteral("--keep-venv"), QStringLiteral("--python"), python()}),
                                offlinePipEnvironment(m_wheels));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QList<QByteArray> printed = readFile(agent.taskFile(id, QStringLiteral("output.log"))).split('\n');
    const QString site = sitePackagesOf(agent.base() + QStringLiteral("/venvs/") + id);
    QVERIFY2(QString::fromUtf8(printed.value(0)).startsWith(site + QStringLiteral("/tinypkg/")), printed.value(0).constData());
    QVERIFY2(printed.value(1).contains("/EnvCache/store/pip-"), printed.value(1).constData());
    QVERIFY(QDir(site).entryList({QStringLiteral("pip*")}, QDir::Dirs).isEmpty());
    QVERIFY(readFile(agent.taskFile(id, QStringLiteral("pip.log"))).contains("Successfully installed tinypkg-1.0"));
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QCOMPARE(result.value(QStringLiteral("PipFreeze")).toArray(), (QJsonArray{QStringLiteral("tinypkg==1.0")}));
    const QJsonArray provenance = result.value(QStringLiteral("Provenance")).toArray();
    QCOMPARE(provenance.size(), 1);
    QCOMPARE(provenance.first().toObject().value(QStringLiteral("Name")).toString(), QStringLiteral("tinypkg"));
}

void TestStoredPip::liveRunMarksStoreFolderInUse()
{
    // While the script runs, the store folder its venv names is in use as an entry in use is
    // (CacheLayout::isInUse, which eviction asks); once the run is over, it is not.
    Agent agent;
    const QString id = QStringLiteral("live");
    agent.makeScriptTask(id, "import os, time\n"
                             "open('started.tmp', 'w').write(str(os.getpid())); os.rename('started.tmp', 'started')\n"
                             "while not os.path.exists('go'): time.sleep(0.02)\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, id, {QStringLiteral("--no-env-cache")}));
    QVERIFY(!waitForPids(agent.taskFile(id, QStringLiteral("started"))).isEmpty());
    const QString cacheDir = agent.base() + QStringLiteral("/EnvCache");
    const oa::CacheLayout layout(cacheDir, agent.base());
    const QStringList stored = QDir(layout.storeDir()).entryList({QStringLiteral("pip-*")}, QDir::Dirs);
    QCOMPARE(stored.size(), 1);
    QVERIFY(layout.isInUse(stored.first()));
    const QStringList markers = QDir(layout.inUseDir()).entryList({stored.first() + QStringLiteral("@") + id + QStringLiteral(".*")}, QDir::Files);
    QCOMPARE(markers, QStringList{stored.first() + u'@' + id + u'.' + QString::number(executor.processId())});
    QVERIFY(writeFileBytes(agent.taskFile(id, QStringLiteral("go")), ""));
    QVERIFY(executor.waitForFinished(60000));
    QCOMPARE(executor.exitCode(), 0);
    QVERIFY(!layout.isInUse(stored.first()));
}

void TestStoredPip::noBundledWheelKeepsTodaysVenv()
{
    // An interpreter that reports no bundled pip wheel (a wrapper that blanks the probe's answer)
    // gets the venv it got before: no pip, and executor.log says why at INFO, not as a warning.
    const QString wrapper = m_dir.path() + QStringLiteral("/python-without-wheel");
    QVERIFY(writeFileBytes(wrapper, "#!/bin/sh\n"
                                    "if [ \"$1\" = -I ] && [ \"$2\" = -c ]; then\n"
                                    "  \"" + QFile::encodeName(python()) + "\" \"$@\" | sed '4s/.*/ /'\n"
                                    "else exec \"" + QFile::encodeName(python()) + "\" \"$@\"; fi\n"));
    QVERIFY(QFile::setPermissions(wrapper, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    Agent agent;
    const QString id = QStringLiteral("nowheel");
    agent.makeScriptTask(id, "import importlib.util\nprint(importlib.util.find_spec('pip') is None)\n");
    const Run run = runExecutor(executorArgs(agent, id, {QStringLiteral("--no-env-cache"), QStringLiteral("--python"), wrapper}));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("True\n"));
    // executor.log is CLEF, one JSON object a line; Information is the level without "@l".
    const QByteArray log = readFile(agent.taskFile(id, QStringLiteral("executor.log")));
    int said = 0;
    for (const QByteArray &line : log.split('\n')) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        if (!event.value(QStringLiteral("@mt")).toString().startsWith(QLatin1String("pip does not come from the store of distributions")))
            continue;
        ++said;
        QVERIFY2(!event.contains(QStringLiteral("@l")), line.constData());
        QVERIFY2(event.value(QStringLiteral("Reason")).toString().endsWith(QLatin1String("has no bundled pip wheel")), line.constData());
        QCOMPARE(event.value(QStringLiteral("PipFallback")).toString(), QStringLiteral("no pip"));
    }
    QVERIFY2(said == 1, log.constData());
    QVERIFY(!QFileInfo::exists(agent.base() + QStringLiteral("/EnvCache/store")) || QDir(agent.base() + QStringLiteral("/EnvCache/store")).isEmpty());
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    for (const QJsonValue &warning : result.value(QStringLiteral("Warnings")).toArray())
        QVERIFY2(!warning.toString().contains(QLatin1String("pip")), qPrintable(warning.toString()));
}

void TestStoredPip::recordedHashOfAnotherFileIsNotUsed()
{
    // The bundled wheel is hashed once; later runs take its sha256 from EnvCache/bundled-pip.json
    // while the file's fingerprint is unchanged. A record forged to name the sha256 of another
    // "pip" of that version (a task's wheel, stored from the task's wheel folder) is not followed:
    // that folder was not stored from the bundled file, so the executor hashes the file again,
    // uses the real pip and records the true sha256.
    const auto probed = oa::PythonInterpreter::probe(python());
    QVERIFY(probed.ok());
    const QString bundled = probed->bundledPipWheel;
    QVERIFY(!bundled.isEmpty());
    Agent agent;
    const QString id = QStringLiteral("forged");
    agent.makeScriptTask(id, "import pip, sys\nprint(pip.__file__)\n");
    const QStringList args = executorArgs(agent, id, {QStringLiteral("--no-env-cache"), QStringLiteral("--python"), python()});
    QCOMPARE(runExecutor(args).exitCode, 0);
    const QString cacheDir = agent.base() + QStringLiteral("/EnvCache");
    const QString hashes = cacheDir + QStringLiteral("/bundled-pip.json");
    const QJsonObject record = readJson(hashes).value(bundled).toObject();
    const QString trueSha = record.value(QStringLiteral("Sha256")).toString();
    QCOMPARE(trueSha.size(), 64);
    const QString realFolder = QFileInfo(readFile(agent.taskFile(id, QStringLiteral("output.log"))).trimmed()).absolutePath();
    QVERIFY2(realFolder.contains(QLatin1String("/EnvCache/store/pip-")), qPrintable(realFolder));

    // A "pip" of the same version from elsewhere, in the store as a task's pinned wheel would be.
    QTemporaryDir elsewhere;
    const QString version = QFileInfo(bundled).fileName().section(u'-', 1, 1);
    const QString fake = buildWheel(elsewhere.path(), QStringLiteral("pip"), version);
    QVERIFY(!fake.isEmpty());
    QFile fakeFile(fake);
    QVERIFY(fakeFile.open(QIODevice::ReadOnly));
    const QString fakeSha = oa::InstallReport::sha256OfOpenFile(fakeFile.handle());
    fakeFile.close();
    const oa::CacheLayout layout(cacheDir, agent.base());
    {
        oa::DistributionStore store(layout);
        QVERIFY(store.ensure({QStringLiteral("pip"), version, fakeSha, fake}, *probed, QString()).ok());
    }
    QJsonObject forged = record;
    forged.insert(QStringLiteral("Sha256"), fakeSha);
    QVERIFY(writeFileBytes(hashes, QJsonDocument(QJsonObject{{bundled, forged}}).toJson()));
    QCOMPARE(runExecutor(args).exitCode, 0);
    const QByteArray used = readFile(agent.taskFile(id, QStringLiteral("output.log"))).trimmed();
    QVERIFY2(QFileInfo(used).absolutePath() == realFolder, used.constData());
    QCOMPARE(readJson(hashes).value(bundled).toObject().value(QStringLiteral("Sha256")).toString(), trueSha);
}

void TestStoredPip::cachedVenvUsesTheStoresPip_data()
{
    QTest::addColumn<bool>("runAs"); // as a throwaway user, and the script under bubblewrap
    QTest::newRow("root") << false;
    QTest::newRow("run-as user under bubblewrap") << true;
}

void TestStoredPip::cachedVenvUsesTheStoresPip()
{
    // A cached set (tinyreq, resolved by pip and installed by the store) names the stored pip in
    // its entry's .pth, where it used to unpack a copy of its own: the entry has no pip, the
    // script's `python -m pip` is the store's (compiled: its .pyc are there), its `pip install`
    // lands in the venv, and a second, warm run's install leaves the entry and the store as they
    // were. Under bubblewrap the script sees pip's folder only because it is bound read-only
    // with the entry's other store folders. PipFreeze leaves pip out, as a --no-env-cache run's.
    QFETCH(bool, runAs);
    std::unique_ptr<ThrowawayUser> user;
    if (runAs) {
        if (!QFileInfo(QStringLiteral("/usr/bin/bwrap")).isExecutable())
            OA_SKIP_OR_FAIL("/usr/bin/bwrap is not installed (Debian's bubblewrap package; scripts/lib.sh installs it)");
        user = std::make_unique<ThrowawayUser>();
        if (!user->isValid())
            OA_SKIP_OR_FAIL(user->why());
    }
    Agent agent;
    const QString id = QStringLiteral("cached");
    agent.makeScriptTask(id, pipScript(), QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("tinyreq")}}});
    QVERIFY(QDir().mkpath(agent.taskFile(id, QStringLiteral("wheels"))));
    QVERIFY(QFile::copy(m_wheels + QStringLiteral("/tinypkg-1.0-py3-none-any.whl"), agent.taskFile(id, QStringLiteral("wheels/tinypkg-1.0-py3-none-any.whl"))));
    QProcessEnvironment env = offlinePipEnvironment(m_wheels);
    if (runAs) {
        const QString conf = m_dir.path() + QStringLiteral("/sandbox.conf");
        QVERIFY(writeFileBytes(conf, "[General]\nSandbox = bubblewrap\nNetwork = none\n"));
        env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), conf);
        openToOthers(agent.base());
    }
    const QStringList args = runAs ? runAsArgs(agent, id, user->name(), {QStringLiteral("--keep-venv")})
                                   : executorArgs(agent, id, {QStringLiteral("--keep-venv"), QStringLiteral("--python"), kSystemPython});
    const auto runOnce = [&] {
        const Run run = runExecutor(args, env);
        QVERIFY2(run.exitCode == 0, run.err.constData());
    };
    runOnce();
    if (QTest::currentTestFailed())
        return;
    const QString cache = agent.base() + QStringLiteral("/EnvCache");
    const QStringList entries = QDir(cache + QStringLiteral("/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(entries.size(), 1);
    const QString entry = cache + QStringLiteral("/entries/") + entries.first();
    const QStringList stored = QDir(cache + QStringLiteral("/store")).entryList({QStringLiteral("pip-*")}, QDir::Dirs);
    QCOMPARE(stored.size(), 1);
    const QString pipFolder = cache + QStringLiteral("/store/") + stored.first();
    // No pip of the entry's own; its entry.json names pip's folder among its store folders.
    QVERIFY2(QDir(entry + QStringLiteral("/site-packages")).entryList({QStringLiteral("pip*")}).isEmpty(), qPrintable(tree(entry).join(u' ')));
    const QJsonObject entryJson = readJson(entry + QStringLiteral("/entry.json"));
    QVERIFY(entryJson.value(QStringLiteral("StoreFolders")).toArray().contains(stored.first()));
    QVERIFY(readFile(entry + QStringLiteral("/site-packages/openautomate-store.pth")).contains(QFile::encodeName(pipFolder)));
    // A cold build stores its pip without bytecode and compiles it while pip resolves, until the
    // set's own store starts (BackgroundStore): its marker lists the cache tag only once all of
    // it is compiled, and its next user compiles the rest.
    const QJsonArray tags = readJson(pipFolder + QStringLiteral("/stored.json")).value(QStringLiteral("Bytecode")).toArray();
    const bool compiled = !QDir(sitePackagesOf(pipFolder) + QStringLiteral("/pip/__pycache__")).entryList({QStringLiteral("__init__.cpython-*.pyc")}).isEmpty();
    QVERIFY2(tags.isEmpty() || compiled, qPrintable(tree(pipFolder).join(u' ')));
    const QStringList entryBefore = tree(entry);
    const QStringList pipBefore = tree(pipFolder);
    for (int round = 0; round < 2; ++round) {
        if (round == 1) { // warm: the same entry, a fresh venv
            runOnce();
            if (QTest::currentTestFailed())
                return;
            QVERIFY(readFile(agent.taskFile(id, QStringLiteral("executor.log"))).contains("\"CacheUse\":\"reused, from the store\""));
        }
        const QJsonObject out = report(agent, id);
        const QJsonObject version = out.value(QStringLiteral("version")).toObject();
        QCOMPARE(version.value(QStringLiteral("code")).toInt(-1), 0);
        QVERIFY2(version.value(QStringLiteral("out")).toString().contains(pipFolder), qPrintable(version.value(QStringLiteral("out")).toString()));
        const QJsonObject install = out.value(QStringLiteral("install")).toObject();
        QVERIFY2(install.value(QStringLiteral("code")).toInt(-1) == 0, qPrintable(install.value(QStringLiteral("err")).toString()));
        const QString site = sitePackagesOf(agent.base() + QStringLiteral("/venvs/") + id);
        QCOMPARE(QFileInfo(out.value(QStringLiteral("imported")).toString()).canonicalFilePath(),
                 QFileInfo(site + QStringLiteral("/tinypkg/__init__.py")).canonicalFilePath());
        QCOMPARE(out.value(QStringLiteral("freeze")).toObject().value(QStringLiteral("out")).toString(), QStringLiteral("tinypkg==1.0\ntinyreq==1.0\n"));
        QCOMPARE(readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("PipFreeze")).toArray(),
                 (QJsonArray{QStringLiteral("tinyreq==1.0")}));
        QCOMPARE(tree(entry), entryBefore);
        QCOMPARE(tree(pipFolder), pipBefore);
        QVERIFY(!tree(cache).join(u' ').contains(QLatin1String("tinypkg")));
    }
}

void TestStoredPip::entryWithItsOwnPipStillWorks()
{
    // An entry an executor built before pip came from the store: pip unpacked in its
    // site-packages, recorded in its PipFreeze, no Pip record and no store folders. Planted under
    // the key a run computes, it is reused as it is: `python -m pip` is its own, and PipFreeze
    // leaves pip out.
    Agent agent;
    const QString id = QStringLiteral("old");
    makePipVersionTask(agent, id);
    const QStringList args = executorArgs(agent, id, {QStringLiteral("--python"), kSystemPython});
    const QProcessEnvironment env = offlinePipEnvironment(m_wheels);
    QCOMPARE(runExecutor(args, env).exitCode, 0);
    const QString cache = agent.base() + QStringLiteral("/EnvCache");
    const QStringList built = QDir(cache + QStringLiteral("/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(built.size(), 1);
    QJsonObject json = readJson(cache + QStringLiteral("/entries/") + built.first() + QStringLiteral("/entry.json"));
    QVERIFY(json.contains(QStringLiteral("Pip")));
    QProcess clear;
    clear.start(executorPath(), {QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--clear-env-cache")});
    QVERIFY(clear.waitForFinished(60000) && clear.exitCode() == 0);
    QVERIFY(QDir(cache + QStringLiteral("/entries")).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot));

    const auto probed = oa::PythonInterpreter::probe(kSystemPython);
    QVERIFY(probed.ok() && !probed->bundledPipWheel.isEmpty());
    const QString pipVersion = QFileInfo(probed->bundledPipWheel).fileName().section(u'-', 1, 1);
    const qint64 created = QDateTime::currentMSecsSinceEpoch() - 1000;
    const QString old = cache + QStringLiteral("/entries/") + json.value(QStringLiteral("Key")).toString() + u'-' + QString::number(created);
    QVERIFY(QDir().mkpath(old + QStringLiteral("/site-packages")));
    for (const QString &wheel : {m_wheels + QStringLiteral("/tinyreq-1.0-py3-none-any.whl"), probed->bundledPipWheel}) {
        QProcess unzip;
        unzip.start(kSystemPython, {QStringLiteral("-I"), QStringLiteral("-m"), QStringLiteral("zipfile"), QStringLiteral("-e"), wheel, old + QStringLiteral("/site-packages")});
        QVERIFY(unzip.waitForFinished(60000) && unzip.exitCode() == 0);
    }
    json.remove(QStringLiteral("Pip"));
    json.remove(QStringLiteral("StoreFolders"));
    json.insert(QStringLiteral("CreatedAt"), QDateTime::fromMSecsSinceEpoch(created, Qt::UTC).toString(Qt::ISODateWithMs));
    json.insert(QStringLiteral("PipFreeze"), QJsonArray{QStringLiteral("pip==") + pipVersion, QStringLiteral("tinyreq==1.0")});
    QVERIFY(writeFileBytes(old + QStringLiteral("/entry.json"), QJsonDocument(json).toJson()));
    QVERIFY(writeFileBytes(old + QStringLiteral("/COMPLETE"), "done"));

    QCOMPARE(runExecutor(args, env).exitCode, 0);
    const QByteArray log = readFile(agent.taskFile(id, QStringLiteral("executor.log")));
    QVERIFY2(log.contains(QFile::encodeName(QFileInfo(old).fileName())) && log.contains("\"CacheUse\":\"reused\""), log.constData());
    const QByteArray printed = readFile(agent.taskFile(id, QStringLiteral("output.log")));
    QVERIFY2(printed.contains(QFile::encodeName(old + QStringLiteral("/site-packages/pip"))), printed.constData());
    QCOMPARE(readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("PipFreeze")).toArray(),
             (QJsonArray{QStringLiteral("tinyreq==1.0")}));
}

void TestStoredPip::tamperedPipFolderRebuildsTheEntry()
{
    // The warm check reads the entry's pip folder as any store folder: made writable by others
    // (as a script could leave it), the entry is ignored with a warning and built again, pip
    // stored anew, and the script's `python -m pip` works.
    Agent agent;
    const QString id = QStringLiteral("tampered");
    makePipVersionTask(agent, id);
    const QStringList args = executorArgs(agent, id, {QStringLiteral("--python"), kSystemPython});
    const QProcessEnvironment env = offlinePipEnvironment(m_wheels);
    QCOMPARE(runExecutor(args, env).exitCode, 0);
    const QString store = agent.base() + QStringLiteral("/EnvCache/store");
    const QStringList stored = QDir(store).entryList({QStringLiteral("pip-*")}, QDir::Dirs);
    QCOMPARE(stored.size(), 1);
    const QString pipSite = sitePackagesOf(store + u'/' + stored.first());
    oa::FileProtection::unprotectTree(oa::AgentFolder(agent.base()), store + u'/' + stored.first());
    QVERIFY(QFile::setPermissions(pipSite, QFile::permissions(pipSite) | QFileDevice::WriteOther));

    QCOMPARE(runExecutor(args, env).exitCode, 0);
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QCOMPARE(result.value(QStringLiteral("EnvironmentCache")).toObject().value(QStringLiteral("Reused")).toBool(), false);
    const QString warnings = QString::fromUtf8(QJsonDocument(result.value(QStringLiteral("Warnings")).toArray()).toJson());
    QVERIFY2(warnings.contains(QStringLiteral("its store folder ") + stored.first()), qPrintable(warnings));
    QVERIFY(!(QFile::permissions(sitePackagesOf(store + u'/' + stored.first())) & QFileDevice::WriteOther));
    const QByteArray printed = readFile(agent.taskFile(id, QStringLiteral("output.log")));
    QVERIFY2(printed.contains(QFile::encodeName(store + u'/' + stored.first())), printed.constData());
}

QTEST_GUILESS_MAIN(TestStoredPip)
#include "tst_stored_pip.moc"
