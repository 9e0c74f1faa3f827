// An sdist in a set pip resolves is built into a wheel by pip and stored like any wheel (issue
// 22): through the real executor, the real Python and pip, offline, with sdists whose in-tree
// build backend records who ran it (tests/data/make_sdist.py). A sitecustomize on PYTHONPATH,
// which every pip process inherits, records each pip step and its uid: the resolver
// (`install --dry-run`), then `wheel`, and never a pip install that installs. A second set with
// the same sdist reuses its store folder without building it again; as a run-as user the build
// code runs as that user and the store's files are the executor's; an index's sdist is fetched
// by pip wheel itself, pinned by its sha256; an sdist changed after pip
// resolved it, a built wheel whose RECORD does not match, or a link build code leaves beside the
// wheel, is exit 6 naming the file, with nothing stored; two executions at once whose sets share a
// new sdist build it once.
#include "RunAsFixture.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"
#include "WheelBuilder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using namespace oatest;

namespace {

QStringList storeFolders(const Agent &agent, const QString &prefix)
{
    return QDir(agent.base() + QStringLiteral("/EnvCache/store")).entryList({prefix + u'*'}, QDir::Dirs | QDir::NoDotAndDotDot);
}

QString sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex());
}

// Writes `hook`/sitecustomize.py: each pip step appends "<step> <uid>" to `seen` ("install
// --dry-run", "install", "wheel", "download"); `extra` runs after, in the resolving pip.
void writeHook(const QString &hook, const QString &seen, const QByteArray &extra = {})
{
    QVERIFY(QDir().mkpath(hook));
    QFile custom(hook + QStringLiteral("/sitecustomize.py"));
    QVERIFY(custom.open(QIODevice::WriteOnly));
    custom.write("import os, sys\n"
                 "steps = [s for s in ('install', 'wheel', 'download') if s in sys.argv[1:2]]\n"
                 "if steps:\n"
                 "    step = steps[0] + (' --dry-run' if '--dry-run' in sys.argv else '')\n"
                 "    fd = os.open('" + QFile::encodeName(seen) + "', os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)\n"
                 "    os.write(fd, f'{step} {os.getuid()}\\n'.encode())\n"
                 "    os.close(fd)\n"
                 + extra);
}

// An sdist made by tests/data/make_sdist.py in `dir`; its path.
QString makeSdist(const QString &dir, const QString &name, const QStringList &options = {})
{
    QProcess make;
    make.start(python(), QStringList{testDataDir() + QStringLiteral("/make_sdist.py")} + options + QStringList{dir, name, QStringLiteral("1.0")});
    if (!make.waitForFinished(30000) || make.exitCode() != 0)
        return {};
    return QString::fromUtf8(make.readAllStandardOutput()).trimmed();
}

} // namespace

class TestSdistStore : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void sdistIsBuiltIntoAStoredWheel();
    void runAsUserBuildsTheSdist();
    void indexSdistIsFetchedByPipWheel();
    void sdistChangedAfterResolutionIsRefused();
    void builtWheelWithBadRecordIsRefused();
    void linkInTheWheelFolderIsNeverFollowed();
    void concurrentSetsBuildANewSdistOnce();

private:
    Run run(const Agent &agent, const QString &id, const QStringList &requirements, const QByteArray &script, const QString &hook);
    QTemporaryDir m_dir;
    QString m_wheels; // oa_sdep's wheel and the sdist of oa-ssrc, which requires nothing
    QString m_sdist;
};

void TestSdistStore::initTestCase()
{
    m_wheels = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(m_wheels));
    QVERIFY(!WheelBuilder(QStringLiteral("oa_sdep"), QStringLiteral("2.0")).file("oa_sdep/__init__.py", "V = 'dep'\n").write(m_wheels).isEmpty());
    m_sdist = makeSdist(m_wheels, QStringLiteral("oa-ssrc"));
    QVERIFY(!m_sdist.isEmpty());
    openToOthers(m_dir.path());
    openToOthers(m_wheels);
}

