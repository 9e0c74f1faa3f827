// The shared environment cache, with the real executor, a real pip and wheels built here.
#include "TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <memory>
#include <signal.h>

using namespace oatest;

class TestEnvironmentCache : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void warmRunReusesTheEntry();
    void sameIncludedFilesShareTheEntry();
    void concurrentFirstBuildBuildsOnce();
    void crashedBuildIsCleanedAndRebuilt();
    void scriptsCannotChangeTheCache();
    void evictionSparesEntriesInUse();
    void maxAgeRebuilds();
    void optOutGivesTheUncachedBehaviour_data();
    void optOutGivesTheUncachedBehaviour();
    void failedBuildIsNotCached();
    void pinnedWheelsAreStoredWhilePipResolves();

private:
    QJsonObject result(const Agent &agent, const QString &id) const
    {
        return readJson(agent.taskFile(id, QStringLiteral("result.json")));
    }
    QStringList entryNames(const Agent &agent) const
    {
        return QDir(agent.base() + QStringLiteral("/EnvCache/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    }
    QTemporaryDir m_wheels;
};

static QByteArray treeDigest(const QString &dir)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    for (const QString &f : files) {
        hash.addData(f.toUtf8());
        hash.addData(readFile(f));
    }
    return hash.result().toHex();
}

void TestEnvironmentCache::initTestCase()
{
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-report"), QStringLiteral("2.0"), {QStringLiteral("oa-greeter")}).isEmpty());
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-other"), QStringLiteral("3.0")).isEmpty());
}

void TestEnvironmentCache::warmRunReusesTheEntry()
{
    Agent agent;
    const QJsonObject reqs{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-report")}}};
    const QByteArray script = "import oa_report, oa_greeter, sys\nprint(oa_greeter.greet('x'), sys.prefix)\n";
    agent.makeScriptTask(QStringLiteral("cold"), script, reqs);
    agent.makeScriptTask(QStringLiteral("warm"), script, reqs);
    QVERIFY(runExecutor(executorArgs(agent, QStringLiteral("cold")), offlinePipEnvironment(m_wheels.path())).exitCode == 0);
    const Run warm = runExecutor(executorArgs(agent, QStringLiteral("warm")), offlinePipEnvironment(m_wheels.path()));
    QVERIFY2(warm.exitCode == 0, warm.err.constData());
    QCOMPARE(result(agent, QStringLiteral("cold")).value("EnvironmentCache").toObject().value("Reused").toBool(), false);
    QCOMPARE(result(agent, QStringLiteral("warm")).value("EnvironmentCache").toObject().value("Reused").toBool(), true);
    QVERIFY(result(agent, QStringLiteral("warm")).value("PipFreeze").toArray().toVariantList().contains(QStringLiteral("oa-report==2.0")));
    // Each execution still has its own venv.
    QVERIFY(readFile(agent.taskFile(QStringLiteral("warm"), QStringLiteral("output.log"))).contains(agent.base().toUtf8() + "/venvs/warm"));
    QCOMPARE(entryNames(agent).size(), 1);
    const Run listing = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--env-cache"), QStringLiteral("--json")});
    const QJsonArray entries = QJsonDocument::fromJson(listing.out).object().value("Entries").toArray();
    QCOMPARE(entries.size(), 1);
    QVERIFY(entries.first().toObject().value("Inputs").toString().contains(QStringLiteral("oa-report")));
    QCOMPARE(entries.first().toObject().value("InUse").toBool(), false);
}

// pip reads a checked copy of requirements.txt and its -r files in the run's own Temp/<id>: two
// tasks with the same files still share one entry, and another included file still gets its own.
void TestEnvironmentCache::sameIncludedFilesShareTheEntry()
{
    Agent agent;
    const auto makeTask = [&agent](const QString &id, const QByteArray &included) {
        agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                       {{QStringLiteral("main.py"), "import oa_greeter\n"}, {QStringLiteral("requirements.txt"), "-r more.txt\n"},
                        {QStringLiteral("more.txt"), included}});
    };
    makeTask(QStringLiteral("first"), "oa-greeter\n");
    makeTask(QStringLiteral("second"), "oa-greeter\n");
    makeTask(QStringLiteral("other"), "oa-greeter\noa-other\n");
    for (const char *id : {"first", "second", "other"}) {
        const Run run = runExecutor(executorArgs(agent, QString::fromLatin1(id)), offlinePipEnvironment(m_wheels.path()));
        QVERIFY2(run.exitCode == 0, run.err.constData());
    }
    const auto cache = [&](const char *id) { return result(agent, QString::fromLatin1(id)).value("EnvironmentCache").toObject(); };
    QCOMPARE(cache("first").value("Reused").toBool(), false);
    QCOMPARE(cache("second").value("Reused").toBool(), true);
    QCOMPARE(cache("second").value("Key").toString(), cache("first").value("Key").toString());
    QCOMPARE(cache("other").value("Reused").toBool(), false);
    QVERIFY(cache("other").value("Key").toString() != cache("first").value("Key").toString());
    QCOMPARE(entryNames(agent).size(), 2);
}

void TestEnvironmentCache::concurrentFirstBuildBuildsOnce()
{
    Agent agent;
    constexpr int kRuns = 3;
    std::vector<std::unique_ptr<QProcess>> runs;
    for (int i = 0; i < kRuns; ++i) {
        const QString id = QStringLiteral("c%1").arg(i);
        agent.makeScriptTask(id, "import oa_report\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-report")}}});
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(offlinePipEnvironment(m_wheels.path()));
        p->start(executorPath(), executorArgs(agent, id));
        runs.push_back(std::move(p));
    }
    int built = 0;
    bool someoneWaited = false;
    for (int i = 0; i < kRuns; ++i) {
        QVERIFY(runs[i]->waitForFinished(120000));
        QCOMPARE(runs[i]->exitCode(), 0);
        someoneWaited = someoneWaited || runs[i]->readAllStandardError().contains("Waiting for PID");
        if (!result(agent, QStringLiteral("c%1").arg(i)).value("EnvironmentCache").toObject().value("Reused").toBool())
            ++built;
    }
    QCOMPARE(built, 1);
    QVERIFY2(someoneWaited, "the others waited for the builder and said for whom");
    QCOMPARE(entryNames(agent).size(), 1);
}

