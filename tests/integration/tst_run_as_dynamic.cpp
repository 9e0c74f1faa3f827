// RunAsUser = dynamic through the real executor run by root: every execution gets a user ID of
// its own from DynamicUserRange, with no account, a private HOME, USER/LOGNAME "oa-<id>";
// two at once never share one and cannot read each other's task folder; nothing of the ID is
// left after the run (no process, no file under the agent folder); a crashed executor's ID is
// free again once it is gone; an exhausted range is exit 5. Every test needs root.
#include "RunAsFixture.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"
#include "lock/DynamicUserLease.h"
#include "process/ProcessTable.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTest>
#include <QThread>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace oatest;

namespace {

// The script reports who it is and whether it can list the other task's folder, atomically
// (written, then renamed), then waits for the test's "go" file.
// With a second argument "sync", it first says "ready" and waits for "check": the test then
// knows both runs' folders are private before either looks at the other's.
const QByteArray kReporter = "import json, os, sys, time\n"
                             "other = sys.argv[1] if len(sys.argv) > 1 else ''\n"
                             "if sys.argv[2:] == ['sync']:\n"
                             "    open('ready', 'w').close()\n"
                             "    for _ in range(2400):\n"
                             "        if os.path.exists('check'):\n"
                             "            break\n"
                             "        time.sleep(0.05)\n"
                             "try:\n"
                             "    os.listdir(other); other_readable = True\n"
                             "except OSError:\n"
                             "    other_readable = False\n"
                             "home = os.environ['HOME']\n"
                             "open(os.path.join(home, 'probe'), 'w').write('x')\n"
                             "json.dump({'uid': os.getuid(), 'gid': os.getgid(), 'euid': os.geteuid(), 'groups': os.getgroups(),\n"
                             "           'user': os.environ.get('USER'), 'logname': os.environ.get('LOGNAME'), 'home': home,\n"
                             "           'other_readable': other_readable, 'pid': os.getpid()}, open('report.tmp', 'w'))\n"
                             "os.rename('report.tmp', 'report.json')\n"
                             "for _ in range(1200):\n"
                             "    if os.path.exists('go'):\n"
                             "        break\n"
                             "    time.sleep(0.05)\n";

QString writeConfig(const Agent &agent, const QString &range)
{
    const QString path = agent.base() + QStringLiteral("/../dynamic.conf");
    writeFileBytes(path, QStringLiteral("[General]\nRunAsUser = dynamic\nDynamicUserRange = %1\n").arg(range).toUtf8());
    return path;
}

QStringList dynamicArgs(const Agent &agent, const QString &id, const QString &config, const QStringList &extra = {})
{
    return executorArgs(agent, id, QStringList{QStringLiteral("--config"), config, QStringLiteral("--python"), kSystemPython} + extra);
}

bool startExecutor(QProcess &executor, const QStringList &arguments)
{
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), arguments);
    return executor.waitForStarted();
}

// Waits for the task's report (complete: it is renamed into place) while its executor runs.
QJsonObject waitForReport(const Agent &agent, const QString &id, QProcess &executor)
{
    const QString file = agent.taskFile(id, QStringLiteral("report.json"));
    QElapsedTimer waited;
    waited.start();
    while (!QFile::exists(file) && waited.elapsed() < 60000 && executor.state() == QProcess::Running)
        QThread::msleep(20);
    if (!QFile::exists(file)) // say why, once
        qWarning().noquote() << id << "has no report; executor" << executor.state() << executor.exitCode() << executor.readAllStandardError()
                             << readFile(agent.taskFile(id, QStringLiteral("executor.log"))) << readFile(agent.taskFile(id, QStringLiteral("error.log")));
    return report(agent, id);
}

void go(const Agent &agent, const QString &id)
{
    writeFileBytes(agent.taskFile(id, QStringLiteral("go")), QByteArray());
}

// Every path below the agent folder that `id` owns as user or group: none may be left.
QStringList filesOf(const Agent &agent, qint64 id)
{
    QStringList owned;
    QDirIterator it(agent.base(), QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const struct stat st = statOf(path);
        if (qint64(st.st_uid) == id || qint64(st.st_gid) == id)
            owned.append(path);
    }
    return owned;
}

