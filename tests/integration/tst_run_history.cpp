// Run history (issue 23): KeepRuns earlier runs of an ID kept in previous/, previous.2/, …,
// listed by --history and searched by --which-runs; the real executor, real files. Whatever a
// task plants at those names (a link out, a FIFO, a forged result.json) is neither followed nor
// believed, and nothing outside the agent folder is touched.
#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace oatest;

namespace {

const QString kId = QStringLiteral("again");

// Prints the word in word.txt and exits with the code in code.txt: each run tells itself apart.
const QByteArray kScript = "import sys\n"
                           "word = open('word.txt').read().strip()\n"
                           "print(word + '-out')\n"
                           "code = int(open('code.txt').read())\n"
                           "sys.exit(word + ' failed' if code else 0)\n";

QString configWith(const QTemporaryDir &dir, int keepRuns)
{
    const QString path = dir.filePath(QStringLiteral("keep-%1.conf").arg(keepRuns));
    return writeFileBytes(path, "KeepRuns = " + QByteArray::number(keepRuns) + '\n') ? path : QString();
}

QProcessEnvironment environmentWith(const QString &config)
{
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), config);
    env.insert(QStringLiteral("TZ"), QStringLiteral("Europe/Berlin"));
    return env;
}

// Runs the task once as run `n` (word "run<n>"); even runs succeed, odd ones fail with exit 1.
int runOnce(const Agent &agent, const QProcessEnvironment &env, int n)
{
    if (!writeFileBytes(agent.taskFile(kId, QStringLiteral("word.txt")), "run" + QByteArray::number(n))
        || !writeFileBytes(agent.taskFile(kId, QStringLiteral("code.txt")), QByteArray::number(n % 2)))
        return -1;
    return runExecutor(executorArgs(agent, kId), env, 60000).exitCode;
}

Run history(const Agent &agent, const QProcessEnvironment &env, bool json, const QString &id = kId)
{
    QStringList args{QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--history"), id};
    if (json)
        args << QStringLiteral("--json");
    return runExecutor(args, env, 30000);
}

QJsonArray historyRuns(const Agent &agent, const QProcessEnvironment &env, QJsonArray *notes = nullptr)
{
    const Run run = history(agent, env, true);
    const QJsonObject answer = QJsonDocument::fromJson(run.out).object();
    if (notes)
        *notes = answer.value(QStringLiteral("Notes")).toArray();
    return run.exitCode == 0 ? answer.value(QStringLiteral("Runs")).toArray() : QJsonArray();
}

QStringList runNames(const QJsonArray &runs)
{
    QStringList names;
    for (const QJsonValue &run : runs)
        names.append(run.toObject().value(QStringLiteral("Run")).toString());
    return names;
}

// Every path below `dir` with its content or link target: to prove that nothing changed.
QStringList snapshot(const QString &dir)
{
    QStringList entries;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QFileInfo info(it.next());
        entries.append(QDir(dir).relativeFilePath(info.filePath()) + QStringLiteral(": ")
                       + (info.isSymLink() ? info.symLinkTarget() : info.isFile() ? QString::fromUtf8(readFile(info.filePath())) : QStringLiteral("<dir>")));
    }
    entries.sort();
    return entries;
}

const QByteArray kForged = R"({"ExecutionId":"again","Outcome":"Succeeded","ExitCode":0,"Message":"forged by the tenant",)"
                           R"("StartedAt":"2026-11-01T08:00:00.000Z","FinishedAt":"2026-11-01T08:00:02.500Z","DurationMs":2500})";

} // namespace

class TestRunHistory : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void keepsAndListsNewestFirst_data();
    void keepsAndListsNewestFirst();
    void keepRunsOneKeepsOnePrevious();
    void jsonAndTextFields();
    void unknownAndInvalidIds();
    void forgedResultIsNotTheExecutors_data();
    void forgedResultIsNotTheExecutors();
    void plantedEntriesAreNotFollowed_data();
    void plantedEntriesAreNotFollowed();
    void whichRunsSearchesTheHistory();

private:
    QTemporaryDir m_configs;
};

void TestRunHistory::initTestCase()
{
    QVERIFY(m_configs.isValid());
}

void TestRunHistory::keepsAndListsNewestFirst_data()
{
    QTest::addColumn<int>("keepRuns");
    QTest::newRow("KeepRuns = 2") << 2;
    QTest::newRow("KeepRuns = 5") << 5;
}

