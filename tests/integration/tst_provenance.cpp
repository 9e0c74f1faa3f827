// Provenance: which files each run installed, and from where, from pip's installation report.
// Through the real executor and a real pip, offline, with wheels built here: result.json's
// sha256 is the one sha256sum gives for the wheel file, its source the find-links folder, with
// and without the environment cache; a reused entry says the same; --env-cache --json shows it;
// --which-runs finds exactly the runs that installed a version, past hostile result.json files.
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace oatest;

namespace {

// The real tool, not a re-implementation of it: the record must agree with what an auditor runs.
QString sha256sum(const QString &file)
{
    QProcess tool;
    tool.start(QStringLiteral("sha256sum"), {file});
    if (!tool.waitForFinished(30000) || tool.exitCode() != 0)
        return {};
    return QString::fromLatin1(tool.readAllStandardOutput()).section(u' ', 0, 0);
}

QJsonObject demoTask(const QString &id, const QString &version)
{
    return {{QStringLiteral("ExecutionId"), id},
            {QStringLiteral("ScriptPath"), QStringLiteral("main.py")},
            {QStringLiteral("Requirements"), version.isEmpty() ? QJsonArray{} : QJsonArray{QStringLiteral("oa-demo==") + version}}};
}

// The script lists its TMPDIR (Temp/<id>): pip's report must be gone before the script runs.
const QByteArray kScript = "import os\nprint(sorted(os.listdir(os.environ['TMPDIR'])))\n";

} // namespace

class TestProvenance : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void recordsTheWheelFile_data();
    void recordsTheWheelFile();
    void runAsUserWritesTheReport_data();
    void runAsUserWritesTheReport();
    void reusedEntryReportsTheSame();
    void whichRuns();
    void buildCodeThatOutlivesPipVoidsTheReport_data();
    void buildCodeThatOutlivesPipVoidsTheReport();

private:
    // Runs task `id` with oa-demo at `version` (none: no packages); its result.json.
    QJsonObject run(const Agent &agent, const QString &id, const QString &version, const QStringList &extra = {});
    // Checks result.json's Provenance of oa-demo 1.0 from `wheels`.
    static void checkDemo10(const QJsonObject &result, const QString &wheels);
    QTemporaryDir m_dir;
    ThrowawayUser m_user;
    QString m_wheels;
    QString m_demo10;
    QString m_demo11;
};

void TestProvenance::initTestCase()
{
    Agent::seedStoredPip(true); // how pip gets into the store is not what this tests (tst_stored_pip)
    m_wheels = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/wheels");
    m_demo10 = buildWheel(m_wheels, QStringLiteral("oa-demo"), QStringLiteral("1.0"), {QStringLiteral("oa-dep")});
    m_demo11 = buildWheel(m_wheels, QStringLiteral("oa-demo"), QStringLiteral("1.1"));
    QVERIFY(!buildWheel(m_wheels, QStringLiteral("oa-dep"), QStringLiteral("2.0")).isEmpty());
    QVERIFY(!m_demo10.isEmpty() && !m_demo11.isEmpty());
}

QJsonObject TestProvenance::run(const Agent &agent, const QString &id, const QString &version, const QStringList &extra)
{
    agent.makeTask(id, demoTask(id, version), {{QStringLiteral("main.py"), kScript}});
    const Run r = runExecutor(executorArgs(agent, id, extra), offlinePipEnvironment(m_wheels));
    if (r.exitCode != 0)
        qWarning() << "executor failed:" << r.exitCode << r.err;
    return readJson(agent.taskFile(id, QStringLiteral("result.json")));
}

void TestProvenance::recordsTheWheelFile_data()
{
    addCacheRows();
}

