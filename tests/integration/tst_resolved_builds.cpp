// Sets that are not hash-pinned built from the store of distributions (issue 22, "Resolve only
// when needed"): through the real executor and the real Python, with wheels built here and no
// network. pip only resolves (pip install --dry-run --report: pip.log says "Would install" and
// never "Successfully installed", which every pip install that installs prints), the store
// installs what it chose; two overlapping sets share their common store folder; a set that
// resolves to an sdist the store does not build (a .tar.bz2; the others: tst_sdist_store) falls
// back to pip install and executor.log says why; a wheel folder
// whose file changes between pip's resolution and the store is exit 6 naming the file, with
// nothing stored. Provenance and PipFreeze are those pip's install records for the same set.
#include "RunAsFixture.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"
#include "WheelBuilder.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
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

// The sets' store folders: the executor's pip, which every entry names (tst_stored_pip), left out.
QStringList storeFolders(const Agent &agent)
{
    const QStringList all = QDir(agent.base() + QStringLiteral("/EnvCache/store")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    return all.filter(QRegularExpression(QStringLiteral("^(?!pip-)")));
}

QStringList entryStoreFolders(const Agent &agent, const QString &id)
{
    const QJsonObject cache = readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("EnvironmentCache")).toObject();
    const QJsonObject entry = readJson(agent.base() + QStringLiteral("/EnvCache/entries/") + cache.value(QStringLiteral("Entry")).toString()
                                       + QStringLiteral("/entry.json"));
    const QStringList named = entry.value(QStringLiteral("StoreFolders")).toVariant().toStringList();
    // Every entry names the executor's pip last, and only then; the set's folders are the others.
    if (named.filter(QRegularExpression(QStringLiteral("^pip-"))) != QStringList{named.value(named.size() - 1)}) {
        qWarning("the entry does not name the stored pip last: %s", qPrintable(named.join(u' ')));
        return {QStringLiteral("(no stored pip)")};
    }
    return named.mid(0, named.size() - 1);
}

// The lines of executor.log about pip: what a failure shows.
QByteArray pipLines(const QByteArray &log)
{
    QByteArrayList lines;
    for (const QByteArray &line : log.split('\n'))
        if (line.contains("NotFromStore\":"))
            lines.append(line);
    return lines.join(" | ");
}

} // namespace

class TestResolvedBuilds : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void plainRequirementsNeedOnlyAResolver();
    void overlappingSetsShareStoreFolders();
    void sdistFallsBackToPipInstall();
    void indexWheelsAreDownloadedAndChecked();
    void runAsUserResolvesAndDownloads();
    void wheelChangedAfterResolutionIsRefused();

private:
    // Runs task `id` with `requirements` in execution.json and `script`, wheels from `wheels`.
    Run run(const Agent &agent, const QString &id, const QStringList &requirements, const QByteArray &script, const QString &wheels,
            const QMap<QString, QString> &variables = {}, const QStringList &extra = {});
    // Serves oa_rapp and oa_rdep from `dir` on loopback, each link with its #sha256= as an
    // index gives it; the URL, empty on failure.
    QString serveIndex(QProcess &server, const QString &dir);
    QTemporaryDir m_dir;
    QString m_wheels;
};

void TestResolvedBuilds::initTestCase()
{
    m_wheels = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(m_wheels));
    QVERIFY(!WheelBuilder(QStringLiteral("oa_rapp"), QStringLiteral("1.0"))
                 .file("oa_rapp/__init__.py", "V = 'app'\n")
                 .metadata("Metadata-Version: 2.1\nName: oa_rapp\nVersion: 1.0\nRequires-Dist: oa_rdep (>=2)\n\n")
                 .write(m_wheels)
                 .isEmpty());
    QVERIFY(!WheelBuilder(QStringLiteral("oa_rdep"), QStringLiteral("2.0")).file("oa_rdep/__init__.py", "V = 'dep'\n").write(m_wheels).isEmpty());
    QVERIFY(!WheelBuilder(QStringLiteral("oa_rother"), QStringLiteral("3.0"))
                 .file("oa_rother/__init__.py", "V = 'other'\n")
                 .metadata("Metadata-Version: 2.1\nName: oa_rother\nVersion: 3.0\nRequires-Dist: oa_rdep\n\n")
                 .write(m_wheels)
                 .isEmpty());
}