Run TestSdistStore::run(const Agent &agent, const QString &id, const QStringList &requirements, const QByteArray &script, const QString &hook)
{
    agent.makeScriptTask(id, script, {{QStringLiteral("Requirements"), QJsonArray::fromStringList(requirements)}});
    QProcessEnvironment env = offlinePipEnvironment(m_wheels);
    env.insert(QStringLiteral("PYTHONPATH"), hook);
    return runExecutor(executorArgs(agent, id), env);
}

void TestSdistStore::sdistIsBuiltIntoAStoredWheel()
{
    const QString hook = m_dir.path() + QStringLiteral("/hook-root");
    const QString seen = m_dir.path() + QStringLiteral("/seen-root");
    writeHook(hook, seen);
    const QByteArray script = "import os, oa_ssrc, oa_sdep\nst = os.stat(oa_ssrc.__file__)\n"
                              "print(oa_ssrc.BUILT_BY_UID, oa_sdep.V, oa_ssrc.__file__, st.st_dev, st.st_ino)\n";
    Agent agent;
    const Run a = run(agent, QStringLiteral("a"), {QStringLiteral("oa-ssrc"), QStringLiteral("oa-sdep")}, script, hook);
    QVERIFY2(a.exitCode == 0, a.err.constData());
    const QByteArray output = readFile(agent.taskFile(QStringLiteral("a"), QStringLiteral("output.log")));
    QVERIFY2(output.startsWith(QByteArray::number(::geteuid()) + " dep " + agent.base().toUtf8() + "/EnvCache/store/oa-ssrc-1.0-"), output.constData());
    // pip resolved, then built the sdist into a wheel; nothing was installed by pip.
    QCOMPARE(readFile(seen), "install --dry-run 0\nwheel 0\n");
    const QByteArray pipLog = readFile(agent.taskFile(QStringLiteral("a"), QStringLiteral("pip.log")));
    QVERIFY2(pipLog.contains("Successfully built oa-ssrc") && !pipLog.contains("Successfully installed"), pipLog.constData());
    const QByteArray log = readFile(agent.taskFile(QStringLiteral("a"), QStringLiteral("executor.log")));
    QVERIFY2(!log.contains("pip builds it") && log.contains("\"Built\":\"oa-ssrc 1.0\"") && log.contains("\"Reused\":\"\""),
             log.constData());
    const QStringList folders = storeFolders(agent, QStringLiteral("oa-ssrc-1.0-"));
    QCOMPARE(folders.size(), 1);
    QCOMPARE(storeFolders(agent, QStringLiteral("oa-sdep-2.0-")).size(), 1);
    // The store folder is named after the built wheel and records the sdist it came from.
    const QString sdistUrl = QUrl::fromLocalFile(m_sdist).toString(QUrl::FullyEncoded);
    const QString sdistSha = sha256Of(m_sdist);
    const QJsonObject marker = readJson(agent.base() + QStringLiteral("/EnvCache/store/") + folders.first() + QStringLiteral("/stored.json"));
    QCOMPARE(marker.value(QStringLiteral("Url")).toString(), sdistUrl + QStringLiteral("#sha256=") + sdistSha);
    QCOMPARE(folders.first(), QStringLiteral("oa-ssrc-1.0-") + marker.value(QStringLiteral("Sha256")).toString().left(16));
    QVERIFY(marker.value(QStringLiteral("Sha256")).toString() != sdistSha);
    // Provenance is pip's own account: the sdist's URL and sha256.
    bool recorded = false;
    for (const QJsonValue &d : readJson(agent.taskFile(QStringLiteral("a"), QStringLiteral("result.json"))).value(QStringLiteral("Provenance")).toArray())
        if (d.toObject().value(QStringLiteral("Name")).toString() == QLatin1String("oa-ssrc")) {
            QCOMPARE(d.toObject().value(QStringLiteral("Url")).toString(), sdistUrl);
            QCOMPARE(d.toObject().value(QStringLiteral("Sha256")).toString(), sdistSha);
            recorded = true;
        }
    QVERIFY(recorded);

    // Another set with the same sdist: pip only resolves, and the store folder is the same.
    QVERIFY(QFile::remove(seen));
    const Run b = run(agent, QStringLiteral("b"), {QStringLiteral("oa-ssrc")}, "import os, oa_ssrc\nst = os.stat(oa_ssrc.__file__)\n"
                                                                                "print(oa_ssrc.BUILT_BY_UID, 'dep', oa_ssrc.__file__, st.st_dev, st.st_ino)\n", hook);
    QVERIFY2(b.exitCode == 0, b.err.constData());
    QCOMPARE(readFile(seen), "install --dry-run 0\n");
    QVERIFY(readFile(agent.taskFile(QStringLiteral("b"), QStringLiteral("executor.log")))
                .contains("\"Reused\":\"oa-ssrc 1.0\""));
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("b"), QStringLiteral("output.log"))), output);
    QCOMPARE(storeFolders(agent, QStringLiteral("oa-ssrc-1.0-")), folders);
}