void TestProvenance::recordsTheWheelFile()
{
    QFETCH(bool, cache);
    Agent agent;
    const QJsonObject result = run(agent, QStringLiteral("one"), QStringLiteral("1.0"), cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")});
    checkDemo10(result, m_wheels);
    if (QTest::currentTestFailed())
        return;
    // PipFreeze stays as it was.
    QVERIFY(result.value(QStringLiteral("PipFreeze")).toArray().contains(QStringLiteral("oa-demo==1.0")));
    // The report was pip's and the executor's, never the script's: nothing of it is left behind.
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("one"), QStringLiteral("output.log"))), QByteArray("[]\n"));
    if (cache) {
        QDir entries(agent.base() + QStringLiteral("/EnvCache/entries"));
        const QStringList names = entries.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(names.size(), 1);
        QVERIFY(!QFileInfo::exists(entries.filePath(names.first() + QStringLiteral("/tmp"))));
    }
}

void TestProvenance::checkDemo10(const QJsonObject &result, const QString &wheels)
{
    QCOMPARE(result.value(QStringLiteral("Outcome")).toString(), QStringLiteral("Succeeded"));
    QVERIFY2(!result.contains(QStringLiteral("ProvenanceUnavailable")), qPrintable(result.value(QStringLiteral("ProvenanceUnavailable")).toString()));
    const QJsonArray provenance = result.value(QStringLiteral("Provenance")).toArray();
    QCOMPARE(provenance.size(), 2); // oa-demo and the dependency it pulled in
    for (const QJsonValue &v : provenance) {
        const QJsonObject d = v.toObject();
        const bool isDemo = d.value(QStringLiteral("Name")).toString() == QLatin1String("oa-demo");
        const QString wheel = wheels + (isDemo ? QStringLiteral("/oa_demo-1.0-py3-none-any.whl") : QStringLiteral("/oa_dep-2.0-py3-none-any.whl"));
        QCOMPARE(d.value(QStringLiteral("Version")).toString(), isDemo ? QStringLiteral("1.0") : QStringLiteral("2.0"));
        QCOMPARE(d.value(QStringLiteral("File")).toString(), QFileInfo(wheel).fileName());
        const QString expected = sha256sum(wheel);
        QCOMPARE(expected.size(), 64);
        QCOMPARE(d.value(QStringLiteral("Sha256")).toString(), expected);
        QCOMPARE(d.value(QStringLiteral("Source")).toString(), wheels);
        QCOMPARE(d.value(QStringLiteral("Requested")).toBool(), isDemo);
        QCOMPARE(d.value(QStringLiteral("Direct")).toBool(), false);
    }
}

void TestProvenance::runAsUserWritesTheReport_data()
{
    addCacheRows();
}

// pip runs as the run-as user and writes the report into a folder of that user's; the
// executor (root) reads it through the gatekeeper all the same.
void TestProvenance::runAsUserWritesTheReport()
{
    QFETCH(bool, cache);
    if (!m_user.isValid())
        OA_SKIP_OR_FAIL(m_user.why());
    // A system interpreter: pyenv's lives under /root, which the run-as user cannot enter.
    const QString systemPython = QStringLiteral("/usr/bin/python3");
    if (!QFileInfo(systemPython).isExecutable())
        OA_SKIP_OR_FAIL(QStringLiteral("%1 is missing (scripts/test.sh installs python3-venv)").arg(systemPython));
    Agent agent;
    openToOthers(agent.base());
    const QString wheels = QFileInfo(agent.base()).path() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(wheels));
    for (const QString &wheel : {m_demo10, m_wheels + QStringLiteral("/oa_dep-2.0-py3-none-any.whl")})
        QVERIFY(QFile::copy(wheel, wheels + u'/' + QFileInfo(wheel).fileName()));
    openToOthers(wheels);
    const QString id = QStringLiteral("as-user");
    agent.makeTask(id, demoTask(id, QStringLiteral("1.0")), {{QStringLiteral("main.py"), kScript}});
    const Run r = runExecutor(executorArgs(agent, id, QStringList{QStringLiteral("--python"), systemPython, QStringLiteral("--run-as"), m_user.name()}
                                                          + (cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")})),
                              offlinePipEnvironment(wheels));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    checkDemo10(readJson(agent.taskFile(id, QStringLiteral("result.json"))), wheels);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("[]\n"));
}

