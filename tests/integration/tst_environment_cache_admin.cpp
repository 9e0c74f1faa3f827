// Administering the environment cache with the real executor: clearing it on purpose, a
// maximum age of 0, wheels added to a local wheel folder, and the JSON listing.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace oatest;

namespace {

QStringList entryNames(const Agent &agent)
{
    return QDir(agent.base() + QStringLiteral("/EnvCache/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
}

QJsonObject cacheUse(const Agent &agent, const QString &id)
{
    return readJson(agent.taskFile(id, QStringLiteral("result.json"))).value("EnvironmentCache").toObject();
}

QJsonObject toolJson(const Agent &agent, const QString &tool)
{
    const Run run = runExecutor({QStringLiteral("--base-dir"), agent.base(), tool, QStringLiteral("--json")});
    if (run.exitCode != 0)
        qWarning("%s: %s", qPrintable(tool), run.err.constData());
    return QJsonDocument::fromJson(run.out).object();
}

const QJsonObject kGreeter{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}};

} // namespace

class TestEnvironmentCacheAdmin : public QObject {
    Q_OBJECT
private slots:
    void maxAgeZeroAlwaysRebuilds();
    void clearRemovesEverythingNotInUse();
    void newWheelInAWheelFolderIsPickedUp();
    void listingNamesPackagesAndVersions();
};

void TestEnvironmentCacheAdmin::maxAgeZeroAlwaysRebuilds()
{
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    Agent agent;
    const QStringList always{QStringLiteral("--env-cache-max-age"), QStringLiteral("0")};
    for (const QString &id : {QStringLiteral("z1"), QStringLiteral("z2")}) {
        agent.makeScriptTask(id, "import oa_greeter\n", kGreeter);
        const Run run = runExecutor(executorArgs(agent, id, always), offlinePipEnvironment(wheels.path()));
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(cacheUse(agent, id).value("Reused").toBool(), false);
    }
    // A negative age is still refused, naming the option.
    const Run bad = runExecutor(executorArgs(agent, QStringLiteral("z1"), {QStringLiteral("--env-cache-max-age"), QStringLiteral("-1")}));
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains("--env-cache-max-age: \"-1\" is not a number of 0 or more"), bad.err.constData());
}

void TestEnvironmentCacheAdmin::clearRemovesEverythingNotInUse()
{
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-other"), QStringLiteral("3.0")).isEmpty());
    Agent agent;
    agent.makeScriptTask(QStringLiteral("idle"), "import oa_other\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-other")}}});
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("idle")), offlinePipEnvironment(wheels.path())).exitCode, 0);
    const QStringList idle = entryNames(agent);
    QCOMPARE(idle.size(), 1);
    // A cached file is immutable: an administrator's rm -rf fails with the message the README quotes.
    const QString idleDir = agent.base() + QStringLiteral("/EnvCache/entries/") + idle.first();
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("the immutable attribute needs root"));
    QProcess rm;
    rm.start(QStringLiteral("rm"), {QStringLiteral("-rf"), idleDir});
    QVERIFY(rm.waitForFinished(30000));
    QVERIFY(rm.exitCode() != 0);
    QVERIFY2(rm.readAllStandardError().contains("Operation not permitted"), "rm -rf removed an immutable entry");

    agent.makeScriptTask(QStringLiteral("busy"),
                         "import os, time, oa_greeter\n"
                         "open('ready.tmp', 'w').write(str(os.getpid())); os.rename('ready.tmp', 'ready')\n"
                         "while not os.path.exists('go'): time.sleep(0.05)\n",
                         kGreeter);
    QProcess busy;
    busy.setProcessEnvironment(offlinePipEnvironment(wheels.path()));
    busy.start(executorPath(), executorArgs(agent, QStringLiteral("busy")));
    QCOMPARE(waitForPids(agent.taskFile(QStringLiteral("busy"), QStringLiteral("ready"))).size(), 1);
    const QStringList both = entryNames(agent);
    QCOMPARE(both.size(), 2);
    QString busyEntry = both.first() == idle.first() ? both.last() : both.first();

    const QJsonObject cleared = toolJson(agent, QStringLiteral("--clear-env-cache"));
    // Each set is composed from the store (pip only resolves it): the idle set's store folder
    // goes with its entry, the busy one's stays with its entry, and so does the executor's pip,
    // which both entries name.
    QStringList removed = cleared.value("Removed").toVariant().toStringList();
    const QStringList removedStore = removed.filter(QRegularExpression(QStringLiteral("^store/")));
    removed.removeIf([](const QString &name) { return name.startsWith(QLatin1String("store/")); });
    QCOMPARE(removed, QStringList{idle.first()});
    QCOMPARE(removedStore.size(), 1);
    QVERIFY2(removedStore.first().startsWith(QLatin1String("store/oa-other-3.0-")), qPrintable(removedStore.first()));
    const QStringList keptStore = cleared.value("StoreKeptInUse").toVariant().toStringList();
    QCOMPARE(keptStore.size(), 2);
    QCOMPARE(keptStore.filter(QRegularExpression(QStringLiteral("^pip-"))).size(), 1);
    QCOMPARE(cleared.value("KeptInUse").toArray(), QJsonArray{busyEntry});
    QCOMPARE(entryNames(agent), QStringList{busyEntry});

    QFile go(agent.taskFile(QStringLiteral("busy"), QStringLiteral("go")));
    QVERIFY(go.open(QIODevice::WriteOnly));
    go.close();
    QVERIFY(busy.waitForFinished(60000));
    QCOMPARE(busy.exitCode(), 0);
    // The busy entry, its store folder and pip's.
    const Run text = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--clear-env-cache")});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("removed " + busyEntry.toUtf8()) && text.out.contains("3 removed"), text.out.constData());
    QVERIFY(entryNames(agent).isEmpty());
    // Nothing immutable is left: the agent folder can now be removed like any other.
    rm.start(QStringLiteral("rm"), {QStringLiteral("-rf"), agent.base() + QStringLiteral("/EnvCache")});
    QVERIFY(rm.waitForFinished(30000));
    QCOMPARE(rm.exitCode(), 0);
}

