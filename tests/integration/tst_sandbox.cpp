// Sandbox = bubblewrap through the real executor binary, with the real /usr/bin/bwrap (as root,
// and as a throwaway run-as user): what a sandboxed script can and cannot reach, Network, the
// timeout still stopping the sandboxed tree, an unusable bwrap as exit 5, result.json's Sandbox.
#include "RunAsFixture.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace oatest;

namespace {

// Each try's outcome in report.json: "ok" or the exception's type.
const QByteArray kProbeScript = R"PY(
import json, os, socket, sys
base, host_file, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
report = {}
def attempt(name, f):
    try:
        f()
        report[name] = "ok"
    except Exception as e:
        report[name] = type(e).__name__
attempt("other task", lambda: os.listdir(os.path.join(base, "Tasks", "other")))
attempt("locks", lambda: os.listdir(os.path.join(base, "Locks")))
attempt("env cache", lambda: os.listdir(os.path.join(base, "EnvCache")))
attempt("host tmp", lambda: open(host_file).read())
attempt("tmp writable", lambda: open("/tmp/scratch", "w").write("x"))
attempt("TMPDIR writable", lambda: open(os.path.join(os.environ["TMPDIR"], "scratch"), "w").write("x"))
def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.close()
attempt("connect", connect)
report["processes"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
report["uid"] = os.getuid()
report["capabilities"] = [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0]
with open("mine.txt", "w") as f:
    f.write("kept")
with open("report.json", "w") as f:
    json.dump(report, f)
)PY";

QString writeConfig(const QTemporaryDir &dir, const QByteArray &content)
{
    const QString path = dir.path() + QStringLiteral("/executor.conf");
    writeFileBytes(path, content);
    return path;
}

QJsonObject sandboxOf(const Agent &agent, const QString &id)
{
    return readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("Sandbox")).toObject();
}

// A TCP socket listening on 127.0.0.1 of the host's network (the kernel queues connections
// without an accept); its port, or 0.
struct Listener {
    int fd = -1;
    int port = 0;
    Listener()
    {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address = {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 && ::listen(fd, 8) == 0
            && ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
            port = ntohs(address.sin_port);
    }
    ~Listener()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

class TestSandbox : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void scriptSeesOnlyItsOwn_data();
    void scriptSeesOnlyItsOwn();
    void timeoutStopsTheSandboxedTree_data();
    void timeoutStopsTheSandboxedTree();
    void unusableBubblewrapIsExit5();
    void withoutSandboxNothingChanges();

private:
    QTemporaryDir m_dir;
};

void TestSandbox::initTestCase()
{
    if (!QFileInfo(QStringLiteral("/usr/bin/bwrap")).isExecutable())
        OA_SKIP_OR_FAIL("/usr/bin/bwrap is not installed (Debian's bubblewrap package; scripts/lib.sh installs it)");
}

void TestSandbox::scriptSeesOnlyItsOwn_data()
{
    QTest::addColumn<bool>("runAs");
    QTest::addColumn<QString>("configNetwork");
    QTest::addColumn<QString>("taskNetwork"); // empty: execution.json does not ask
    QTest::addColumn<QString>("network");     // what the run gets
    QTest::addColumn<bool>("warned");         // asked for more than allowed
    QTest::newRow("root, network none") << false << "none" << "" << "none" << false;
    QTest::newRow("root, network host") << false << "host" << "" << "host" << false;
    QTest::newRow("root, the task asks for none") << false << "host" << "none" << "none" << false;
    QTest::newRow("root, the task asks for more") << false << "none" << "host" << "none" << true;
    QTest::newRow("run-as user, network none") << true << "none" << "" << "none" << false;
}

void TestSandbox::scriptSeesOnlyItsOwn()
{
    QFETCH(bool, runAs);
    QFETCH(QString, configNetwork);
    QFETCH(QString, taskNetwork);
    QFETCH(QString, network);
    QFETCH(bool, warned);
    std::unique_ptr<ThrowawayUser> user;
    if (runAs) {
        user = std::make_unique<ThrowawayUser>();
        if (!user->isValid())
            OA_SKIP_OR_FAIL(user->why());
    }
    Agent agent;
    if (runAs)
        openToOthers(agent.base());
    const QString id = QStringLiteral("boxed");
    const Listener server; // listens outside: reachable from the host's network only
    QVERIFY(server.port > 0);
    QTemporaryFile hostFile(QDir::tempPath() + QStringLiteral("/oa-host-XXXXXX"));
    QVERIFY(hostFile.open());
    hostFile.write("host secret");
    hostFile.close();
    QFile::setPermissions(hostFile.fileName(), QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther | QFile::WriteOwner);
    QJsonObject execution{{QStringLiteral("Arguments"),
                           QJsonArray{agent.base(), hostFile.fileName(), QString::number(server.port)}}};
    if (!taskNetwork.isEmpty())
        execution.insert(QStringLiteral("Network"), taskNetwork);
    agent.makeScriptTask(id, kProbeScript, execution);
    agent.makeScriptTask(QStringLiteral("other"), "print('other')\n");
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/EnvCache/entries")));
    if (runAs)
        openToOthers(agent.base() + QStringLiteral("/EnvCache/entries"));

    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"),
               writeConfig(m_dir, "Sandbox = bubblewrap\nNetwork = " + configNetwork.toUtf8() + '\n'));
    const QStringList args = runAs ? runAsArgs(agent, id, user->name()) : executorArgs(agent, id);
    const Run run = runExecutor(args, env);
    QVERIFY2(run.exitCode == 0, run.err.constData());

