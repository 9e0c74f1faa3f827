// Task code as an unprivileged run-as user, through the real executor run by root: the identity
// the script gets, what it may and may not write, setuid programs, cgroup escapes, and what the
// lock tools show (pip builds as that user: tst_run_as_build). Every test needs root (CI runs as root).
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


class TestRunAs : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void identityAndEnvironment();
    void writesOnlyItsOwnFolders();
    void rootStepsIgnoreTheWorkingFolder();
    void idleTaskFolderIsReclaimed();
    void setuidProgramCannotRaisePrivileges();
    void cannotLeaveItsCgroup();
    void lockToolsShowTheRunAsUser();
    void rootRunIsReported();

private:
    ThrowawayUser m_user;
};

void TestRunAs::initTestCase()
{
    if (!m_user.isValid())
        OA_SKIP_OR_FAIL(m_user.why());
    if (!QFileInfo(kSystemPython).isExecutable())
        OA_SKIP_OR_FAIL(QStringLiteral("%1 is missing (scripts/test.sh installs python3-venv)").arg(kSystemPython));
}

void TestRunAs::identityAndEnvironment()
{
    Agent agent;
    openToOthers(agent.base());
    agent.makeScriptTask(QStringLiteral("who"),
                         "import json, os\n"
                         "status = dict(l.split(':\\t', 1) for l in open('/proc/self/status').read().splitlines() if ':\\t' in l)\n"
                         "json.dump({'uid': os.getuid(), 'euid': os.geteuid(), 'gid': os.getgid(), 'groups': sorted(os.getgroups()),\n"
                         "           'home': os.environ.get('HOME'), 'user': os.environ.get('USER'), 'logname': os.environ.get('LOGNAME'),\n"
                         "           'nnp': status['NoNewPrivs'].strip(), 'cap_eff': status['CapEff'].strip()}, open('report.json', 'w'))\n");
    const Run run = runExecutor(runAsArgs(agent, QStringLiteral("who"), m_user.name()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject seen = report(agent, QStringLiteral("who"));
    QCOMPARE(seen.value("uid").toInteger(), m_user.uid());
    QCOMPARE(seen.value("euid").toInteger(), m_user.uid());
    QCOMPARE(seen.value("gid").toInteger(), m_user.gid());
    QJsonArray expectedGroups{m_user.gid(), m_user.supplementaryGid()};
    if (m_user.supplementaryGid() < m_user.gid())
        expectedGroups = QJsonArray{m_user.supplementaryGid(), m_user.gid()};
    QCOMPARE(seen.value("groups").toArray(), expectedGroups);
    QCOMPARE(seen.value("home").toString(), m_user.home());
    QCOMPARE(seen.value("user").toString(), m_user.name());
    QCOMPARE(seen.value("logname").toString(), m_user.name());
    QCOMPARE(seen.value("nnp").toString(), QStringLiteral("1"));
    QCOMPARE(seen.value("cap_eff").toString(), QStringLiteral("0000000000000000"));

    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("who"), QStringLiteral("result.json")));
    const QJsonObject runAs = result.value("RunAs").toObject();
    QCOMPARE(runAs.value("User").toString(), m_user.name());
    QCOMPARE(runAs.value("Uid").toInteger(), m_user.uid());
    QCOMPARE(runAs.value("Configured").toBool(), true);
}

