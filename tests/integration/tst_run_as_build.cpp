// pip's build code as the run-as user, through the real executor run by root: an sdist's build
// backend runs as that user, and what it plants cannot be followed by root afterwards. Split from
// tst_run_as by concern. Every test needs root (CI runs as root).
#include "RunAsFixture.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <sys/stat.h>

using namespace oatest;


class TestRunAsBuild : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void buildCodeRunsAsTheUser_data();
    void buildCodeRunsAsTheUser();
    void buildCodeCannotPlantLinksForRoot();

private:
    ThrowawayUser m_user;
};

void TestRunAsBuild::initTestCase()
{
    if (!m_user.isValid())
        OA_SKIP_OR_FAIL(m_user.why());
    if (!QFileInfo(kSystemPython).isExecutable())
        OA_SKIP_OR_FAIL(QStringLiteral("%1 is missing (scripts/test.sh installs python3-venv)").arg(kSystemPython));
}

void TestRunAsBuild::buildCodeRunsAsTheUser_data()
{
    QTest::addColumn<bool>("cached");
    QTest::addColumn<bool>("setupPy"); // a classic setup.py, or an in-tree PEP 517 backend
    QTest::newRow("setup.py, through the environment cache") << true << true;
    QTest::newRow("setup.py, in the task's own venv") << false << true;
    QTest::newRow("in-tree backend, through the environment cache") << true << false;
    QTest::newRow("in-tree backend, in the task's own venv") << false << false;
}

void TestRunAsBuild::buildCodeRunsAsTheUser()
{
    QFETCH(bool, cached);
    QFETCH(bool, setupPy);
    Agent agent;
    openToOthers(agent.base());
    const QString wheels = QFileInfo(agent.base()).path() + QStringLiteral("/wheels");
    QProcess make;
    make.start(python(), QStringList{testDataDir() + QStringLiteral("/make_sdist.py")}
                             + (setupPy ? QStringList{QStringLiteral("--setup-py")} : QStringList())
                             + QStringList{wheels, QStringLiteral("oa-builtby"), QStringLiteral("1.0")});
    QVERIFY(make.waitForFinished(60000) && make.exitCode() == 0);
    if (setupPy) {
        // pip's isolated build of a setup.py needs setuptools and wheel, offline: Debian's wheels.
        const QStringList needed = QDir(QStringLiteral("/usr/share/python-wheels"))
                                       .entryList({QStringLiteral("setuptools-*.whl"), QStringLiteral("wheel-*.whl")}, QDir::Files);
        if (needed.size() != 2)
            OA_SKIP_OR_FAIL(QStringLiteral("/usr/share/python-wheels lacks setuptools or wheel (scripts/test.sh installs "
                                           "python3-setuptools-whl and python3-wheel-whl)"));
        for (const QString &wheel : needed)
            QVERIFY(QFile::copy(QStringLiteral("/usr/share/python-wheels/") + wheel, wheels + u'/' + wheel));
    }
    openToOthers(wheels);
    // The script reports who built its package, and tries to change the built files.
    agent.makeScriptTask(QStringLiteral("sdist"),
                         "import json, os, subprocess, oa_builtby\n"
                         "seen = {'built_by': oa_builtby.BUILT_BY_UID, 'file': oa_builtby.__file__}\n"
                         "try:\n"
                         "    open(oa_builtby.__file__, 'a').write('BUILT_BY_UID = 0\\n'); seen['write'] = 'ok'\n"
                         "except OSError as e:\n"
                         "    seen['write'] = type(e).__name__\n"
                         "seen['chattr'] = subprocess.run(['chattr', '-i', oa_builtby.__file__], capture_output=True).returncode\n"
                         "json.dump(seen, open('report.json', 'w'))\n",
                         QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-builtby")}}});
    const QStringList extra = cached ? QStringList() : QStringList{QStringLiteral("--no-env-cache")};
    const Run run = runExecutor(runAsArgs(agent, QStringLiteral("sdist"), m_user.name(), extra), offlinePipEnvironment(wheels));
    QVERIFY2(run.exitCode == 0, run.err.constData() + readFile(agent.taskFile(QStringLiteral("sdist"), QStringLiteral("pip.log"))));
    const QJsonObject seen = report(agent, QStringLiteral("sdist"));
    QCOMPARE(seen.value("built_by").toInteger(), m_user.uid());
    if (cached) {
        // The published entry is the executor's, read-only and immutable: the user built it
        // but can change none of it.
        const QString file = seen.value("file").toString();
        QVERIFY2(file.startsWith(agent.base() + QStringLiteral("/EnvCache/")), qPrintable(file));
        const struct stat st = statOf(file);
        QCOMPARE(qint64(st.st_uid), qint64(0));
        QCOMPARE(st.st_mode & 0222, mode_t(0));
        QCOMPARE(seen.value("write").toString(), QStringLiteral("PermissionError"));
        QVERIFY(seen.value("chattr").toInt() != 0);
        QCOMPARE(readFile(file), QByteArray("BUILT_BY_UID = ") + QByteArray::number(m_user.uid()) + '\n');
    }
}

namespace {

// Python lines of a build backend that set `record` to the RECORD rows of `files` (path: bytes):
// the store checks every file of a wheel against them, as the wheel spec asks.
const QByteArray kRecordLines = "    import base64, hashlib\n"
                                "    record = ''.join(p + ',sha256=' + base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()\n"
                                "                     + ',' + str(len(d)) + '\\n' for p, d in files.items())\n";

// An sdist whose in-tree build backend runs `plant` (Python, as the build user, with `build`
// the folder pip installs into) before it builds its wheel.
QString makeHostileSdist(const QString &dir, const QByteArray &plant)
{
    const QString src = dir + QStringLiteral("/src/oa_evil-1.0");
    QDir().mkpath(src);
    const auto write = [](const QString &path, const QByteArray &data) {
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(data);
    };
    write(src + QStringLiteral("/pyproject.toml"), "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n");
    write(src + QStringLiteral("/PKG-INFO"), "Metadata-Version: 2.1\nName: oa-evil\nVersion: 1.0\n");
    write(src + QStringLiteral("/backend.py"),
          "import os, zipfile\n"
          "def get_requires_for_build_wheel(config_settings=None): return []\n"
          "def build_wheel(wd, config_settings=None, metadata_directory=None):\n"
          "    build = os.path.join(os.path.dirname(os.environ['TMPDIR']), 'build')\n"
          + plant +
          "    n = 'oa_evil-1.0-py3-none-any.whl'\n"
          "    files = {'oa_evil/__init__.py': b'',\n"
          "             'oa_evil-1.0.dist-info/METADATA': b'Metadata-Version: 2.1\\nName: oa-evil\\nVersion: 1.0\\n',\n"
          "             'oa_evil-1.0.dist-info/WHEEL': b'Wheel-Version: 1.0\\nGenerator: x\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}\n"
          + kRecordLines +
          "    with zipfile.ZipFile(os.path.join(wd, n), 'w') as z:\n"
          "        for p, d in files.items(): z.writestr(p, d)\n"
          "        z.writestr('oa_evil-1.0.dist-info/RECORD', record + 'oa_evil-1.0.dist-info/RECORD,,\\n')\n"
          "    return n\n");
    const QString wheels = dir + QStringLiteral("/wheels");
    QDir().mkpath(wheels);
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-C"), dir + QStringLiteral("/src"), QStringLiteral("-czf"),
                                      wheels + QStringLiteral("/oa_evil-1.0.tar.gz"), QStringLiteral("oa_evil-1.0")});
    tar.waitForFinished(30000);
    openToOthers(wheels);
    return wheels;
}

} // namespace