void TestSdistStore::runAsUserBuildsTheSdist()
{
    ThrowawayUser user;
    if (!user.isValid())
        OA_SKIP_OR_FAIL(user.why());
    QTemporaryDir hooks;
    openToOthers(hooks.path());
    const QString hook = hooks.path() + QStringLiteral("/hook");
    const QString seen = hooks.path() + QStringLiteral("/seen");
    writeHook(hook, seen);
    openToOthers(hook);
    QVERIFY(QFile::setPermissions(hooks.path(), QFile::permissions(hooks.path()) | QFile::WriteOther));
    Agent agent;
    openToOthers(agent.base());
    agent.makeScriptTask(QStringLiteral("as-user"), "import oa_ssrc\nprint(oa_ssrc.BUILT_BY_UID, oa_ssrc.__file__)\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-ssrc")}}});
    QProcessEnvironment env = offlinePipEnvironment(m_wheels);
    env.insert(QStringLiteral("PYTHONPATH"), hook);
    const Run r = runExecutor(runAsArgs(agent, QStringLiteral("as-user"), user.name()), env);
    QVERIFY2(r.exitCode == 0, r.err.constData() + readFile(agent.taskFile(QStringLiteral("as-user"), QStringLiteral("pip.log"))));
    const QByteArray uid = QByteArray::number(user.uid());
    QCOMPARE(readFile(seen), "install --dry-run " + uid + "\nwheel " + uid + '\n');
    const QList<QByteArray> output = readFile(agent.taskFile(QStringLiteral("as-user"), QStringLiteral("output.log"))).trimmed().split(' ');
    QCOMPARE(output.value(0), uid); // the build code ran as the user
    const QString module = QString::fromUtf8(output.value(1));
    QVERIFY2(module.startsWith(agent.base() + QStringLiteral("/EnvCache/store/oa-ssrc-1.0-")), qPrintable(module));
    const struct stat st = statOf(module);
    QCOMPARE(qint64(st.st_uid), qint64(::geteuid())); // the executor's file, which the user cannot change
    QCOMPARE(st.st_mode & 0222, mode_t(0));
}

