// The detail pane's rows for people, built in core: order, units, local time, stage order, the
// last error line of stderr, loading only on change, and the Requirements column's sources.
#include "base/PrintableText.h"
#include "fs/AgentPaths.h"
#include "records/ResultRecord.h"
#include "tasks/DependencyPreview.h"
#include "tasks/DisplayUnits.h"
#include "records/LastErrorLine.h"
#include "tasks/PackageLists.h"
#include "tasks/TaskDetailRows.h"
#include "tasks/TaskDetails.h"
#include "tasks/TaskRescanner.h"
#include "TestSupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QLocale>
#include <QTest>

#include <ctime>

using namespace oatest;
using Field = oa::TaskDetailRows::Field;

namespace {

// A run's record as the executor fills it in.
oa::ResultRecord fullRecord()
{
    oa::ResultRecord r;
    r.executionId = QStringLiteral("example");
    r.outcome = oa::Outcome::Failed;
    r.exitCode = 3;
    r.scriptExitCode = 3;
    r.stage = oa::Stage::Run;
    r.message = QStringLiteral("the script exited with code 3");
    r.startedAt = QDateTime::fromString(QStringLiteral("2026-11-26T05:08:39.595Z"), Qt::ISODateWithMs);
    r.finishedAt = QDateTime::fromString(QStringLiteral("2026-11-26T05:08:39.776Z"), Qt::ISODateWithMs);
    r.stageDurationsMs = {{oa::Stage::Lock, 0},         {oa::Stage::Read, 0}, {oa::Stage::Validate, 0}, {oa::Stage::Environment, 149},
                          {oa::Stage::Requirements, 12}, {oa::Stage::Run, 28}, {oa::Stage::Cleanup, 1}};
    r.pythonExecutable = QStringLiteral("/usr/bin/python3.11");
    r.pythonVersion = QStringLiteral("3.11.2");
    r.pipFreeze = {QStringLiteral("requests==2.28.1"), QStringLiteral("idna==3.4")};
    r.provenance = oa::Provenance{{oa::InstalledDistribution{QStringLiteral("requests"), QStringLiteral("2.28.1"),
                                                             QStringLiteral("requests-2.28.1-py3-none-any.whl"),
                                                             QStringLiteral("file:///srv/wheels/requests-2.28.1-py3-none-any.whl"),
                                                             QStringLiteral("7c5599b102feddaa661c826c56ab4fee28bfd17f5abca1ebbe3e7f19d7c97983"),
                                                             QStringLiteral("/srv/wheels"), true, false}},
                                  QString()};
    r.peakMemoryBytes = 41234432;
    r.cpuSeconds = 0.31;
    r.progressPercent = 100;
    r.progressMessage = QStringLiteral("done");
    r.progressUpdates = 12;
    r.badProgressLines = 1;
    r.runAsUser = QStringLiteral("oa-bot");
    r.runAsUid = 998;
    r.runAsGid = 998;
    r.runAsConfigured = true;
    r.cacheKey = QStringLiteral("k123");
    r.cacheEntry = QStringLiteral("e456");
    r.cacheReused = true;
    r.dependencySource = QStringLiteral("requirements.txt");
    r.dependencyFile = QStringLiteral("/srv/agent/Tasks/example/requirements.txt");
    r.warnings = {QStringLiteral("unknown key Foo in execution.json")};
    r.machineName = QStringLiteral("bot-07");
    r.executorVersion = QStringLiteral("0.1.0");
    return r;
}

// The record as the monitor gets it: written to JSON by the writer, read back by fromJson.
oa::ResultRecord fullResult()
{
    return oa::ResultRecord::fromJson(QJsonDocument::fromJson(fullRecord().toJson()).object());
}

QString allText(const oa::TaskDetailRows &rows)
{
    QStringList parts;
    for (const auto *list : {&rows.summary, &rows.rows})
        for (const auto &row : *list)
            parts << row.label << row.value;
    return parts.join(u'\n');
}

void write(const QString &path, const QByteArray &data)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(data);
}

} // namespace

class TestTaskDetailRows : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void summaryFirstInTheStatedOrder();
    void unitsForPeople();
    void stageTimingsInPipelineOrder();
    void startInLocalTime();
    void runningTaskFromStatus();
    void interruptedAndInvalidSayWhy();
    void namesFromANewerExecutor();
    void lastErrorLine_data();
    void lastErrorLine();
    void lastErrorLineReadsOnlyTheTail();
    void loadsOnlyOnChange();
    void packageLists();
    void dependencyPreviewCachedByStamp();
};

