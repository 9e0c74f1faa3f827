// A venv kept after its run (--keep-venv) keeps what it uses of the environment cache for as long
// as it exists (KeptVenvs, issue 22's eviction): through the real executor and the real Python.
// A kept venv composed from the store (a Pipfile.lock of local wheels) and a --no-env-cache venv
// with pip from the store both survive a prune with age 0 and a one-byte size, and a clear, and
// still import their packages (and run pip) afterwards; once the venv is removed, or replaced by
// a new folder at the same path, the next prune evicts what it used and drops its record; and a
// record planted as a link keeps nothing.
#include "StoreCacheTools.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

namespace {

QString keptDir(const Agent &agent)
{
    return agent.base() + QStringLiteral("/EnvCache/in-use/kept");
}

QStringList entryFolders(const Agent &agent)
{
    return QDir(agent.base() + QStringLiteral("/EnvCache/entries")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
}

QJsonObject pruneAll(const Agent &agent)
{
    return toolJson(agent, {QStringLiteral("--prune-env-cache"), QStringLiteral("--env-cache-max-age"), QStringLiteral("0"),
                            QStringLiteral("--env-cache-max-size"), QStringLiteral("1")});
}

// Runs `args` with the kept venv's own python; its exit code and output.
std::pair<int, QByteArray> inVenv(const Agent &agent, const QString &id, const QStringList &args)
{
    QProcess python;
    python.setProcessEnvironment(cleanEnvironment());
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(agent.base() + QStringLiteral("/venvs/") + id + QStringLiteral("/bin/python"), args);
    if (!python.waitForFinished(60000))
        return {-1, "did not finish"};
    return {python.exitStatus() == QProcess::NormalExit ? python.exitCode() : -1, python.readAll()};
}

} // namespace

class TestKeptVenvs : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void composedVenvKeepsItsEntryAndFolders();
    void venvReplacedAtTheSamePathKeepsNothing();
    void ownVenvKeepsPipFromTheStore();
    void linkedRecordKeepsNothing();

private:
    // Runs task `id` with set A (oa-kapp, oa-kdep) composed from the store; exit 0 expected.
    void runKept(const Agent &agent, const QString &id, const QStringList &extra = {QStringLiteral("--keep-venv")});

    QTemporaryDir m_dir;
    QString m_wheels;
    QByteArray m_lock;
};

void TestKeptVenvs::initTestCase()
{
    m_wheels = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(m_wheels));
    const QString app = WheelBuilder(QStringLiteral("oa_kapp"), QStringLiteral("1.0"))
                            .file("oa_kapp/__init__.py", "V = 'app'\n")
                            .metadata("Metadata-Version: 2.1\nName: oa_kapp\nVersion: 1.0\nRequires-Dist: oa_kdep\n\n")
                            .write(m_wheels);
    const QString dep = WheelBuilder(QStringLiteral("oa_kdep"), QStringLiteral("2.0")).file("oa_kdep/__init__.py", "V = 'dep'\n").write(m_wheels);
    QVERIFY(!app.isEmpty() && !dep.isEmpty());
    m_lock = lockJson({{QStringLiteral("oa-kapp"), pinned(app, QStringLiteral("1.0"))}, {QStringLiteral("oa-kdep"), pinned(dep, QStringLiteral("2.0"))}});
}

void TestKeptVenvs::runKept(const Agent &agent, const QString &id, const QStringList &extra)
{
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "import oa_kapp, oa_kdep\n"}, {QStringLiteral("Pipfile.lock"), m_lock}});
    const Run run = runExecutor(executorArgs(agent, id, extra), offlinePipEnvironment(m_wheels));
    QVERIFY2(run.exitCode == 0, run.err.right(3000).constData());
    QVERIFY2(readFile(agent.taskFile(id, QStringLiteral("executor.log"))).contains("from the store"), "the set was not composed from the store");
}