void TestSdistStore::indexSdistIsFetchedByPipWheel()
{
    // A find-links page on loopback whose link carries #sha256= as an index's do: pip's report
    // gives the sdist's URL and sha256, and pip wheel fetches exactly that file (--require-hashes).
    QTemporaryDir served;
    QVERIFY(QFile::copy(m_sdist, served.path() + QStringLiteral("/oa_ssrc-1.0.tar.gz")));
    const QByteArray sha = sha256Of(m_sdist).toLatin1();
    writeFileBytes(served.path() + QStringLiteral("/index.html"),
                   "<html><body><a href=\"oa_ssrc-1.0.tar.gz#sha256=" + sha + "\">oa_ssrc-1.0.tar.gz</a></body></html>\n");
    QProcess server;
    server.start(python(), {QStringLiteral("-u"), QStringLiteral("-m"), QStringLiteral("http.server"), QStringLiteral("0"), QStringLiteral("--bind"),
                            QStringLiteral("127.0.0.1"), QStringLiteral("--directory"), served.path()});
    QVERIFY(server.waitForReadyRead(10000));
    const QRegularExpressionMatch port = QRegularExpression(QStringLiteral("port ([0-9]+)")).match(QString::fromUtf8(server.readLine()));
    QVERIFY(port.hasMatch());
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(port.captured(1));
    const QString hook = served.path() + QStringLiteral("/hook");
    const QString seen = served.path() + QStringLiteral("/seen");
    writeHook(hook, seen);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("index"), "import oa_ssrc\nprint(oa_ssrc.__file__)\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-ssrc")}}});
    QProcessEnvironment env = offlinePipEnvironment(url);
    env.insert(QStringLiteral("PYTHONPATH"), hook);
    const Run r = runExecutor(executorArgs(agent, QStringLiteral("index")), env);
    server.kill();
    server.waitForFinished();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(seen), "install --dry-run 0\nwheel 0\n");
    const QStringList folders = storeFolders(agent, QStringLiteral("oa-ssrc-1.0-"));
    QCOMPARE(folders.size(), 1);
    const QJsonObject marker = readJson(agent.base() + QStringLiteral("/EnvCache/store/") + folders.first() + QStringLiteral("/stored.json"));
    QCOMPARE(marker.value(QStringLiteral("Url")).toString(), url + QStringLiteral("oa_ssrc-1.0.tar.gz#sha256=") + QString::fromLatin1(sha));
    const QJsonArray provenance = readJson(agent.taskFile(QStringLiteral("index"), QStringLiteral("result.json"))).value(QStringLiteral("Provenance")).toArray();
    QCOMPARE(provenance.size(), 1);
    QVERIFY(provenance.first().toObject().value(QStringLiteral("Url")).toString().startsWith(url + QStringLiteral("oa_ssrc-1.0.tar.gz")));
    QCOMPARE(provenance.first().toObject().value(QStringLiteral("Sha256")).toString(), QString::fromLatin1(sha));
}

void TestSdistStore::sdistChangedAfterResolutionIsRefused()
{
    // A hostile wheel folder: the sdist pip resolved is replaced by another (the same name and
    // version, other build code) the moment the resolver is done, by pip's own process at its
    // exit, so that the change always falls between the resolution and the build.
    QTemporaryDir other;
    const QString wheels = QFileInfo(other.path()).canonicalFilePath();
    const QString target = makeSdist(wheels, QStringLiteral("oa-stamp"));
    const QString marker = wheels + QStringLiteral("/evil-built");
    const QString evil = makeSdist(wheels + QStringLiteral("/evil"), QStringLiteral("oa-stamp"), {QStringLiteral("--marker"), marker});
    QVERIFY(!target.isEmpty() && !evil.isEmpty());
    const QString hook = wheels + QStringLiteral("/hook");
    const QString seen = wheels + QStringLiteral("/seen");
    writeHook(hook, seen,
              "if '--dry-run' in sys.argv:\n"
              "    import atexit, shutil\n"
              "    atexit.register(lambda: shutil.copyfile('" + QFile::encodeName(evil) + "', '" + QFile::encodeName(target) + "'))\n");
    Agent agent;
    agent.makeScriptTask(QStringLiteral("changed"), "print('ran')\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-stamp")}}});
    QProcessEnvironment env = offlinePipEnvironment(wheels);
    env.insert(QStringLiteral("PYTHONPATH"), hook);
    const Run r = runExecutor(executorArgs(agent, QStringLiteral("changed")), env);
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(r.err.contains(target.toUtf8() + ": hash mismatch") && r.err.contains("changed after pip read it"), r.err.constData());
    QCOMPARE(readFile(seen), "install --dry-run 0\n"); // pip never built the changed file
    QVERIFY(!QFile::exists(marker));
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("changed"), QStringLiteral("output.log"))));
    QVERIFY(storeFolders(agent, QString()).filter(QRegularExpression(QStringLiteral("^(?!pip-)"))).isEmpty());
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

