// The error vocabulary: every layer below run/ reports an oa::Error (a kind, a message, errno),
// and only run/ExitCodes turns one into the executor's exit code, by kind and by the stage it
// stopped. The table below is the contract the README's exit-code list describes.
#include "base/Error.h"
#include "run/ExitCodes.h"

#include <QTest>

#include <cerrno>

using oa::Error;
using oa::ErrorKind;
using oa::ExitCode;
using oa::Stage;

Q_DECLARE_METATYPE(oa::ErrorKind)
Q_DECLARE_METATYPE(oa::Stage)
Q_DECLARE_METATYPE(oa::ExitCode)

class TestError : public QObject {
    Q_OBJECT
private slots:
    void exitCodeByKindAndStage_data();
    void exitCodeByKindAndStage();
    void commandsWithoutStage();
    void everyKindHasNameAndPhrase();
    void textAndContext();
    void systemFailureKeepsErrno();
};

void TestError::exitCodeByKindAndStage_data()
{
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<Stage>("stage");
    QTest::addColumn<ExitCode>("expected");
    // A kind that names its code names it in every stage.
    const std::pair<ErrorKind, ExitCode> fixed[] = {
        {ErrorKind::BadArgument, ExitCode::InvalidArguments}, {ErrorKind::Busy, ExitCode::AlreadyRunning},
        {ErrorKind::NotFound, ExitCode::TaskNotFound},       {ErrorKind::InvalidTask, ExitCode::InvalidExecution},
        {ErrorKind::Environment, ExitCode::EnvironmentFailed}, {ErrorKind::Install, ExitCode::RequirementsFailed},
        {ErrorKind::TimedOut, ExitCode::TimedOut},           {ErrorKind::Cancelled, ExitCode::Cancelled},
        {ErrorKind::LimitExceeded, ExitCode::ResourceLimitExceeded}, {ErrorKind::Internal, ExitCode::Unexpected},
    };
    const Stage stages[] = {Stage::Lock, Stage::Read, Stage::Validate, Stage::Environment, Stage::Requirements, Stage::Run, Stage::Cleanup};
    for (const auto &[kind, code] : fixed)
        for (Stage stage : stages)
            QTest::addRow("%s in %s", qPrintable(oa::errorKindName(kind)), qPrintable(oa::stageName(stage))) << kind << stage << code;
    // A refused file or a failed call is charged to the stage it stopped.
    QTest::newRow("System in Lock") << ErrorKind::System << Stage::Lock << ExitCode::Unexpected;
    QTest::newRow("System in Read: execution.json refused") << ErrorKind::System << Stage::Read << ExitCode::InvalidExecution;
    QTest::newRow("System in Validate: a requirements file refused") << ErrorKind::System << Stage::Validate << ExitCode::InvalidExecution;
    QTest::newRow("System in Environment") << ErrorKind::System << Stage::Environment << ExitCode::EnvironmentFailed;
    QTest::newRow("System in Requirements") << ErrorKind::System << Stage::Requirements << ExitCode::RequirementsFailed;
    QTest::newRow("System in Run: a log file") << ErrorKind::System << Stage::Run << ExitCode::Unexpected;
    QTest::newRow("System in Cleanup") << ErrorKind::System << Stage::Cleanup << ExitCode::Unexpected;
}

void TestError::exitCodeByKindAndStage()
{
    QFETCH(ErrorKind, kind);
    QFETCH(Stage, stage);
    QFETCH(ExitCode, expected);
    QCOMPARE(int(oa::exitCodeFor(stage, oa::fail(kind, QStringLiteral("x")))), int(expected));
}

void TestError::commandsWithoutStage()
{
    // --clear-lock, --cancel, --prune-cache: no stage, so a System error is the executor's own.
    QCOMPARE(oa::exitCodeFor(oa::fail(ErrorKind::System, QString())), ExitCode::Unexpected);
    QCOMPARE(oa::exitCodeFor(oa::fail(ErrorKind::Busy, QString())), ExitCode::AlreadyRunning);
    QCOMPARE(oa::exitCodeFor(oa::fail(ErrorKind::NotFound, QString())), ExitCode::TaskNotFound);
}

void TestError::everyKindHasNameAndPhrase()
{
    QStringList names;
    for (int k = int(ErrorKind::BadArgument); k <= int(ErrorKind::Internal); ++k) {
        const auto kind = ErrorKind(k);
        const QString name = oa::errorKindName(kind);
        QVERIFY2(!names.contains(name), qPrintable(name));
        names.append(name);
        QVERIFY2(!oa::errorKindText(kind).isEmpty(), qPrintable(name));
    }
    QCOMPARE(names.size(), 11);
}

void TestError::textAndContext()
{
    const Error busy = oa::fail(ErrorKind::Busy, QStringLiteral("the lock of a1 is held by the live process 42"));
    QCOMPARE(busy.text(), QStringLiteral("Another process holds it: the lock of a1 is held by the live process 42"));
    QCOMPARE(oa::fail(ErrorKind::Cancelled, QString()).text(), QStringLiteral("Cancelled."));
    const Error within = oa::systemFailure(QStringLiteral("cannot open /x"), ENOENT).within(QStringLiteral("reading a1"));
    QCOMPARE(within.kind, ErrorKind::System);
    QCOMPARE(within.systemError, ENOENT);
    QVERIFY2(within.message.startsWith(QStringLiteral("reading a1: cannot open /x: ")), qPrintable(within.message));
}

void TestError::systemFailureKeepsErrno()
{
    const Error e = oa::systemFailure(QStringLiteral("cannot create /base/Locks"), EACCES);
    QCOMPARE(e.kind, ErrorKind::System);
    QCOMPARE(e.systemError, EACCES);
    QVERIFY2(e.message.contains(QStringLiteral("Permission denied")), qPrintable(e.message));
}

QTEST_GUILESS_MAIN(TestError)
#include "tst_error.moc"
