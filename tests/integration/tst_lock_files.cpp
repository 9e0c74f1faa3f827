// Things planted under Locks/ that are not lock files: FIFOs, sockets, symlinks, directories.
// The real binary never blocks on them and never writes through them. Every run has a timeout,
// so that a regression fails here instead of hanging the suite.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace oatest;

namespace {

constexpr int kTimeoutMs = 20000; // each of these finishes in well under a second

QString locksDir(const Agent &agent)
{
    return agent.base() + QStringLiteral("/Locks");
}

bool makeFifo(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    return ::mkfifo(QFile::encodeName(path).constData(), 0644) == 0;
}

// A bound UNIX socket leaves a socket file behind; the descriptor is closed at once.
bool makeSocketFile(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray name = QFile::encodeName(path);
    if (fd < 0 || size_t(name.size()) >= sizeof(address.sun_path))
        return false;
    memcpy(address.sun_path, name.constData(), size_t(name.size()));
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0;
    ::close(fd);
    return bound;
}

bool finished(const Run &run)
{
    return run.exitStatus == QProcess::NormalExit;
}

} // namespace

class TestLockFiles : public QObject {
    Q_OBJECT
private slots:
    void fifoAtLockPathIsReplaced();
    void nonRegularLocksListedAsUnreadable();
    void symlinkAtLockPathIsNeverFollowed();
    void symlinkAtRunFileIsNeverFollowed();
    void fifoAtRunFileDoesNotHangCancel();
};

void TestLockFiles::fifoAtLockPathIsReplaced()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("f"), "print('ran')\n");
    QVERIFY(makeFifo(agent.lockFile(QStringLiteral("f"))));
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("f")), cleanEnvironment(), kTimeoutMs);
    QVERIFY2(finished(run), "the executor hung on a FIFO at the lock path");
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("f"), QStringLiteral("output.log"))), QByteArray("ran\n"));
    const QString warning = agent.lockFile(QStringLiteral("f")) + QStringLiteral(" was a FIFO");
    QVERIFY2(QString::fromUtf8(run.err).contains(warning), run.err.constData());
    QVERIFY(QString::fromUtf8(readFile(agent.taskFile(QStringLiteral("f"), QStringLiteral("executor.log")))).contains(warning));
    const QJsonArray warnings = readJson(agent.taskFile(QStringLiteral("f"), QStringLiteral("result.json"))).value("Warnings").toArray();
    QVERIFY(!warnings.isEmpty() && warnings.first().toString().contains(warning));
    QVERIFY(!QFileInfo::exists(agent.lockFile(QStringLiteral("f"))));
}

void TestLockFiles::nonRegularLocksListedAsUnreadable()
{
    Agent agent;
    QTemporaryDir outside;
    const QString target = outside.filePath(QStringLiteral("target"));
    QFile targetFile(target);
    QVERIFY(targetFile.open(QIODevice::WriteOnly));
    targetFile.write("12345\nopenautomate-executor\nsomewhere\n");
    targetFile.close();
    const QMap<QString, QString> expected{{QStringLiteral("fifo"), QStringLiteral("a FIFO")},
                                          {QStringLiteral("sock"), QStringLiteral("a socket")},
                                          {QStringLiteral("link"), QStringLiteral("a symbolic link")},
                                          {QStringLiteral("dir"), QStringLiteral("a folder")}};
    for (const QString &id : expected.keys())
        agent.makeScriptTask(id, "print(1)\n");
    QVERIFY(makeFifo(agent.lockFile(QStringLiteral("fifo"))));
    QVERIFY(makeSocketFile(agent.lockFile(QStringLiteral("sock"))));
    QVERIFY(QFile::link(target, agent.lockFile(QStringLiteral("link"))));
    QVERIFY(QDir().mkpath(agent.lockFile(QStringLiteral("dir"))));

    const QStringList base{QStringLiteral("--base-dir"), agent.base()};
    const Run locks = runExecutor(base + QStringList{QStringLiteral("--locks"), QStringLiteral("--json")}, cleanEnvironment(), kTimeoutMs);
    QVERIFY2(finished(locks), "--locks hung on a non-regular lock file");
    QCOMPARE(locks.exitCode, 0);
    QMap<QString, QString> problems;
    for (const QJsonValue &v : QJsonDocument::fromJson(locks.out).object().value("Locks").toArray()) {
        const QJsonObject lock = v.toObject();
        QCOMPARE(lock.value("Verdict").toString(), QStringLiteral("Unreadable"));
        problems.insert(lock.value("ExecutionId").toString(), lock.value("Problem").toString());
    }
    QCOMPARE(problems.keys(), expected.keys());
    for (auto it = expected.begin(); it != expected.end(); ++it)
        QVERIFY2(problems.value(it.key()).startsWith(it.value()), qPrintable(it.key() + u' ' + problems.value(it.key())));

    const Run table = runExecutor(base + QStringList{QStringLiteral("--locks")}, cleanEnvironment(), kTimeoutMs);
    QVERIFY(finished(table));
    QVERIFY2(table.out.contains("a FIFO, not a regular file"), table.out.constData());

    const Run list = runExecutor(base + QStringList{QStringLiteral("--list"), QStringLiteral("--json")}, cleanEnvironment(), kTimeoutMs);
    QVERIFY2(finished(list), "--list hung on a non-regular lock file");
    QCOMPARE(list.exitCode, 0);
    const QJsonArray tasks = QJsonDocument::fromJson(list.out).object().value("Tasks").toArray();
    QCOMPARE(tasks.size(), expected.size());
    for (const QJsonValue &t : tasks)
        QCOMPARE(t.toObject().value("State").toString(), QStringLiteral("RunningElsewhere"));

    // Unreadable needs --force; then the thing goes where it stands, the symlink's target stays.
    const Run refused = runExecutor(base + QStringList{QStringLiteral("--clear-lock"), QStringLiteral("fifo")}, cleanEnvironment(), kTimeoutMs);
    QVERIFY(finished(refused));
    QCOMPARE(refused.exitCode, 2);
    for (const QString &id : expected.keys()) {
        const Run forced = runExecutor(base + QStringList{QStringLiteral("--clear-lock"), id, QStringLiteral("--force")}, cleanEnvironment(), kTimeoutMs);
        QVERIFY2(finished(forced), qPrintable(id));
        QVERIFY2(forced.exitCode == 0, forced.err.constData());
        QVERIFY(!QFileInfo::exists(agent.lockFile(id)) && !QFileInfo(agent.lockFile(id)).isSymLink());
    }
    QCOMPARE(readFile(target), QByteArray("12345\nopenautomate-executor\nsomewhere\n"));
}