void TestProvenance::reusedEntryReportsTheSame()
{
    Agent agent;
    const QJsonObject built = run(agent, QStringLiteral("first"), QStringLiteral("1.0"));
    const QJsonObject reused = run(agent, QStringLiteral("second"), QStringLiteral("1.0"));
    QCOMPARE(built.value(QStringLiteral("EnvironmentCache")).toObject().value(QStringLiteral("Reused")).toBool(), false);
    QCOMPARE(reused.value(QStringLiteral("EnvironmentCache")).toObject().value(QStringLiteral("Reused")).toBool(), true);
    QVERIFY(!built.value(QStringLiteral("Provenance")).toArray().isEmpty());
    QCOMPARE(reused.value(QStringLiteral("Provenance")), built.value(QStringLiteral("Provenance")));

    const Run listed = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--env-cache"), QStringLiteral("--json")},
                                   offlinePipEnvironment(m_wheels));
    QCOMPARE(listed.exitCode, 0);
    const QJsonArray entries = QJsonDocument::fromJson(listed.out).object().value(QStringLiteral("Entries")).toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().toObject().value(QStringLiteral("Provenance")), built.value(QStringLiteral("Provenance")));
}

void TestProvenance::whichRuns()
{
    Agent agent;
    QCOMPARE(run(agent, QStringLiteral("a-10"), QStringLiteral("1.0")).value(QStringLiteral("Outcome")).toString(), QStringLiteral("Succeeded"));
    QCOMPARE(run(agent, QStringLiteral("b-11"), QStringLiteral("1.1")).value(QStringLiteral("Outcome")).toString(), QStringLiteral("Succeeded"));
    QCOMPARE(run(agent, QStringLiteral("c-none"), QString()).value(QStringLiteral("Outcome")).toString(), QStringLiteral("Succeeded"));
    QCOMPARE(run(agent, QStringLiteral("d-10"), QStringLiteral("1.0"), {QStringLiteral("--no-env-cache")}).value(QStringLiteral("Outcome")).toString(),
             QStringLiteral("Succeeded"));
    // Hostile result files: a link to /etc/passwd and a FIFO. Neither blocks nor appears.
    QVERIFY(QDir().mkpath(agent.taskDir(QStringLiteral("x-link"))));
    QVERIFY(QFile::link(QStringLiteral("/etc/passwd"), agent.taskFile(QStringLiteral("x-link"), QStringLiteral("result.json"))));
    QVERIFY(QDir().mkpath(agent.taskDir(QStringLiteral("y-fifo"))));
    QCOMPARE(::mkfifo(QFile::encodeName(agent.taskFile(QStringLiteral("y-fifo"), QStringLiteral("result.json"))).constData(), 0600), 0);

    const auto which = [&](const QStringList &arguments) {
        return runExecutor(QStringList{QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--which-runs")} + arguments,
                           offlinePipEnvironment(m_wheels), 30000);
    };
    const Run text = which({QStringLiteral("oa-demo==1.0")});
    QCOMPARE(text.exitCode, 0);
    const QString table = QString::fromUtf8(text.out);
    QVERIFY2(table.contains(QLatin1String("a-10")) && table.contains(QLatin1String("d-10")), text.out.constData());
    QVERIFY2(!table.contains(QLatin1String("b-11")) && !table.contains(QLatin1String("c-none")), text.out.constData());
    QVERIFY2(table.contains(sha256sum(m_demo10)) && table.contains(m_wheels), text.out.constData());
    QVERIFY(!table.contains(QLatin1String("x-link")) && !table.contains(QLatin1String("y-fifo")));
    // Each hostile file is named on stderr, with why it was skipped.
    QVERIFY2(text.err.contains("x-link/result.json: skipped") && text.err.contains("y-fifo/result.json: skipped"), text.err.constData());

    // PEP 503 names, any version, as JSON.
    const Run json = which({QStringLiteral("OA_Demo"), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject answer = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(answer.value(QStringLiteral("Package")).toString(), QStringLiteral("oa-demo"));
    QStringList ids;
    for (const QJsonValue &v : answer.value(QStringLiteral("Runs")).toArray()) {
        const QJsonObject row = v.toObject();
        ids.append(row.value(QStringLiteral("ExecutionId")).toString());
        QCOMPARE(row.value(QStringLiteral("Outcome")).toString(), QStringLiteral("Succeeded"));
        QVERIFY(!row.value(QStringLiteral("FinishedAt")).toString().isEmpty());
        const bool is10 = row.value(QStringLiteral("Version")).toString() == QLatin1String("1.0");
        QCOMPARE(row.value(QStringLiteral("Sha256")).toString(), sha256sum(is10 ? m_demo10 : m_demo11));
        QCOMPARE(row.value(QStringLiteral("File")).toString(), QFileInfo(is10 ? m_demo10 : m_demo11).fileName());
        QCOMPARE(row.value(QStringLiteral("Source")).toString(), m_wheels);
    }
    ids.sort();
    QCOMPARE(ids, (QStringList{QStringLiteral("a-10"), QStringLiteral("b-11"), QStringLiteral("d-10")}));
    QCOMPARE(answer.value(QStringLiteral("Notes")).toArray().size(), 2);

    const Run none = which({QStringLiteral("oa-demo==9.9")});
    QCOMPARE(none.exitCode, 0);
    QVERIFY2(none.out.contains("no execution installed oa-demo==9.9"), none.out.constData());
    const Run noneJson = which({QStringLiteral("oa-absent"), QStringLiteral("--json")});
    QCOMPARE(noneJson.exitCode, 0);
    QVERIFY(QJsonDocument::fromJson(noneJson.out).object().value(QStringLiteral("Runs")).toArray().isEmpty());

    for (const QString &bad : {QStringLiteral("oa-demo>=1.0"), QStringLiteral("oa/demo"), QStringLiteral("oa demo"), QStringLiteral("oa-demo==")}) {
        const Run refused = which({bad});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("is not PACKAGE or PACKAGE==VERSION"), refused.err.constData());
    }
}

void TestProvenance::buildCodeThatOutlivesPipVoidsTheReport_data()
{
    addCacheRows();
}

// Build code that leaves a process behind (out of pip's session, deaf to SIGTERM) could rewrite
// pip's report after pip exits and before it is read: such a report is not believed. The same
// sdist without the process behind is recorded, so the test can tell the two apart.
void TestProvenance::buildCodeThatOutlivesPipVoidsTheReport()
{
    QFETCH(bool, cache);
    QTemporaryDir sdists;
    for (const auto &[name, outlive] : {std::pair{"oa-late", "5"}, std::pair{"oa-early", "0"}}) {
        QProcess make;
        make.start(python(), {testDataDir() + QStringLiteral("/make_sdist.py"), QStringLiteral("--outlive"), QString::fromLatin1(outlive),
                              sdists.path(), QString::fromLatin1(name), QStringLiteral("1.0")});
        QVERIFY(make.waitForFinished(30000) && make.exitCode() == 0);
    }
    Agent agent;
    const QStringList extra = cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")};
    for (const char *name : {"oa-late", "oa-early"}) {
        const QString id = QString::fromLatin1(name);
        agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")},
                            {QStringLiteral("Requirements"), QJsonArray{id}}},
                       {{QStringLiteral("main.py"), "print('ok')\n"}});
        const Run r = runExecutor(executorArgs(agent, id, extra), offlinePipEnvironment(sdists.path()));
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
    const QJsonObject late = readJson(agent.taskFile(QStringLiteral("oa-late"), QStringLiteral("result.json")));
    QVERIFY2(late.value(QStringLiteral("ProvenanceUnavailable")).toString().contains(QStringLiteral("still running when pip exited")),
             QJsonDocument(late).toJson().constData());
    QVERIFY(late.value(QStringLiteral("Provenance")).toArray().isEmpty());
    const QJsonObject early = readJson(agent.taskFile(QStringLiteral("oa-early"), QStringLiteral("result.json")));
    QVERIFY2(early.value(QStringLiteral("ProvenanceUnavailable")).toString().isEmpty(), QJsonDocument(early).toJson().constData());
    QCOMPARE(early.value(QStringLiteral("Provenance")).toArray().first().toObject().value(QStringLiteral("Name")).toString(),
             QStringLiteral("oa-early"));
}

QTEST_GUILESS_MAIN(TestProvenance)
#include "tst_provenance.moc"
