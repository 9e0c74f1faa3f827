// Issue 21 through the real executor run by root with a throwaway run-as user: the task folder is
// private to that user while it runs and gets its own mode back after; the hand-back and the
// clean-up are bounded (a 64 GiB sparse file with a hard link is never copied; 140- and
// 25,000-level folder chains in the task folder and in $TMPDIR are taken back or removed, and the
// same ID runs again). Every test needs root (CI runs as root).
#include "RunAsFixture.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTest>
#include <QThread>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

using namespace oatest;

namespace {

// Another local account, not in the run-as user's group.
constexpr int kOtherUid = 65534;

// Runs `program` as kOtherUid; its exit code.
int runAsOther(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("setpriv"), QStringList{QStringLiteral("--reuid=%1").arg(kOtherUid), QStringLiteral("--regid=%1").arg(kOtherUid),
                                                         QStringLiteral("--clear-groups"), program} + arguments);
    if (!process.waitForFinished(30000))
        return -1;
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

// The folder `levels` levels of `name` below `top`, walked with openat (the path is too long for
// one call); its stat. st_ino 0 when the chain is shorter.
struct stat deepest(const QString &top, const char *name, int levels)
{
    struct stat st = {};
    int fd = ::open(QFile::encodeName(top).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < levels && fd >= 0; ++i) {
        const int next = ::openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        ::close(fd);
        fd = next;
    }
    if (fd >= 0) {
        ::fstat(fd, &st);
        ::close(fd);
    }
    return st;
}

// Removes a chain of `name` folders directly in `top`, too deep for QTemporaryDir: its second
// level is moved up over and over, and the emptied first removed.
void removeChain(const QString &top, const char *name)
{
    const int dir = ::open(QFile::encodeName(top).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const QByteArray inner = QByteArray(name) + '/' + name;
    while (dir >= 0 && ::renameat(dir, inner.constData(), dir, ".oa-chain") == 0 && ::unlinkat(dir, name, AT_REMOVEDIR) == 0
           && ::renameat(dir, ".oa-chain", dir, name) == 0) {
    }
    if (dir >= 0) {
        ::unlinkat(dir, name, AT_REMOVEDIR);
        ::close(dir);
    }
}

qint64 availableBytes(const QString &path)
{
    struct statvfs vfs = {};
    ::statvfs(QFile::encodeName(path).constData(), &vfs);
    return qint64(vfs.f_bavail) * qint64(vfs.f_frsize);
}

} // namespace

class TestRunAsPrivate : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void taskFolderIsPrivateAndItsModeRestored();
    void hardLinkedSparseFileIsNeverCopied();
    void deepChainsAreTakenBackAndRemoved();

private:
    ThrowawayUser m_user;
};

void TestRunAsPrivate::initTestCase()
{
    if (!m_user.isValid())
        OA_SKIP_OR_FAIL(m_user.why());
    if (!QFileInfo(kSystemPython).isExecutable())
        OA_SKIP_OR_FAIL(QStringLiteral("%1 is missing (scripts/test.sh installs python3-venv)").arg(kSystemPython));
}

void TestRunAsPrivate::taskFolderIsPrivateAndItsModeRestored()
{
    Agent agent;
    openToOthers(agent.base());
    const QString id = QStringLiteral("b");
    // The script reports what its folders look like, then waits for the test's "go".
    agent.makeScriptTask(id, "import json, os, sys, time\n"
                             "def st(p):\n"
                             "    s = os.stat(p)\n"
                             "    return {'mode': s.st_mode & 0o7777, 'uid': s.st_uid, 'gid': s.st_gid}\n"
                             "json.dump({'task': st('.'), 'temp': st(os.environ['TMPDIR']), 'venv': st(sys.prefix),\n"
                             "           'tmpdir': os.environ['TMPDIR'], 'prefix': sys.prefix}, open('report.tmp', 'w'))\n"
                             "os.rename('report.tmp', 'report.json')\n"
                             "for _ in range(600):\n"
                             "    if os.path.exists('go'):\n"
                             "        break\n"
                             "    time.sleep(0.05)\n");
    const QString task = agent.taskDir(id);
    QVERIFY(::chmod(QFile::encodeName(task).constData(), 0750) == 0);
    const struct stat before = statOf(task);

    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), runAsArgs(agent, id, m_user.name()));
    QVERIFY(executor.waitForStarted());
    const QString reportFile = agent.taskFile(id, QStringLiteral("report.json"));
    QElapsedTimer waited;
    waited.start();
    while (!QFile::exists(reportFile) && waited.elapsed() < 60000 && executor.state() == QProcess::Running)
        QThread::msleep(50);
    QVERIFY2(QFile::exists(reportFile), executor.readAllStandardError().constData());

    // While it runs: root's, the run-as user's group, 1770; Temp/<id> and the venv 0700.
    const QJsonObject seen = report(agent, id);
    const QJsonObject taskSeen = seen.value("task").toObject();
    QCOMPARE(taskSeen.value("mode").toInt(), 01770);
    QCOMPARE(taskSeen.value("uid").toInteger(), 0);
    QCOMPARE(taskSeen.value("gid").toInteger(), m_user.gid());
    for (const char *top : {"temp", "venv"}) {
        QCOMPARE(seen.value(QLatin1String(top)).toObject().value("mode").toInt(), 0700);
        QCOMPARE(seen.value(QLatin1String(top)).toObject().value("uid").toInteger(), m_user.uid());
    }
    // Another user can neither list nor read the task folder, its Temp or its venv.
    QVERIFY(runAsOther(QStringLiteral("ls"), {task}) != 0);
    QVERIFY(runAsOther(QStringLiteral("cat"), {agent.taskFile(id, QStringLiteral("main.py"))}) != 0);
    QVERIFY(runAsOther(QStringLiteral("ls"), {seen.value("tmpdir").toString()}) != 0);
    QVERIFY(runAsOther(QStringLiteral("ls"), {seen.value("prefix").toString()}) != 0);
    // Root can still (the proof that the refusals above are about access).
    QVERIFY(QDir(task).exists(QStringLiteral("main.py")));

    QFile go(agent.taskFile(id, QStringLiteral("go")));
    QVERIFY(go.open(QIODevice::WriteOnly));
    go.close();
    QVERIFY(executor.waitForFinished(120000));
    QVERIFY2(executor.exitCode() == 0, executor.readAllStandardError().constData());

    // After: exactly its owner, group and mode from before (the service's 0750), not 0755.
    const struct stat after = statOf(task);
    QCOMPARE(after.st_mode & 07777, mode_t(0750));
    QCOMPARE(after.st_uid, before.st_uid);
    QCOMPARE(after.st_gid, before.st_gid);
    QVERIFY(runAsOther(QStringLiteral("ls"), {task}) != 0);
}

