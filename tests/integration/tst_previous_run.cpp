// Tasks/<id>/previous/: the real executor, run twice (and three times) on one ID, keeps exactly
// one earlier generation of the run's files; whatever a task plants at previous/ or at the
// names that move is neither followed nor waited on; and a run-as user cannot write into it.
#include "tasks/TaskDetails.h"
#include "tasks/TaskScanner.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace oatest;

namespace {

const QString kId = QStringLiteral("again");

// Prints the word in word.txt on both streams and exits with the code in code.txt, so that two
// runs of one task tell themselves apart in every file.
const QByteArray kScript = "import sys\n"
                           "word = open('word.txt').read().strip()\n"
                           "print(word + '-out')\n"
                           "print(word + '-err', file=sys.stderr)\n"
                           "sys.exit(int(open('code.txt').read()))\n";

void setRun(const Agent &agent, const QByteArray &word, int code)
{
    for (const auto &[name, content] : {std::pair{QStringLiteral("word.txt"), word}, std::pair{QStringLiteral("code.txt"), QByteArray::number(code)}}) {
        QFile file(agent.taskFile(kId, name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(file.write(content) == content.size());
    }
}

// The task's first run, which what a test plants then follows.
bool runFirst(const Agent &agent)
{
    agent.makeScriptTask(kId, kScript);
    setRun(agent, "first", 0);
    return runExecutor(executorArgs(agent, kId)).exitCode == 0;
}

QString previousFile(const Agent &agent, const QString &name)
{
    return agent.taskDir(kId) + QStringLiteral("/previous/") + name;
}

// Every path below `dir` with its content (or link target), to prove that nothing changed.
QStringList snapshot(const QString &dir)
{
    QStringList entries;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        const QString content = info.isSymLink() ? QStringLiteral("-> ") + info.symLinkTarget()
                                : info.isFile()  ? QString::fromUtf8(readFile(info.filePath()))
                                                 : QStringLiteral("<dir>");
        entries.append(QDir(dir).relativeFilePath(info.filePath()) + QStringLiteral(": ") + content);
    }
    entries.sort();
    return entries;
}

// A folder outside the agent folder with a file in it: what a planted link points at. Nothing
// in it may change.
struct Outside {
    QTemporaryDir dir;
    QString victim = dir.filePath(QStringLiteral("victim.txt"));
    QStringList before;
    bool make()
    {
        QFile file(victim);
        if (!dir.isValid() || !file.open(QIODevice::WriteOnly) || file.write("untouched\n") != 10)
            return false;
        file.close();
        before = snapshot(dir.path());
        return true;
    }
    bool unchanged() const { return snapshot(dir.path()) == before; }
};

int count(const QByteArray &haystack, const QByteArray &needle)
{
    int n = 0;
    for (qsizetype at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1))
        ++n;
    return n;
}

} // namespace

class TestPreviousRun : public QObject {
    Q_OBJECT
private slots:
    void secondRunKeepsTheFirst();
    void plantedPreviousIsReplaced_data();
    void plantedPreviousIsReplaced();
    void plantedRunFilesAreNotMoved();
    void runAsUserCannotWriteIntoPrevious();
    void forgedResultIsNotThePreviousRun_data();
    void forgedResultIsNotThePreviousRun();
    void monitorRefusesAForgedPreviousResult_data();
    void monitorRefusesAForgedPreviousResult();
};

