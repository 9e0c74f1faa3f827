// Cache entries composed from the store of distributions (issue 22): through the real executor
// and the real Python, with wheels built here. A Pipfile.lock whose wheels are all in the
// configured wheel folder is built with no pip process at all (pip's --log, set through PIP_LOG
// for every pip the executor could start, is never written; the positive control below shows
// that it is whenever pip runs), and its second run reuses the entry; a lock with one wheel
// nowhere at hand, or one that leaves a dependency unpinned, goes to pip as before; a wheel whose sha256 the lock does not pin is exit 6
// naming the file; and result.json's Provenance and PipFreeze are those a pip build records
// for the same set. Lock entries with markers: a true one is installed, a false one left out
// (as pip ignores it), still with no pip process, and recorded as pip records the same lock.
#include "TestSupport.h"
#include "WheelBuilder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace oatest;

namespace {

QJsonObject pinned(const QString &version, const QString &sha256)
{
    return {{QStringLiteral("version"), QStringLiteral("==") + version},
            {QStringLiteral("hashes"), QJsonArray{QStringLiteral("sha256:") + sha256}}};
}

QByteArray lockJson(const QJsonObject &defaults)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("_meta"), QJsonObject{{QStringLiteral("pipfile-spec"), 6}}},
                                     {QStringLiteral("default"), defaults}})
        .toJson();
}

const QByteArray kScript = "import importlib.metadata as m, oa_sapp, oa_sdep\n"
                           "print(m.version('oa_sapp'), m.version('oa_sdep'), oa_sapp.V, oa_sdep.V)\n";

// Provenance entries in name order: pip's report lists them in its own install order.
QJsonArray byName(const QJsonArray &array)
{
    QList<QJsonObject> items;
    for (const QJsonValue &v : array)
        items.append(v.toObject());
    std::sort(items.begin(), items.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QStringLiteral("Name")).toString() < b.value(QStringLiteral("Name")).toString();
    });
    QJsonArray sorted;
    for (const QJsonObject &o : items)
        sorted.append(o);
    return sorted;
}

} // namespace

class TestStoreBuilds : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void lockOfLocalWheelsNeedsNoPip();
    void wheelMissingLocallyGoesToPip();
    void tamperedWheelIsExit6NamingTheFile();
    void unpinnedDependencyGoesToPip();
    void provenanceIsPips();
    void markersDecideWithoutPip();
    void undecidedMarkerGoesToPip();

private:
    // Runs task `id` of `lock` in `agent`; pip, if started, logs to `pipRan`.
    Run run(const Agent &agent, const QString &id, const QByteArray &lock, const QString &pipRan, const QStringList &extra = {},
            const QString &wheels = {}, const QMap<QString, QString> &variables = {});
    QTemporaryDir m_dir;
    QString m_wheels;
    QString m_app;
    QString m_dep;
    QByteArray m_lock;
};

void TestStoreBuilds::initTestCase()
{
    m_wheels = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(m_wheels));
    m_app = WheelBuilder(QStringLiteral("oa_sapp"), QStringLiteral("1.0"))
                .file("oa_sapp/__init__.py", "V = 'app'\n")
                .metadata("Metadata-Version: 2.1\nName: oa_sapp\nVersion: 1.0\nRequires-Dist: oa_sdep\n\n")
                .write(m_wheels);
    m_dep = WheelBuilder(QStringLiteral("oa_sdep"), QStringLiteral("2.0")).file("oa_sdep/__init__.py", "V = 'dep'\n").write(m_wheels);
    QVERIFY(!m_app.isEmpty() && !m_dep.isEmpty());
    m_lock = lockJson({{QStringLiteral("oa-sapp"), pinned(QStringLiteral("1.0"), oatest::WheelBuilder::sha256Of(m_app))},
                       {QStringLiteral("oa-sdep"), pinned(QStringLiteral("2.0"), oatest::WheelBuilder::sha256Of(m_dep))}});
}

Run TestStoreBuilds::run(const Agent &agent, const QString &id, const QByteArray &lock, const QString &pipRan, const QStringList &extra,
                         const QString &wheels, const QMap<QString, QString> &variables)
{
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), kScript}, {QStringLiteral("Pipfile.lock"), lock}});
    QProcessEnvironment env = offlinePipEnvironment(wheels.isEmpty() ? m_wheels : wheels);
    env.insert(QStringLiteral("PIP_NO_INDEX"), QStringLiteral("1"));
    env.insert(QStringLiteral("PIP_LOG"), pipRan); // pip's --log: written by every pip that runs
    for (auto it = variables.cbegin(); it != variables.cend(); ++it)
        env.insert(it.key(), it.value());
    return runExecutor(executorArgs(agent, id, extra), env);
}

