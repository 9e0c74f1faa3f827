#include "fs/AgentPaths.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using oa::AgentPaths;

class TestAgentPaths : public QObject {
    Q_OBJECT
private slots:
    void executionIds_data();
    void executionIds();
    void baseDirResolution();
    void layout();
    void perIdNamesNeverCollide();
    void keptRunNames();
    void ensureDirRefusesSymlinkEscape();
};

void TestAgentPaths::executionIds_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");
    QTest::newRow("guid") << QStringLiteral("3f2c9a1e-7b4d-4c55-9e1a-0d2b6f8e4a10") << true;
    QTest::newRow("dots and underscores") << QStringLiteral("job_1.retry-2") << true;
    QTest::newRow("one character") << QStringLiteral("a") << true;
    QTest::newRow("128 characters") << QString(128, u'x') << true;
    QTest::newRow("129 characters") << QString(129, u'x') << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("dot") << QStringLiteral(".") << false;
    QTest::newRow("dot dot") << QStringLiteral("..") << false;
    QTest::newRow("three dots are a name") << QStringLiteral("...") << true;
    QTest::newRow("slash traversal") << QStringLiteral("../etc") << false;
    QTest::newRow("backslash") << QStringLiteral("a\\b") << false;
    QTest::newRow("space") << QStringLiteral("a b") << false;
    QTest::newRow("newline") << QStringLiteral("a\nb") << false;
    QTest::newRow("NUL") << QStringLiteral("a") + QChar(0) + QStringLiteral("b") << false;
    QTest::newRow("non-ASCII letter") << QStringLiteral("t\u00e2che") << false;
    QTest::newRow("colon") << QStringLiteral("c:x") << false;
    QTest::newRow("option-like is still a valid name") << QStringLiteral("-x") << true;
}

void TestAgentPaths::executionIds()
{
    QFETCH(QString, id);
    QFETCH(bool, valid);
    QCOMPARE(AgentPaths::isValidExecutionId(id), valid);
}

void TestAgentPaths::baseDirResolution()
{
    qunsetenv("OPENAUTOMATE_BOTAGENT_DIR");
    QCOMPARE(AgentPaths::resolveBaseDir(QString()), AgentPaths::platformDefaultBaseDir());
#ifdef Q_OS_LINUX
    QCOMPARE(AgentPaths::platformDefaultBaseDir(), QStringLiteral("/var/lib/openautomate/botagent"));
#endif
    qputenv("OPENAUTOMATE_BOTAGENT_DIR", "/srv/from-env/");
    QCOMPARE(AgentPaths::resolveBaseDir(QString()), QStringLiteral("/srv/from-env"));
    QCOMPARE(AgentPaths::resolveBaseDir(QStringLiteral("/srv/from-cli")), QStringLiteral("/srv/from-cli"));
    qunsetenv("OPENAUTOMATE_BOTAGENT_DIR");
    // A relative --base-dir is made absolute against the working directory.
    QCOMPARE(AgentPaths::resolveBaseDir(QStringLiteral("rel")), QDir::current().absoluteFilePath(QStringLiteral("rel")));
}

void TestAgentPaths::layout()
{
    const AgentPaths paths(QStringLiteral("/base"));
    QCOMPARE(paths.lockFile(QStringLiteral("x")), QStringLiteral("/base/Locks/x.lock"));
    QCOMPARE(paths.taskDir(QStringLiteral("x")), QStringLiteral("/base/Tasks/x"));
    QCOMPARE(paths.venvDir(QStringLiteral("x")), QStringLiteral("/base/venvs/x"));
    QCOMPARE(paths.tempDir(QStringLiteral("x")), QStringLiteral("/base/Temp/x"));
    QCOMPARE(paths.executionFile(QStringLiteral("x")), QStringLiteral("/base/Tasks/x/execution.json"));
    QCOMPARE(paths.resultFile(QStringLiteral("x")), QStringLiteral("/base/Tasks/x/result.json"));
}