void TestPreviousRun::secondRunKeepsTheFirst()
{
    Agent agent;
    agent.makeScriptTask(kId, kScript);
    const oa::AgentPaths paths(agent.base());
    QVERIFY(!oa::TaskScanner(paths).previousRun(kId)); // never ran: no previous run

    setRun(agent, "first", 0);
    Run run = runExecutor(executorArgs(agent, kId));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(!QFileInfo::exists(agent.taskDir(kId) + QStringLiteral("/previous"))); // nothing to keep yet
    // A pip.log from that run (this task has no requirements): it moves with the rest.
    QFile pipLog(agent.taskFile(kId, QStringLiteral("pip.log")));
    QVERIFY(pipLog.open(QIODevice::WriteOnly) && pipLog.write("first-pip\n") == 10);
    pipLog.close();

    setRun(agent, "second", 3);
    run = runExecutor(executorArgs(agent, kId));
    QVERIFY2(run.exitCode == 3, run.err.constData());

    // The task folder holds the second run only.
    QCOMPARE(readFile(agent.taskFile(kId, QStringLiteral("output.log"))), QByteArray("second-out\n"));
    QCOMPARE(readFile(agent.taskFile(kId, QStringLiteral("error.log"))), QByteArray("second-err\n"));
    QVERIFY(!QFileInfo::exists(agent.taskFile(kId, QStringLiteral("pip.log"))));
    QCOMPARE(readJson(agent.taskFile(kId, QStringLiteral("result.json"))).value("Outcome").toString(), QStringLiteral("Failed"));
    const QByteArray log = readFile(agent.taskFile(kId, QStringLiteral("executor.log")));
    QCOMPARE(count(log, "starting execution"), 1);
    QCOMPARE(count(log, "Finished with outcome"), 1);
    QVERIFY(log.contains("Failed"));
    QVERIFY(log.contains("Moved the previous run"));

    // previous/ holds the first, whole.
    QCOMPARE(readFile(previousFile(agent, QStringLiteral("output.log"))), QByteArray("first-out\n"));
    QCOMPARE(readFile(previousFile(agent, QStringLiteral("error.log"))), QByteArray("first-err\n"));
    QCOMPARE(readFile(previousFile(agent, QStringLiteral("pip.log"))), QByteArray("first-pip\n"));
    QCOMPARE(readJson(previousFile(agent, QStringLiteral("result.json"))).value("Outcome").toString(), QStringLiteral("Succeeded"));
    QCOMPARE(readJson(previousFile(agent, QStringLiteral("status.json"))).value("State").toString(), QStringLiteral("Finished"));
    const QByteArray previousLog = readFile(previousFile(agent, QStringLiteral("executor.log")));
    QCOMPARE(count(previousLog, "starting execution"), 1);
    QVERIFY(previousLog.contains(R"("Outcome":"Succeeded")"));
    QVERIFY(!previousLog.contains("Moved the previous run"));

    // The core readers see both generations.
    const auto previous = oa::TaskScanner(paths).previousRun(kId);
    QVERIFY(previous);
    QCOMPARE(previous->state, oa::TaskState::Succeeded);
    QCOMPARE(previous->exitCode.value_or(-1), 0);
    QCOMPARE(oa::TaskScanner(paths).task(kId)->state, oa::TaskState::Failed);
    const oa::TaskDetails details = oa::TaskDetails::load(paths, kId, oa::AgentPaths::Generation::Previous);
    QCOMPARE(details.state, oa::TaskState::Succeeded);
    QVERIFY2(details.rawResult.contains(QStringLiteral("\"Outcome\": \"Succeeded\"")), qPrintable(details.rawResult));

    // One generation: a third run replaces previous/ with the second.
    setRun(agent, "third", 0);
    run = runExecutor(executorArgs(agent, kId));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(previousFile(agent, QStringLiteral("output.log"))), QByteArray("second-out\n"));
    QVERIFY(!QFileInfo::exists(previousFile(agent, QStringLiteral("pip.log"))));
    QVERIFY(!QFileInfo::exists(previousFile(agent, QStringLiteral("previous"))));
    QCOMPARE(oa::TaskScanner(paths).previousRun(kId)->state, oa::TaskState::Failed);
}

void TestPreviousRun::plantedPreviousIsReplaced_data()
{
    QTest::addColumn<QString>("planted");
    QTest::newRow("a link to a folder outside") << "dir-link";
    QTest::newRow("a link to a file outside") << "file-link";
    QTest::newRow("a FIFO") << "fifo";
    QTest::newRow("a regular file") << "file";
    QTest::newRow("a folder with a link in it") << "folder";
}

