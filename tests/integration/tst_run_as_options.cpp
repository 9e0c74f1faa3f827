// Bad run-as settings through the real executor: each is refused up front with the documented
// exit code and a message that names the user, and nothing in the agent folder is touched.
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <unistd.h>

using namespace oatest;

class TestRunAsOptions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void refusedUpFront_data();
    void refusedUpFront();
    void refusedWhenTheExecutorIsNotRoot();
    void interpreterOutOfTheUsersReach();

private:
    ThrowawayUser m_user;
};

void TestRunAsOptions::initTestCase()
{
    if (!m_user.isValid())
        OA_SKIP_OR_FAIL(m_user.why());
}

void TestRunAsOptions::refusedUpFront_data()
{
    QTest::addColumn<QString>("option");   // --run-as's value; empty: not given
    QTest::addColumn<QString>("variable"); // OPENAUTOMATE_RUN_AS; empty: not set
    QTest::addColumn<bool>("enterable");   // whether the run-as user can enter the agent folder
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown user") << "oa-no-such-user" << "" << true << "--run-as: run-as user \"oa-no-such-user\": no such user on this machine";
    QTest::newRow("unknown user from the environment") << "" << "oa-no-such-user" << true
                                                       << "OPENAUTOMATE_RUN_AS: run-as user \"oa-no-such-user\": no such user";
    QTest::newRow("root") << "root" << "" << true << "--run-as: run-as user \"root\" is root (uid 0)";
    QTest::newRow("the option wins over the environment") << "oa-no-such-user" << "nobody" << true << "--run-as: run-as user \"oa-no-such-user\"";
    QTest::newRow("cannot enter the agent folder") << "@user" << "" << false << "cannot enter";
}

void TestRunAsOptions::refusedUpFront()
{
    QFETCH(QString, option);
    QFETCH(QString, variable);
    QFETCH(bool, enterable);
    QFETCH(QString, expected);
    Agent agent; // QTemporaryDir: 0700, which no run-as user can enter
    if (enterable)
        openToOthers(agent.base());
    agent.makeScriptTask(QStringLiteral("job"), "print('must not run')\n");
    const QStringList before = agent.listing();
    QProcessEnvironment env = cleanEnvironment();
    if (!variable.isEmpty())
        env.insert(QStringLiteral("OPENAUTOMATE_RUN_AS"), variable);
    option.replace(QStringLiteral("@user"), m_user.name());
    const QStringList extra = option.isEmpty() ? QStringList() : QStringList{QStringLiteral("--run-as"), option};
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("job"), extra), env);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    if (!enterable) {
        QVERIFY2(run.err.contains(m_user.name().toUtf8()), run.err.constData());
        QVERIFY2(run.err.contains(QFileInfo(agent.base()).path().toUtf8()), run.err.constData());
    }
    QCOMPARE(agent.listing(), before);
}

void TestRunAsOptions::refusedWhenTheExecutorIsNotRoot()
{
    // The executor itself runs as the throwaway user, from a copy it can reach.
    QTemporaryDir bin;
    openToOthers(bin.path());
    const QString executor = bin.path() + QStringLiteral("/openautomate-executor");
    QVERIFY(QFile::copy(executorPath(), executor));
    Agent agent;
    openToOthers(agent.base());
    agent.makeScriptTask(QStringLiteral("job"), "print('must not run')\n");
    const QStringList before = agent.listing();
    QProcess process;
    process.setProcessEnvironment(cleanEnvironment());
    process.start(QStringLiteral("setpriv"), QStringList{QStringLiteral("--reuid=%1").arg(m_user.uid()), QStringLiteral("--regid=%1").arg(m_user.gid()),
                                                        QStringLiteral("--clear-groups"), executor, QStringLiteral("--base-dir"), agent.base(),
                                                        QStringLiteral("--run-as"), QStringLiteral("nobody"), QStringLiteral("job")});
    QVERIFY(process.waitForFinished(60000));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(err.contains("run-as user \"nobody\": the executor runs as uid " + QByteArray::number(m_user.uid()) + ", not as root"),
             err.constData());
    QCOMPARE(agent.listing(), before);
}

void TestRunAsOptions::interpreterOutOfTheUsersReach()
{
    Agent agent;
    openToOthers(agent.base());
    // An interpreter behind a folder only root may enter, like pyenv's under /root.
    QTemporaryDir hidden;
    const QString python = hidden.path() + QStringLiteral("/python3");
    QVERIFY(QFile::link(QStringLiteral("/usr/bin/python3"), python));
    agent.makeScriptTask(QStringLiteral("job"), "print('must not run')\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("job"),
                                             {QStringLiteral("--python"), python, QStringLiteral("--run-as"), m_user.name()}));
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(run.err.contains("cannot be run by the run-as user " + m_user.name().toUtf8()), run.err.constData());
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("job"), QStringLiteral("output.log"))));
}

QTEST_GUILESS_MAIN(TestRunAsOptions)
#include "tst_run_as_options.moc"