void TestRunAs::writesOnlyItsOwnFolders()
{
    Agent agent;
    openToOthers(agent.base());
    QDir().mkpath(agent.base() + QStringLiteral("/EnvCache"));
    agent.makeScriptTask(QStringLiteral("other"), "print('other')\n");
    const QByteArray otherExecution = readFile(agent.taskFile(QStringLiteral("other"), QStringLiteral("execution.json")));
    // The script tries every write it should and should not be able to make, records what
    // happened, and prints 2000 lines on each stream so that the logs can be checked whole.
    agent.makeScriptTask(QStringLiteral("writer"),
                         "import json, os, sys\n"
                         "base = os.path.abspath('../..')\n"
                         "venv = os.environ['VIRTUAL_ENV']\n"
                         "tries = {\n"
                         "  'locks_new': lambda: open(base + '/Locks/planted', 'w'),\n"
                         "  'lock_file': lambda: open(base + '/Locks/writer.lock', 'a'),\n"
                         "  'env_cache': lambda: open(base + '/EnvCache/planted', 'w'),\n"
                         "  'other_task_new': lambda: open(base + '/Tasks/other/planted', 'w'),\n"
                         "  'other_task_execution': lambda: open(base + '/Tasks/other/execution.json', 'a'),\n"
                         "  'executor_log': lambda: open('executor.log', 'a'),\n"
                         "  'executor_log_unlink': lambda: os.unlink('executor.log'),\n"
                         "  'status_rename': lambda: os.rename('status.json', 'mine.json'),\n"
                         "  'execution_json': lambda: open('execution.json', 'a'),\n"
                         "  'own_new_file': lambda: open('made-by-script.txt', 'w').write('x'),\n"
                         "  'own_input_file': lambda: open('data.csv', 'a').write('x'),\n"
                         "  'own_subfolder': lambda: open('out/result.txt', 'w').write('x'),\n"
                         "  'temp': lambda: open(os.environ['TMPDIR'] + '/t', 'w').write('x'),\n"
                         "  'venv': lambda: open(venv + '/planted', 'w').write('x'),\n"
                         "}\n"
                         + kTryEachIntoReport
                         + "for i in range(2000):\n"
                         "    print('out', i)\n"
                         "    print('err', i, file=sys.stderr)\n");
    QFile::copy(agent.taskFile(QStringLiteral("other"), QStringLiteral("main.py")), agent.taskFile(QStringLiteral("writer"), QStringLiteral("data.csv")));
    QDir().mkpath(agent.taskFile(QStringLiteral("writer"), QStringLiteral("out")));
    const Run run = runExecutor(runAsArgs(agent, QStringLiteral("writer"), m_user.name()));
    QVERIFY2(run.exitCode == 0, run.err.constData());

    const QJsonObject seen = report(agent, QStringLiteral("writer"));
    for (const char *refused : {"locks_new", "lock_file", "env_cache", "other_task_new", "other_task_execution", "executor_log",
                                "executor_log_unlink", "status_rename", "execution_json"})
        QVERIFY2(seen.value(QLatin1String(refused)).toString() == QLatin1String("PermissionError"),
                 qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(refused), seen.value(QLatin1String(refused)).toString())));
    for (const char *allowed : {"own_new_file", "own_input_file", "own_subfolder", "temp", "venv"})
        QVERIFY2(seen.value(QLatin1String(allowed)).toString() == QLatin1String("ok"),
                 qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(allowed), seen.value(QLatin1String(allowed)).toString())));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/Locks/planted")));
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("other"), QStringLiteral("planted"))));
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("other"), QStringLiteral("execution.json"))), otherExecution);

    // The executor's files are its own, and whole.
    for (const char *name : {"executor.log", "output.log", "error.log", "result.json", "status.json"})
        QCOMPARE(qint64(statOf(agent.taskFile(QStringLiteral("writer"), QLatin1String(name))).st_uid), qint64(0));
    const QByteArray out = readFile(agent.taskFile(QStringLiteral("writer"), QStringLiteral("output.log")));
    const QByteArray err = readFile(agent.taskFile(QStringLiteral("writer"), QStringLiteral("error.log")));
    QCOMPARE(out.count('\n'), 2000);
    QVERIFY(out.endsWith("out 1999\n"));
    QCOMPARE(err.count('\n'), 2000);
    QVERIFY(err.endsWith("err 1999\n"));
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("writer"), QStringLiteral("result.json")));
    QCOMPARE(result.value("Outcome").toString(), QStringLiteral("Succeeded"));
    QVERIFY(readFile(agent.taskFile(QStringLiteral("writer"), QStringLiteral("executor.log"))).contains(R"("Outcome":"Succeeded")"));
}