void TestPreviousRun::plantedPreviousIsReplaced()
{
    QFETCH(QString, planted);
    Outside outside;
    QVERIFY(outside.make());
    Agent agent;
    QVERIFY(runFirst(agent));

    const QString previous = agent.taskDir(kId) + QStringLiteral("/previous");
    const QByteArray encoded = QFile::encodeName(previous);
    if (planted == QLatin1String("dir-link")) {
        QVERIFY(QFile::link(outside.dir.path(), previous));
    } else if (planted == QLatin1String("file-link")) {
        QVERIFY(QFile::link(outside.victim, previous));
    } else if (planted == QLatin1String("fifo")) {
        QCOMPARE(::mkfifo(encoded.constData(), 0644), 0);
    } else if (planted == QLatin1String("file")) {
        QFile file(previous);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write("x") == 1);
    } else {
        QVERIFY(QDir().mkpath(previous));
        QVERIFY(QFile::link(outside.dir.path(), previous + QStringLiteral("/result.json")));
    }

    setRun(agent, "second", 0);
    // A FIFO that were opened would block here for good: the run's own deadline bounds the wait.
    const Run run = runExecutor(executorArgs(agent, kId), cleanEnvironment(), 60000);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(outside.unchanged());
    QVERIFY(QFileInfo(previous).isDir() && !QFileInfo(previous).isSymLink());
    QCOMPARE(readFile(previous + QStringLiteral("/output.log")), QByteArray("first-out\n"));
    QVERIFY(!QFileInfo(previous + QStringLiteral("/result.json")).isSymLink());
    QCOMPARE(readJson(previous + QStringLiteral("/result.json")).value("Outcome").toString(), QStringLiteral("Succeeded"));
    QCOMPARE(readFile(agent.taskFile(kId, QStringLiteral("output.log"))), QByteArray("second-out\n"));
}

void TestPreviousRun::plantedRunFilesAreNotMoved()
{
    Outside outside;
    QVERIFY(outside.make());
    Agent agent;
    QVERIFY(runFirst(agent));
    // After the run, as a task's code could: output.log becomes a link out, error.log a FIFO,
    // pip.log a folder, status.json a hard link to a file outside.
    const auto path = [&](const char *name) { return agent.taskFile(kId, QLatin1String(name)); };
    QVERIFY(QFile::remove(path("output.log")) && QFile::link(outside.victim, path("output.log")));
    QVERIFY(QFile::remove(path("error.log")));
    QCOMPARE(::mkfifo(QFile::encodeName(path("error.log")).constData(), 0644), 0);
    QVERIFY(QDir().mkpath(path("pip.log") + QStringLiteral("/inner")));
    QVERIFY(QFile::remove(path("status.json")));
    QCOMPARE(::link(QFile::encodeName(outside.victim).constData(), QFile::encodeName(path("status.json")).constData()), 0);

    setRun(agent, "second", 0);
    const Run run = runExecutor(executorArgs(agent, kId), cleanEnvironment(), 60000);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY(outside.unchanged());
    const QString previous = agent.taskDir(kId) + QStringLiteral("/previous");
    // Only the executor's own files moved; the planted ones were removed where they stood.
    QStringList moved = QDir(previous).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
    moved.sort();
    QCOMPARE(moved, (QStringList{QStringLiteral("executor.log"), QStringLiteral("result.json")}));
    QCOMPARE(readFile(path("output.log")), QByteArray("second-out\n"));
    QVERIFY(!QFileInfo::exists(path("pip.log")));
    const QJsonArray warnings = readJson(path("result.json")).value("Warnings").toArray();
    QStringList texts;
    for (const QJsonValue &w : warnings)
        texts.append(w.toString());
    for (const char *name : {"output.log", "error.log", "pip.log", "status.json"})
        QVERIFY2(texts.filter(QLatin1String(name)).filter(QStringLiteral("not kept in")).size() == 1, qPrintable(texts.join(u'\n')));
}