void TestEnvironmentCache::crashedBuildIsCleanedAndRebuilt()
{
    // The first request to this index hangs for a minute: the builder is killed meanwhile.
    QProcess index;
    index.start(python(), {testDataDir() + QStringLiteral("/slow_index.py"), QStringLiteral("60"), m_wheels.path()});
    QVERIFY(index.waitForReadyRead(10000));
    const QString url = QString::fromUtf8(index.readLine().trimmed());
    Agent agent;
    agent.makeScriptTask(QStringLiteral("crash"), "import oa_greeter\nprint('ok')\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}});
    QProcess builder;
    builder.setProcessEnvironment(offlinePipEnvironment(url));
    builder.start(executorPath(), executorArgs(agent, QStringLiteral("crash")));
    const QString staging = agent.base() + QStringLiteral("/EnvCache/staging");
    QTRY_VERIFY_WITH_TIMEOUT(!QDir(staging).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty(), 30000);
    QTest::qWait(1000);
    ::kill(pid_t(builder.processId()), SIGKILL);
    QVERIFY(builder.waitForFinished());
    // The crash's leftovers: its build folder, and the store batch of the pip it was storing
    // meanwhile (BackgroundStore) unless that was published already.
    const QStringList leftovers = QDir(staging).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCOMPARE(leftovers.filter(QRegularExpression(QStringLiteral("^store\\."))).size() + 1, leftovers.size());
    QVERIFY(entryNames(agent).isEmpty()); // a half-built environment is never published

    const Run again = runExecutor(executorArgs(agent, QStringLiteral("crash")), offlinePipEnvironment(url));
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QVERIFY(again.err.contains("Removed the unfinished build"));
    QCOMPARE(result(agent, QStringLiteral("crash")).value("EnvironmentCache").toObject().value("Reused").toBool(), false);
    QVERIFY(QDir(staging).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    QCOMPARE(entryNames(agent).size(), 1);
    index.kill();
    index.waitForFinished();
}

void TestEnvironmentCache::scriptsCannotChangeTheCache()
{
    Agent agent;
    const QJsonObject reqs{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}};
    agent.makeScriptTask(QStringLiteral("first"), "import oa_greeter\n", reqs);
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("first")), offlinePipEnvironment(m_wheels.path())).exitCode, 0);
    const QString entry = agent.base() + QStringLiteral("/EnvCache/entries/") + entryNames(agent).first();
    const QByteArray before = treeDigest(entry);

    // A hostile script: pip-installs into its venv, then tries to delete, rewrite and add to
    // the shared packages. Each attempt that the cache allowed would be reported.
    agent.makeScriptTask(QStringLiteral("vandal"),
                         "import os, subprocess, sys, oa_greeter\n"
                         "target = os.path.dirname(oa_greeter.__file__)\n"
                         "r = subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-index', '--find-links', sys.argv[1], 'oa-other', 'oa-greeter==1.0', '--force-reinstall'])\n"
                         "print('pip exit', r.returncode)\n"
                         "import importlib; import oa_other; print('own install at', oa_other.__file__)\n"
                         "allowed = []\n"
                         "for name, act in [('delete', lambda: os.remove(os.path.join(target, '__init__.py'))),\n"
                         "                  ('rewrite', lambda: open(os.path.join(target, '__init__.py'), 'a').write('x')),\n"
                         "                  ('add', lambda: open(os.path.join(target, 'new.py'), 'w').write('x')),\n"
                         "                  ('rmdir', lambda: os.rename(target, target + '.gone'))]:\n"
                         "    try:\n"
                         "        act(); allowed.append(name)\n"
                         "    except OSError:\n"
                         "        pass\n"
                         "print('allowed', allowed)\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}},
                          {QStringLiteral("Arguments"), QJsonArray{m_wheels.path()}}});
    const Run vandal = runExecutor(executorArgs(agent, QStringLiteral("vandal")), offlinePipEnvironment(m_wheels.path()));
    const QByteArray out = readFile(agent.taskFile(QStringLiteral("vandal"), QStringLiteral("output.log")));
    QVERIFY2(vandal.exitCode == 0, (out + readFile(agent.taskFile(QStringLiteral("vandal"), QStringLiteral("error.log")))).constData());
    QVERIFY2(out.contains("pip exit 0"), out.constData());
    QVERIFY2(out.contains("own install at " + agent.base().toUtf8() + "/venvs/vandal/"), out.constData());
    QVERIFY2(out.contains("allowed []"), out.constData());
    QCOMPARE(treeDigest(entry), before);

    // A later execution sees the cache as it was, and nothing of the other's install.
    agent.makeScriptTask(QStringLiteral("after"),
                         "import importlib.util, oa_greeter\nprint(oa_greeter.greet('z'), importlib.util.find_spec('oa_other') is None)\n", reqs);
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("after")), offlinePipEnvironment(m_wheels.path())).exitCode, 0);
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("after"), QStringLiteral("output.log"))), QByteArray("oa-greeter 1.0 greets z True\n"));
}

