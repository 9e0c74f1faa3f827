// pip under Sandbox = bubblewrap, through the real executor binary and the real bwrap, offline:
// the build code of an sdist runs in the sandbox (no Locks/, no other task, only the sandbox's
// processes), with the venv's own pip and through the environment cache. The rest of the
// sandbox: tst_sandbox.
#include "RunAsFixture.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <memory>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

class TestSandboxPip : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void pipBuildCodeIsSandboxed_data();
    void pipBuildCodeIsSandboxed();

private:
    QString writeConfig(const QByteArray &content)
    {
        const QString path = m_dir.path() + QStringLiteral("/executor.conf");
        writeFileBytes(path, content);
        return path;
    }
    QTemporaryDir m_dir;
};

void TestSandboxPip::initTestCase()
{
    if (!QFileInfo(QStringLiteral("/usr/bin/bwrap")).isExecutable())
        OA_SKIP_OR_FAIL("/usr/bin/bwrap is not installed (Debian's bubblewrap package; scripts/lib.sh installs it)");
}

namespace {

// An sdist whose in-tree build backend (run by pip, offline) records what it could see into the
// module it builds: the agent's Locks/ and another task, and the processes in /proc.
QString makeSeeingSdist(const QString &dir, const QString &base)
{
    const QString src = dir + QStringLiteral("/src/oa_seen-1.0");
    QDir().mkpath(src);
    writeFileBytes(src + QStringLiteral("/pyproject.toml"), "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n");
    writeFileBytes(src + QStringLiteral("/PKG-INFO"), "Metadata-Version: 2.1\nName: oa-seen\nVersion: 1.0\n");
    writeFileBytes(src + QStringLiteral("/backend.py"),
                   "import base64, hashlib, os, zipfile\n"
                   "BASE = " + ('\'' + base.toUtf8() + '\'') + "\n"
                   "def get_requires_for_build_wheel(config_settings=None): return []\n"
                   "def build_wheel(wd, config_settings=None, metadata_directory=None):\n"
                   "    seen = {'locks': os.path.exists(os.path.join(BASE, 'Locks')),\n"
                   "            'other': os.path.exists(os.path.join(BASE, 'Tasks', 'other')),\n"
                   "            'processes': len([p for p in os.listdir('/proc') if p.isdigit()])}\n"
                   "    n = 'oa_seen-1.0-py3-none-any.whl'\n"
                   "    files = {'oa_seen/__init__.py': ('SEEN = %r\\n' % (seen,)).encode(),\n"
                   "             'oa_seen-1.0.dist-info/METADATA': b'Metadata-Version: 2.1\\nName: oa-seen\\nVersion: 1.0\\n',\n"
                   "             'oa_seen-1.0.dist-info/WHEEL': b'Wheel-Version: 1.0\\nGenerator: x\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}\n"
                   "    # Every file in RECORD: the store of distributions checks them all.\n"
                   "    record = ''.join(p + ',sha256=' + base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()\n"
                   "                     + ',' + str(len(d)) + '\\n' for p, d in files.items())\n"
                   "    with zipfile.ZipFile(os.path.join(wd, n), 'w') as z:\n"
                   "        for p, d in files.items(): z.writestr(p, d)\n"
                   "        z.writestr('oa_seen-1.0.dist-info/RECORD', record + 'oa_seen-1.0.dist-info/RECORD,,\\n')\n"
                   "    return n\n");
    const QString wheels = dir + QStringLiteral("/wheels");
    QDir().mkpath(wheels);
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-C"), dir + QStringLiteral("/src"), QStringLiteral("-czf"),
                                      wheels + QStringLiteral("/oa_seen-1.0.tar.gz"), QStringLiteral("oa_seen-1.0")});
    tar.waitForFinished(30000);
    return wheels;
}

} // namespace

void TestSandboxPip::pipBuildCodeIsSandboxed_data()
{
    QTest::addColumn<bool>("cache");
    QTest::addColumn<bool>("runAs");
    QTest::newRow("environment cache") << true << false;
    QTest::newRow("own venv") << false << false;
    QTest::newRow("run-as user, environment cache") << true << true;
    QTest::newRow("run-as user, own venv") << false << true;
}

void TestSandboxPip::pipBuildCodeIsSandboxed()
{
    // pip (and the build code of an sdist it runs) under the sandbox, offline from a find-links
    // folder the sandbox binds read-only: the package installs, its build saw no Locks/, no
    // other task and only the sandbox's processes; the script imports it.
    QFETCH(bool, cache);
    QFETCH(bool, runAs);
    std::unique_ptr<ThrowawayUser> user;
    if (runAs) {
        user = std::make_unique<ThrowawayUser>();
        if (!user->isValid())
            OA_SKIP_OR_FAIL(user->why());
    }
    Agent agent;
    QTemporaryDir work;
    const QString wheels = makeSeeingSdist(work.path(), agent.base());
    agent.makeScriptTask(QStringLiteral("other"), "print('other')\n");
    const QString id = QStringLiteral("pip");
    agent.makeScriptTask(id, "import json, oa_seen\njson.dump(oa_seen.SEEN, open('report.json', 'w'))\n",
                         QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-seen")}}});
    QProcessEnvironment env = offlinePipEnvironment(wheels);
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), writeConfig("Sandbox = bubblewrap\nNetwork = none\n"));
    const QStringList extra = cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")};
    if (runAs) {
        openToOthers(agent.base());
        openToOthers(wheels);
    }
    const Run run = runExecutor(runAs ? runAsArgs(agent, id, user->name(), extra) : executorArgs(agent, id, extra), env);
    QVERIFY2(run.exitCode == 0, run.err.constData() + readFile(agent.taskFile(id, QStringLiteral("pip.log"))));
    const QJsonObject seen = report(agent, id);
    QCOMPARE(seen.value("locks").toBool(true), false);
    QCOMPARE(seen.value("other").toBool(true), false);
    QVERIFY2(seen.value("processes").toInt() > 0 && seen.value("processes").toInt() <= 6, qPrintable(QString::number(seen.value("processes").toInt())));
}

QTEST_GUILESS_MAIN(TestSandboxPip)
#include "tst_sandbox_pip.moc"