bool waitUntilNoProcessOf(qint64 id)
{
    QElapsedTimer waited;
    waited.start();
    while (!oa::ProcessTable::processesOfId(id).isEmpty()) {
        if (waited.elapsed() > 30000)
            return false;
        QThread::msleep(20);
    }
    return true;
}

} // namespace

class TestRunAsDynamic : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void twoRunsGetTheirOwnIdsAndLeaveNothing();
    void keptVenvBecomesRoots();
    void exhaustedRangeIsExit5();
    void crashedExecutorsIdIsReclaimed();
    void idsAreHostWideNotPerAgentFolder();
    void badRangeIsExit1_data();
    void badRangeIsExit1();
};

void TestRunAsDynamic::initTestCase()
{
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("dynamic users need root (CI runs as root)"));
    if (!QFileInfo(kSystemPython).isExecutable())
        OA_SKIP_OR_FAIL(QStringLiteral("%1 is missing (scripts/test.sh installs python3-venv)").arg(kSystemPython));
}

void TestRunAsDynamic::twoRunsGetTheirOwnIdsAndLeaveNothing()
{
    Agent agent;
    openToOthers(agent.base());
    const QString config = writeConfig(agent, QStringLiteral("61184-65519"));
    agent.makeScriptTask(QStringLiteral("a"), kReporter, {{"Arguments", QJsonArray{agent.taskDir(QStringLiteral("b")), "sync"}}});
    agent.makeScriptTask(QStringLiteral("b"), kReporter, {{"Arguments", QJsonArray{agent.taskDir(QStringLiteral("a")), "sync"}}});
    QProcess first, second;
    QVERIFY(startExecutor(first, dynamicArgs(agent, QStringLiteral("a"), config)));
    QVERIFY(startExecutor(second, dynamicArgs(agent, QStringLiteral("b"), config)));
    // Both scripts run (each folder already private to its run) before either looks: a folder
    // the service made is readable until its run starts, and under load one run starts late.
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(agent.taskFile(QStringLiteral("a"), QStringLiteral("ready")))
                                 && QFile::exists(agent.taskFile(QStringLiteral("b"), QStringLiteral("ready"))),
                             60000);
    writeFileBytes(agent.taskFile(QStringLiteral("a"), QStringLiteral("check")), QByteArray());
    writeFileBytes(agent.taskFile(QStringLiteral("b"), QStringLiteral("check")), QByteArray());
    const QJsonObject a = waitForReport(agent, QStringLiteral("a"), first);
    const QJsonObject b = waitForReport(agent, QStringLiteral("b"), second);
    QVERIFY2(!a.isEmpty(), first.readAllStandardError().constData());
    QVERIFY2(!b.isEmpty(), second.readAllStandardError().constData());

    // Both at once: two IDs of the range, neither an account's, uid == gid, no other group.
    const qint64 idA = a.value("uid").toInteger(), idB = b.value("uid").toInteger();
    QVERIFY2(idA != idB, qPrintable(QString::number(idA)));
    for (const QJsonObject &r : {a, b}) {
        const qint64 id = r.value("uid").toInteger();
        QVERIFY2(id >= 61184 && id <= 65519, qPrintable(QString::number(id)));
        QCOMPARE(r.value("euid").toInteger(), id);
        QCOMPARE(r.value("gid").toInteger(), id);
        QCOMPARE(r.value("groups").toArray(), QJsonArray{id});
        QVERIFY(::getpwuid(uid_t(id)) == nullptr);
        QCOMPARE(r.value("user").toString(), QStringLiteral("oa-%1").arg(id));
        QCOMPARE(r.value("logname").toString(), QStringLiteral("oa-%1").arg(id));
        // Neither can read the other's task folder while both run.
        QCOMPARE(r.value("other_readable").toBool(), false);
    }
    QCOMPARE(a.value("home").toString(), agent.base() + QStringLiteral("/Temp/a/home"));

    go(agent, QStringLiteral("a"));
    go(agent, QStringLiteral("b"));
    QVERIFY(first.waitForFinished(120000));
    QVERIFY(second.waitForFinished(120000));
    QVERIFY2(first.exitCode() == 0, first.readAllStandardError().constData());
    QVERIFY2(second.exitCode() == 0, second.readAllStandardError().constData());

    // result.json says so; nothing of either ID is left: no process, no file, no lease held.
    const QJsonObject runAs = readJson(agent.taskFile(QStringLiteral("a"), QStringLiteral("result.json"))).value("RunAs").toObject();
    QCOMPARE(runAs.value("Dynamic").toBool(), true);
    QCOMPARE(runAs.value("Uid").toInteger(), idA);
    QCOMPARE(runAs.value("User").toString(), QStringLiteral("oa-%1").arg(idA));
    for (const qint64 id : {idA, idB}) {
        QVERIFY(oa::ProcessTable::processesOfId(id).isEmpty());
        const QStringList left = filesOf(agent, id);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(u' ')));
    }
}

