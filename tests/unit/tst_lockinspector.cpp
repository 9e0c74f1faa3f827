#include "lock/LockFiles.h"
#include "lock/LockInspector.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSysInfo>
#include <QTest>

using namespace oatest;
using oa::LockVerdict;

class TestLockInspector : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void verdicts_data();
    void verdicts();
    void clearRules_data();
    void clearRules();
    void recycledPidIsOrphaned();
    void symlinkToALiveLockIsUnreadable();
    void clearRefusesALockThatChangedHolder();
    void clearStopsWaitingForTheGuardWhenAsked();

private:
    Agent m_agent;
    QProcess m_holder;
};

void TestLockInspector::initTestCase()
{
    QVERIFY(startLockHolder(m_holder, m_agent.lockFile(QStringLiteral("live"))));
    QVERIFY(makeOrphanedLock(m_agent, QStringLiteral("orphaned")));
    writeForeignLock(m_agent, QStringLiteral("foreign"));
    QFile garbage(m_agent.lockFile(QStringLiteral("garbage")));
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write("not a lock\n");
}

void TestLockInspector::cleanupTestCase()
{
    m_holder.kill();
    m_holder.waitForFinished();
}

void TestLockInspector::verdicts_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<int>("verdict");
    QTest::newRow("live helper") << "live" << int(LockVerdict::Live);
    QTest::newRow("killed executor") << "orphaned" << int(LockVerdict::Orphaned);
    QTest::newRow("other host") << "foreign" << int(LockVerdict::Foreign);
    QTest::newRow("garbage") << "garbage" << int(LockVerdict::Unreadable);
}

void TestLockInspector::verdicts()
{
    QFETCH(QString, id);
    QFETCH(int, verdict);
    const auto lock = oa::LockInspector(oa::AgentPaths(m_agent.base())).lock(id);
    QVERIFY(lock);
    QCOMPARE(oa::lockVerdictName(lock->verdict), oa::lockVerdictName(LockVerdict(verdict)));
    QVERIFY(lock->ageSeconds() >= 0);
}

void TestLockInspector::clearRules_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("force");
    QTest::addColumn<bool>("removed");
    QTest::addColumn<int>("code");
    // Order matters: each row acts on the fixture left by the rows before it.
    QTest::newRow("live, no force") << "live" << false << false << int(oa::ErrorKind::Busy);
    QTest::newRow("live, force: still never") << "live" << true << false << int(oa::ErrorKind::Busy);
    QTest::newRow("foreign, no force") << "foreign" << false << false << int(oa::ErrorKind::Busy);
    QTest::newRow("garbage, no force") << "garbage" << false << false << int(oa::ErrorKind::Busy);
    QTest::newRow("orphaned, no force needed") << "orphaned" << false << true << 0;
    QTest::newRow("foreign, force") << "foreign" << true << true << 0;
    QTest::newRow("garbage, force") << "garbage" << true << true << 0;
    QTest::newRow("no such lock") << "orphaned" << false << false << int(oa::ErrorKind::NotFound);
}

void TestLockInspector::clearRules()
{
    QFETCH(QString, id);
    QFETCH(bool, force);
    QFETCH(bool, removed);
    QFETCH(int, code);
    const oa::Status cleared = oa::LockInspector(oa::AgentPaths(m_agent.base())).clear(id, force);
    QCOMPARE(cleared.ok(), removed);
    if (!removed)
        QCOMPARE(int(cleared.error().kind), code);
    QCOMPARE(QFile::exists(m_agent.lockFile(id)), !removed && code != int(oa::ErrorKind::NotFound));
    QVERIFY(QFile::exists(m_agent.lockFile(QStringLiteral("live"))));
}