void TestAgentPaths::perIdNamesNeverCollide()
{
    const AgentPaths paths(QStringLiteral("/base"));
    QCOMPARE(paths.runFile(QStringLiteral("x")), QStringLiteral("/base/Locks/x@run"));
    QCOMPARE(paths.cancelRequestFile(QStringLiteral("x"), QStringLiteral("t")), QStringLiteral("/base/Locks/x@cancel-t"));
    // IDs that extend one another or look like each other's file names.
    const QStringList ids{"job", "job.cancel-1", "job.run", "job.lock", "a", "a.lock", "a.lock.lock", "JOB", ".a", "_", "-run"};
    const auto nameOf = [](const QString &path) { return path.section(u'/', -1); };
    for (const QString &a : ids) {
        const QString lockName = nameOf(paths.lockFile(a));
        QCOMPARE(AgentPaths::executionIdOfLockFileName(lockName), a);
        QCOMPARE(AgentPaths::executionIdOfLockFileName(nameOf(paths.runFile(a))), QString());
        QCOMPARE(AgentPaths::executionIdOfLockFileName(nameOf(paths.cancelRequestFile(a, QStringLiteral("0a1b")))), QString());
        for (const QString &b : ids) {
            if (a == b)
                continue;
            // Every file of B, including B's own requests: none is a name of A or within A's
            // request prefix (the pattern A's executor clears when it starts).
            const QStringList namesOfB{nameOf(paths.lockFile(b)), nameOf(paths.runFile(b)), nameOf(paths.cancelRequestFile(b, QStringLiteral("0a1b")))};
            for (const QString &name : namesOfB) {
                QVERIFY2(!name.startsWith(AgentPaths::cancelRequestPrefix(a)), qPrintable(a + u' ' + name));
                QVERIFY2(name != lockName && name != nameOf(paths.runFile(a)), qPrintable(a + u' ' + name));
            }
        }
    }
    for (const char *notALock : {"x.LOCK", "x@run.lock", ".lock", "..lock", "...lock", "@guard", "x.lock.rmlock", "x@cancel-1"})
        QCOMPARE(AgentPaths::executionIdOfLockFileName(QLatin1String(notALock)), QString());
}

void TestAgentPaths::keptRunNames()
{
    // Generation k is previous/ or previous.k/, and only those exact spellings read back as k.
    for (int generation = 1; generation <= 999; ++generation)
        QCOMPARE(oa::AgentPaths::generationOfName(oa::AgentPaths::runFolderName(generation)), generation);
    for (const char *other : {"previous.0", "previous.1", "previous.02", "previous.+3", "previous.1000", "previous.", "previous2",
                              "Previous", "previous.2 ", "previous.x", "result.json"})
        QCOMPARE(oa::AgentPaths::generationOfName(QLatin1String(other)), 0);
    const oa::AgentPaths paths(QStringLiteral("/srv/agent"));
    QCOMPARE(paths.runDir(QStringLiteral("job"), 0), QStringLiteral("/srv/agent/Tasks/job"));
    QCOMPARE(paths.runDir(QStringLiteral("job"), 1), paths.previousDir(QStringLiteral("job")));
    QCOMPARE(paths.runDir(QStringLiteral("job"), 3), QStringLiteral("/srv/agent/Tasks/job/previous.3"));
}

void TestAgentPaths::ensureDirRefusesSymlinkEscape()
{
    QTemporaryDir tmp;
    const QString base = tmp.path() + QStringLiteral("/agent");
    QVERIFY(QDir().mkpath(base));
    QVERIFY(QDir().mkpath(tmp.path() + QStringLiteral("/outside")));
    QVERIFY(QFile::link(tmp.path() + QStringLiteral("/outside"), base + QStringLiteral("/venvs")));
    const AgentPaths paths(base);
    const oa::Status made = paths.ensureDir(paths.venvDir(QStringLiteral("x")));
    QVERIFY(!made);
    QVERIFY2(made.error().message.contains(QStringLiteral("symbolic link")), qPrintable(made.error().message));
    QVERIFY(!QFile::exists(tmp.path() + QStringLiteral("/outside/x")));
    QVERIFY(paths.ensureDir(paths.tempDir(QStringLiteral("x"))));
    QVERIFY(QFileInfo(paths.tempDir(QStringLiteral("x"))).isDir());
}

QTEST_GUILESS_MAIN(TestAgentPaths)
#include "tst_agentpaths.moc"