void TestStoreBuilds::lockOfLocalWheelsNeedsNoPip()
{
    Agent agent;
    const QString pipRan = m_dir.path() + QStringLiteral("/pip-ran-store.log");
    const Run first = run(agent, QStringLiteral("first"), m_lock, pipRan);
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("first"), QStringLiteral("output.log"))), QByteArray("1.0 2.0 app dep\n"));
    QVERIFY2(!QFile::exists(pipRan), "pip ran");
    QVERIFY(readFile(agent.taskFile(QStringLiteral("first"), QStringLiteral("executor.log"))).contains("built now, from the store"));
    const QJsonObject cache = readJson(agent.taskFile(QStringLiteral("first"), QStringLiteral("result.json"))).value(QStringLiteral("EnvironmentCache")).toObject();
    QCOMPARE(cache.value(QStringLiteral("Reused")).toBool(), false);
    const QString entry = cache.value(QStringLiteral("Entry")).toString();
    const QJsonObject entryJson = readJson(agent.base() + QStringLiteral("/EnvCache/entries/") + entry + QStringLiteral("/entry.json"));
    // The set's two folders, and the executor's pip (stored with them, compiled in the same pool).
    const QStringList named = entryJson.value(QStringLiteral("StoreFolders")).toVariant().toStringList();
    QCOMPARE(named.size(), 3);
    QVERIFY2(named.last().startsWith(QLatin1String("pip-")), qPrintable(named.join(u' ')));
    QCOMPARE(QDir(agent.base() + QStringLiteral("/EnvCache/store")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 3);

    // Warm: the same entry, still no pip.
    const Run second = run(agent, QStringLiteral("second"), m_lock, pipRan);
    QVERIFY2(second.exitCode == 0, second.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("second"), QStringLiteral("output.log"))), QByteArray("1.0 2.0 app dep\n"));
    const QJsonObject again = readJson(agent.taskFile(QStringLiteral("second"), QStringLiteral("result.json"))).value(QStringLiteral("EnvironmentCache")).toObject();
    QCOMPARE(again.value(QStringLiteral("Reused")).toBool(), true);
    QCOMPARE(again.value(QStringLiteral("Entry")).toString(), entry);
    QVERIFY(readFile(agent.taskFile(QStringLiteral("second"), QStringLiteral("executor.log"))).contains("reused, from the store"));
    QVERIFY2(!QFile::exists(pipRan), "pip ran");
}

void TestStoreBuilds::wheelMissingLocallyGoesToPip()
{
    // The positive control of PIP_LOG too: here pip runs, and writes it.
    Agent agent;
    const QString pipRan = m_dir.path() + QStringLiteral("/pip-ran-missing.log");
    QJsonObject defaults = QJsonDocument::fromJson(m_lock).object().value(QStringLiteral("default")).toObject();
    defaults.insert(QStringLiteral("oa-sabsent"), pinned(QStringLiteral("1.0"), QString(64, u'a')));
    const Run r = run(agent, QStringLiteral("missing"), lockJson(defaults), pipRan);
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(QFile::exists(pipRan), "pip did not run");
    // pip resolves a set the store plan refuses (here, and fails as its install would).
    const QByteArray log = readFile(agent.taskFile(QStringLiteral("missing"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("pip resolves the set") && log.contains("no wheel of oa-sabsent 1.0"), log.constData());
    // Nothing stored for the set but what the store took ahead while pip resolved: the
    // executor's pip, and the wheels pinned with == that the wheel folder holds (WheelGuess),
    // named in executor.log.
    const QStringList stored = QDir(agent.base() + QStringLiteral("/EnvCache/store")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &folder : stored) {
        if (folder.startsWith(QLatin1String("pip-")))
            continue;
        const QByteArray file = folder.section(u'-', 0, -3).replace(u'-', u'_').toUtf8() + '-' + folder.section(u'-', -2, -2).toUtf8() + '-';
        QVERIFY2(log.contains("the store takes ahead") && log.contains(file), qPrintable(folder));
    }
    QVERIFY2(stored.filter(QStringLiteral("sabsent")).isEmpty(), qPrintable(stored.join(u' ')));
}

void TestStoreBuilds::tamperedWheelIsExit6NamingTheFile()
{
    Agent agent;
    QTemporaryDir other;
    const QString wheels = QFileInfo(other.path()).canonicalFilePath();
    QVERIFY(QFile::copy(m_dep, wheels + u'/' + QFileInfo(m_dep).fileName()));
    // Same name, version and tags as the pinned one; other bytes.
    const QString swapped = WheelBuilder(QStringLiteral("oa_sapp"), QStringLiteral("1.0")).file("oa_sapp/__init__.py", "V = 'evil'\n").write(wheels);
    QVERIFY(!swapped.isEmpty());
    const QString pipRan = m_dir.path() + QStringLiteral("/pip-ran-tampered.log");
    const Run r = run(agent, QStringLiteral("tampered"), m_lock, pipRan, {}, wheels);
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(r.err.contains(swapped.toUtf8()) && r.err.contains("hash mismatch"), r.err.constData());
    QVERIFY(!QFile::exists(pipRan));
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("tampered"), QStringLiteral("output.log"))));
}