namespace {

// The sdist of `name` 1.0 (a module of the same name) in `dir`/wheels, whose in-tree backend
// runs `plant` (Python, with `wd` pip's folder for the wheel) and writes a wheel whose RECORD
// lists each file; `badHash` gives the module's row another hash. The wheel folder's path.
QString makeBackendSdist(const QString &dir, const QByteArray &name, const QByteArray &plant, bool badHash)
{
    const QByteArray root = name + "-1.0";
    const QString src = dir + QStringLiteral("/src/") + QString::fromLatin1(root);
    QDir().mkpath(src);
    writeFileBytes(src + QStringLiteral("/pyproject.toml"), "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n");
    writeFileBytes(src + QStringLiteral("/PKG-INFO"), "Metadata-Version: 2.1\nName: " + name + "\nVersion: 1.0\n");
    writeFileBytes(src + QStringLiteral("/backend.py"),
                   "import base64, hashlib, os, zipfile\n"
                   "NAME = '" + name + "'\n"
                   "def get_requires_for_build_wheel(config_settings=None): return []\n"
                   "def build_wheel(wd, config_settings=None, metadata_directory=None):\n"
                   + plant +
                   "    info = NAME + '-1.0.dist-info'\n"
                   "    files = {NAME + '/__init__.py': b'X = 1\\n',\n"
                   "             info + '/METADATA': ('Metadata-Version: 2.1\\nName: ' + NAME + '\\nVersion: 1.0\\n').encode(),\n"
                   "             info + '/WHEEL': b'Wheel-Version: 1.0\\nGenerator: x\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}\n"
                   "    bad = " + (badHash ? "True" : "False") + "\n"
                   "    digest = lambda p, d: base64.urlsafe_b64encode(hashlib.sha256(b'other' if bad and p.endswith('__init__.py') else d).digest())\n"
                   "    record = ''.join(p + ',sha256=' + digest(p, d).rstrip(b'=').decode() + ',' + str(len(d)) + '\\n' for p, d in files.items())\n"
                   "    n = NAME + '-1.0-py3-none-any.whl'\n"
                   "    with zipfile.ZipFile(os.path.join(wd, n), 'w') as z:\n"
                   "        for p, d in files.items(): z.writestr(p, d)\n"
                   "        z.writestr(info + '/RECORD', record + info + '/RECORD,,\\n')\n"
                   "    return n\n");
    const QString wheels = dir + QStringLiteral("/wheels");
    QDir().mkpath(wheels);
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-C"), dir + QStringLiteral("/src"), QStringLiteral("-czf"),
                                      wheels + u'/' + QString::fromLatin1(root) + QStringLiteral(".tar.gz"), QString::fromLatin1(root)});
    if (!tar.waitForFinished(30000) || tar.exitCode() != 0)
        return {};
    return wheels;
}

} // namespace

void TestSdistStore::builtWheelWithBadRecordIsRefused()
{
    // Build code that writes a wheel whose RECORD gives another hash for one of its files: the
    // store's installer refuses it like any wheel, naming the wheel and the file.
    QTemporaryDir other;
    const QString wheels = makeBackendSdist(other.path(), "oa_srecord", {}, true);
    QVERIFY(!wheels.isEmpty());
    Agent agent;
    agent.makeScriptTask(QStringLiteral("record"), "print('ran')\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-srecord")}}});
    const Run r = runExecutor(executorArgs(agent, QStringLiteral("record")), offlinePipEnvironment(wheels));
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(r.err.contains("oa_srecord-1.0-py3-none-any.whl") && r.err.contains("oa_srecord/__init__.py"), r.err.right(2000).constData());
    QVERIFY(storeFolders(agent, QStringLiteral("oa-srecord")).isEmpty());
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

void TestSdistStore::linkInTheWheelFolderIsNeverFollowed()
{
    // Build code that leaves, beside the wheel pip builds, a link named like another wheel of
    // the same sdist towards a wheel elsewhere (found through pip's --wheel-dir argument): the
    // link is refused by name, never opened, and nothing is stored.
    QTemporaryDir other;
    QVERIFY(QDir().mkpath(other.path() + QStringLiteral("/victim")));
    const QString victim = WheelBuilder(QStringLiteral("oa_slink"), QStringLiteral("1.0")).file("oa_slink/__init__.py", "X = 'victim'\n").write(other.path() + QStringLiteral("/victim"));
    QVERIFY(!victim.isEmpty());
    const QString wheels = makeBackendSdist(other.path(), "oa_slink",
                                            "    argv = open(f'/proc/{os.getppid()}/cmdline', 'rb').read().decode().split('\\0')\n"
                                            "    if 'wheel' in argv:\n"
                                            "        into = argv[argv.index('--wheel-dir') + 1]\n"
                                            "        os.symlink('" + QFile::encodeName(victim) + "', os.path.join(into, 'oa_slink-1.0-py2-none-any.whl'))\n",
                                            false);
    QVERIFY(!wheels.isEmpty());
    Agent agent;
    agent.makeScriptTask(QStringLiteral("link"), "print('ran')\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-slink")}}});
    const Run r = runExecutor(executorArgs(agent, QStringLiteral("link")), offlinePipEnvironment(wheels));
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(r.err.contains("/oa_slink-1.0-py2-none-any.whl (a symbolic link), which is not the wheel of one of the sdists it built"),
             r.err.right(2000).constData());
    QVERIFY(storeFolders(agent, QStringLiteral("oa-slink")).isEmpty());
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