void TestRunAsDynamic::keptVenvBecomesRoots()
{
    Agent agent;
    openToOthers(agent.base());
    const QString config = writeConfig(agent, QStringLiteral("61192-61192"));
    agent.makeScriptTask(QStringLiteral("keep"), "import os\nopen(os.path.join(os.environ['VIRTUAL_ENV'], 'made-by-task'), 'w').write('x')\n",
                         {{"KeepVirtualEnvironment", true}});
    const Run run = runExecutor(dynamicArgs(agent, QStringLiteral("keep"), config));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString venv = agent.base() + QStringLiteral("/venvs/keep");
    QVERIFY(QFile::exists(venv + QStringLiteral("/made-by-task")));
    QCOMPARE(statOf(venv + QStringLiteral("/made-by-task")).st_uid, uid_t(0));
    const QStringList left = filesOf(agent, 61192);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u' ')));
}

void TestRunAsDynamic::exhaustedRangeIsExit5()
{
    Agent agent;
    openToOthers(agent.base());
    const QString config = writeConfig(agent, QStringLiteral("61190-61190"));
    agent.makeScriptTask(QStringLiteral("holder"), kReporter);
    agent.makeScriptTask(QStringLiteral("late"), "print('never')\n");
    QProcess holder;
    QVERIFY(startExecutor(holder, dynamicArgs(agent, QStringLiteral("holder"), config)));
    QCOMPARE(waitForReport(agent, QStringLiteral("holder"), holder).value("uid").toInteger(), 61190);

    const Run late = runExecutor(dynamicArgs(agent, QStringLiteral("late"), config));
    QCOMPARE(late.exitCode, 5);
    QVERIFY2(late.err.contains("no user ID is free in DynamicUserRange 61190-61190"), late.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("late"), QStringLiteral("output.log"))) // never started
            || readFile(agent.taskFile(QStringLiteral("late"), QStringLiteral("output.log"))).isEmpty());
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("late"), QStringLiteral("result.json"))).value("Outcome").toString(),
             QStringLiteral("EnvironmentFailed"));

    go(agent, QStringLiteral("holder"));
    QVERIFY(holder.waitForFinished(120000));
    QCOMPARE(holder.exitCode(), 0);
    // Free again: the late task runs now, with the same ID.
    const Run again = runExecutor(dynamicArgs(agent, QStringLiteral("late"), config));
    QVERIFY2(again.exitCode == 0, again.err.constData());
}