void TestStoreBuilds::unpinnedDependencyGoesToPip()
{
    // oa-sapp requires oa-sdep, which this lock leaves out: pip's hash-checking mode refuses
    // such a set, so the store must not compose it (and pip refuses it as the task's fault,
    // exit 4, as tst_require_hashes expects of the pip path).
    Agent agent;
    const QString pipRan = m_dir.path() + QStringLiteral("/pip-ran-unpinned.log");
    const Run r = run(agent, QStringLiteral("unpinned"), lockJson({{QStringLiteral("oa-sapp"), pinned(QStringLiteral("1.0"), oatest::WheelBuilder::sha256Of(m_app))}}), pipRan);
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(QFile::exists(pipRan), "pip did not run");
    QVERIFY(readFile(agent.taskFile(QStringLiteral("unpinned"), QStringLiteral("executor.log"))).contains("requires oa_sdep, which the set does not pin"));
}

void TestStoreBuilds::provenanceIsPips()
{
    // The same lock: from the store; by pip into a cache entry (PIP_NO_BINARY=:none: changes
    // nothing pip installs, but keeps the store out); by pip into the run's own venv.
    Agent stored;
    Agent pipCached;
    Agent pipOwn;
    const QString pipRan = m_dir.path() + QStringLiteral("/pip-ran-provenance.log");
    QVERIFY(run(stored, QStringLiteral("p"), m_lock, pipRan).exitCode == 0);
    QVERIFY(!QFile::exists(pipRan));
    QVERIFY(run(pipCached, QStringLiteral("p"), m_lock, pipRan, {}, {}, {{QStringLiteral("PIP_NO_BINARY"), QStringLiteral(":none:")}}).exitCode == 0);
    QVERIFY(QFile::exists(pipRan));
    QVERIFY(run(pipOwn, QStringLiteral("p"), m_lock, pipRan, {QStringLiteral("--no-env-cache")}).exitCode == 0);
    const QJsonObject fromStore = readJson(stored.taskFile(QStringLiteral("p"), QStringLiteral("result.json")));
    const QJsonObject fromPip = readJson(pipCached.taskFile(QStringLiteral("p"), QStringLiteral("result.json")));
    const QJsonObject fromOwn = readJson(pipOwn.taskFile(QStringLiteral("p"), QStringLiteral("result.json")));
    QVERIFY(!fromStore.contains(QStringLiteral("ProvenanceUnavailable")));
    const QJsonArray expected = byName(fromPip.value(QStringLiteral("Provenance")).toArray());
    QCOMPARE(expected.size(), 2);
    QCOMPARE(byName(fromStore.value(QStringLiteral("Provenance")).toArray()), expected);
    QCOMPARE(byName(fromOwn.value(QStringLiteral("Provenance")).toArray()), expected);
    QCOMPARE(fromStore.value(QStringLiteral("PipFreeze")).toArray(), fromPip.value(QStringLiteral("PipFreeze")).toArray());
}

