// RunAsGrants in-process: what a run-as user is given of a real agent folder, and what is taken
// back. The grants themselves need root (chown); without a run-as user every call is a no-op.
#include "run/RunAsGrants.h"
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using oa::AgentPaths;
using oa::RunAsGrants;

namespace {

const QString kId = QStringLiteral("grants");

struct stat statOf(const QString &path)
{
    struct stat st {};
    ::lstat(QFile::encodeName(path).constData(), &st);
    return st;
}

void writeFile(const QString &path, const QByteArray &content = "x")
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

} // namespace

class TestRunAsGrants : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void withoutUserNothingChanges();
    void givesAFolderToTheUser();
    void sharesTheTaskFolderButKeepsTheExecutorsFiles();
    void takeBackRemovesWhatTaskCodeForged();

private:
    std::optional<oa::RunAsUser> user();
    void makeTask(const oatest::Agent &agent);

    std::unique_ptr<oatest::ThrowawayUser> m_user;
};

void TestRunAsGrants::initTestCase()
{
    if (::geteuid() == 0)
        m_user = std::make_unique<oatest::ThrowawayUser>();
}

std::optional<oa::RunAsUser> TestRunAsGrants::user()
{
    if (!m_user || !m_user->isValid())
        return std::nullopt;
    auto resolved = oa::RunAsUser::resolve(m_user->name());
    return resolved ? std::optional<oa::RunAsUser>(resolved.value()) : std::nullopt;
}

void TestRunAsGrants::makeTask(const oatest::Agent &agent)
{
    agent.makeTask(kId, {{QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), "print(1)\n"}, {QStringLiteral("input.txt"), "in\n"}});
    writeFile(agent.taskFile(kId, QStringLiteral("result.json")), "{}");
}

void TestRunAsGrants::withoutUserNothingChanges()
{
    oatest::Agent agent;
    makeTask(agent);
    const AgentPaths paths(agent.base());
    QVERIFY(QDir().mkpath(paths.tempDir(kId)));
    RunAsGrants grants(paths, kId, std::nullopt);
    QVERIFY(!grants.active());
    QVERIFY(!grants.credentials());
    QVERIFY(grants.give(paths.tempDir(kId)));
    QVERIFY(grants.shareTaskFolder());
    QVERIFY(!grants.taskFolderShared());
    QCOMPARE(statOf(paths.tempDir(kId)).st_uid, ::geteuid());
    const mode_t before = statOf(agent.taskDir(kId)).st_mode;
    QVERIFY(grants.takeBack().isEmpty());
    QCOMPARE(statOf(agent.taskDir(kId)).st_mode, before);
}

void TestRunAsGrants::givesAFolderToTheUser()
{
    const auto runAs = user();
    if (!runAs)
        OA_SKIP_OR_FAIL(QStringLiteral("needs root and a throwaway user: %1").arg(m_user ? m_user->why() : QStringLiteral("not root")));
    oatest::Agent agent;
    makeTask(agent);
    const AgentPaths paths(agent.base());
    QVERIFY(QDir().mkpath(paths.tempDir(kId) + QStringLiteral("/inner")));
    writeFile(paths.tempDir(kId) + QStringLiteral("/inner/file"));
    RunAsGrants grants(paths, kId, runAs);
    QVERIFY(grants.active());
    QCOMPARE(qint64(grants.credentials()->uid), runAs->uid());
    QVERIFY(grants.give(paths.tempDir(kId)));
    for (const QString &path : {paths.tempDir(kId), paths.tempDir(kId) + QStringLiteral("/inner"),
                                paths.tempDir(kId) + QStringLiteral("/inner/file")}) {
        QCOMPARE(qint64(statOf(path).st_uid), runAs->uid());
        QCOMPARE(qint64(statOf(path).st_gid), runAs->gid());
    }
    // Nothing shared: nothing to take back.
    QVERIFY(grants.takeBack().isEmpty());
    // A folder that is not there cannot be given, and the message names the user.
    const oa::Status missing = grants.give(paths.tempDir(kId) + QStringLiteral("/missing"));
    QVERIFY(!missing);
    QCOMPARE(missing.error().kind, oa::ErrorKind::Environment);
    QVERIFY2(missing.error().message.contains(runAs->name()), qPrintable(missing.error().message));
}

