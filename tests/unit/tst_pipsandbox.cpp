// PipSandbox in-process, on a real agent folder: where pip runs, what it sees, what its user may
// write, and that its scratch is gone before the script runs. No pip runs here.
#include "run/PipSandbox.h"
#include "run/RunAsGrants.h"
#include "environment/PythonEnvironment.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTest>

using oa::AgentPaths;
using oa::PipSandbox;

namespace {
const QString kId = QStringLiteral("pip-sandbox");
}

class TestPipSandbox : public QObject {
    Q_OBJECT
private slots:
    void everythingIsInTheRunsTemp();
    void policyBecomesPipsOwnSwitches();
    void environmentHasAPrivateHome();
    void prepareMakesEmptyFolders();
    void appliesToVenvAndCache();
    void removeScratchLeavesTheRestOfTemp();
};

void TestPipSandbox::everythingIsInTheRunsTemp()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    const PipSandbox sandbox(paths, kId, {}, false, false);
    const QString temp = paths.tempDir(kId) + u'/';
    for (const QString &path : {sandbox.workingDirectory(), sandbox.homeDirectory(), sandbox.cacheDirectory(), sandbox.reportDirectory(),
                                sandbox.lockRequirementsFile(), sandbox.checkedRequirementsDir()})
        QVERIFY2(path.startsWith(temp), qPrintable(path));
    QCOMPARE(sandbox.cacheDirectory(), sandbox.homeDirectory() + QStringLiteral("/.cache"));
    QVERIFY(sandbox.workingDirectory() != sandbox.homeDirectory());
}

void TestPipSandbox::policyBecomesPipsOwnSwitches()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    const QMap<QString, QString> site{{QStringLiteral("PIP_INDEX_URL"), QStringLiteral("https://index.example/simple")}};
    const PipSandbox plain(paths, kId, site, false, false);
    QCOMPARE(plain.variables(), site);
    const PipSandbox strict(paths, kId, site, true, true);
    QCOMPARE(strict.variables().value(QStringLiteral("PIP_REQUIRE_HASHES")), QStringLiteral("1"));
    QCOMPARE(strict.variables().value(QStringLiteral("PIP_ONLY_BINARY")), QStringLiteral(":all:"));
    QCOMPARE(strict.variables().value(QStringLiteral("PIP_INDEX_URL")), QStringLiteral("https://index.example/simple"));
}

void TestPipSandbox::environmentHasAPrivateHome()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    // The site's HOME does not win: pip must not read a user's pip.conf.
    const PipSandbox sandbox(paths, kId, {{QStringLiteral("HOME"), QStringLiteral("/root")}, {QStringLiteral("PIP_X"), QStringLiteral("y")}},
                             false, false);
    const QProcessEnvironment env = sandbox.environment();
    QCOMPARE(env.value(QStringLiteral("HOME")), sandbox.homeDirectory());
    QCOMPARE(env.value(QStringLiteral("XDG_CONFIG_HOME")), sandbox.homeDirectory() + QStringLiteral("/.config"));
    QCOMPARE(env.value(QStringLiteral("PIP_X")), QStringLiteral("y"));
    // The service's own environment is under it.
    QCOMPARE(env.value(QStringLiteral("PATH")), QProcessEnvironment::systemEnvironment().value(QStringLiteral("PATH")));
}

void TestPipSandbox::prepareMakesEmptyFolders()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    QVERIFY(QDir().mkpath(paths.tempDir(kId)));
    const PipSandbox sandbox(paths, kId, {}, false, false);
    oa::RunAsGrants grants(paths, kId, std::nullopt);
    QVERIFY(sandbox.prepare(grants));
    QVERIFY(QFileInfo(sandbox.workingDirectory()).isDir());
    QVERIFY(QFileInfo(sandbox.cacheDirectory()).isDir());
    QCOMPARE(QDir(sandbox.workingDirectory()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
    QCOMPARE(QDir(sandbox.homeDirectory()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{QStringLiteral(".cache")});
    QVERIFY(sandbox.prepareReportDirectory(grants));
    QVERIFY(QFileInfo(sandbox.reportDirectory()).isDir());

    // A link planted where the working folder goes is not followed out of the agent folder.
    oatest::Agent other;
    const AgentPaths otherPaths(other.base());
    QVERIFY(QDir().mkpath(otherPaths.tempDir(kId)));
    QTemporaryDir outside;
    QVERIFY(QFile::link(outside.path(), otherPaths.tempDir(kId) + QStringLiteral("/pip")));
    const PipSandbox planted(otherPaths, kId, {}, false, false);
    QVERIFY(!planted.prepare(grants));
    QCOMPARE(QDir(outside.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());
}

void TestPipSandbox::appliesToVenvAndCache()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    const PipSandbox sandbox(paths, kId, {{QStringLiteral("PIP_X"), QStringLiteral("y")}}, true, false);
    oa::EnvironmentCache::Settings settings;
    sandbox.applyTo(settings);
    QCOMPARE(settings.pipEnvironment, sandbox.variables());
    QCOMPARE(settings.pipWorkingDirectory, sandbox.workingDirectory());
    QCOMPARE(settings.pipHome, sandbox.homeDirectory());
}

void TestPipSandbox::removeScratchLeavesTheRestOfTemp()
{
    oatest::Agent agent;
    const AgentPaths paths(agent.base());
    QVERIFY(QDir().mkpath(paths.tempDir(kId)));
    const PipSandbox sandbox(paths, kId, {}, false, false);
    oa::RunAsGrants grants(paths, kId, std::nullopt);
    QVERIFY(sandbox.prepare(grants));
    QVERIFY(QDir().mkpath(sandbox.checkedRequirementsDir()));
    for (const QString &file : {sandbox.lockRequirementsFile(), sandbox.cacheDirectory() + QStringLiteral("/wheel"),
                                paths.tempDir(kId) + QStringLiteral("/script-file")}) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    QVERIFY(sandbox.removeScratch());
    QCOMPARE(QDir(paths.tempDir(kId)).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList{QStringLiteral("script-file")});
    // Nothing left to remove is no failure.
    QVERIFY(sandbox.removeScratch());
}

QTEST_GUILESS_MAIN(TestPipSandbox)
#include "tst_pipsandbox.moc"