void TestRunHistory::keepsAndListsNewestFirst()
{
    QFETCH(int, keepRuns);
    Agent agent;
    agent.makeScriptTask(kId, kScript);
    const QProcessEnvironment env = environmentWith(configWith(m_configs, keepRuns));
    QCOMPARE(historyRuns(agent, env).size(), 0); // never ran
    for (int n = 1; n <= 3; ++n)
        QCOMPARE(runOnce(agent, env, n), n % 2);
    // Three runs: the last and two kept, newest first, whichever KeepRuns (both keep two).
    QJsonArray runs = historyRuns(agent, env);
    QCOMPARE(runNames(runs), (QStringList{QStringLiteral("last"), QStringLiteral("previous"), QStringLiteral("previous.2")}));
    const QStringList outcomes{QStringLiteral("Failed"), QStringLiteral("Succeeded"), QStringLiteral("Failed")};
    for (int i = 0; i < 3; ++i)
        QCOMPARE(runs.at(i).toObject().value(QStringLiteral("Outcome")).toString(), outcomes.at(i));
    QCOMPARE(readFile(agent.taskDir(kId) + QStringLiteral("/previous.2/output.log")), QByteArray("run1-out\n"));

    // A fourth: KeepRuns 2 drops the first run, KeepRuns 5 keeps it as previous.3/.
    QCOMPARE(runOnce(agent, env, 4), 0);
    runs = historyRuns(agent, env);
    QStringList expected{QStringLiteral("last"), QStringLiteral("previous"), QStringLiteral("previous.2")};
    if (keepRuns == 5)
        expected << QStringLiteral("previous.3");
    QCOMPARE(runNames(runs), expected);
    QCOMPARE(QFileInfo::exists(agent.taskDir(kId) + QStringLiteral("/previous.3")), keepRuns == 5);
    QCOMPARE(readFile(agent.taskDir(kId) + QStringLiteral("/previous.2/output.log")), QByteArray("run2-out\n"));
    QCOMPARE(readFile(agent.taskDir(kId) + QStringLiteral("/previous/output.log")), QByteArray("run3-out\n"));
    // Newest first by start time too.
    for (int i = 1; i < runs.size(); ++i)
        QVERIFY(QDateTime::fromString(runs.at(i - 1).toObject().value(QStringLiteral("StartedAt")).toString(), Qt::ISODateWithMs)
                > QDateTime::fromString(runs.at(i).toObject().value(QStringLiteral("StartedAt")).toString(), Qt::ISODateWithMs));
}

void TestRunHistory::keepRunsOneKeepsOnePrevious()
{
    Agent agent;
    agent.makeScriptTask(kId, kScript);
    const QProcessEnvironment env = environmentWith(configWith(m_configs, 1));
    for (int n = 1; n <= 3; ++n)
        QCOMPARE(runOnce(agent, env, n), n % 2);
    QStringList names = QDir(agent.taskDir(kId)).entryList({QStringLiteral("previous*")}, QDir::AllEntries | QDir::System);
    QCOMPARE(names, QStringList{QStringLiteral("previous")});
    QCOMPARE(readFile(agent.taskDir(kId) + QStringLiteral("/previous/output.log")), QByteArray("run2-out\n"));
    QCOMPARE(runNames(historyRuns(agent, env)), (QStringList{QStringLiteral("last"), QStringLiteral("previous")}));
    // A history from a larger KeepRuns shrinks to one on the next run.
    QCOMPARE(runOnce(agent, environmentWith(configWith(m_configs, 5)), 4), 0);
    QCOMPARE(runOnce(agent, environmentWith(configWith(m_configs, 5)), 5), 1);
    QVERIFY(QFileInfo::exists(agent.taskDir(kId) + QStringLiteral("/previous.2")));
    QCOMPARE(runOnce(agent, env, 6), 0);
    names = QDir(agent.taskDir(kId)).entryList({QStringLiteral("previous*")}, QDir::AllEntries | QDir::System);
    QCOMPARE(names, QStringList{QStringLiteral("previous")});
}

