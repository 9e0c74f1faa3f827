#include "lock/TaskLock.h"
#include "TestSupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using oa::TaskLock;

class TestTaskLock : public QObject {
    Q_OBJECT
private slots:
    void acquireAndRelease();
    void readableByOthers();
    void secondLockInProcessRefused();
    void liveHolderRefused();
    void liveHolderProtectedEvenWhenOld();
    void deadHolderTakenOver();
    void foreignHostNeverTakenOver();
    void plantedNonRegularReplaced_data();
    void plantedNonRegularReplaced();

private:
    // Starts the helper process holding `path`; waits until it says it holds the lock.
    bool startHolder(QProcess &holder, const QString &path);
    QTemporaryDir m_tmp;
};

bool TestTaskLock::startHolder(QProcess &holder, const QString &path)
{
    holder.start(oatest::lockHolderPath(), {path});
    if (!holder.waitForStarted())
        return false;
    return holder.waitForReadyRead(10000) && holder.readLine().trimmed() == "locked";
}

void TestTaskLock::acquireAndRelease()
{
    const QString path = m_tmp.filePath(QStringLiteral("a.lock"));
    {
        TaskLock lock(path);
        QVERIFY(lock.tryAcquire());
        QVERIFY(lock.isHeld());
        QVERIFY(QFile::exists(path));
        lock.release();
        QVERIFY(!lock.isHeld());
        QVERIFY(!QFile::exists(path));
        QVERIFY(lock.tryAcquire());
    }
    QVERIFY2(!QFile::exists(path), "the destructor releases the lock");
}

void TestTaskLock::readableByOthers()
{
    const QString path = m_tmp.filePath(QStringLiteral("b.lock"));
    TaskLock lock(path);
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-2);
    QVERIFY(lock.tryAcquire());
    const auto info = TaskLock::read(path);
    QVERIFY(info.ok());
    QCOMPARE(info->pid, QCoreApplication::applicationPid());
    QCOMPARE(info->hostName, QSysInfo::machineHostName());
    QCOMPARE(info->appName, QStringLiteral("tst_tasklock"));
    QVERIFY(info->acquiredAt >= before);
    QVERIFY(info->acquiredAt <= QDateTime::currentDateTimeUtc().addSecs(2));
    QVERIFY(!TaskLock::read(m_tmp.filePath(QStringLiteral("none.lock"))).ok());
}

void TestTaskLock::secondLockInProcessRefused()
{
    const QString path = m_tmp.filePath(QStringLiteral("c.lock"));
    TaskLock first(path);
    QVERIFY(first.tryAcquire());
    TaskLock second(path);
    const oa::Status refused = second.tryAcquire();
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, oa::ErrorKind::Busy);
}

void TestTaskLock::liveHolderRefused()
{
    const QString path = m_tmp.filePath(QStringLiteral("d.lock"));
    QProcess holder;
    QVERIFY(startHolder(holder, path));
    TaskLock lock(path);
    const oa::Status refused = lock.tryAcquire();
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, oa::ErrorKind::Busy);
    QVERIFY2(refused.error().message.contains(QStringLiteral("PID %1").arg(holder.processId())),
             qPrintable(refused.error().message));
    holder.kill();
    holder.waitForFinished();
}

void TestTaskLock::liveHolderProtectedEvenWhenOld()
{
    const QString path = m_tmp.filePath(QStringLiteral("e.lock"));
    QProcess holder;
    QVERIFY(startHolder(holder, path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addDays(-3), QFileDevice::FileModificationTime));
    file.close();
    TaskLock lock(path);
    QVERIFY2(!lock.tryAcquire(), "a days-old lock of a live holder is still held");
    QVERIFY(QFile::exists(path));
    holder.kill();
    holder.waitForFinished();
}

void TestTaskLock::deadHolderTakenOver()
{
    const QString path = m_tmp.filePath(QStringLiteral("f.lock"));
    QProcess holder;
    QVERIFY(startHolder(holder, path));
    const qint64 deadPid = holder.processId();
    ::kill(pid_t(deadPid), SIGKILL);
    QVERIFY(holder.waitForFinished());
    QVERIFY(QFile::exists(path));
    TaskLock lock(path);
    QVERIFY(lock.tryAcquire());
    QCOMPARE(TaskLock::read(path)->pid, QCoreApplication::applicationPid());
}

void TestTaskLock::foreignHostNeverTakenOver()
{
    const QString path = m_tmp.filePath(QStringLiteral("g.lock"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    // QLockFile's format: PID, application, host, machine id, boot id. PID 1 on another host.
    file.write("999999\nopenautomate-executor\nbot-07.other-site\nforeign-machine-id\nforeign-boot-id\n");
    file.close();
    TaskLock lock(path);
    const oa::Status refused = lock.tryAcquire();
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, oa::ErrorKind::Busy);
    QVERIFY(refused.error().message.contains(QStringLiteral("bot-07.other-site")));
    QVERIFY(QFile::exists(path));
}

void TestTaskLock::plantedNonRegularReplaced_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("symlink to a file elsewhere") << "symlink";
    QTest::newRow("dangling symlink") << "dangling";
    QTest::newRow("empty directory") << "directory";
}

void TestTaskLock::plantedNonRegularReplaced()
{
    QFETCH(QString, kind);
    QTemporaryDir locks;
    QTemporaryDir outside;
    const QString path = locks.filePath(QStringLiteral("p.lock"));
    const QString target = outside.filePath(QStringLiteral("target"));
    QFile file(target);
    QVERIFY(file.open(QIODevice::WriteOnly));
    // Looks like a dead holder's lock: QLockFile, following the link, would take it over.
    file.write("999999\ntst_tasklock\n\n");
    file.close();
    if (kind == QLatin1String("symlink"))
        QVERIFY(QFile::link(target, path));
    else if (kind == QLatin1String("dangling"))
        QVERIFY(QFile::link(outside.filePath(QStringLiteral("nothing")), path));
    else
        QVERIFY(QDir().mkdir(path));

    TaskLock lock(path);
    QVERIFY(lock.tryAcquire());
    QCOMPARE(lock.replaced().size(), 1);
    QVERIFY2(lock.replaced().first().startsWith(path + QStringLiteral(" was a ")), qPrintable(lock.replaced().first()));
    const QFileInfo now(path);
    QVERIFY(now.isFile() && !now.isSymLink());
    QCOMPARE(TaskLock::read(path)->pid, QCoreApplication::applicationPid());
    QCOMPARE(oatest::readFile(target), QByteArray("999999\ntst_tasklock\n\n"));
    QVERIFY(!QFileInfo::exists(outside.filePath(QStringLiteral("nothing"))));
}

QTEST_GUILESS_MAIN(TestTaskLock)
#include "tst_tasklock.moc"