void TestRunAsDynamic::crashedExecutorsIdIsReclaimed()
{
    Agent agent;
    openToOthers(agent.base());
    const QString config = writeConfig(agent, QStringLiteral("61191-61191"));
    agent.makeScriptTask(QStringLiteral("crashes"), kReporter);
    QProcess crashing;
    QVERIFY(startExecutor(crashing, dynamicArgs(agent, QStringLiteral("crashes"), config)));
    QCOMPARE(waitForReport(agent, QStringLiteral("crashes"), crashing).value("uid").toInteger(), 61191);
    // The executor dies without its cleanup; its guardian kills the script's tree.
    ::kill(pid_t(crashing.processId()), SIGKILL);
    QVERIFY(crashing.waitForFinished(30000));
    QVERIFY(waitUntilNoProcessOf(61191));

    // Its folders still belong to the ID: the task folder shared with its group, Temp and venv
    // its own. The next run that gets the ID must not reach them.
    QCOMPARE(qint64(statOf(agent.taskDir(QStringLiteral("crashes"))).st_gid), qint64(61191));

    agent.makeScriptTask(QStringLiteral("next"), kReporter, {{"Arguments", QJsonArray{agent.taskDir(QStringLiteral("crashes"))}}});
    go(agent, QStringLiteral("next")); // no waiting: it reports and ends
    const Run next = runExecutor(dynamicArgs(agent, QStringLiteral("next"), config));
    QVERIFY2(next.exitCode == 0, next.err.constData());
    const QJsonObject seen = report(agent, QStringLiteral("next"));
    QCOMPARE(seen.value("uid").toInteger(), 61191);
    QCOMPARE(seen.value("other_readable").toBool(), false);
    // The crashed run's folders were taken back before the ID was handed out again, and said so.
    const struct stat task = statOf(agent.taskDir(QStringLiteral("crashes")));
    QCOMPARE(task.st_uid, uid_t(0));
    QCOMPARE(task.st_gid, gid_t(0));
    QCOMPARE(task.st_mode & 07777, mode_t(0750));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/Temp/crashes")));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/crashes")));
    const QJsonArray warnings = readJson(agent.taskFile(QStringLiteral("next"), QStringLiteral("result.json"))).value("Warnings").toArray();
    QVERIFY2(QJsonDocument(warnings).toJson().contains("whose executor died"), QJsonDocument(warnings).toJson().constData());
    const QStringList left = filesOf(agent, 61191);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(u' ')));
}

void TestRunAsDynamic::idsAreHostWideNotPerAgentFolder()
{
    // Two agent folders on one host: the ID one holds is not the other's to give.
    Agent first, second;
    openToOthers(first.base());
    openToOthers(second.base());
    first.makeScriptTask(QStringLiteral("one"), kReporter);
    second.makeScriptTask(QStringLiteral("two"), "print('never')\n");
    QProcess holder;
    QVERIFY(startExecutor(holder, dynamicArgs(first, QStringLiteral("one"), writeConfig(first, QStringLiteral("61193-61193")))));
    QCOMPARE(waitForReport(first, QStringLiteral("one"), holder).value("uid").toInteger(), 61193);
    const Run other = runExecutor(dynamicArgs(second, QStringLiteral("two"), writeConfig(second, QStringLiteral("61193-61193"))));
    QCOMPARE(other.exitCode, 5);
    QVERIFY2(other.err.contains("no user ID is free in DynamicUserRange 61193-61193: 1 held"), other.err.constData());
    go(first, QStringLiteral("one"));
    QVERIFY(holder.waitForFinished(120000));
    QCOMPARE(holder.exitCode(), 0);
}

void TestRunAsDynamic::badRangeIsExit1_data()
{
    QTest::addColumn<QString>("range");
    QTest::newRow("root in it") << "0-10";
    QTest::newRow("reversed") << "65000-64000";
    QTest::newRow("one number") << "61184";
    QTest::newRow("past 2^31 - 2") << "61184-4294967295";
    QTest::newRow("words") << "low-high";
}

void TestRunAsDynamic::badRangeIsExit1()
{
    QFETCH(QString, range);
    Agent agent;
    agent.makeScriptTask(QStringLiteral("t"), "print('never')\n");
    const Run run = runExecutor(dynamicArgs(agent, QStringLiteral("t"), writeConfig(agent, range)));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("DynamicUserRange") && run.err.contains("is not a range of user IDs"), run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("t"), QStringLiteral("result.json"))));
}

QTEST_GUILESS_MAIN(TestRunAsDynamic)
#include "tst_run_as_dynamic.moc"