void TestRunAsPrivate::hardLinkedSparseFileIsNeverCopied()
{
    Agent agent;
    openToOthers(agent.base());
    const QString id = QStringLiteral("sparse");
    agent.makeScriptTask(id, "import os\n"
                             "with open('big.dat', 'wb') as f:\n"
                             "    f.truncate(64 << 30)\n"
                             "os.link('big.dat', 'big2.dat')\n"
                             "open('small.txt', 'w').write('kept')\n");
    const qint64 freeBefore = availableBytes(agent.base());
    const Run run = runExecutor(runAsArgs(agent, id, m_user.name()));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const qint64 freeAfter = availableBytes(agent.base());
    // No copy: the filesystem lost far less than a GiB (logs, the venv is removed again).
    QVERIFY2(freeBefore - freeAfter < (qint64(1) << 30), qPrintable(QStringLiteral("%1 bytes fewer").arg(freeBefore - freeAfter)));
    // At most one name is left, with one link, and no file in the task folder holds data blocks
    // worth speaking of.
    int names = 0;
    for (const char *name : {"big.dat", "big2.dat"}) {
        const struct stat st = statOf(agent.taskFile(id, QLatin1String(name)));
        if (st.st_ino == 0)
            continue;
        ++names;
        QCOMPARE(st.st_nlink, nlink_t(1));
        QCOMPARE(st.st_uid, uid_t(0));
        QVERIFY(qint64(st.st_blocks) * 512 < (qint64(1) << 20));
    }
    QVERIFY(names <= 1);
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("small.txt"))), QByteArray("kept"));
    QVERIFY2(run.err.contains("more than one name") || run.out.contains("more than one name"), run.err.constData());
}

void TestRunAsPrivate::deepChainsAreTakenBackAndRemoved()
{
    Agent agent;
    openToOthers(agent.base());
    const QString id = QStringLiteral("deep");
    // 140 and 25,000 levels, in the task folder and in $TMPDIR, on the first run; the bottom of
    // the 140-level chain is group- and world-writable. The second run of the ID meets the
    // task folder's chains again (handed over and taken back once more).
    agent.makeScriptTask(id, "import os\n"
                             "def chain(top, name, levels, mode=None):\n"
                             "    fd = os.open(top, os.O_RDONLY)\n"
                             "    for _ in range(levels):\n"
                             "        os.mkdir(name, dir_fd=fd)\n"
                             "        nxt = os.open(name, os.O_RDONLY, dir_fd=fd)\n"
                             "        os.close(fd)\n"
                             "        fd = nxt\n"
                             "    if mode is not None:\n"
                             "        os.fchmod(fd, mode)\n"
                             "    os.close(fd)\n"
                             "if not os.path.exists('s'):\n"
                             "    for top in ('.', os.environ['TMPDIR']):\n"
                             "        chain(top, 's', 140, 0o777)\n"
                             "        chain(top, 'l', 25000)\n");
    for (int round = 0; round < 2; ++round) {
        const Run run = runExecutor(runAsArgs(agent, id, m_user.name()));
        QVERIFY2(run.exitCode == 0, (QByteArray::number(round) + ": " + run.err).constData());
        // $TMPDIR is gone, all of it; the task folder's chains are root's to the bottom.
        QVERIFY(!QFileInfo::exists(agent.base() + QStringLiteral("/Temp/") + id));
        const struct stat shallow = deepest(agent.taskDir(id), "s", 140);
        QVERIFY(shallow.st_ino != 0);
        QCOMPARE(shallow.st_uid, uid_t(0));
        QCOMPARE(shallow.st_mode & 07777, mode_t(0755));
        const struct stat deep = deepest(agent.taskDir(id), "l", 25000);
        QVERIFY(deep.st_ino != 0);
        QCOMPARE(deep.st_uid, uid_t(0));
        const struct stat task = statOf(agent.taskDir(id));
        QCOMPARE(task.st_mode & 07777, mode_t(0755));
        QCOMPARE(task.st_uid, uid_t(0));
    }
    removeChain(agent.taskDir(id), "l");
}

QTEST_GUILESS_MAIN(TestRunAsPrivate)
#include "tst_run_as_private.moc"