void TestRunAs::rootStepsIgnoreTheWorkingFolder()
{
    // The service started the executor in a folder the task can write, holding modules named
    // like the ones root runs with -m: none of them may be imported.
    Agent agent;
    openToOthers(agent.base());
    QTemporaryDir cwd;
    for (const char *module : {"compileall", "py_compile", "zipfile", "venv", "ensurepip"}) {
        QFile planted(cwd.path() + u'/' + QLatin1String(module) + QStringLiteral(".py"));
        QVERIFY(planted.open(QIODevice::WriteOnly));
        planted.write("import os\nopen(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'IMPORTED-' + __name__), 'w').write(str(os.getuid()))\n"
                      "raise SystemExit(0)\n");
    }
    QTemporaryDir wheels;
    QVERIFY(!buildWheel(wheels.path(), QStringLiteral("oa-greeter"), QStringLiteral("1.0")).isEmpty());
    openToOthers(wheels.path());
    for (const bool cached : {true, false}) {
        const QString id = cached ? QStringLiteral("cached") : QStringLiteral("uncached");
        agent.makeScriptTask(id, "import oa_greeter\n", QJsonObject{{QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-greeter")}}});
        QProcess executor;
        executor.setWorkingDirectory(cwd.path());
        executor.setProcessEnvironment(offlinePipEnvironment(wheels.path()));
        executor.start(executorPath(), runAsArgs(agent, id, m_user.name(), cached ? QStringList() : QStringList{QStringLiteral("--no-env-cache")}));
        QVERIFY(executor.waitForFinished(300000));
        QVERIFY2(executor.exitCode() == 0, executor.readAllStandardError().constData());
    }
    QCOMPARE(QDir(cwd.path()).entryList({QStringLiteral("IMPORTED-*")}, QDir::Files), QStringList());
}

void TestRunAs::idleTaskFolderIsReclaimed()
{
    Agent agent;
    openToOthers(agent.base());
    agent.makeScriptTask(QStringLiteral("idle"), "open('made.txt', 'w').write('x')\n");
    const Run run = runExecutor(runAsArgs(agent, QStringLiteral("idle"), m_user.name()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    // Between runs no task of the same user can change it: root's, its mode from before (0755
    // here), its files root's.
    const struct stat dir = statOf(agent.taskDir(QStringLiteral("idle")));
    QCOMPARE(qint64(dir.st_uid), qint64(0));
    QCOMPARE(dir.st_mode & 07777, mode_t(0755));
    for (const char *name : {"main.py", "made.txt", "execution.json"})
        QCOMPARE(qint64(statOf(agent.taskFile(QStringLiteral("idle"), QLatin1String(name))).st_uid), qint64(0));
}

void TestRunAs::setuidProgramCannotRaisePrivileges()
{
    Agent agent;
    openToOthers(agent.base());
    // A setuid-root copy of id(1). First proof that it really raises privileges here (no
    // nosuid mount): run by the user without no_new_privs, it reports euid 0.
    const QString setuidId = agent.base() + QStringLiteral("/setuid-id");
    QVERIFY(QFile::copy(QStringLiteral("/usr/bin/id"), setuidId));
    QVERIFY(::chmod(QFile::encodeName(setuidId).constData(), 04755) == 0);
    QProcess direct;
    direct.start(QStringLiteral("setpriv"), {QStringLiteral("--reuid=%1").arg(m_user.uid()), QStringLiteral("--regid=%1").arg(m_user.gid()),
                                             QStringLiteral("--clear-groups"), setuidId, QStringLiteral("-u")});
    QVERIFY(direct.waitForFinished(30000));
    QCOMPARE(direct.readAllStandardOutput().trimmed(), QByteArray("0"));

    agent.makeScriptTask(QStringLiteral("suid"),
                         "import json, subprocess, sys\n"
                         "euid = subprocess.run([sys.argv[1], '-u'], capture_output=True, text=True).stdout.strip()\n"
                         "su = subprocess.run(['su', '-c', 'id -u', 'root'], capture_output=True, stdin=subprocess.DEVNULL).returncode\n"
                         "json.dump({'euid': euid, 'su': su}, open('report.json', 'w'))\n",
                         QJsonObject{{QStringLiteral("Arguments"), QJsonArray{setuidId}}});
    const Run run = runExecutor(runAsArgs(agent, QStringLiteral("suid"), m_user.name()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject seen = report(agent, QStringLiteral("suid"));
    QCOMPARE(seen.value("euid").toString(), QString::number(m_user.uid()));
    QVERIFY(seen.value("su").toInt() != 0);
}

void TestRunAs::cannotLeaveItsCgroup()
{
    if (!QFile::exists(QStringLiteral("/sys/fs/cgroup/unified/cgroup.procs")) && !QFile::exists(QStringLiteral("/sys/fs/cgroup/cgroup.procs")))
        OA_SKIP_OR_FAIL(QStringLiteral("no cgroup v2 hierarchy is mounted"));
    Agent agent;
    openToOthers(agent.base());
    // A daemon: double fork, setsid, then an attempt to move into every root cgroup it can
    // find. It records its PID and the attempts, and would live for ever.
    agent.makeScriptTask(QStringLiteral("daemon"),
                         "import json, os, time\n"
                         "if os.fork() == 0:\n"
                         "    os.setsid()\n"
                         "    if os.fork() == 0:\n"
                         "        moves = {}\n"
                         "        for procs in ['/sys/fs/cgroup/unified/cgroup.procs', '/sys/fs/cgroup/cgroup.procs', '/sys/fs/cgroup/memory/cgroup.procs']:\n"
                         "            if os.path.exists(procs):\n"
                         "                try:\n"
                         "                    open(procs, 'w').write(str(os.getpid())); moves[procs] = 'ok'\n"
                         "                except OSError as e:\n"
                         "                    moves[procs] = type(e).__name__\n"
                         "        json.dump({'pid': os.getpid(), 'moves': moves}, open('report.tmp', 'w'))\n"
                         "        os.rename('report.tmp', 'report.json')\n"
                         "        while True: time.sleep(1)\n"
                         "    os._exit(0)\n"
                         "os.wait()\n"
                         "while not os.path.exists('report.json'): time.sleep(0.05)\n");
    const Run run = runExecutor(runAsArgs(agent, QStringLiteral("daemon"), m_user.name(), {QStringLiteral("--grace-seconds"), QStringLiteral("1")}));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject seen = report(agent, QStringLiteral("daemon"));
    const QJsonObject moves = seen.value("moves").toObject();
    QVERIFY(!moves.isEmpty());
    for (auto it = moves.begin(); it != moves.end(); ++it)
        QVERIFY2(it.value().toString() == QLatin1String("PermissionError"), qPrintable(it.key() + u' ' + it.value().toString()));
    const qint64 pid = seen.value("pid").toInteger();
    QVERIFY(pid > 0);
    QVERIFY2(!isProcessAlive(pid), qPrintable(QStringLiteral("the daemon %1 outlived its run").arg(pid)));
    // The attempt to leave is reported: the daemon left the script's session (its cgroups, it could not).
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("daemon"), QStringLiteral("result.json")));
    const QString warnings = QString::fromUtf8(QJsonDocument(result.value("Warnings").toArray()).toJson());
    QVERIFY2(warnings.contains(QStringLiteral("process %1 ").arg(pid)) && warnings.contains(QStringLiteral("left the script's session")),
             qPrintable(warnings));
    QVERIFY2(!warnings.contains(QStringLiteral("cgroup for")), qPrintable(warnings));
    QCOMPARE(result.value("Containment").toObject().value("RunAsUser").toString(), m_user.name());
    QCOMPARE(result.value("Containment").toObject().value("NoNewPrivileges").toBool(), true);
}

void TestRunAs::lockToolsShowTheRunAsUser()
{
    Agent agent;
    openToOthers(agent.base());
    agent.makeScriptTask(QStringLiteral("waits"),
                         "import os, time\n"
                         "open('ready.tmp', 'w').write(str(os.getpid())); os.rename('ready.tmp', 'ready')\n"
                         "while not os.path.exists('go'): time.sleep(0.05)\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), runAsArgs(agent, QStringLiteral("waits"), m_user.name()));
    QVERIFY(executor.waitForStarted());
    QCOMPARE(waitForPids(agent.taskFile(QStringLiteral("waits"), QStringLiteral("ready"))).size(), 1);
    // status.json names the user from the start of the run, so the tools show it now.
    const Run locks = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--locks"), QStringLiteral("--json")});
    const QJsonArray lockList = QJsonDocument::fromJson(locks.out).object().value("Locks").toArray();
    QCOMPARE(lockList.size(), 1);
    QCOMPARE(lockList.first().toObject().value("RunAsUser").toString(), m_user.name());
    const Run list = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--list")});
    QVERIFY2(list.out.contains("as " + m_user.name().toUtf8()), list.out.constData());
    QFile go(agent.taskFile(QStringLiteral("waits"), QStringLiteral("go")));
    QVERIFY(go.open(QIODevice::WriteOnly));
    go.close();
    QVERIFY(executor.waitForFinished(60000));
    QCOMPARE(executor.exitCode(), 0);
}

void TestRunAs::rootRunIsReported()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("root"), "print('as root')\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("root")));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject result = readJson(agent.taskFile(QStringLiteral("root"), QStringLiteral("result.json")));
    QCOMPARE(result.value("RunAs").toObject().value("Uid").toInteger(), qint64(0));
    QCOMPARE(result.value("RunAs").toObject().value("Configured").toBool(), false);
    const QJsonArray warnings = result.value("Warnings").toArray();
    const bool said = std::any_of(warnings.begin(), warnings.end(),
                                  [](const QJsonValue &w) { return w.toString().startsWith(QLatin1String("task code ran as root")); });
    QVERIFY2(said, QJsonDocument(warnings).toJson().constData());
}

QTEST_GUILESS_MAIN(TestRunAs)
#include "tst_run_as.moc"