void TestRunAsBuild::buildCodeCannotPlantLinksForRoot()
{
    // Build code, as the user, leaves links in the folder pip installs into: a __pycache__
    // towards a root-only folder (root's compileall would write there) and a RECORD towards a
    // root file (unpacking pip would overwrite it). Through pip's install (PIP_NO_BINARY keeps
    // the store out), the copy refuses them and nothing is published; through the store (pip
    // only builds the sdist's wheel), the folder is removed without a link being followed.
    QTemporaryDir victim;
    const QString precious = victim.path() + QStringLiteral("/precious");
    QFile file(precious);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("root data\n");
    file.close();
    Agent agent;
    openToOthers(agent.base());
    const QString wheels = makeHostileSdist(QFileInfo(agent.base()).path(),
                                            "    open(build + '/m.py', 'w').write('X = 1\\n')\n"
                                            "    os.symlink('" + QFile::encodeName(victim.path()) + "', build + '/__pycache__')\n"
                                            "    os.makedirs(build + '/pip-23.0.1.dist-info')\n"
                                            "    os.symlink('" + QFile::encodeName(precious) + "', build + '/pip-23.0.1.dist-info/RECORD')\n");
    agent.makeScriptTask(QStringLiteral("evil"), "print('ran')\n", QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-evil==1.0")}}});
    QProcessEnvironment env = offlinePipEnvironment(wheels);
    env.insert(QStringLiteral("PIP_NO_BINARY"), QStringLiteral(":none:"));
    const Run run = runExecutor(runAsArgs(agent, QStringLiteral("evil"), m_user.name()), env);
    QCOMPARE(run.exitCode, 6);
    QVERIFY2(run.err.contains("which is a symbolic link"), run.err.constData());
    QCOMPARE(readFile(precious), QByteArray("root data\n"));
    QCOMPARE(QDir(victim.path()).entryList(QDir::Files), QStringList{QStringLiteral("precious")});
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    agent.makeScriptTask(QStringLiteral("stored"), "print('ran')\n", QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-evil==1.0")}}});
    const Run stored = runExecutor(runAsArgs(agent, QStringLiteral("stored"), m_user.name()), offlinePipEnvironment(wheels));
    QVERIFY2(stored.exitCode == 0, stored.err.constData());
    QCOMPARE(readFile(precious), QByteArray("root data\n"));
    QCOMPARE(QDir(victim.path()).entryList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot), QStringList{QStringLiteral("precious")});
}

QTEST_GUILESS_MAIN(TestRunAsBuild)
#include "tst_run_as_build.moc"