void TestTaskDetailRows::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestTaskDetailRows::summaryFirstInTheStatedOrder()
{
    oa::TaskDetailRows::Input in;
    in.result = fullResult();
    in.execution = QJsonObject{{"ScriptPath", "main.py"}, {"Arguments", QJsonArray{"--day", "monday"}}, {"TimeoutSeconds", 60}};
    in.lastErrorLine = QStringLiteral("ValueError: bad invoice");
    const oa::TaskDetailRows rows = oa::TaskDetailRows::build(in);
    QList<Field> summary;
    for (const auto &row : rows.summary)
        summary << row.field;
    QCOMPARE(summary, (QList<Field>{Field::Outcome, Field::Message, Field::ExitCode, Field::Stage, Field::Started, Field::Duration,
                                    Field::LastError}));
    // The rest follow the enum's order, with nothing of the summary among them.
    for (qsizetype i = 1; i < rows.rows.size(); ++i)
        QVERIFY(int(rows.rows.at(i - 1).field) < int(rows.rows.at(i).field));
    QVERIFY(int(rows.rows.first().field) > int(Field::LastError));
    QCOMPARE(rows.value(Field::Outcome), QStringLiteral("Failed: the script exited with an error"));
    QCOMPARE(rows.value(Field::ExitCode), QStringLiteral("3"));
    QCOMPARE(rows.value(Field::Stage), QStringLiteral("Run"));
    QCOMPARE(rows.value(Field::LastError), QStringLiteral("ValueError: bad invoice"));
    QCOMPARE(rows.value(Field::Script), QStringLiteral("main.py --day monday"));
    QCOMPARE(rows.value(Field::Interpreter), QStringLiteral("Python 3.11.2 (/usr/bin/python3.11)"));
    QCOMPARE(rows.value(Field::RunAs), QStringLiteral("oa-bot (uid 998, gid 998)"));
    QCOMPARE(rows.value(Field::EnvironmentCache), QStringLiteral("reused a cached environment"));
    QCOMPARE(rows.value(Field::InstalledPackages), QStringLiteral("requests==2.28.1\nidna==3.4"));
    QCOMPARE(rows.find(Field::InstalledPackages)->label, QStringLiteral("Installed packages (2)"));
    QCOMPARE(rows.value(Field::Provenance),
             QStringLiteral("requests 2.28.1 · requests-2.28.1-py3-none-any.whl · sha256 7c5599b102fe… · from /srv/wheels"));
    QVERIFY(rows.find(Field::Provenance)->toolTip.endsWith(QStringLiteral("sha256:7c5599b102feddaa661c826c56ab4fee28bfd17f5abca1ebbe3e7f19d7c97983")));
    QCOMPARE(rows.value(Field::DependencySource), QStringLiteral("requirements.txt (/srv/agent/Tasks/example/requirements.txt)"));
    QCOMPARE(rows.value(Field::Warnings), QStringLiteral("unknown key Foo in execution.json"));
}

void TestTaskDetailRows::unitsForPeople()
{
    oa::TaskDetailRows::Input in;
    in.result = fullResult();
    const oa::TaskDetailRows rows = oa::TaskDetailRows::build(in);
    QCOMPARE(rows.value(Field::PeakMemory), QStringLiteral("39.3 MiB"));
    QCOMPARE(rows.find(Field::PeakMemory)->toolTip, QStringLiteral("41234432 bytes"));
    QCOMPARE(rows.value(Field::Duration), QStringLiteral("0.18 s"));
    QCOMPARE(rows.value(Field::CpuTime), QStringLiteral("0.31 s"));
    QCOMPARE(rows.value(Field::Progress), QStringLiteral("100 % · done · 12 updates · 1 unreadable line ignored"));
    // Never raw JSON, never a bare byte or millisecond count.
    const QString text = allText(rows);
    QVERIFY2(!text.contains(u'{') && !text.contains(u'}'), qPrintable(text));
    QVERIFY(!text.contains(QStringLiteral("41234432")));
    QVERIFY(!text.contains(QStringLiteral("181")));
    QCOMPARE(oa::DisplayUnits::duration(66000), QStringLiteral("0:01:06"));
    QCOMPARE(oa::DisplayUnits::mebibytes(512 * 1024), QStringLiteral("512 KiB"));
    QCOMPARE(oa::DisplayUnits::cpuSeconds(130), QStringLiteral("0:02:10"));
}