void TestEnvironmentCacheAdmin::newWheelInAWheelFolderIsPickedUp()
{
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    Agent agent;
    agent.makeScriptTask(QStringLiteral("first"), "import oa_greeter\n", kGreeter);
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("first")), offlinePipEnvironment(wheels.path())).exitCode, 0);
    agent.makeScriptTask(QStringLiteral("same"), "import oa_greeter\n", kGreeter);
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("same")), offlinePipEnvironment(wheels.path())).exitCode, 0);
    QCOMPARE(cacheUse(agent, QStringLiteral("same")).value("Reused").toBool(), true); // nothing changed: reused
    // A newer wheel in the folder: a new key, a new build, and the new version.
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.1")).isEmpty());
    agent.makeScriptTask(QStringLiteral("second"), "import oa_greeter\n", kGreeter);
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("second")), offlinePipEnvironment(wheels.path())).exitCode, 0);
    const QJsonObject second = readJson(agent.taskFile(QStringLiteral("second"), QStringLiteral("result.json")));
    QCOMPARE(second.value("EnvironmentCache").toObject().value("Reused").toBool(), false);
    QVERIFY(second.value("EnvironmentCache").toObject().value("Key").toString()
            != cacheUse(agent, QStringLiteral("first")).value("Key").toString());
    QVERIFY2(second.value("PipFreeze").toArray().contains(QStringLiteral("oa-greeter==1.1")),
             QJsonDocument(second.value("PipFreeze").toArray()).toJson().constData());
}

void TestEnvironmentCacheAdmin::listingNamesPackagesAndVersions()
{
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-report"), QStringLiteral("2.0"), {QStringLiteral("oa-greeter")}).isEmpty());
    Agent agent;
    agent.makeScriptTask(QStringLiteral("report"), "import oa_report\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-report")}}});
    QCOMPARE(runExecutor(executorArgs(agent, QStringLiteral("report")), offlinePipEnvironment(wheels.path())).exitCode, 0);
    const QJsonArray entries = toolJson(agent, QStringLiteral("--env-cache")).value("Entries").toArray();
    QCOMPARE(entries.size(), 1);
    const QJsonArray packages = entries.first().toObject().value("Packages").toArray();
    QVERIFY2(packages.contains(QJsonObject{{QStringLiteral("Name"), QStringLiteral("oa-greeter")}, {QStringLiteral("Version"), QStringLiteral("1.0")}}),
             QJsonDocument(packages).toJson().constData());
    QVERIFY(packages.contains(QJsonObject{{QStringLiteral("Name"), QStringLiteral("oa-report")}, {QStringLiteral("Version"), QStringLiteral("2.0")}}));
}

QTEST_GUILESS_MAIN(TestEnvironmentCacheAdmin)
#include "tst_environment_cache_admin.moc"
