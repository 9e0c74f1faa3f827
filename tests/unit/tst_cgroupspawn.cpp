// A child started into a real cgroup v2 (CgroupSpawn's clone3 with CLONE_INTO_CGROUP), through
// ChildProcess::run: it is a member from its first instruction, and everything the QProcess start
// does holds here too. Every test runs twice: once as the executor runs, and once with
// OPENAUTOMATE_CLONE_INTO_CGROUP=off, the fallback of kernels without CLONE_INTO_CGROUP, where
// QProcess starts the child and it writes itself into cgroup.procs. ProcessExit::startedInCgroup
// says which start ran, and each row checks it.
#include "process/CgroupScope.h"
#include "process/ChildProcess.h"
#include "process/MemoryCgroupV1.h"
#include "TestSupport.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using oa::ChildProcess;
using oa::ProcessSpec;

class TestCgroupSpawn : public QObject {
    Q_OBJECT
private slots:
    void initTestCase_data();
    void initTestCase();
    void init();
    void cleanupTestCase();
    void memberFromTheFirstInstruction();
    void exitCodesAndSignals();
    void outputFilesAndWorkingDirectory();
    void capturedOutput();
    void startFailuresAreReported();

private:
    ProcessSpec shell(const QString &script) const
    {
        ProcessSpec spec;
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), script};
        spec.cgroupProcsFiles = {m_v2->procsFile()};
        return spec;
    }
    // The start each row asked for ran, and nothing of the child is left in the cgroup.
    void verifyStart(const oa::ProcessExit &exit) const
    {
        QFETCH_GLOBAL(bool, direct);
        QCOMPARE(exit.startedInCgroup, direct);
        QVERIFY(m_v2->members().isEmpty());
    }
    std::unique_ptr<oa::CgroupScope> m_v2;
    QTemporaryDir m_tmp;
};

void TestCgroupSpawn::initTestCase_data()
{
    QTest::addColumn<bool>("direct");
    QTest::newRow("clone3 into the cgroup") << true;
    QTest::newRow("fallback: QProcess, then a write to cgroup.procs") << false;
}

void TestCgroupSpawn::initTestCase()
{
    auto scope = oa::CgroupScope::create(QStringLiteral("openautomate-%1-spawn").arg(QCoreApplication::applicationPid()), std::nullopt);
    if (!scope)
        OA_SKIP_OR_FAIL(QStringLiteral("cgroup v2 is not available: ") + scope.error().message);
    m_v2 = std::move(scope).value();
}

void TestCgroupSpawn::init()
{
    QFETCH_GLOBAL(bool, direct);
    if (direct)
        qunsetenv("OPENAUTOMATE_CLONE_INTO_CGROUP");
    else
        qputenv("OPENAUTOMATE_CLONE_INTO_CGROUP", "off");
}

void TestCgroupSpawn::cleanupTestCase()
{
    qunsetenv("OPENAUTOMATE_CLONE_INTO_CGROUP");
}

void TestCgroupSpawn::memberFromTheFirstInstruction()
{
    // The shell's first act is its builtin `read` of /proc/self/cgroup: no command ran before it.
    // A child it forks at once is counted by the cgroup too. Where the v1 memory hierarchy is
    // writable, the child joins that one as well (by a write: CLONE_INTO_CGROUP is v2 only).
    const auto v1 = oa::MemoryCgroupV1::create(QStringLiteral("openautomate-%1-spawn").arg(QCoreApplication::applicationPid()), 256 << 20);
    ProcessSpec spec = shell(QStringLiteral("while read -r line; do echo \"$line\"; done < /proc/self/cgroup\n"
                                            "sleep 30 & kid=$!\n"
                                            "while read -r member; do [ \"$member\" = \"$kid\" ] && echo counted; done < '%1'\n"
                                            "kill $kid\n")
                                 .arg(QString::fromLocal8Bit(m_v2->procsFile())));
    if (v1)
        spec.cgroupProcsFiles.append(v1.value()->procsFile());
    else
        qInfo("without the v1 memory cgroup: %s", qPrintable(v1.error().message));
    spec.stdoutFile = m_tmp.filePath(QStringLiteral("cgroups.txt"));
    const oa::ProcessExit exit = ChildProcess::run(spec);
    QVERIFY2(exit.succeeded(), qPrintable(exit.exitMessage()));
    verifyStart(exit);
    const QList<QByteArray> lines = oatest::readFile(spec.stdoutFile).split('\n');
    QVERIFY2(lines.contains("0::" + m_v2->relativePath().toLocal8Bit()), qPrintable(m_v2->relativePath()));
    QVERIFY(lines.contains("counted"));
    if (v1) {
        bool inMemoryCgroup = false;
        for (const QByteArray &line : lines)
            inMemoryCgroup = inMemoryCgroup || (line.contains(":memory:") && line.endsWith(v1.value()->relativePath().toLocal8Bit()));
        QVERIFY(inMemoryCgroup);
    }
}