void TestKeptVenvs::composedVenvKeepsItsEntryAndFolders()
{
    Agent agent;
    runKept(agent, QStringLiteral("kept"));
    QVERIFY(QFileInfo(agent.base() + QStringLiteral("/venvs/kept")).isDir());
    const QStringList folders = storeFolders(agent); // oa-kapp's, oa-kdep's and pip's
    QCOMPARE(folders.size(), 3);
    const QStringList entries = entryFolders(agent);
    QCOMPARE(entries.size(), 1);
    // Listed in use, though no execution runs.
    for (const QJsonObject &row : storeRows(agent))
        QVERIFY2(row.value("InUse").toBool(), qPrintable(row.value("Folder").toString()));

    // Nothing the kept venv uses goes, by age, by size or by a clear; it still imports its set.
    const QJsonObject pruned = pruneAll(agent);
    QVERIFY2(pruned.value("Removed").toArray().isEmpty(), QJsonDocument(pruned).toJson().constData());
    const QJsonObject cleared = toolJson(agent, {QStringLiteral("--clear-env-cache")});
    QCOMPARE(cleared.value("KeptInUse").toArray().size(), 1);
    QCOMPARE(cleared.value("StoreKeptInUse").toArray().size(), 3);
    QCOMPARE(storeFolders(agent), folders);
    QCOMPARE(entryFolders(agent), entries);
    const auto [code, out] = inVenv(agent, QStringLiteral("kept"), {QStringLiteral("-c"), QStringLiteral("import oa_kapp, oa_kdep; print(oa_kapp.V, oa_kdep.V)")});
    QVERIFY2(code == 0 && out.trimmed() == "app dep", out.constData());
    QVERIFY2(readFile(agent.taskFile(QStringLiteral("kept"), QStringLiteral("executor.log"))).contains("for as long as it exists"),
             "the executor did not say what the kept venv keeps");

    // The venv removed: the next prune takes its entry and folders, and its record.
    QVERIFY(QDir(agent.base() + QStringLiteral("/venvs/kept")).removeRecursively());
    const QJsonObject after = pruneAll(agent);
    QCOMPARE(removedStoreFolders(after), folders);
    QVERIFY(entryFolders(agent).isEmpty());
    QVERIFY(storeFolders(agent).isEmpty());
    QVERIFY(QDir(keptDir(agent)).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System).isEmpty());
}

void TestKeptVenvs::venvReplacedAtTheSamePathKeepsNothing()
{
    // A new folder where the kept venv was (a later run of the same ID makes one) is another
    // venv: the file system may even give it the freed inode number.
    Agent agent;
    runKept(agent, QStringLiteral("again"));
    const QString venv = agent.base() + QStringLiteral("/venvs/again");
    QVERIFY(QDir(venv).removeRecursively());
    QVERIFY(QDir().mkdir(venv));
    QCOMPARE(removedStoreFolders(pruneAll(agent)).size(), 3);
    QVERIFY(storeFolders(agent).isEmpty());
    // A later run of the same ID that does not keep its venv leaves nothing kept either.
    runKept(agent, QStringLiteral("again"));
    runKept(agent, QStringLiteral("again"), {});
    QVERIFY(!QFileInfo::exists(venv));
    QCOMPARE(removedStoreFolders(pruneAll(agent)).size(), 3);
    QVERIFY(entryFolders(agent).isEmpty());
}

void TestKeptVenvs::ownVenvKeepsPipFromTheStore()
{
    // --no-env-cache: the venv's pip is the store's, named by its openautomate-store.pth.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("own"), "print(1)\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("own"),
                                             {QStringLiteral("--no-env-cache"), QStringLiteral("--keep-venv"), QStringLiteral("--python"), python()}));
    QVERIFY2(run.exitCode == 0, run.err.right(3000).constData());
    const QStringList pip = storeFolders(agent);
    QCOMPARE(pip.size(), 1);
    QVERIFY(pip.first().startsWith(QLatin1String("pip-")));
    QVERIFY2(pruneAll(agent).value("Removed").toArray().isEmpty(), "a prune removed what the kept venv uses");
    QCOMPARE(storeFolders(agent), pip);
    const auto [code, out] = inVenv(agent, QStringLiteral("own"), {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("--version")});
    QVERIFY2(code == 0 && out.contains(storeDir(agent).toUtf8() + '/' + pip.first().toUtf8()), out.constData());
    QVERIFY(QDir(agent.base() + QStringLiteral("/venvs/own")).removeRecursively());
    QCOMPARE(removedStoreFolders(pruneAll(agent)), pip);
}

void TestKeptVenvs::linkedRecordKeepsNothing()
{
    // Only the executor's own regular file is a record: a link in its place, even to a record
    // that would keep the folders, keeps nothing, and is unlinked, its target untouched.
    Agent agent;
    runKept(agent, QStringLiteral("linked"));
    const QStringList records = QDir(keptDir(agent)).entryList(QDir::Files);
    QCOMPARE(records.size(), 1);
    QTemporaryDir outside;
    const QString target = outside.path() + QStringLiteral("/record.json");
    QVERIFY(QFile::rename(keptDir(agent) + u'/' + records.first(), target));
    QVERIFY(QFile::link(target, keptDir(agent) + u'/' + records.first()));
    QCOMPARE(removedStoreFolders(pruneAll(agent)).size(), 3);
    QVERIFY(QDir(keptDir(agent)).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System).isEmpty());
    QVERIFY(QFileInfo(target).isFile());
}

QTEST_GUILESS_MAIN(TestKeptVenvs)
#include "tst_kept_venvs.moc"