void TestRunHistory::jsonAndTextFields()
{
    Agent agent;
    agent.makeScriptTask(kId, kScript);
    const QProcessEnvironment env = environmentWith(configWith(m_configs, 5));
    QCOMPARE(runOnce(agent, env, 1), 1);
    QCOMPARE(runOnce(agent, env, 2), 0);
    const QJsonArray runs = historyRuns(agent, env);
    QCOMPARE(runs.size(), 2);
    const QRegularExpression isoWithOffset(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0[12]:00$")); // Berlin: CET or CEST
    for (const QJsonValue &value : runs) {
        const QJsonObject run = value.toObject();
        for (const char *key : {"Run", "Folder", "Recorded", "Outcome", "ExitCode", "StartedAt", "FinishedAt", "DurationMs", "ErrorSummary",
                                "Message", "Problem"})
            QVERIFY2(run.contains(QLatin1String(key)), key);
        QVERIFY2(isoWithOffset.match(run.value(QStringLiteral("StartedAt")).toString()).hasMatch(), qPrintable(run.value(QStringLiteral("StartedAt")).toString()));
        QVERIFY(run.value(QStringLiteral("DurationMs")).toDouble() >= 0);
        QVERIFY(run.value(QStringLiteral("Recorded")).toBool());
        QVERIFY(run.value(QStringLiteral("Problem")).isNull());
    }
    QCOMPARE(runs.at(0).toObject().value(QStringLiteral("ExitCode")).toInt(), 0);
    QCOMPARE(runs.at(1).toObject().value(QStringLiteral("ExitCode")).toInt(), 1);
    QCOMPARE(runs.at(1).toObject().value(QStringLiteral("Folder")).toString(), agent.taskDir(kId) + QStringLiteral("/previous"));
    // ErrorSummary is read when result.json has it (its writer is the executor's; an older record has none).
    const QJsonValue summary = runs.at(1).toObject().value(QStringLiteral("ErrorSummary"));
    QVERIFY(summary.isNull() || summary.toString().contains(QLatin1String("run1 failed")));

    // Text: the locale's date with a four-digit year and the zone's abbreviation.
    const Run text = history(agent, env, false);
    QCOMPARE(text.exitCode, 0);
    const QStringList lines = QString::fromUtf8(text.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines.at(0).startsWith(QLatin1String("RUN")) && lines.at(1).startsWith(QLatin1String("last"))
                 && lines.at(2).startsWith(QLatin1String("previous")), text.out.constData());
    const QString year = QString::number(QDate::currentDate().year());
    for (int i = 1; i <= 2; ++i)
        QVERIFY2(lines.at(i).contains(year) && QRegularExpression(QStringLiteral(" CES?T ")).match(lines.at(i)).hasMatch(), qPrintable(lines.at(i)));

    // A task-influenced reason reaches the terminal escaped: a forged-looking summary in the
    // executor's own record (root wrote it here, as a test may) is shown with \x1b, never raw.
    QJsonObject record = readJson(agent.taskFile(kId, QStringLiteral("result.json")));
    record.insert(QStringLiteral("ErrorSummary"), QStringLiteral("bad\x1b[31mred"));
    QVERIFY(writeFileBytes(agent.taskFile(kId, QStringLiteral("result.json")), QJsonDocument(record).toJson()));
    const Run escaped = history(agent, env, false);
    QVERIFY2(!escaped.out.contains('\x1b') && escaped.out.contains("bad\\x1b[31mred"), escaped.out.constData());
}

void TestRunHistory::unknownAndInvalidIds()
{
    Agent agent;
    const QProcessEnvironment env = environmentWith(configWith(m_configs, 5));
    const Run unknown = history(agent, env, false, QStringLiteral("no-such-task"));
    QCOMPARE(unknown.exitCode, 3);
    QVERIFY2(unknown.err.contains("no task no-such-task"), unknown.err.constData());
    const Run invalid = history(agent, env, true, QStringLiteral("../etc"));
    QCOMPARE(invalid.exitCode, 1);
    QVERIFY2(invalid.err.contains("Invalid execution ID"), invalid.err.constData());
}

void TestRunHistory::forgedResultIsNotTheExecutors_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("mode 0666") << QStringLiteral("mode 0666");
    QTest::newRow("a symlink") << QStringLiteral("symlink");
    if (::geteuid() == 0)
        QTest::newRow("another user's") << QStringLiteral("another user's");
}