void TestEnvironmentCache::evictionSparesEntriesInUse()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("busy"), "import os, time, oa_greeter\nopen('pids', 'w').write('1')\n"
                                                 "while not os.path.exists('go'): time.sleep(0.05)\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}});
    QProcess busy;
    busy.setProcessEnvironment(offlinePipEnvironment(m_wheels.path()));
    busy.start(executorPath(), executorArgs(agent, QStringLiteral("busy")));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(agent.taskFile(QStringLiteral("busy"), QStringLiteral("pids"))), 60000);
    const QStringList inUse = entryNames(agent);
    QCOMPARE(inUse.size(), 1);
    // A tiny size bound: everything not in use must go, the busy entry must stay.
    agent.makeScriptTask(QStringLiteral("other"), "import oa_other\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-other")}}});
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("other"), {QStringLiteral("--env-cache-max-size"), QStringLiteral("1")}),
                         offlinePipEnvironment(m_wheels.path())).exitCode, 0);
    const Run prune = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--prune-env-cache"),
                                   QStringLiteral("--env-cache-max-size"), QStringLiteral("1"), QStringLiteral("--json")});
    QCOMPARE(prune.exitCode, 0);
    QCOMPARE(entryNames(agent), inUse); // the other entry was evicted, the busy one kept
    QFile go(agent.taskFile(QStringLiteral("busy"), QStringLiteral("go")));
    QVERIFY(go.open(QIODevice::WriteOnly));
    go.close();
    QVERIFY(busy.waitForFinished(60000));
    QCOMPARE(busy.exitCode(), 0);
    QCOMPARE(runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--prune-env-cache"),
                          QStringLiteral("--env-cache-max-size"), QStringLiteral("1")}).exitCode, 0);
    QVERIFY(entryNames(agent).isEmpty()); // no longer in use: evicted
}

void TestEnvironmentCache::maxAgeRebuilds()
{
    Agent agent;
    const QJsonObject reqs{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}};
    agent.makeScriptTask(QStringLiteral("a1"), "import oa_greeter\n", reqs);
    agent.makeScriptTask(QStringLiteral("a2"), "import oa_greeter\n", reqs);
    const QStringList age{QStringLiteral("--env-cache-max-age"), QStringLiteral("1s")};
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("a1"), age), offlinePipEnvironment(m_wheels.path())).exitCode, 0);
    QTest::qWait(1500);
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("a2"), age), offlinePipEnvironment(m_wheels.path())).exitCode, 0);
    QCOMPARE(result(agent, QStringLiteral("a2")).value("EnvironmentCache").toObject().value("Reused").toBool(), false);
    QCOMPARE(entryNames(agent).size(), 1); // the expired generation was evicted after the rebuild
}

