// Records a run-as user could forge are never taken for the executor's: a file it left at one
// of the executor's names (pip.log in a run without packages, result.json) is removed before the
// task folder is taken back, never adopted or kept in previous/; a file it hard-linked into the
// task folder becomes a copy of the executor's own, which its other name no longer reaches; and
// --which-runs believes only a result.json the executor could alone have written.
// Through the real executor, with a throwaway run-as user.
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace oatest;

namespace {

struct stat statOf(const QString &path)
{
    struct stat st {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        st.st_nlink = 0;
    return st;
}

bool anyContains(const QJsonArray &warnings, const QString &a, const QString &b)
{
    for (const QJsonValue &w : warnings)
        if (w.toString().contains(a) && w.toString().contains(b))
            return true;
    return false;
}

} // namespace

class TestForgedRecords : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void filesAtTheExecutorsNamesAreNotAdopted();
    void whichRunsBelievesOnlyTheExecutorsRecords();
    void aPreviousRunTheTaskMadeIsRemoved();
    void takenBackFilesLoseTheModesTheUserGave();

private:
    // Runs `id` with the system interpreter (one the throwaway user may run) as that user.
    Run runAsUser(const Agent &agent, const QString &id) const
    {
        return runExecutor(executorArgs(agent, id, {QStringLiteral("--python"), QStringLiteral("/usr/bin/python3"),
                                                    QStringLiteral("--run-as"), m_user.name()}));
    }
    ThrowawayUser m_user;
    QTemporaryDir m_dir;
};

void TestForgedRecords::initTestCase()
{
    if (!m_user.isValid())
        OA_SKIP_OR_FAIL(m_user.why());
    openToOthers(m_dir.path());
}

void TestForgedRecords::filesAtTheExecutorsNamesAreNotAdopted()
{
    Agent agent;
    openToOthers(agent.base());
    // A folder of the user's own outside the task folder, as /tmp would give it.
    const QString outside = m_dir.path() + QStringLiteral("/outside");
    QVERIFY(QDir().mkpath(outside) && ::chown(QFile::encodeName(outside).constData(), uid_t(m_user.uid()), gid_t(m_user.gid())) == 0);
    const QString mine = outside + QStringLiteral("/mine.txt");
    const QString id = QStringLiteral("forger");
    agent.makeScriptTask(id, "import os\n"
                             "open('pip.log', 'w').write('forged by the task\\n')\n"
                             "open('result.json', 'w').write('{\"Outcome\": \"Succeeded\"}')\n"
                             "if not os.path.exists('linked.txt'):\n"
                             "    open('" + mine.toUtf8() + "', 'w').write('mine\\n')\n"
                             "    os.link('" + mine.toUtf8() + "', 'linked.txt')\n");
    const QStringList args = executorArgs(agent, id, {QStringLiteral("--python"), QStringLiteral("/usr/bin/python3"), QStringLiteral("--run-as"), m_user.name()});
    Run run = runExecutor(args);
    QVERIFY2(run.exitCode == 0, run.err.constData());

    // The user's pip.log is gone, said so; result.json is the executor's.
    const QString pipLog = agent.taskFile(id, QStringLiteral("pip.log"));
    QVERIFY(!QFileInfo::exists(pipLog));
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QCOMPARE(result.value(QStringLiteral("ExitCode")).toInt(), 0);
    const QJsonArray warnings = result.value(QStringLiteral("Warnings")).toArray();
    const QString owner = QStringLiteral("owned by uid %1").arg(m_user.uid());
    QVERIFY2(anyContains(warnings, pipLog, owner) && anyContains(warnings, pipLog, QStringLiteral("it was removed")),
             QJsonDocument(warnings).toJson().constData());
    QVERIFY(statOf(agent.taskFile(id, QStringLiteral("result.json"))).st_uid == ::geteuid());

    // The hard-linked file is removed from the task folder, never copied as root (a sparse
    // 64 GiB file would fill the disk), and said so; its other name keeps the user's file.
    const QString linked = agent.taskFile(id, QStringLiteral("linked.txt"));
    QVERIFY(!QFileInfo::exists(linked));
    QVERIFY2(anyContains(warnings, QStringLiteral("linked.txt"), QStringLiteral("more than one name")),
             QJsonDocument(warnings).toJson().constData());
    QVERIFY(statOf(mine).st_uid == uid_t(m_user.uid()));
    QCOMPARE(quint64(statOf(mine).st_nlink), quint64(1));
    QCOMPARE(readFile(mine), QByteArray("mine\n"));

    // The next run keeps the executor's records in previous/, and no pip.log.
    run = runExecutor(args);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString previous = agent.taskDir(id) + QStringLiteral("/previous");
    QVERIFY(!QFileInfo::exists(previous + QStringLiteral("/pip.log")));
    QCOMPARE(readJson(previous + QStringLiteral("/result.json")).value(QStringLiteral("ExecutionId")).toString(), id);
    for (const QString &name : QDir(previous).entryList(QDir::Files))
        QVERIFY2(statOf(previous + u'/' + name).st_uid == ::geteuid(), qPrintable(name));
}