void TestCgroupSpawn::exitCodesAndSignals()
{
    oa::ProcessExit exit = ChildProcess::run(shell(QStringLiteral("exit 3")));
    QCOMPARE(exit.exitCode, 3);
    QCOMPARE(exit.signal, 0);
    verifyStart(exit);
    exit = ChildProcess::run(shell(QStringLiteral("kill -9 $$")));
    QCOMPARE(exit.signal, 9);
    QCOMPARE(exit.result(), oa::ProcessResult::Crashed);
    verifyStart(exit);
}

void TestCgroupSpawn::outputFilesAndWorkingDirectory()
{
    // stdin is the null device (cat ends at once), the working directory is the one asked for,
    // stdout and stderr go to their files, truncated; then appended, merged into one.
    QTemporaryDir workDir;
    ProcessSpec spec = shell(QStringLiteral("cat; pwd; echo err >&2"));
    spec.workingDirectory = workDir.path();
    spec.stdoutFile = m_tmp.filePath(QStringLiteral("o.log"));
    spec.stderrFile = m_tmp.filePath(QStringLiteral("e.log"));
    QVERIFY(oatest::writeFileBytes(spec.stdoutFile, "old\n"));
    oa::ProcessExit exit = ChildProcess::run(spec);
    QVERIFY(exit.succeeded());
    verifyStart(exit);
    QCOMPARE(oatest::readFile(spec.stdoutFile), workDir.path().toLocal8Bit() + '\n');
    QCOMPARE(oatest::readFile(spec.stderrFile), QByteArray("err\n"));

    spec.stderrFile.clear();
    spec.appendOutput = true;
    exit = ChildProcess::run(spec);
    QVERIFY(exit.succeeded());
    verifyStart(exit);
    QCOMPARE(oatest::readFile(spec.stdoutFile), workDir.path().toLocal8Bit() + '\n' + workDir.path().toLocal8Bit() + "\nerr\n");
}

void TestCgroupSpawn::capturedOutput()
{
    // Without an output file stdout is captured, more than a pipe holds (the reader must keep
    // up), with stderr merged when asked and discarded otherwise.
    ProcessSpec spec = shell(QStringLiteral("head -c 300000 /dev/zero | tr '\\0' x; echo; echo err >&2"));
    oa::ProcessExit exit = ChildProcess::run(spec);
    QVERIFY(exit.succeeded());
    verifyStart(exit);
    QCOMPARE(exit.capturedStdout, QByteArray(300000, 'x') + '\n');
    spec.captureStderr = true;
    exit = ChildProcess::run(spec);
    QVERIFY(exit.succeeded());
    verifyStart(exit);
    QCOMPARE(exit.capturedStdout, QByteArray(300000, 'x') + "\nerr\n");
}

void TestCgroupSpawn::startFailuresAreReported()
{
    // Both starts word a failed execve() alike ("execve: " and the system's reason), and tell E2BIG.
    ProcessSpec spec = shell({});
    spec.program = m_tmp.filePath(QStringLiteral("no-such-program"));
    oa::ProcessExit exit = ChildProcess::run(spec);
    QVERIFY(!exit.started);
    QCOMPARE(exit.startError, QStringLiteral("execve: ") + qt_error_string(ENOENT));
    QVERIFY(!exit.argumentsTooLong);
    QVERIFY(m_v2->members().isEmpty());

    spec = shell({});
    spec.program = QStringLiteral("/bin/true");
    spec.arguments = {QString(1024 * 1024, u'x')};
    exit = ChildProcess::run(spec);
    QVERIFY(!exit.started);
    QVERIFY2(exit.argumentsTooLong, qPrintable(exit.startError));

    spec = shell(QStringLiteral("exit 0"));
    spec.workingDirectory = m_tmp.filePath(QStringLiteral("no-such-folder"));
    exit = ChildProcess::run(spec);
    QVERIFY(!exit.started);
    QVERIFY2(exit.startError.contains(qt_error_string(ENOENT)), qPrintable(exit.startError));
}

QTEST_GUILESS_MAIN(TestCgroupSpawn)
#include "tst_cgroupspawn.moc"