void TestLockFiles::symlinkAtLockPathIsNeverFollowed()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("s"), "print('ran')\n");
    QTemporaryDir outside;
    const QString target = outside.filePath(QStringLiteral("precious"));
    QFile file(target);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("precious data, not a lock\n");
    file.close();
    QCOMPARE(QProcess::execute(QStringLiteral("touch"), {QStringLiteral("-d"), QStringLiteral("2020-01-01"), target}), 0);
    const QDateTime mtime = QFileInfo(target).lastModified();
    QDir().mkpath(locksDir(agent));
    QVERIFY(QFile::link(target, agent.lockFile(QStringLiteral("s"))));

    const Run run = runExecutor(executorArgs(agent, QStringLiteral("s")), cleanEnvironment(), kTimeoutMs);
    QVERIFY(finished(run));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.err.contains(" was a symbolic link"), run.err.constData());
    QCOMPARE(readFile(target), QByteArray("precious data, not a lock\n"));
    QCOMPARE(QFileInfo(target).lastModified(), mtime);
    QVERIFY(!QFileInfo(agent.lockFile(QStringLiteral("s"))).isSymLink());
}

void TestLockFiles::symlinkAtRunFileIsNeverFollowed()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("r"), "print('ran')\n");
    QTemporaryDir outside;
    const QString target = outside.filePath(QStringLiteral("precious"));
    QFile file(target);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("precious\n");
    file.close();
    QDir().mkpath(locksDir(agent));
    QVERIFY(QFile::link(target, locksDir(agent) + QStringLiteral("/r@run")));

    const Run run = runExecutor(executorArgs(agent, QStringLiteral("r")), cleanEnvironment(), kTimeoutMs);
    QVERIFY(finished(run));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(target), QByteArray("precious\n"));
    QVERIFY(QFileInfo::exists(target));
    QVERIFY(!QFileInfo(locksDir(agent) + QStringLiteral("/r@run")).isSymLink()); // replaced, then removed at the end
}

void TestLockFiles::fifoAtRunFileDoesNotHangCancel()
{
    Agent agent;
    QProcess holder;
    QVERIFY(startLockHolder(holder, agent.lockFile(QStringLiteral("c"))));
    QVERIFY(makeFifo(locksDir(agent) + QStringLiteral("/c@run")));
    const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("c")},
                                   cleanEnvironment(), kTimeoutMs);
    QVERIFY2(finished(cancel), "--cancel hung on a FIFO at the run file");
    QCOMPARE(cancel.exitCode, 3);
    QVERIFY2(cancel.err.contains("not running an execution"), cancel.err.constData());
    holder.kill();
    holder.waitForFinished();
}

QTEST_GUILESS_MAIN(TestLockFiles)
#include "tst_lock_files.moc"