void TestPreviousRun::runAsUserCannotWriteIntoPrevious()
{
    ThrowawayUser user;
    if (!user.isValid())
        OA_SKIP_OR_FAIL(user.why());
    const QString python = QStringLiteral("/usr/bin/python3");
    if (!QFileInfo(python).isExecutable())
        OA_SKIP_OR_FAIL(QStringLiteral("%1 is missing (scripts/test.sh installs python3-venv)").arg(python));
    Agent agent;
    openToOthers(agent.base());
    // The second run tries every change to previous/ and records what happened.
    agent.makeScriptTask(kId, "import json, os\n"
                              "if not os.path.isdir('previous'):\n"
                              "    raise SystemExit(0)\n"
                              "tries = {\n"
                              "  'new_file': lambda: open('previous/planted', 'w'),\n"
                              "  'append': lambda: open('previous/output.log', 'a'),\n"
                              "  'unlink': lambda: os.unlink('previous/result.json'),\n"
                              "  'rename_in': lambda: os.rename('previous/executor.log', 'previous/x'),\n"
                              "  'rename_folder': lambda: os.rename('previous', 'mine'),\n"
                              "  'remove_folder': lambda: os.rmdir('previous'),\n"
                              "  'chmod': lambda: os.chmod('previous', 0o777),\n"
                              "}\n"
                              + kTryEachIntoReport);
    const QStringList args = executorArgs(agent, kId, {QStringLiteral("--python"), python, QStringLiteral("--run-as"), user.name()});
    Run run = runExecutor(args);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    run = runExecutor(args);
    QVERIFY2(run.exitCode == 0, run.err.constData());

    const QJsonObject seen = QJsonDocument::fromJson(readFile(agent.taskFile(kId, QStringLiteral("report.json")))).object();
    QCOMPARE(seen.size(), 7);
    for (auto it = seen.begin(); it != seen.end(); ++it)
        QVERIFY2(it.value().toString() == QLatin1String("PermissionError"), qPrintable(it.key() + QStringLiteral(": ") + it.value().toString()));
    const QString previous = agent.taskDir(kId) + QStringLiteral("/previous");
    struct stat st = {};
    QCOMPARE(::lstat(QFile::encodeName(previous).constData(), &st), 0);
    QCOMPARE(qint64(st.st_uid), qint64(0));
    QCOMPARE(st.st_mode & 07777, mode_t(0755));
    for (const QString &name : QDir(previous).entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        QCOMPARE(::lstat(QFile::encodeName(previous + u'/' + name).constData(), &st), 0);
        QVERIFY2(S_ISREG(st.st_mode) && st.st_uid == 0, qPrintable(name));
    }
    QVERIFY(QFileInfo::exists(previous + QStringLiteral("/result.json")));
    QVERIFY(!QFileInfo::exists(agent.taskFile(kId, QStringLiteral("mine"))));
}

// A result.json the executor could not alone have written (issue 21: root-owned, mode 0666, which
// --which-runs already refuses; a link; another user's file) is not moved into previous/ by the
// next run, says so in executor.log, and is never shown as the previous run.
namespace {

const QByteArray kForgedResult = R"({"ExecutionId":"again","Outcome":"Succeeded","ExitCode":0,"Message":"forged by the tenant",)"
                                 R"("StartedAt":"2026-11-01T08:00:00.000Z","FinishedAt":"2026-11-01T08:00:02.500Z","DurationMs":2500})";

// Makes `path` a forged result.json of the given kind; false when it cannot.
bool forge(const QString &path, const QString &kind, const QString &outsideDir)
{
    QFile::remove(path);
    if (kind == QLatin1String("symlink")) {
        const QString target = outsideDir + QStringLiteral("/forged.json");
        return writeFileBytes(target, kForgedResult) && QFile::link(target, path);
    }
    if (!writeFileBytes(path, kForgedResult))
        return false;
    if (kind == QLatin1String("mode 0666"))
        return ::chmod(QFile::encodeName(path).constData(), 0666) == 0;
    if (kind == QLatin1String("mode 0620"))
        return ::chmod(QFile::encodeName(path).constData(), 0620) == 0;
    if (kind == QLatin1String("another user's"))
        return ::chown(QFile::encodeName(path).constData(), 65534, 65534) == 0;
    return false;
}

void addForgeryRows()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("mode 0666") << QStringLiteral("mode 0666");
    QTest::newRow("group-writable (0620)") << QStringLiteral("mode 0620");
    QTest::newRow("a symlink") << QStringLiteral("symlink");
    if (::geteuid() == 0) // only root can give a file away
        QTest::newRow("another user's") << QStringLiteral("another user's");
}

} // namespace