void TestRunAsGrants::sharesTheTaskFolderButKeepsTheExecutorsFiles()
{
    const auto runAs = user();
    if (!runAs)
        OA_SKIP_OR_FAIL(QStringLiteral("needs root and a throwaway user: %1").arg(m_user ? m_user->why() : QStringLiteral("not root")));
    oatest::Agent agent;
    makeTask(agent);
    const AgentPaths paths(agent.base());
    RunAsGrants grants(paths, kId, runAs);
    QVERIFY(grants.shareTaskFolder());
    QVERIFY(grants.taskFolderShared());
    const struct stat folder = statOf(agent.taskDir(kId));
    QCOMPARE(folder.st_uid, ::geteuid());
    QCOMPARE(qint64(folder.st_gid), runAs->gid());
    QVERIFY(folder.st_mode & S_ISVTX); // the user cannot remove or rename the executor's files
    QCOMPARE(qint64(statOf(agent.taskFile(kId, QStringLiteral("input.txt"))).st_uid), runAs->uid());
    QCOMPARE(statOf(agent.taskFile(kId, QStringLiteral("execution.json"))).st_uid, ::geteuid());
    QCOMPARE(statOf(agent.taskFile(kId, QStringLiteral("result.json"))).st_uid, ::geteuid());

    QVERIFY(grants.takeBack().isEmpty());
    const struct stat back = statOf(agent.taskDir(kId));
    QCOMPARE(back.st_uid, ::geteuid());
    QVERIFY(!(back.st_mode & S_ISVTX));
    QVERIFY(!(back.st_mode & S_IWGRP));
    QCOMPARE(statOf(agent.taskFile(kId, QStringLiteral("input.txt"))).st_uid, ::geteuid());
}

void TestRunAsGrants::takeBackRemovesWhatTaskCodeForged()
{
    const auto runAs = user();
    if (!runAs)
        OA_SKIP_OR_FAIL(QStringLiteral("needs root and a throwaway user: %1").arg(m_user ? m_user->why() : QStringLiteral("not root")));
    oatest::Agent agent;
    makeTask(agent);
    const AgentPaths paths(agent.base());
    RunAsGrants grants(paths, kId, runAs);
    QVERIFY(grants.shareTaskFolder());
    // What task code could make in the shared folder: pip.log in a run without packages, and a
    // previous/ on a first run, both the user's.
    const QString pipLog = paths.pipLogFile(kId);
    writeFile(pipLog, "forged\n");
    QVERIFY(::chown(QFile::encodeName(pipLog).constData(), uid_t(runAs->uid()), gid_t(runAs->gid())) == 0);
    const QString previous = paths.previousDir(kId);
    QVERIFY(QDir().mkpath(previous));
    writeFile(previous + QStringLiteral("/result.json"), "{}");
    QVERIFY(::chown(QFile::encodeName(previous).constData(), uid_t(runAs->uid()), gid_t(runAs->gid())) == 0);

    const QStringList warnings = grants.takeBack();
    QCOMPARE(warnings.size(), 2);
    QVERIFY2(warnings.at(0).contains(pipLog), qPrintable(warnings.at(0)));
    QVERIFY2(warnings.at(1).contains(previous), qPrintable(warnings.at(1)));
    QVERIFY(!QFile::exists(pipLog));
    QVERIFY(!QFile::exists(previous));
    // The executor's own result.json was never the user's to touch, and stays.
    QVERIFY(QFile::exists(agent.taskFile(kId, QStringLiteral("result.json"))));
}

QTEST_GUILESS_MAIN(TestRunAsGrants)
#include "tst_runasgrants.moc"