void TestTaskDetailRows::stageTimingsInPipelineOrder()
{
    oa::TaskDetailRows::Input in;
    in.result = fullResult();
    const oa::TaskDetailRows rows = oa::TaskDetailRows::build(in);
    QStringList order;
    for (const auto &stage : rows.stages)
        order << stage.stage;
    QCOMPARE(order, (QStringList{"Lock", "Read", "Validate", "Environment", "Requirements", "Run", "Cleanup"}));
    QCOMPARE(rows.stages.at(3).ms, 149);
    QVERIFY(rows.value(Field::StageTimings).startsWith(QStringLiteral("Lock 0.00 s · Read 0.00 s · Validate 0.00 s · Environment 0.15 s")));
}

void TestTaskDetailRows::startInLocalTime()
{
    // A zone without daylight saving time, nine hours ahead of UTC.
    const QByteArray saved = qgetenv("TZ");
    qputenv("TZ", "Asia/Tokyo");
    tzset();
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany)); // a 24-hour clock
    oa::TaskDetailRows::Input in;
    in.result = fullResult();
    const oa::TaskDetailRows rows = oa::TaskDetailRows::build(in);
    const QString started = rows.value(Field::Started);
    QLocale::setDefault(QLocale::system());
    if (saved.isNull())
        qunsetenv("TZ");
    else
        qputenv("TZ", saved);
    tzset();
    // The locale's date with a four-digit year, the time, and the zone (oa::LocalTime).
    QCOMPARE(started, QStringLiteral("26.11.2026 14:08:39 JST"));
    QVERIFY(!started.contains(QStringLiteral("T05")) && !started.endsWith(u'Z')); // not the ISO form of the tooltip
    QCOMPARE(rows.find(Field::Started)->toolTip, QStringLiteral("2026-11-26T05:08:39.595Z"));
}

void TestTaskDetailRows::runningTaskFromStatus()
{
    oa::TaskDetailRows::Input in;
    oa::StatusRecord status;
    status.state = QStringLiteral("Running");
    status.stage = QStringLiteral("Requirements");
    status.percent = 40;
    status.message = QStringLiteral("Reading invoices");
    status.memoryBytes = 3 * 1024 * 1024;
    status.peakMemoryBytes = 5 * 1024 * 1024;
    status.cpuSeconds = 1.5;
    status.runAsUser = QStringLiteral("oa-bot");
    in.status = status;
    in.elapsedMs = 12000;
    const oa::TaskDetailRows rows = oa::TaskDetailRows::build(in);
    QVERIFY(rows.value(Field::Outcome).isEmpty()); // the pane shows the state instead
    QCOMPARE(rows.value(Field::Stage), QStringLiteral("Requirements"));
    QCOMPARE(rows.value(Field::Duration), QStringLiteral("0:00:12"));
    QCOMPARE(rows.value(Field::Memory), QStringLiteral("3.0 MiB"));
    QCOMPARE(rows.value(Field::PeakMemory), QStringLiteral("5.0 MiB"));
    QCOMPARE(rows.value(Field::CpuTime), QStringLiteral("1.50 s"));
    QCOMPARE(rows.value(Field::Progress), QStringLiteral("40 % · Reading invoices"));
    QCOMPARE(rows.value(Field::RunAs), QStringLiteral("oa-bot"));
}