void TestPreviousRun::forgedResultIsNotThePreviousRun_data()
{
    addForgeryRows();
}

void TestPreviousRun::forgedResultIsNotThePreviousRun()
{
    QFETCH(QString, kind);
    QTemporaryDir outside;
    Agent agent;
    agent.makeScriptTask(kId, kScript);
    setRun(agent, "first", 3); // the real first run failed
    QCOMPARE(runExecutor(executorArgs(agent, kId)).exitCode, 3);
    const QString result = agent.taskFile(kId, QStringLiteral("result.json"));
    QVERIFY(forge(result, kind, outside.path()));

    setRun(agent, "second", 0);
    const Run run = runExecutor(executorArgs(agent, kId), cleanEnvironment(), 60000);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    // Not kept: previous/ has the first run's logs, no result.json.
    QVERIFY(!QFileInfo(previousFile(agent, QStringLiteral("result.json"))).exists());
    QVERIFY(!QFileInfo(previousFile(agent, QStringLiteral("result.json"))).isSymLink());
    QCOMPARE(readFile(previousFile(agent, QStringLiteral("output.log"))), QByteArray("first-out\n"));
    const QByteArray log = readFile(agent.taskFile(kId, QStringLiteral("executor.log")));
    QVERIFY2(log.contains("result.json was ") && log.contains("not a file the executor wrote"), log.constData());
    // Never shown as the previous run, by --list's reader or the monitor's detail pane.
    const oa::AgentPaths paths(agent.base());
    const auto previous = oa::TaskScanner(paths).previousRun(kId);
    QVERIFY(previous);
    QVERIFY(previous->state != oa::TaskState::Succeeded);
    QVERIFY(previous->message != QStringLiteral("forged by the tenant"));
    const oa::TaskDetails details = oa::TaskDetails::load(paths, kId, oa::AgentPaths::Generation::Previous);
    QVERIFY2(!details.rawResult.contains(QStringLiteral("forged by the tenant")), qPrintable(details.rawResult));
    QVERIFY(details.rows.value(oa::TaskDetailRows::Field::Message) != QStringLiteral("forged by the tenant"));
}

void TestPreviousRun::monitorRefusesAForgedPreviousResult_data()
{
    addForgeryRows();
}

// Planted in previous/ itself (by whoever could): the monitor's run selector reads by the same rule.
void TestPreviousRun::monitorRefusesAForgedPreviousResult()
{
    QFETCH(QString, kind);
    QTemporaryDir outside;
    Agent agent;
    QVERIFY(runFirst(agent));
    setRun(agent, "second", 3);
    QCOMPARE(runExecutor(executorArgs(agent, kId)).exitCode, 3);
    const oa::AgentPaths paths(agent.base());
    QCOMPARE(oa::TaskScanner(paths).previousRun(kId)->state, oa::TaskState::Succeeded); // the real one is shown

    QVERIFY(forge(previousFile(agent, QStringLiteral("result.json")), kind, outside.path()));
    const auto previous = oa::TaskScanner(paths).previousRun(kId);
    QVERIFY(previous);
    QVERIFY(previous->message != QStringLiteral("forged by the tenant"));
    QVERIFY(previous->exitCode.value_or(-1) != 0 || previous->state != oa::TaskState::Succeeded);
    const oa::TaskDetails details = oa::TaskDetails::load(paths, kId, oa::AgentPaths::Generation::Previous);
    QVERIFY2(!details.rawResult.contains(QStringLiteral("forged by the tenant")), qPrintable(details.rawResult));
    QVERIFY2(details.rawResult.contains(QStringLiteral("not a file the executor wrote")), qPrintable(details.rawResult));
    QVERIFY(details.rows.value(oa::TaskDetailRows::Field::Message) != QStringLiteral("forged by the tenant"));
}

QTEST_GUILESS_MAIN(TestPreviousRun)
#include "tst_previous_run.moc"