void TestForgedRecords::whichRunsBelievesOnlyTheExecutorsRecords()
{
    Agent agent;
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("1.0")).isEmpty());
    const QString id = QStringLiteral("real");
    agent.makeScriptTask(id, "import oa_demo\n", {{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-demo==1.0")}}});
    const Run real = runExecutor(executorArgs(agent, id), offlinePipEnvironment(wheels.path()));
    QVERIFY2(real.exitCode == 0, real.err.constData());
    const QByteArray record = readFile(agent.taskFile(id, QStringLiteral("result.json")));

    // The same record where only task code could have put it.
    const auto forge = [&](const QString &task) {
        QDir().mkpath(agent.taskDir(task));
        return agent.taskFile(task, QStringLiteral("result.json"));
    };
    const QString userOwned = forge(QStringLiteral("user-owned"));
    QVERIFY(writeFileBytes(userOwned, record));
    QCOMPARE(::chown(QFile::encodeName(userOwned).constData(), uid_t(m_user.uid()), gid_t(m_user.gid())), 0);
    const QString elsewhere = m_dir.path() + QStringLiteral("/kept.json");
    QVERIFY(writeFileBytes(elsewhere, record));
    const QString hardLinked = forge(QStringLiteral("hard-linked"));
    QCOMPARE(::link(QFile::encodeName(elsewhere).constData(), QFile::encodeName(hardLinked).constData()), 0);
    const QString groupWritable = forge(QStringLiteral("group-writable"));
    QVERIFY(writeFileBytes(groupWritable, record));
    QCOMPARE(::chmod(QFile::encodeName(groupWritable).constData(), 0664), 0);

    for (const bool json : {false, true}) {
        QStringList args{QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--which-runs"), QStringLiteral("oa-demo==1.0")};
        if (json)
            args << QStringLiteral("--json");
        const Run which = runExecutor(args, cleanEnvironment(), 30000);
        QCOMPARE(which.exitCode, 0);
        const QString err = QString::fromUtf8(which.err);
        QVERIFY2(err.contains(userOwned + QStringLiteral(": skipped")) && err.contains(QStringLiteral("owned by uid %1").arg(m_user.uid())),
                 which.err.constData());
        QVERIFY2(err.contains(hardLinked + QStringLiteral(": skipped")) && err.contains(QStringLiteral("a hard link to a file with 2 names")),
                 which.err.constData());
        QVERIFY2(err.contains(groupWritable + QStringLiteral(": skipped")) && err.contains(QStringLiteral("may be written by its group or by others (mode 664)")),
                 which.err.constData());
        if (!json) {
            const QString table = QString::fromUtf8(which.out);
            QVERIFY2(table.contains(QLatin1String("real")) && !table.contains(QLatin1String("user-owned"))
                         && !table.contains(QLatin1String("hard-linked")) && !table.contains(QLatin1String("group-writable")),
                     which.out.constData());
            continue;
        }
        const QJsonObject answer = QJsonDocument::fromJson(which.out).object();
        const QJsonArray runs = answer.value(QStringLiteral("Runs")).toArray();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().toObject().value(QStringLiteral("ExecutionId")).toString(), id);
        QCOMPARE(answer.value(QStringLiteral("Notes")).toArray().size(), 3);
    }
}

// On a task's first run there is no previous/: one the task makes would pass, once the folder
// is taken back, for the run before (the monitor's run selector).
void TestForgedRecords::aPreviousRunTheTaskMadeIsRemoved()
{
    Agent agent;
    openToOthers(agent.base());
    const QString id = QStringLiteral("first-run");
    agent.makeScriptTask(id, "import os\n"
                             "os.makedirs('previous', exist_ok=True)\n"
                             "open('previous/result.json', 'w').write('{\"ExecutionId\": \"first-run\", \"Outcome\": \"Succeeded\"}')\n"
                             "open('previous/output.log', 'w').write('forged\\n')\n");
    const Run run = runAsUser(agent, id);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString previous = agent.taskDir(id) + QStringLiteral("/previous");
    QVERIFY2(!QFileInfo::exists(previous), qPrintable(QDir(previous).entryList().join(u',')));
    const QJsonArray warnings = readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("Warnings")).toArray();
    QVERIFY2(anyContains(warnings, previous, QStringLiteral("made by task code (uid %1)").arg(m_user.uid())),
             QJsonDocument(warnings).toJson().constData());
}

// A folder and a file the user left world-writable would stay so as root's: any local user
// could then change what the next run (perhaps without a run-as user, as root) imports.
void TestForgedRecords::takenBackFilesLoseTheModesTheUserGave()
{
    Agent agent;
    openToOthers(agent.base());
    const QString id = QStringLiteral("loose-modes");
    agent.makeScriptTask(id, "import os\n"
                             "os.makedirs('lib', exist_ok=True)\n"
                             "os.chmod('lib', 0o2777)\n"
                             "open('lib/helper.py', 'w').write('x = 1\\n')\n"
                             "os.chmod('lib/helper.py', 0o666)\n");
    const Run run = runAsUser(agent, id);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const struct stat folder = statOf(agent.taskFile(id, QStringLiteral("lib")));
    const struct stat file = statOf(agent.taskFile(id, QStringLiteral("lib/helper.py")));
    QCOMPARE(folder.st_uid, ::geteuid());
    QCOMPARE(file.st_uid, ::geteuid());
    QCOMPARE(QString::number(folder.st_mode & 07777, 8), QStringLiteral("755"));
    QCOMPARE(QString::number(file.st_mode & 07777, 8), QStringLiteral("644"));
}

QTEST_GUILESS_MAIN(TestForgedRecords)
#include "tst_forged_records.moc"
