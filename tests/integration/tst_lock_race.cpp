// Taking over a dead lock and clearing it, against each other, many times: two takers (the
// executor's TaskLock) and one clearer (LockInspector, as the lock tools use it) start within
// microseconds of each other on a freshly prepared dead lock. Whatever the interleaving, exactly
// one taker may hold the lock, and the lock file on disk must be that holder's.
#include "lock/TaskLock.h"
#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSysInfo>
#include <QTest>

#include <ctime>

using namespace oatest;

namespace {

constexpr int kRounds = 500;

qint64 monotonicNs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

bool start(QProcess &helper, const QStringList &args)
{
    helper.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("oa.lock.info=false")); // one line per removal otherwise
    helper.setProcessEnvironment(env);
    helper.start(QStringLiteral(OA_LOCKRACE_PATH), args);
    return helper.waitForStarted();
}

QByteArray answerOf(QProcess &helper)
{
    QDeadlineTimer deadline(20000);
    while (!helper.canReadLine() && !deadline.hasExpired())
        helper.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    return helper.readLine().trimmed();
}

} // namespace

class TestLockRace : public QObject {
    Q_OBJECT
private slots:
    void takeoverAndClearNeverOverlap();
};

void TestLockRace::takeoverAndClearNeverOverlap()
{
    Agent agent;
    const QString id = QStringLiteral("race");
    const QString lockFile = agent.lockFile(id);
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/Locks")));
    QProcess takers[2];
    QProcess clearer;
    for (QProcess &taker : takers)
        QVERIFY(start(taker, {QStringLiteral("take"), lockFile}));
    QVERIFY(start(clearer, {QStringLiteral("clear"), agent.base(), id}));

    // QLockFile's own record, written by a process of this host that is gone: PID 99999999 is
    // above any pid_max, so it can never be running.
    const QByteArray deadLock = "99999999\noa-test-lockrace\n" + QSysInfo::machineHostName().toUtf8() + '\n'
                                + QSysInfo::machineUniqueId() + '\n' + QSysInfo::bootUniqueId() + '\n';
    const quint32 seed = QRandomGenerator::global()->generate();
    QRandomGenerator random(seed);
    int clearedFirst = 0;
    int takenFirst = 0;
    // Every way a round can go wrong, counted over all rounds rather than stopping at the first,
    // so that a failure shows how the race went wrong and how often.
    int doubleRuns = 0;      // both takers hold the lock at once
    int nobodyRuns = 0;      // neither holds it, though the only lock was dead
    int liveLockRemoved = 0; // a taker holds it, but its lock file is gone or someone else's
    QElapsedTimer clock;
    clock.start();
    for (int round = 0; round < kRounds; ++round) {
        const QByteArray where = QStringLiteral("round %1 of %2 (seed %3)").arg(round).arg(kRounds).arg(seed).toUtf8();
        QFile::remove(lockFile); // only after a failed round can anything be left
        QFile dead(lockFile);
        QVERIFY(dead.open(QIODevice::WriteOnly));
        dead.write(deadLock);
        dead.close();

        // Each contender waits a random 0-400 us past a common start, so that over the rounds
        // every ordering of their steps gets its chance.
        const qint64 startNs = monotonicNs() + 4000000;
        const int mode = round % 2;
        for (QProcess *helper : {&takers[0], &takers[1], &clearer}) {
            helper->write(QStringLiteral("go %1 %2 %3\n").arg(startNs).arg(random.bounded(400)).arg(mode).toUtf8());
            helper->waitForBytesWritten(); // QProcess writes lazily: each must have it before the start
        }
        QList<QProcess *> holders;
        for (QProcess &taker : takers) {
            const QByteArray said = answerOf(taker);
            QVERIFY2(said == "held" || said == "refused", (where + ": taker said " + said).constData());
            if (said == "held")
                holders.append(&taker);
        }
        const QByteArray cleared = answerOf(clearer);
        QVERIFY2(cleared == "removed" || cleared == "kept", (where + ": clearer said " + cleared).constData());
        ++(cleared == "removed" ? clearedFirst : takenFirst);

        if (holders.size() > 1)
            ++doubleRuns;
        if (holders.isEmpty())
            ++nobodyRuns;
        const auto onDisk = oa::TaskLock::read(lockFile);
        if (holders.size() == 1 && (!onDisk || onDisk->pid != holders.first()->processId()))
            ++liveLockRemoved;
        for (QProcess *holder : std::as_const(holders)) {
            holder->write("release\n");
            QCOMPARE(answerOf(*holder), QByteArray("released"));
        }
    }
    qInfo("%d rounds in %lld ms: the clear removed the dead lock first %d times, a taker was first %d times; "
          "double runs %d, live locks removed %d, rounds nobody ran %d",
          kRounds, clock.elapsed(), clearedFirst, takenFirst, doubleRuns, liveLockRemoved, nobodyRuns);
    QCOMPARE(doubleRuns, 0);
    QCOMPARE(liveLockRemoved, 0);
    QCOMPARE(nobodyRuns, 0);
    // Both orders happened: the contenders really met, the race was run from both sides.
    QVERIFY(clearedFirst > 0);
    QVERIFY(takenFirst > 0);
    for (QProcess *helper : {&takers[0], &takers[1], &clearer}) {
        helper->closeWriteChannel();
        QVERIFY(helper->waitForFinished(10000));
    }
}

QTEST_GUILESS_MAIN(TestLockRace)
#include "tst_lock_race.moc"