void TestEnvironmentCache::optOutGivesTheUncachedBehaviour_data()
{
    QTest::addColumn<bool>("flag");
    QTest::newRow("--no-env-cache") << true;
    QTest::newRow("UseEnvironmentCache false") << false;
}

void TestEnvironmentCache::optOutGivesTheUncachedBehaviour()
{
    QFETCH(bool, flag);
    Agent agent;
    QJsonObject extra{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}};
    if (!flag)
        extra.insert(QStringLiteral("UseEnvironmentCache"), false);
    agent.makeScriptTask(QStringLiteral("plain"), "import oa_greeter, os, sys\nprint(os.path.dirname(oa_greeter.__file__).startswith(sys.prefix))\n", extra);
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("plain"), flag ? QStringList{QStringLiteral("--no-env-cache")} : QStringList()),
                                offlinePipEnvironment(m_wheels.path()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("plain"), QStringLiteral("output.log"))), QByteArray("True\n")); // installed in its own venv
    QVERIFY(!result(agent, QStringLiteral("plain")).contains("EnvironmentCache"));
    QVERIFY(result(agent, QStringLiteral("plain")).value("PipFreeze").toArray().toVariantList().contains(QStringLiteral("oa-greeter==1.0")));
    QVERIFY(entryNames(agent).isEmpty());
}

void TestEnvironmentCache::failedBuildIsNotCached()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("bad"), "print(1)\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-missing")}}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("bad")), offlinePipEnvironment(m_wheels.path()));
    QCOMPARE(run.exitCode, 6);
    QVERIFY(run.err.contains("requirement \"oa-missing\""));
    QVERIFY(entryNames(agent).isEmpty());
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/staging")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

void TestEnvironmentCache::pinnedWheelsAreStoredWhilePipResolves()
{
    // oa-report==2.0 is pinned and in the wheel folder: the store takes it ahead while pip
    // resolves (WheelGuess, BackgroundStore); oa-greeter, its dependency, only pip names.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("pinned"), "import oa_report, oa_greeter\nprint(oa_greeter.greet('p'))\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-report==2.0")}}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("pinned")), offlinePipEnvironment(m_wheels.path()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("pinned"), QStringLiteral("output.log"))), QByteArray("oa-greeter 1.0 greets p\n"));
    const QByteArray log = readFile(agent.taskFile(QStringLiteral("pinned"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("the store takes ahead") && log.contains("oa_report-2.0-py3-none-any.whl") && !log.contains("oa_greeter-1.0-py3"),
             log.constData());
    // Stored by the head start itself (pip's resolve takes far longer than storing it), not by
    // the set's own store.
    // Stored by the head start itself, or by the set's own store when the resolve was done
    // first (a loaded machine): BackgroundStore's own test (tst_store_batch) holds the thread
    // to what it stores. Here: whatever the head start stored is what it guessed.
    if (log.contains("Stored by the head start while pip resolved"))
        QVERIFY2(log.contains("\"StoredAhead\":\"oa_report-2.0-py3-none-any.whl\""), log.constData());
    // The guess is the set's folder, compiled, and named by the entry like the rest.
    const QStringList store = QDir(agent.base() + QStringLiteral("/EnvCache/store")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    const QStringList report = store.filter(QRegularExpression(QStringLiteral("^oa-report-2\\.0-")));
    QCOMPARE(report.size(), 1);
    const QJsonObject marker = QJsonDocument::fromJson(readFile(agent.base() + QStringLiteral("/EnvCache/store/") + report.first() + QStringLiteral("/stored.json"))).object();
    QVERIFY2(!marker.value(QStringLiteral("Bytecode")).toArray().isEmpty(), qPrintable(report.first()));
    const QJsonObject entry = QJsonDocument::fromJson(readFile(agent.base() + QStringLiteral("/EnvCache/entries/") + entryNames(agent).first() + QStringLiteral("/entry.json"))).object();
    QVERIFY(entry.value(QStringLiteral("StoreFolders")).toVariant().toStringList().contains(report.first()));
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/staging")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty()); // no yield flag left
}

QTEST_GUILESS_MAIN(TestEnvironmentCache)
#include "tst_environment_cache.moc"