    const QJsonObject r = report(agent, id);
    QVERIFY2(!r.isEmpty(), readFile(agent.taskFile(id, QStringLiteral("error.log"))).constData());
    const QString absent = QStringLiteral("FileNotFoundError");
    QCOMPARE(r.value("other task").toString(), absent);
    QCOMPARE(r.value("locks").toString(), absent);
    QCOMPARE(r.value("env cache").toString(), absent);
    QCOMPARE(r.value("host tmp").toString(), absent);
    QCOMPARE(r.value("tmp writable").toString(), QStringLiteral("ok"));
    QCOMPARE(r.value("TMPDIR writable").toString(), QStringLiteral("ok"));
    QCOMPARE(r.value("connect").toString(), network == u"none" ? QStringLiteral("ConnectionRefusedError") : QStringLiteral("ok"));
    // Its own PID namespace: bwrap's init (1) and the script, nothing of the host's.
    const QJsonArray processes = r.value("processes").toArray();
    QVERIFY2(processes.size() <= 3, QJsonDocument(processes).toJson().constData());
    QCOMPARE(processes.first().toInt(), 1);
    if (runAs)
        QCOMPARE(r.value("uid").toInteger(), user->uid());
    // Root inside the sandbox (no run-as user) has no capability left: it cannot mount or leave.
    QCOMPARE(r.value("capabilities").toString(), QStringLiteral("0000000000000000"));
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("mine.txt"))), QByteArray("kept"));

    const QJsonObject sandbox = sandboxOf(agent, id);
    QCOMPARE(sandbox.value("Mechanism").toString(), QStringLiteral("bubblewrap"));
    QCOMPARE(sandbox.value("Network").toString(), network);
    const QJsonArray warnings = readJson(agent.taskFile(id, QStringLiteral("result.json"))).value("Warnings").toArray();
    bool sawNetworkWarning = false;
    for (const QJsonValue &w : warnings) {
        sawNetworkWarning |= w.toString().contains(QStringLiteral("Network \"host\""));
        // The sandboxed tree stays in the child's session and cgroups: nothing reads as an escape.
        QVERIFY2(!w.toString().contains(QStringLiteral(" left ")), qPrintable(w.toString()));
    }
    QCOMPARE(sawNetworkWarning, warned);
}

void TestSandbox::timeoutStopsTheSandboxedTree_data()
{
    QTest::addColumn<bool>("cgroups"); // off: only the process group and the subreaper hold the tree
    QTest::newRow("cgroups on") << true;
    QTest::newRow("cgroups off") << false;
}