Run TestResolvedBuilds::run(const Agent &agent, const QString &id, const QStringList &requirements, const QByteArray &script,
                            const QString &wheels, const QMap<QString, QString> &variables, const QStringList &extra)
{
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")},
                        {QStringLiteral("Requirements"), QJsonArray::fromStringList(requirements)}},
                   {{QStringLiteral("main.py"), script}});
    QProcessEnvironment env = offlinePipEnvironment(wheels);
    for (auto it = variables.cbegin(); it != variables.cend(); ++it)
        env.insert(it.key(), it.value());
    return runExecutor(executorArgs(agent, id, extra), env);
}

void TestResolvedBuilds::plainRequirementsNeedOnlyAResolver()
{
    const QByteArray script = "import importlib.metadata as m, oa_rapp, oa_rdep\nprint(m.version('oa_rapp'), m.version('oa_rdep'), oa_rapp.V, oa_rdep.V)\n";
    Agent stored;
    const Run r = run(stored, QStringLiteral("plain"), {QStringLiteral("oa-rapp")}, script, m_wheels);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(stored.taskFile(QStringLiteral("plain"), QStringLiteral("output.log"))), QByteArray("1.0 2.0 app dep\n"));
    const QByteArray pipLog = readFile(stored.taskFile(QStringLiteral("plain"), QStringLiteral("pip.log")));
    QVERIFY2(pipLog.contains("Would install oa-rapp-1.0 oa-rdep-2.0") || pipLog.contains("Would install oa_rapp-1.0 oa_rdep-2.0"), pipLog.constData());
    QVERIFY2(!pipLog.contains("Successfully installed"), pipLog.constData());
    const QByteArray log = readFile(stored.taskFile(QStringLiteral("plain"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("pip resolves the set") && log.contains("built now, from the store") && !log.contains("pip builds it"), log.constData());
    QCOMPARE(entryStoreFolders(stored, QStringLiteral("plain")).size(), 2);
    QCOMPARE(storeFolders(stored).size(), 2);

    // pip's install of the same set (PIP_NO_BINARY=:none: changes nothing it installs, but
    // keeps the store out) records the same Provenance and PipFreeze.
    Agent pip;
    const Run p = run(pip, QStringLiteral("plain"), {QStringLiteral("oa-rapp")}, script, m_wheels, {{QStringLiteral("PIP_NO_BINARY"), QStringLiteral(":none:")}});
    QVERIFY2(p.exitCode == 0, p.err.constData());
    QVERIFY(readFile(pip.taskFile(QStringLiteral("plain"), QStringLiteral("pip.log"))).contains("Successfully installed"));
    QVERIFY(storeFolders(pip).isEmpty());
    const QJsonObject fromStore = readJson(stored.taskFile(QStringLiteral("plain"), QStringLiteral("result.json")));
    const QJsonObject fromPip = readJson(pip.taskFile(QStringLiteral("plain"), QStringLiteral("result.json")));
    QVERIFY(!fromStore.contains(QStringLiteral("ProvenanceUnavailable")));
    QCOMPARE(fromStore.value(QStringLiteral("Provenance")).toArray().size(), 2);
    QCOMPARE(fromStore.value(QStringLiteral("Provenance")).toArray(), fromPip.value(QStringLiteral("Provenance")).toArray());
    QCOMPARE(fromStore.value(QStringLiteral("PipFreeze")).toArray(), fromPip.value(QStringLiteral("PipFreeze")).toArray());
}

void TestResolvedBuilds::overlappingSetsShareStoreFolders()
{
    // oa-rdep is in both sets: one store folder, the same files for both runs.
    const QByteArray script = "import os, oa_rdep\nst = os.stat(oa_rdep.__file__)\nprint(oa_rdep.__file__, st.st_dev, st.st_ino)\n";
    Agent agent;
    const Run a = run(agent, QStringLiteral("a"), {QStringLiteral("oa-rapp")}, script, m_wheels);
    QVERIFY2(a.exitCode == 0, a.err.constData());
    const Run b = run(agent, QStringLiteral("b"), {QStringLiteral("oa-rother")}, script, m_wheels);
    QVERIFY2(b.exitCode == 0, b.err.constData());
    const QByteArray first = readFile(agent.taskFile(QStringLiteral("a"), QStringLiteral("output.log")));
    QVERIFY2(first.contains("/EnvCache/store/oa-rdep-2.0-"), first.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("b"), QStringLiteral("output.log"))), first);
    const QStringList inA = entryStoreFolders(agent, QStringLiteral("a"));
    const QStringList inB = entryStoreFolders(agent, QStringLiteral("b"));
    QCOMPARE(inA.size(), 2);
    QCOMPARE(inB.size(), 2);
    QCOMPARE(inA.filter(QStringLiteral("oa-rdep-")), inB.filter(QStringLiteral("oa-rdep-")));
    QCOMPARE(storeFolders(agent).size(), 3); // app, other, and one dep
}