void TestLockInspector::recycledPidIsOrphaned()
{
    // A lock whose PID now belongs to another program (our own test process) is orphaned.
    const QString path = m_agent.lockFile(QStringLiteral("recycled"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QStringLiteral("%1\nopenautomate-executor\n%2\n").arg(QCoreApplication::applicationPid()).arg(QSysInfo::machineHostName()).toUtf8());
    file.close();
    QCOMPARE(oa::lockVerdictName(oa::LockInspector::inspect(QStringLiteral("recycled"), path).verdict), QStringLiteral("Orphaned"));
}

void TestLockInspector::symlinkToALiveLockIsUnreadable()
{
    // Followed, the link would read as the live helper's lock. It is judged for what it is.
    const QString link = m_agent.lockFile(QStringLiteral("link"));
    QVERIFY(QFile::link(m_agent.lockFile(QStringLiteral("live")), link));
    const oa::LockInspector inspector{oa::AgentPaths(m_agent.base())};
    const auto lock = inspector.lock(QStringLiteral("link"));
    QVERIFY(lock);
    QCOMPARE(oa::lockVerdictName(lock->verdict), QStringLiteral("Unreadable"));
    QVERIFY2(lock->problem.startsWith(QStringLiteral("a symbolic link")), qPrintable(lock->problem));
    QVERIFY(!inspector.clear(QStringLiteral("link"), false));
    QVERIFY(inspector.clear(QStringLiteral("link"), true));
    QVERIFY(!QFileInfo(link).isSymLink());
    QCOMPARE(oa::lockVerdictName(inspector.lock(QStringLiteral("live"))->verdict), QStringLiteral("Live"));
}

void TestLockInspector::clearRefusesALockThatChangedHolder()
{
    Agent agent;
    const auto writeDeadLock = [&](qint64 pid) {
        QDir().mkpath(agent.base() + QStringLiteral("/Locks"));
        QFile file(agent.lockFile(QStringLiteral("changed")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QStringLiteral("%1\nopenautomate-executor\n%2\n").arg(pid).arg(QSysInfo::machineHostName()).toUtf8());
    };
    writeDeadLock(99999998); // above any pid_max: never running
    const oa::LockInspector inspector{oa::AgentPaths(agent.base())};
    const auto seen = inspector.lock(QStringLiteral("changed"));
    QVERIFY(seen && seen->verdict == LockVerdict::Orphaned);
    // Between the listing and the clear, another dead run's lock took its place.
    writeDeadLock(99999997);
    const oa::Status refused = inspector.clear(QStringLiteral("changed"), false, seen);
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, oa::ErrorKind::Busy);
    QVERIFY2(refused.error().message.contains(QStringLiteral("changed since")), qPrintable(refused.error().message));
    QVERIFY(QFile::exists(agent.lockFile(QStringLiteral("changed"))));
    // The lock as it is now can be cleared.
    QVERIFY(inspector.clear(QStringLiteral("changed"), false, inspector.lock(QStringLiteral("changed"))));
    QVERIFY(!QFile::exists(agent.lockFile(QStringLiteral("changed"))));
}

void TestLockInspector::clearStopsWaitingForTheGuardWhenAsked()
{
    // Another holder of Locks/@guard (an flock: a second descriptor conflicts even in this
    // process). Without a stop the clear would wait 10 s; asked to stop, it returns Cancelled at
    // its next poll and removes nothing.
    const QString id = QStringLiteral("stopped");
    QVERIFY(makeOrphanedLock(m_agent, id));
    oa::lockfiles::Guard other(oa::lockfiles::guardFileFor(m_agent.lockFile(id)));
    QVERIFY(other.lock(1000).ok());
    int polls = 0;
    const oa::Status cleared = oa::LockInspector(oa::AgentPaths(m_agent.base())).clear(id, false, std::nullopt, [&polls] { return ++polls >= 3; });
    QVERIFY(!cleared);
    QCOMPARE(cleared.error().kind, oa::ErrorKind::Cancelled);
    QVERIFY2(cleared.error().message.contains(QStringLiteral("stopped waiting for the lock guard")), qPrintable(cleared.error().message));
    QCOMPARE(polls, 3);
    QVERIFY(QFile::exists(m_agent.lockFile(id)));
    other.unlock();
    QVERIFY(oa::LockInspector(oa::AgentPaths(m_agent.base())).clear(id, false).ok()); // the guard free: it goes
}

QTEST_GUILESS_MAIN(TestLockInspector)
#include "tst_lockinspector.moc"