void TestSandbox::timeoutStopsTheSandboxedTree()
{
    QFETCH(bool, cgroups);
    // A background child with a marker no other process has: after the run, nothing of the
    // sandboxed tree is alive, and the run is a timeout (exit 7).
    Agent agent;
    const QString marker = QStringLiteral("%1").arg(QCoreApplication::applicationPid() * 7 + 424242);
    const QString id = QStringLiteral("slow");
    agent.makeScriptTask(id, "import subprocess, sys, time\n"
                             "subprocess.Popen(['sleep', sys.argv[1]])\n"
                             "open('started', 'w').write('1')\n"
                             "time.sleep(300)\n",
                         QJsonObject{{QStringLiteral("Arguments"), QJsonArray{marker}}});
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), writeConfig(m_dir, "Sandbox = bubblewrap\n"));
    env.insert(QStringLiteral("OPENAUTOMATE_CGROUPS"), cgroups ? QStringLiteral("on") : QStringLiteral("off"));
    const Run run = runExecutor(executorArgs(agent, id, {QStringLiteral("--timeout"), QStringLiteral("3"),
                                                         QStringLiteral("--grace-seconds"), QStringLiteral("1")}), env);
    QCOMPARE(run.exitCode, 7);
    QVERIFY(QFileInfo::exists(agent.taskFile(id, QStringLiteral("started"))));
    QDirIterator proc(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (proc.hasNext()) {
        const QString cmdline = proc.next() + QStringLiteral("/cmdline");
        QVERIFY2(!readFile(cmdline).contains(marker.toUtf8()), qPrintable(cmdline));
    }
    QCOMPARE(sandboxOf(agent, id).value("Mechanism").toString(), QStringLiteral("bubblewrap"));
}

void TestSandbox::unusableBubblewrapIsExit5()
{
    Agent agent;
    const QString id = QStringLiteral("nobox");
    agent.makeScriptTask(id, "open('ran', 'w').write('1')\n");
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"),
               writeConfig(m_dir, "Sandbox = bubblewrap\nBubblewrapPath = /nonexistent/bwrap\n"));
    const Run run = runExecutor(executorArgs(agent, id), env);
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(run.err.contains("/nonexistent/bwrap"), run.err.constData());
    QVERIFY(!QFileInfo::exists(agent.taskFile(id, QStringLiteral("ran"))));
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QVERIFY(result.value("Message").toString().contains(QStringLiteral("does not exist")));
    QCOMPARE(sandboxOf(agent, id).value("Mechanism").toString(), QStringLiteral("bubblewrap"));

    // A bwrap that runs but cannot make its sandbox (here: a program that always fails) too.
    const QString fake = m_dir.path() + QStringLiteral("/false-bwrap");
    QVERIFY(writeFileBytes(fake, "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n"));
    QVERIFY(QFile::setPermissions(fake, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther));
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), writeConfig(m_dir, "Sandbox = bubblewrap\nBubblewrapPath = " + fake.toUtf8() + '\n'));
    const Run refused = runExecutor(executorArgs(agent, id), env);
    QCOMPARE(refused.exitCode, 5);
    QVERIFY2(refused.err.contains("No permissions to create new namespace"), refused.err.constData());
    QVERIFY(!QFileInfo::exists(agent.taskFile(id, QStringLiteral("ran"))));
}

void TestSandbox::withoutSandboxNothingChanges()
{
    // The default: no sandbox, recorded as such; the script sees the agent folder as before.
    Agent agent;
    const QString id = QStringLiteral("open");
    agent.makeScriptTask(id, "import os, sys\nopen('seen', 'w').write(str(os.path.isdir(sys.argv[1] + '/Locks')))\n",
                         QJsonObject{{QStringLiteral("Arguments"), QJsonArray{agent.base()}}});
    const Run run = runExecutor(executorArgs(agent, id));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("seen"))), QByteArray("True"));
    const QJsonObject sandbox = sandboxOf(agent, id);
    QCOMPARE(sandbox.value("Mechanism").toString(), QStringLiteral("none"));
    QCOMPARE(sandbox.value("Network").toString(), QStringLiteral("host"));
}

QTEST_GUILESS_MAIN(TestSandbox)
#include "tst_sandbox.moc"