void TestRunHistory::forgedResultIsNotTheExecutors()
{
    QFETCH(QString, kind);
    QTemporaryDir outside;
    Agent agent;
    agent.makeScriptTask(kId, kScript);
    const QProcessEnvironment env = environmentWith(configWith(m_configs, 5));
    for (int n = 1; n <= 3; ++n)
        QCOMPARE(runOnce(agent, env, n), n % 2);
    const QString forged = agent.taskDir(kId) + QStringLiteral("/previous.2/result.json");
    QVERIFY(QFile::remove(forged));
    if (kind == QLatin1String("symlink")) {
        QVERIFY(writeFileBytes(outside.filePath(QStringLiteral("forged.json")), kForged));
        QVERIFY(QFile::link(outside.filePath(QStringLiteral("forged.json")), forged));
    } else {
        QVERIFY(writeFileBytes(forged, kForged));
        if (kind == QLatin1String("mode 0666"))
            QCOMPARE(::chmod(QFile::encodeName(forged).constData(), 0666), 0);
        else
            QCOMPARE(::chown(QFile::encodeName(forged).constData(), 65534, 65534), 0);
    }
    const QStringList before = snapshot(outside.path());

    QJsonArray runs = historyRuns(agent, env);
    QCOMPARE(runs.size(), 3); // the run is still there, its logs too, but not as the executor's record says
    const QJsonObject run = runs.at(2).toObject();
    QCOMPARE(run.value(QStringLiteral("Run")).toString(), QStringLiteral("previous.2"));
    QCOMPARE(run.value(QStringLiteral("Recorded")).toBool(), false);
    QVERIFY(run.value(QStringLiteral("Outcome")).isNull());
    QVERIFY2(!run.value(QStringLiteral("Problem")).toString().isEmpty(), qPrintable(run.value(QStringLiteral("Problem")).toString()));
    const Run text = history(agent, env, false);
    QVERIFY2(!text.out.contains("forged by the tenant") && text.out.contains("unknown"), text.out.constData());

    // The next run does not keep it: removed with a warning, the run's logs moved on.
    QCOMPARE(runOnce(agent, env, 4), 0);
    QVERIFY(!QFileInfo::exists(agent.taskDir(kId) + QStringLiteral("/previous.3/result.json")));
    QVERIFY(!QFileInfo(agent.taskDir(kId) + QStringLiteral("/previous.3/result.json")).isSymLink());
    QCOMPARE(readFile(agent.taskDir(kId) + QStringLiteral("/previous.3/output.log")), QByteArray("run1-out\n"));
    const QJsonArray warnings = readJson(agent.taskFile(kId, QStringLiteral("result.json"))).value(QStringLiteral("Warnings")).toArray();
    QVERIFY2(QJsonDocument(warnings).toJson().contains("previous.2/result.json was "), QJsonDocument(warnings).toJson().constData());
    QCOMPARE(snapshot(outside.path()), before);
}

void TestRunHistory::plantedEntriesAreNotFollowed_data()
{
    QTest::addColumn<QString>("planted");
    QTest::addColumn<int>("keepRuns");
    QTest::newRow("previous.2 a link to a folder outside") << "dir-link" << 5;
    QTest::newRow("previous.2 a FIFO") << "fifo" << 5;
    QTest::newRow("a kept log a link to a file outside") << "file-link" << 5;
    QTest::newRow("a folder outside linked past KeepRuns") << "dir-link" << 1;
}