// A dead run (Interrupted) says what happened, when it started, when it was last heard of and how
// far it got; nothing that reads as live or as its outcome's message. An Invalid task says why,
// escaped for people.
void TestTaskDetailRows::interruptedAndInvalidSayWhy()
{
    oa::TaskDetailRows::Input in;
    oa::StatusRecord status;
    status.state = QStringLiteral("Running");
    status.stage = QStringLiteral("Run");
    status.percent = 40;
    status.message = QStringLiteral("warehouse B");
    status.pid = 4242;
    status.startedAt = QDateTime(QDate(2026, 12, 6), QTime(20, 4, 10), Qt::UTC);
    status.updatedAt = QDateTime(QDate(2026, 12, 6), QTime(20, 9, 0), Qt::UTC);
    status.memoryBytes = 3 * 1024 * 1024;
    status.runAsUser = QStringLiteral("oa-bot");
    in.status = status;
    in.state = oa::TaskState::Interrupted;
    in.scanFinding = QStringLiteral("the executor (PID 4242) ended without a result");
    in.errorSummary = in.scanFinding;
    const oa::TaskDetailRows rows = oa::TaskDetailRows::build(in);
    const QString finding = rows.value(Field::Finding);
    QVERIFY2(finding.contains(QStringLiteral("PID 4242")) && finding.contains(QStringLiteral("stage Run"))
                 && finding.contains(oa::DisplayUnits::localTime(status.updatedAt)),
             qPrintable(finding));
    QCOMPARE(rows.value(Field::Started), oa::DisplayUnits::localTime(status.startedAt));
    QCOMPARE(rows.value(Field::LastUpdate), oa::DisplayUnits::localTime(status.updatedAt));
    QCOMPARE(rows.find(Field::Stage)->label, QStringLiteral("Got as far as stage"));
    QCOMPARE(rows.value(Field::Progress), QStringLiteral("40 % · warehouse B"));
    QCOMPARE(rows.find(Field::RunAs)->label, QStringLiteral("Ran as"));
    for (const Field absent : {Field::Message, Field::Memory, Field::LastError})
        QVERIFY2(!rows.find(absent), qPrintable(QString::number(int(absent))));

    oa::TaskDetailRows::Input invalid;
    invalid.state = oa::TaskState::Invalid;
    invalid.scanFinding = QStringLiteral("execution.json: illegal value at offset 3\x1b[2J");
    const oa::TaskDetailRows invalidRows = oa::TaskDetailRows::build(invalid);
    QCOMPARE(invalidRows.find(Field::Finding)->label, QStringLiteral("Why it is invalid"));
    QCOMPARE(invalidRows.value(Field::Finding), oa::printableText(invalid.scanFinding));
    QVERIFY(!invalidRows.value(Field::Finding).contains(QChar(0x1b)));
}

// A result.json with names this build does not know, and without the fields every writer
// writes: the names shown as written, no row made up for what is missing.
void TestTaskDetailRows::namesFromANewerExecutor()
{
    oa::TaskDetailRows::Input in;
    in.result = oa::ResultRecord::fromJson(QJsonObject{{"Outcome", "Quarantined"}, {"Stage", "Sandbox"}, {"Message", "held"}});
    const oa::TaskDetailRows rows = oa::TaskDetailRows::build(in);
    QCOMPARE(rows.value(Field::Outcome), QStringLiteral("Quarantined"));
    QCOMPARE(rows.value(Field::Stage), QStringLiteral("Sandbox"));
    QCOMPARE(rows.value(Field::Message), QStringLiteral("held"));
    for (const Field absent : {Field::ExitCode, Field::Started, Field::Duration, Field::StageTimings, Field::Progress, Field::RunAs,
                               Field::PeakMemory, Field::CpuTime, Field::Provenance, Field::Machine})
        QVERIFY2(!rows.find(absent), qPrintable(QString::number(int(absent))));
}

void TestTaskDetailRows::lastErrorLine_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("logging INFO only") << QByteArray("INFO:root:starting\nINFO:root:done\n") << QString();
    QTest::newRow("an ERROR among INFO") << QByteArray("INFO:root:a\nERROR:root:cannot reach the ERP\nINFO:root:b\n")
                                         << QStringLiteral("ERROR:root:cannot reach the ERP");
    QTest::newRow("CRITICAL wins by being last") << QByteArray("ERROR:x:first\n2026-11-26 05:08:39 CRITICAL disk full\n")
                                                 << QStringLiteral("2026-11-26 05:08:39 CRITICAL disk full");
    QTest::newRow("traceback") << QByteArray("INFO:root:a\nTraceback (most recent call last):\n  File \"main.py\", line 3, in <module>\n"
                                             "    raise ValueError('bad invoice')\nValueError: bad invoice\nINFO:root:after\n")
                               << QStringLiteral("ValueError: bad invoice");
    QTest::newRow("the word error is not a level") << QByteArray("INFO:root:0 errors found\n") << QString();
}

void TestTaskDetailRows::lastErrorLine()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QCOMPARE(oa::LastErrorLine::find(text), expected);
}

void TestTaskDetailRows::lastErrorLineReadsOnlyTheTail()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("big"), "print(1)\n");
    const QString path = agent.taskFile(QStringLiteral("big"), QStringLiteral("error.log"));
    QByteArray text = "ERROR:root:early, outside the tail\n";
    while (text.size() < 1024 * 1024)
        text += "INFO:root:filler line\n";
    text += "ERROR:root:the last one\nINFO:root:bye\n";
    write(path, text);
    const oa::AgentPaths paths(agent.base());
    QCOMPARE(oa::LastErrorLine::read(paths.folder(), path), QStringLiteral("ERROR:root:the last one"));
    QVERIFY(oa::LastErrorLine::read(paths.folder(), path, 4096) == QStringLiteral("ERROR:root:the last one"));
    write(path, "ERROR:root:early, outside the tail\n" + QByteArray(8192, 'x') + "\nINFO:root:end\n");
    QCOMPARE(oa::LastErrorLine::read(paths.folder(), path, 4096), QString());
}

