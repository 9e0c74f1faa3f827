#include "tasks/Leftovers.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <signal.h>

using namespace oatest;

class TestLeftovers : public QObject {
    Q_OBJECT
private slots:
    void findsOnlyUnownedFolders();
    void removeRefusesRunningOwner();
    void anyLockKeepsTheFolders_data();
    void anyLockKeepsTheFolders();
};

static void makeFile(const QString &path, qint64 size)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(size, 'x'));
}

void TestLeftovers::findsOnlyUnownedFolders()
{
    Agent agent;
    makeFile(agent.base() + QStringLiteral("/venvs/crashed/lib/a.py"), 1000);
    makeFile(agent.base() + QStringLiteral("/venvs/crashed/lib/b.py"), 24);
    makeFile(agent.base() + QStringLiteral("/Temp/crashed/scratch"), 10);
    makeFile(agent.base() + QStringLiteral("/venvs/busy/x"), 5);
    QProcess holder;
    QVERIFY(startLockHolder(holder, agent.lockFile(QStringLiteral("busy"))));

    const QList<oa::Leftover> found = oa::Leftovers(oa::AgentPaths(agent.base())).scan();
    QCOMPARE(found.size(), 2);
    QCOMPARE(found.at(0).kind, oa::Leftover::Kind::Venv);
    QCOMPARE(found.at(0).executionId, QStringLiteral("crashed"));
    QCOMPARE(found.at(0).sizeBytes, 1024);
    QCOMPARE(found.at(1).kind, oa::Leftover::Kind::Temp);
    QCOMPARE(found.at(1).sizeBytes, 10);

    QVERIFY(oa::Leftovers(oa::AgentPaths(agent.base())).remove(found.at(0)));
    QVERIFY(!QFile::exists(agent.base() + QStringLiteral("/venvs/crashed")));
    holder.kill();
    holder.waitForFinished();
}

void TestLeftovers::removeRefusesRunningOwner()
{
    Agent agent;
    makeFile(agent.base() + QStringLiteral("/venvs/busy/x"), 5);
    QProcess holder;
    QVERIFY(startLockHolder(holder, agent.lockFile(QStringLiteral("busy"))));
    oa::Leftover leftover{oa::Leftover::Kind::Venv, QStringLiteral("busy"), QString(), 5, {}, true};
    const oa::Status removed = oa::Leftovers(oa::AgentPaths(agent.base())).remove(leftover);
    QVERIFY(!removed);
    QVERIFY(QFile::exists(agent.base() + QStringLiteral("/venvs/busy/x")));
    // The path always comes from the ID: a path aimed elsewhere is ignored.
    QTemporaryDir outside;
    makeFile(outside.filePath(QStringLiteral("keep")), 1);
    oa::Leftover aimed{oa::Leftover::Kind::Temp, QStringLiteral("other"), outside.path(), 1, {}, false};
    QVERIFY(oa::Leftovers(oa::AgentPaths(agent.base())).remove(aimed));
    QVERIFY(QFile::exists(outside.filePath(QStringLiteral("keep"))));
    holder.kill();
    holder.waitForFinished();
}

void TestLeftovers::anyLockKeepsTheFolders_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("live") << "live";
    QTest::newRow("orphaned: its holder was killed") << "orphaned";
    QTest::newRow("foreign: a run on another host sharing the folder") << "foreign";
    QTest::newRow("unreadable") << "unreadable";
}

void TestLeftovers::anyLockKeepsTheFolders()
{
    QFETCH(QString, kind);
    Agent agent;
    const QString id = QStringLiteral("locked");
    makeFile(agent.base() + QStringLiteral("/venvs/locked/lib/a.py"), 10);
    makeFile(agent.base() + QStringLiteral("/Temp/locked/scratch"), 10);
    makeFile(agent.base() + QStringLiteral("/venvs/free/lib/a.py"), 10);
    QProcess holder;
    if (kind == QLatin1String("live") || kind == QLatin1String("orphaned")) {
        QVERIFY(startLockHolder(holder, agent.lockFile(id)));
        if (kind == QLatin1String("orphaned")) {
            ::kill(pid_t(holder.processId()), SIGKILL);
            QVERIFY(holder.waitForFinished());
        }
    } else if (kind == QLatin1String("foreign")) {
        writeForeignLock(agent, id);
    } else {
        QDir().mkpath(agent.base() + QStringLiteral("/Locks"));
        QFile garbage(agent.lockFile(id));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not a lock\n");
    }
    QVERIFY(QFile::exists(agent.lockFile(id)));

    const oa::Leftovers leftovers{oa::AgentPaths(agent.base())};
    const QList<oa::Leftover> found = leftovers.scan();
    QCOMPARE(found.size(), 1); // only the folder of the ID without a lock
    QCOMPARE(found.first().executionId, QStringLiteral("free"));
    QVERIFY(!found.first().held);
    // With the held ones (the monitor's Leftovers tab says what holds them): both of the locked
    // ID's folders, marked, each with its age.
    const QList<oa::Leftover> all = leftovers.scan(oa::Leftovers::Held::WithHeld);
    QCOMPARE(all.size(), 3);
    int held = 0;
    for (const oa::Leftover &l : all) {
        held += l.held;
        QCOMPARE(l.held, l.executionId == id);
        QVERIFY(l.modifiedAt.isValid());
        QVERIFY(qAbs(l.modifiedAt.secsTo(QDateTime::currentDateTimeUtc())) < 3600);
    }
    QCOMPARE(held, 2);
    for (const auto leftoverKind : {oa::Leftover::Kind::Venv, oa::Leftover::Kind::Temp}) {
        const oa::Status removed = leftovers.remove({leftoverKind, id, QString(), 10, {}, false}); // whatever the caller says

        QVERIFY(!removed);
        QCOMPARE(removed.error().kind, oa::ErrorKind::Busy);
    }
    QVERIFY(QFile::exists(agent.base() + QStringLiteral("/venvs/locked/lib/a.py")));
    QVERIFY(QFile::exists(agent.base() + QStringLiteral("/Temp/locked/scratch")));
    holder.kill();
    holder.waitForFinished();
}

QTEST_GUILESS_MAIN(TestLeftovers)
#include "tst_leftovers.moc"