void TestRunHistory::plantedEntriesAreNotFollowed()
{
    QFETCH(QString, planted);
    QFETCH(int, keepRuns);
    QTemporaryDir outside;
    const QString victim = outside.filePath(QStringLiteral("victim.txt"));
    QVERIFY(writeFileBytes(victim, "untouched\n") && QDir().mkpath(outside.filePath(QStringLiteral("inner"))));
    QVERIFY(writeFileBytes(outside.filePath(QStringLiteral("inner/result.json")), kForged));
    const QStringList before = snapshot(outside.path());

    Agent agent;
    agent.makeScriptTask(kId, kScript);
    const QProcessEnvironment env = environmentWith(configWith(m_configs, keepRuns));
    QCOMPARE(runOnce(agent, env, 1), 1);
    QCOMPARE(runOnce(agent, env, 2), 0);
    const QString second = agent.taskDir(kId) + QStringLiteral("/previous.2");
    if (planted == QLatin1String("dir-link")) {
        QVERIFY(QFile::link(outside.filePath(QStringLiteral("inner")), second));
    } else if (planted == QLatin1String("fifo")) {
        QCOMPARE(::mkfifo(QFile::encodeName(second).constData(), 0644), 0);
    } else {
        const QString log = agent.taskDir(kId) + QStringLiteral("/previous/output.log");
        QVERIFY(QFile::remove(log) && QFile::link(victim, log));
    }

    // --history neither follows nor opens it (a FIFO opened would hang here until the timeout).
    QJsonArray notes;
    const QJsonArray runs = historyRuns(agent, env, &notes);
    for (const QJsonValue &run : runs)
        QVERIFY(!run.toObject().value(QStringLiteral("Message")).toString().contains(QLatin1String("forged")));
    if (planted != QLatin1String("file-link")) {
        QCOMPARE(runNames(runs), (QStringList{QStringLiteral("last"), QStringLiteral("previous")}));
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes.at(0).toString().contains(QLatin1String("previous.2: skipped")), qPrintable(notes.at(0).toString()));
    }

    // The next run removes what was planted where it stands; nothing outside changes.
    QCOMPARE(runOnce(agent, env, 3), 1);
    QCOMPARE(snapshot(outside.path()), before);
    const QString top = agent.taskDir(kId);
    if (keepRuns == 1) {
        QVERIFY(!QFileInfo::exists(second) && !QFileInfo(second).isSymLink());
        return;
    }
    QVERIFY(QFileInfo(second).isDir() && !QFileInfo(second).isSymLink());
    if (planted == QLatin1String("file-link")) {
        QVERIFY(!QFileInfo(second + QStringLiteral("/output.log")).exists() && !QFileInfo(second + QStringLiteral("/output.log")).isSymLink());
        QVERIFY(QFileInfo::exists(second + QStringLiteral("/result.json")));
    } else {
        QCOMPARE(readFile(second + QStringLiteral("/output.log")), QByteArray("run1-out\n"));
    }
    QCOMPARE(readFile(top + QStringLiteral("/previous/output.log")), QByteArray("run2-out\n"));
    QCOMPARE(runNames(historyRuns(agent, env)), (QStringList{QStringLiteral("last"), QStringLiteral("previous"), QStringLiteral("previous.2")}));
}

void TestRunHistory::whichRunsSearchesTheHistory()
{
    // A kept run's record, as the executor writes one (root's, 0644), names a package; the last
    // run's names none. --which-runs finds the kept run, through the same gatekeeper.
    Agent agent;
    agent.makeScriptTask(kId, kScript);
    QVERIFY(QDir().mkpath(agent.taskDir(kId) + QStringLiteral("/previous")));
    QJsonObject record = QJsonDocument::fromJson(kForged).object();
    record.insert(QStringLiteral("Provenance"), QJsonArray{QJsonObject{{QStringLiteral("Name"), QStringLiteral("oa-demo")},
                                                                       {QStringLiteral("Version"), QStringLiteral("1.0")},
                                                                       {QStringLiteral("File"), QStringLiteral("oa_demo-1.0-py3-none-any.whl")}}});
    QVERIFY(writeFileBytes(agent.taskDir(kId) + QStringLiteral("/previous/result.json"), QJsonDocument(record).toJson()));
    QVERIFY(writeFileBytes(agent.taskFile(kId, QStringLiteral("result.json")), kForged));
    QVERIFY(QFile::link(QStringLiteral("/etc"), agent.taskDir(kId) + QStringLiteral("/previous.2")));
    const Run run = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--which-runs"), QStringLiteral("oa-demo==1.0"),
                                 QStringLiteral("--json")}, cleanEnvironment(), 30000);
    QCOMPARE(run.exitCode, 0);
    const QJsonObject answer = QJsonDocument::fromJson(run.out).object();
    const QJsonArray runs = answer.value(QStringLiteral("Runs")).toArray();
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs.at(0).toObject().value(QStringLiteral("ExecutionId")).toString(), kId);
    QCOMPARE(runs.at(0).toObject().value(QStringLiteral("Run")).toString(), QStringLiteral("previous"));
    QVERIFY2(run.err.contains("previous.2: skipped"), run.err.constData());
    const Run text = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--which-runs"), QStringLiteral("oa-demo")},
                                 cleanEnvironment(), 30000);
    QVERIFY2(text.out.contains(" previous "), text.out.constData());
}

QTEST_GUILESS_MAIN(TestRunHistory)
#include "tst_run_history.moc"