void TestTaskDetailRows::loadsOnlyOnChange()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("done"), "print(1)\n");
    const oa::AgentPaths paths(agent.base());
    oa::ResultRecord result = fullRecord();
    result.executionId = QStringLiteral("done");
    QVERIFY(result.save(paths.folder(), agent.taskFile(QStringLiteral("done"), QStringLiteral("result.json"))));
    write(agent.taskFile(QStringLiteral("done"), QStringLiteral("error.log")), "Traceback (most recent call last):\n  x\nKeyError: 'total'\n");
    const oa::TaskDetails details = oa::TaskDetails::load(paths, QStringLiteral("done"));
    QCOMPARE(details.state, oa::TaskState::Failed);
    QCOMPARE(details.rows.value(Field::LastError), QStringLiteral("KeyError: 'total'"));
    QVERIFY(details.rawResult.contains(QStringLiteral("\"PeakMemoryBytes\": 41234432")));
    QVERIFY(details.rawExecution.contains(QStringLiteral("\"ScriptPath\": \"main.py\"")));
    QVERIFY(!oa::TaskDetails::loadIfChanged(paths, QStringLiteral("done"), details.stamp));
    result.message = QStringLiteral("changed");
    QVERIFY(result.save(paths.folder(), agent.taskFile(QStringLiteral("done"), QStringLiteral("result.json"))));
    const auto again = oa::TaskDetails::loadIfChanged(paths, QStringLiteral("done"), details.stamp);
    QVERIFY(again);
    QCOMPARE(again->rows.value(Field::Message), QStringLiteral("changed"));
}

void TestTaskDetailRows::packageLists()
{
    QCOMPARE(oa::PackageLists::fromRequirementsTxt("# comment\nrequests==2.28.1  # pinned\n\n--index-url https://x\n"
                                                   "oa-demo==1.0 \\\n    --hash=sha256:00ff\n-r other.txt\nidna\n"),
             (QStringList{"requests==2.28.1", "oa-demo==1.0", "idna"}));
    bool ok = false;
    QCOMPARE(oa::PackageLists::fromScriptBlock("requires-python = \">=3.11\"\ndependencies = [\n  \"requests<3\",  # the HTTP one\n"
                                               "  'rich[jupyter]',\n]\n", &ok),
             (QStringList{"requests<3", "rich[jupyter]"}));
    QVERIFY(ok);
    QVERIFY(oa::PackageLists::fromScriptBlock("dependencies = [\"never closed\"\n", &ok).isEmpty());
    QVERIFY(!ok);
    QCOMPARE(oa::PackageLists::fromPipfileLock(R"({"_meta": {"hash": {"sha256": "abc"}},
        "default": {"oa-demo": {"hashes": ["sha256:0000000000000000000000000000000000000000000000000000000000000000"], "version": "==1.0"}}, "develop": {}})", &ok),
             QStringList{"oa-demo==1.0"});
    QVERIFY(ok);
}

void TestTaskDetailRows::dependencyPreviewCachedByStamp()
{
    // The monitor's refresh (TaskRescanner, which replaced the per-task preview cache) reads a
    // task's dependency source again only when a file it came from changed.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("txt"), "print(1)\n");
    write(agent.taskFile(QStringLiteral("txt"), QStringLiteral("requirements.txt")), "requests\nidna\n");
    const oa::AgentPaths paths(agent.base());
    oa::TaskRescanner rescanner;
    QTest::qWait(80); // older than the refresh's "just written" margin, so the stamps are kept
    oa::DependencyPreview p = rescanner.refresh(paths).tasks.value(0).dependencies;
    QCOMPARE(p.source, QStringLiteral("requirements.txt"));
    QCOMPARE(p.packages, (QStringList{"requests", "idna"}));
    QCOMPARE(rescanner.reads(), 1);
    for (int i = 0; i < 5; ++i)
        rescanner.refresh(paths);
    QCOMPARE(rescanner.reads(), 1); // unchanged: no file read
    write(agent.taskFile(QStringLiteral("txt"), QStringLiteral("requirements.txt")), "requests\nidna\nrich\n");
    p = rescanner.refresh(paths).tasks.value(0).dependencies;
    QCOMPARE(p.packages.size(), 3);
    QCOMPARE(rescanner.reads(), 2);
}

QTEST_GUILESS_MAIN(TestTaskDetailRows)
#include "tst_taskdetailrows.moc"