void TestStoreBuilds::markersDecideWithoutPip()
{
    // A third wheel at hand and pinned by its real hash, but for Windows only: pip would ignore
    // its line here, and so must the store.
    QTemporaryDir other;
    const QString wheels = QFileInfo(other.path()).canonicalFilePath();
    QVERIFY(QFile::copy(m_app, wheels + u'/' + QFileInfo(m_app).fileName()));
    QVERIFY(QFile::copy(m_dep, wheels + u'/' + QFileInfo(m_dep).fileName()));
    const QString windowsOnly = WheelBuilder(QStringLiteral("oa_swin"), QStringLiteral("1.0")).file("oa_swin/__init__.py", "V = 'win'\n").write(wheels);
    QVERIFY(!windowsOnly.isEmpty());
    const auto withMarker = [](QJsonObject entry, const QString &marker) {
        entry.insert(QStringLiteral("markers"), marker);
        return entry;
    };
    const QByteArray lock = lockJson({{QStringLiteral("oa-sapp"), withMarker(pinned(QStringLiteral("1.0"), oatest::WheelBuilder::sha256Of(m_app)), QStringLiteral("python_version >= '3.7'"))},
                                      {QStringLiteral("oa-sdep"), pinned(QStringLiteral("2.0"), oatest::WheelBuilder::sha256Of(m_dep))},
                                      {QStringLiteral("oa-swin"), withMarker(pinned(QStringLiteral("1.0"), oatest::WheelBuilder::sha256Of(windowsOnly)), QStringLiteral("sys_platform == 'win32'"))}});
    const QByteArray script = "import importlib.metadata as m, importlib.util, oa_sapp\n"
                              "print(m.version('oa_sapp'), oa_sapp.V, importlib.util.find_spec('oa_swin') is None)\n";
    const auto runLock = [&](const Agent &agent, const QString &pipRan, const QMap<QString, QString> &variables) {
        agent.makeTask(QStringLiteral("m"), {{QStringLiteral("ExecutionId"), QStringLiteral("m")}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                       {{QStringLiteral("main.py"), script}, {QStringLiteral("Pipfile.lock"), lock}});
        QProcessEnvironment env = offlinePipEnvironment(wheels);
        env.insert(QStringLiteral("PIP_NO_INDEX"), QStringLiteral("1"));
        env.insert(QStringLiteral("PIP_LOG"), pipRan);
        for (auto it = variables.cbegin(); it != variables.cend(); ++it)
            env.insert(it.key(), it.value());
        return runExecutor(executorArgs(agent, QStringLiteral("m")), env);
    };
    Agent stored;
    const QString pipRan = m_dir.path() + QStringLiteral("/pip-ran-markers.log");
    const Run r = runLock(stored, pipRan, {});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(stored.taskFile(QStringLiteral("m"), QStringLiteral("output.log"))), QByteArray("1.0 app True\n"));
    QVERIFY2(!QFile::exists(pipRan), "pip ran");
    const QByteArray log = readFile(stored.taskFile(QStringLiteral("m"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("built now, from the store"), log.constData());
    QVERIFY2(log.contains("\"LeftOut\":\"oa-swin ; sys_platform =="), log.constData());
    QCOMPARE(QDir(stored.base() + QStringLiteral("/EnvCache/store")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 3); // and pip

    // pip, on the same lock, records the same: PIP_NO_BINARY=:none: changes nothing pip installs
    // but keeps the store out.
    Agent pip;
    const Run p = runLock(pip, pipRan, {{QStringLiteral("PIP_NO_BINARY"), QStringLiteral(":none:")}});
    QVERIFY2(p.exitCode == 0, p.err.constData());
    QVERIFY2(QFile::exists(pipRan), "pip did not run");
    QCOMPARE(readFile(pip.taskFile(QStringLiteral("m"), QStringLiteral("output.log"))), QByteArray("1.0 app True\n"));
    const QJsonObject fromStore = readJson(stored.taskFile(QStringLiteral("m"), QStringLiteral("result.json")));
    const QJsonObject fromPip = readJson(pip.taskFile(QStringLiteral("m"), QStringLiteral("result.json")));
    QCOMPARE(byName(fromStore.value(QStringLiteral("Provenance")).toArray()), byName(fromPip.value(QStringLiteral("Provenance")).toArray()));
    QCOMPARE(fromStore.value(QStringLiteral("PipFreeze")).toArray(), fromPip.value(QStringLiteral("PipFreeze")).toArray());
    const QStringList freeze = fromStore.value(QStringLiteral("PipFreeze")).toVariant().toStringList();
    QVERIFY2(freeze.filter(QStringLiteral("sapp")).size() == 1 && freeze.filter(QStringLiteral("swin")).isEmpty(), qPrintable(freeze.join(u' ')));
}

void TestStoreBuilds::undecidedMarkerGoesToPip()
{
    // A kernel release is no PEP 440 version: packaging 22 raises on this marker, 21.3 says
    // false. The store never guesses; pip decides (whatever it then does, it is pip's): its
    // resolver, whose choice the store then installs.
    Agent agent;
    QJsonObject defaults = QJsonDocument::fromJson(m_lock).object().value(QStringLiteral("default")).toObject();
    QJsonObject app = defaults.value(QStringLiteral("oa-sapp")).toObject();
    app.insert(QStringLiteral("markers"), QStringLiteral("platform_release >= '0'"));
    defaults.insert(QStringLiteral("oa-sapp"), app);
    const QString pipRan = m_dir.path() + QStringLiteral("/pip-ran-undecided.log");
    run(agent, QStringLiteral("undecided"), lockJson(defaults), pipRan);
    QVERIFY2(QFile::exists(pipRan), "pip did not run");
    const QByteArray log = readFile(agent.taskFile(QStringLiteral("undecided"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("pip resolves the set") && log.contains("is not decided here"), log.constData());
}

QTEST_GUILESS_MAIN(TestStoreBuilds)
#include "tst_store_builds.moc"