void TestSdistStore::concurrentSetsBuildANewSdistOnce()
{
    // Two executions at once, with two sets that share a new sdist. Its build code waits until
    // both resolvers are done (each records it as it exits), so that without the sdist's lock
    // both would build it, each into a wheel of its own (different bytes, as builds are); with
    // it, one builds and the other waits and uses the first's store folder.
    QTemporaryDir other;
    const QString resolved = other.path() + QStringLiteral("/resolved");
    const QString builds = other.path() + QStringLiteral("/builds");
    const QString wheels = makeBackendSdist(other.path(), "oa_sonce",
                                            "    argv = open(f'/proc/{os.getppid()}/cmdline', 'rb').read().decode().split('\\0')\n"
                                            "    if 'wheel' in argv:\n"
                                            "        import time\n"
                                            "        for _ in range(1200):\n"
                                            "            if os.path.exists('" + QFile::encodeName(resolved) + "') and open('" + QFile::encodeName(resolved) + "').read().count('r') >= 2: break\n"
                                            "            time.sleep(0.05)\n"
                                            "        open('" + QFile::encodeName(builds) + "', 'a').write(str(time.time_ns()) + '\\n')\n",
                                            false);
    QVERIFY(!wheels.isEmpty());
    QVERIFY(QFile::copy(m_wheels + QStringLiteral("/oa_sdep-2.0-py3-none-any.whl"), wheels + QStringLiteral("/oa_sdep-2.0-py3-none-any.whl")));
    const QString hook = other.path() + QStringLiteral("/hook");
    writeHook(hook, other.path() + QStringLiteral("/seen"),
              "if '--dry-run' in sys.argv:\n"
              "    import atexit\n"
              "    atexit.register(lambda: open('" + QFile::encodeName(resolved) + "', 'a').write('r'))\n");
    Agent agent;
    QProcessEnvironment env = offlinePipEnvironment(wheels);
    env.insert(QStringLiteral("PYTHONPATH"), hook);
    const QList<std::pair<QString, QStringList>> sets{{QStringLiteral("one"), {QStringLiteral("oa-sonce")}},
                                                      {QStringLiteral("two"), {QStringLiteral("oa-sonce"), QStringLiteral("oa-sdep")}}};
    std::vector<std::unique_ptr<QProcess>> running;
    for (const auto &[id, requirements] : sets) {
        agent.makeScriptTask(id, "import oa_sonce, os\nst = os.stat(oa_sonce.__file__)\nprint(oa_sonce.__file__, st.st_ino)\n",
                             {{QStringLiteral("Requirements"), QJsonArray::fromStringList(requirements)}});
        running.push_back(std::make_unique<QProcess>());
        running.back()->setProcessEnvironment(env);
        running.back()->start(executorPath(), executorArgs(agent, id));
    }
    for (const auto &process : running) {
        QVERIFY(process->waitForFinished(240000));
        QVERIFY2(process->exitCode() == 0, process->readAllStandardError().right(2000).constData());
    }
    QCOMPARE(readFile(resolved), QByteArray("rr"));
    QCOMPARE(readFile(builds).count('\n'), 1);
    QCOMPARE(storeFolders(agent, QStringLiteral("oa-sonce-1.0-")).size(), 1);
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("one"), QStringLiteral("output.log"))),
             readFile(agent.taskFile(QStringLiteral("two"), QStringLiteral("output.log"))));
}

QTEST_GUILESS_MAIN(TestSdistStore)
#include "tst_sdist_store.moc"