void TestResolvedBuilds::sdistFallsBackToPipInstall()
{
    // An sdist the store does not build (a .tar.bz2, which pip still builds; a .tar.gz or .zip
    // is built into a wheel and stored: tst_sdist_store) leaves the whole set to pip's install.
    QTemporaryDir other;
    const QString wheels = QFileInfo(other.path()).canonicalFilePath();
    QVERIFY(QFile::copy(m_wheels + QStringLiteral("/oa_rdep-2.0-py3-none-any.whl"), wheels + QStringLiteral("/oa_rdep-2.0-py3-none-any.whl")));
    QProcess make;
    make.start(python(), {testDataDir() + QStringLiteral("/make_sdist.py"), other.path(), QStringLiteral("oa-rsrc"), QStringLiteral("1.0")});
    QVERIFY(make.waitForFinished(30000) && make.exitCode() == 0);
    QProcess bz2;
    bz2.start(python(), {QStringLiteral("-c"), QStringLiteral("import bz2, gzip, sys; open(sys.argv[2], 'wb').write(bz2.compress(gzip.open(sys.argv[1]).read()))"),
                         other.path() + QStringLiteral("/oa_rsrc-1.0.tar.gz"), wheels + QStringLiteral("/oa_rsrc-1.0.tar.bz2")});
    QVERIFY(bz2.waitForFinished(30000) && bz2.exitCode() == 0);
    QVERIFY(QFile::remove(other.path() + QStringLiteral("/oa_rsrc-1.0.tar.gz")));
    Agent agent;
    const Run r = run(agent, QStringLiteral("sdist"), {QStringLiteral("oa-rsrc"), QStringLiteral("oa-rdep")},
                      "import oa_rsrc, oa_rdep\nprint(oa_rdep.V)\n", wheels);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("sdist"), QStringLiteral("output.log"))), QByteArray("dep\n"));
    const QByteArray log = readFile(agent.taskFile(QStringLiteral("sdist"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("pip builds it, not the store of distributions: {NotFromStore}")
                 && log.contains("resolves to oa_rsrc-1.0.tar.bz2, neither a wheel nor a source distribution the store builds"),
             pipLines(log).constData());
    QVERIFY(readFile(agent.taskFile(QStringLiteral("sdist"), QStringLiteral("pip.log"))).contains("Successfully installed"));
    QVERIFY(entryStoreFolders(agent, QStringLiteral("sdist")).isEmpty());
    QVERIFY(storeFolders(agent).isEmpty());
}

QString TestResolvedBuilds::serveIndex(QProcess &server, const QString &dir)
{
    QByteArray page = "<html><body>\n";
    for (const char *name : {"oa_rapp-1.0-py3-none-any.whl", "oa_rdep-2.0-py3-none-any.whl"}) {
        QFile::copy(m_wheels + u'/' + QLatin1String(name), dir + u'/' + QLatin1String(name));
        QFile wheel(dir + u'/' + QLatin1String(name));
        if (!wheel.open(QIODevice::ReadOnly))
            return {};
        page += "<a href=\"" + QByteArray(name) + "#sha256=" + QCryptographicHash::hash(wheel.readAll(), QCryptographicHash::Sha256).toHex() + "\">"
                + QByteArray(name) + "</a>\n";
    }
    QFile index(dir + QStringLiteral("/index.html"));
    if (!index.open(QIODevice::WriteOnly) || index.write(page + "</body></html>\n") <= 0)
        return {};
    index.close();
    server.start(python(), {QStringLiteral("-u"), QStringLiteral("-m"), QStringLiteral("http.server"), QStringLiteral("0"), QStringLiteral("--bind"),
                            QStringLiteral("127.0.0.1"), QStringLiteral("--directory"), dir});
    if (!server.waitForReadyRead(10000))
        return {};
    const QRegularExpressionMatch port = QRegularExpression(QStringLiteral("port ([0-9]+)")).match(QString::fromUtf8(server.readLine()));
    return port.hasMatch() ? QStringLiteral("http://127.0.0.1:%1/").arg(port.captured(1)) : QString();
}

void TestResolvedBuilds::indexWheelsAreDownloadedAndChecked()
{
    // A find-links page on loopback whose links carry #sha256= as an index's do: pip's report
    // gives each wheel's URL and sha256, pip download fetches exactly those, the store takes them.
    QTemporaryDir served;
    QProcess server;
    const QString url = serveIndex(server, served.path());
    QVERIFY(!url.isEmpty());
    Agent agent;
    const Run r = run(agent, QStringLiteral("index"), {QStringLiteral("oa-rapp")}, "import oa_rapp, oa_rdep\nprint(oa_rapp.V, oa_rdep.V)\n", url);
    server.kill();
    server.waitForFinished();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("index"), QStringLiteral("output.log"))), QByteArray("app dep\n"));
    const QByteArray log = readFile(agent.taskFile(QStringLiteral("index"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("built now, from the store") && !log.contains("pip builds it"), pipLines(log).constData());
    const QByteArray pipLog = readFile(agent.taskFile(QStringLiteral("index"), QStringLiteral("pip.log")));
    QVERIFY2(pipLog.contains("Would install") && pipLog.contains("Successfully downloaded") && !pipLog.contains("Successfully installed"), pipLog.constData());
    const QJsonArray provenance = readJson(agent.taskFile(QStringLiteral("index"), QStringLiteral("result.json"))).value(QStringLiteral("Provenance")).toArray();
    QCOMPARE(provenance.size(), 2);
    for (const QJsonValue &d : provenance) {
        QVERIFY(d.toObject().value(QStringLiteral("Url")).toString().startsWith(url));
        QCOMPARE(d.toObject().value(QStringLiteral("Source")).toString() + u'/', url);
        QCOMPARE(d.toObject().value(QStringLiteral("Sha256")).toString().size(), 64);
    }
    const QStringList folders = storeFolders(agent);
    QCOMPARE(folders.size(), 2);
    // The store records where the wheel came from, not the staging folder pip downloaded it to.
    const QJsonObject marker = readJson(agent.base() + QStringLiteral("/EnvCache/store/") + folders.first() + QStringLiteral("/stored.json"));
    QVERIFY2(QJsonDocument(marker).toJson().contains(url.toUtf8()), QJsonDocument(marker).toJson().constData());
}

void TestResolvedBuilds::runAsUserResolvesAndDownloads()
{
    // With --run-as, pip resolves and downloads as that user (a sitecustomize on PYTHONPATH
    // records each pip's uid), and the store's files are the executor's own.
    ThrowawayUser user;
    if (!user.isValid())
        OA_SKIP_OR_FAIL(user.why());
    QTemporaryDir served;
    QProcess server;
    const QString url = serveIndex(server, served.path());
    QVERIFY(!url.isEmpty());
    QTemporaryDir hook;
    openToOthers(hook.path());
    const QString seen = hook.path() + QStringLiteral("/seen");
    QFile custom(hook.path() + QStringLiteral("/sitecustomize.py"));
    QVERIFY(custom.open(QIODevice::WriteOnly));
    custom.write(QStringLiteral("import os, sys\n"
                                "for step in ('--dry-run', 'download'):\n"
                                "    if step in sys.argv:\n"
                                "        fd = os.open(%1, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)\n"
                                "        os.write(fd, f'{step} {os.getuid()}\\n'.encode())\n"
                                "        os.close(fd)\n")
                     .arg(QStringLiteral("'") + seen + u'\'')
                     .toUtf8());
    custom.close();
    QVERIFY(QFile::setPermissions(hook.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther | QFile::WriteOther
                                                   | QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
    QVERIFY(QFile::setPermissions(custom.fileName(), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther | QFile::ReadGroup));
    Agent agent;
    openToOthers(agent.base());
    agent.makeScriptTask(QStringLiteral("as-user"), "import oa_rapp, oa_rdep\nprint(oa_rapp.V, oa_rdep.V)\n",
                         {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-rapp")}}});
    QProcessEnvironment env = offlinePipEnvironment(url);
    env.insert(QStringLiteral("PYTHONPATH"), hook.path());
    const Run r = runExecutor(runAsArgs(agent, QStringLiteral("as-user"), user.name()), env);
    server.kill();
    server.waitForFinished();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("as-user"), QStringLiteral("output.log"))), QByteArray("app dep\n"));
    const QByteArray log = readFile(agent.taskFile(QStringLiteral("as-user"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("built now, from the store") && !log.contains("pip builds it"), pipLines(log).constData());
    const QByteArray uid = QByteArray::number(user.uid());
    QCOMPARE(readFile(seen), "--dry-run " + uid + "\ndownload " + uid + '\n');
    const QStringList folders = storeFolders(agent);
    QCOMPARE(folders.size(), 2);
    for (const QString &folder : folders) {
        const QString init = agent.base() + QStringLiteral("/EnvCache/store/") + folder + QStringLiteral("/lib");
        QCOMPARE(qint64(statOf(init).st_uid), qint64(::geteuid()));
    }
}

void TestResolvedBuilds::wheelChangedAfterResolutionIsRefused()
{
    // A hostile wheel folder: the file pip resolved is replaced by other bytes (the same name,
    // version and tags) the moment pip's resolver is done, before the store reads it. pip's
    // own process does it, at its exit (a sitecustomize on PYTHONPATH, which pip inherits),
    // so the change always falls between the two.
    QTemporaryDir other;
    const QString wheels = QFileInfo(other.path()).canonicalFilePath();
    for (const char *name : {"oa_rapp-1.0-py3-none-any.whl", "oa_rdep-2.0-py3-none-any.whl"})
        QVERIFY(QFile::copy(m_wheels + u'/' + QLatin1String(name), wheels + u'/' + QLatin1String(name)));
    const QString evil = WheelBuilder(QStringLiteral("oa_rdep"), QStringLiteral("2.0")).file("oa_rdep/__init__.py", "V = 'evil'\n").write(other.path(), QStringLiteral("evil.bin"));
    QVERIFY(!evil.isEmpty());
    const QString target = wheels + QStringLiteral("/oa_rdep-2.0-py3-none-any.whl");
    const QString hook = other.path() + QStringLiteral("/hook");
    QVERIFY(QDir().mkpath(hook));
    QFile custom(hook + QStringLiteral("/sitecustomize.py"));
    QVERIFY(custom.open(QIODevice::WriteOnly));
    custom.write(QStringLiteral("import atexit, shutil, sys\n"
                                "if '--dry-run' in sys.argv:\n"
                                "    atexit.register(lambda: shutil.copyfile(%1, %2))\n")
                     .arg(QStringLiteral("'") + evil + u'\'', QStringLiteral("'") + target + u'\'')
                     .toUtf8());
    custom.close();
    Agent agent;
    const Run r = run(agent, QStringLiteral("changed"), {QStringLiteral("oa-rapp")}, "print('ran')\n", wheels,
                      {{QStringLiteral("PYTHONPATH"), hook}});
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(r.err.contains(target.toUtf8()) && r.err.contains("hash mismatch") && r.err.contains("changed after pip read it"), r.err.constData());
    QVERIFY(readFile(agent.taskFile(QStringLiteral("changed"), QStringLiteral("pip.log"))).contains("Would install"));
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("changed"), QStringLiteral("output.log"))));
    QVERIFY(storeFolders(agent).isEmpty());
    QVERIFY(QDir(agent.base() + QStringLiteral("/EnvCache/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
}

QTEST_GUILESS_MAIN(TestResolvedBuilds)
#include "tst_resolved_builds.moc"
