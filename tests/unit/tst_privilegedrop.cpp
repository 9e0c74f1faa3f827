// The one privilege drop (process/PrivilegeDrop): run in a forked child, as every caller runs
// it, which reports what the kernel says back through a pipe. The parent never drops anything.
#include "process/ChildProcess.h"
#include "process/PrivilegeDrop.h"
#include "TestSupport.h"

#include <QSet>
#include <QTest>

#include <cerrno>

#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;
constexpr gid_t kExtraGroup = 65533;

// What the child saw after the drop: plain numbers, written in one piece.
struct Report {
    oa::PrivilegeDropResult result;
    uid_t ruid = 0, euid = 0, suid = 0;
    gid_t rgid = 0, egid = 0, sgid = 0;
    int groupCount = -1;
    gid_t groups[8] = {};
    int regainRoot = 0;  // setuid(0) after the drop: 0 when it succeeded, else its errno
};

// Forks; the child drops to (uid, gid, groups) and reports. False when the child died without a
// report.
bool dropInChild(uid_t uid, gid_t gid, const std::vector<gid_t> &groups, Report *report)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return false;
    const pid_t child = ::fork();
    if (child < 0)
        return false;
    if (child == 0) {
        ::close(fds[0]);
        Report r;
        r.result = oa::dropPrivileges(uid, gid, groups.data(), groups.size());
        ::getresuid(&r.ruid, &r.euid, &r.suid);
        ::getresgid(&r.rgid, &r.egid, &r.sgid);
        r.groupCount = ::getgroups(8, r.groups);
        r.regainRoot = ::setuid(0) == 0 ? 0 : errno;
        const bool written = ::write(fds[1], &r, sizeof r) == ssize_t(sizeof r);
        ::_exit(written ? 0 : 1);
    }
    ::close(fds[1]);
    const ssize_t got = ::read(fds[0], report, sizeof *report);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return got == ssize_t(sizeof *report) && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

} // namespace

class TestPrivilegeDrop : public QObject {
    Q_OBJECT
private slots:
    void dropsToAnUnprivilegedUser();
    void supplementaryGroupsAreExactlyTheGivenOnes();
    void stayingRootIsNotRefused();
    void refusedWithoutPrivileges();
    void childProcessRunsAsTheUser();
    void everyStepHasAName();
};

void TestPrivilegeDrop::dropsToAnUnprivilegedUser()
{
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("only root can drop to uid %1; the executor drops privileges only as root").arg(kNobody));
    Report r;
    QVERIFY(dropInChild(kNobody, kNogroup, {kNogroup}, &r));
    QVERIFY2(r.result.ok(), oa::privilegeDropStepName(r.result.failedAt));
    QCOMPARE(r.ruid, kNobody);
    QCOMPARE(r.euid, kNobody);
    QCOMPARE(r.suid, kNobody); // no saved root to switch back to
    QCOMPARE(r.rgid, kNogroup);
    QCOMPARE(r.egid, kNogroup);
    QCOMPARE(r.sgid, kNogroup);
    QCOMPARE(r.regainRoot, EPERM);
}

void TestPrivilegeDrop::supplementaryGroupsAreExactlyTheGivenOnes()
{
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("only root can set supplementary groups"));
    Report r;
    QVERIFY(dropInChild(kNobody, kNogroup, {kNogroup, kExtraGroup}, &r));
    QVERIFY(r.result.ok());
    QCOMPARE(r.groupCount, 2);
    const QSet<gid_t> groups{r.groups[0], r.groups[1]};
    QCOMPARE(groups, (QSet<gid_t>{kNogroup, kExtraGroup}));
    // Root's own groups (0 and whatever else it is in) are gone with an empty list too.
    Report none;
    QVERIFY(dropInChild(kNobody, kNogroup, {}, &none));
    QVERIFY(none.result.ok());
    QCOMPARE(none.groupCount, 0);
}

void TestPrivilegeDrop::stayingRootIsNotRefused()
{
    // The target root is not checked against setuid(0): root may always become root.
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("only root can take uid 0"));
    Report r;
    QVERIFY(dropInChild(0, 0, {0}, &r));
    QVERIFY2(r.result.ok(), oa::privilegeDropStepName(r.result.failedAt));
    QCOMPARE(r.euid, uid_t(0));
}

void TestPrivilegeDrop::refusedWithoutPrivileges()
{
    // Not root: the first step is refused, and the caller learns which step and why. As root
    // the same is proven from a child that has already dropped to nobody.
    if (::geteuid() == 0) {
        int fds[2];
        QVERIFY(::pipe(fds) == 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            ::close(fds[0]);
            oa::PrivilegeDropResult result = oa::dropPrivileges(kNobody, kNogroup, nullptr, 0);
            if (result.ok())
                result = oa::dropPrivileges(kNobody - 1, kNogroup - 1, nullptr, 0);
            ::_exit(::write(fds[1], &result, sizeof result) == ssize_t(sizeof result) ? 0 : 1);
        }
        ::close(fds[1]);
        oa::PrivilegeDropResult result;
        const ssize_t got = ::read(fds[0], &result, sizeof result);
        ::close(fds[0]);
        int status = 0;
        ::waitpid(child, &status, 0);
        QCOMPARE(got, ssize_t(sizeof result));
        QCOMPARE(int(result.failedAt), int(oa::PrivilegeDropStep::SetGroups));
        QCOMPARE(result.error, EPERM);
        return;
    }
    Report r;
    QVERIFY(dropInChild(kNobody, kNogroup, {kNogroup}, &r));
    QCOMPARE(int(r.result.failedAt), int(oa::PrivilegeDropStep::SetGroups));
    QCOMPARE(r.result.error, EPERM);
    QCOMPARE(r.euid, ::geteuid()); // nothing changed
}

void TestPrivilegeDrop::childProcessRunsAsTheUser()
{
    // ChildProcess drops through the same function in Qt's child modifier.
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("only root can start a child as uid %1").arg(kNobody));
    auto credentials = std::make_shared<oa::ProcessCredentials>();
    credentials->uid = kNobody;
    credentials->gid = kNogroup;
    credentials->groups = {kNogroup};
    credentials->userName = QStringLiteral("nobody");
    credentials->home = QStringLiteral("/nonexistent");
    oa::ProcessSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("echo $(id -u) $(id -g) $(id -G)")};
    spec.workingDirectory = QStringLiteral("/");
    spec.credentials = credentials;
    const oa::ProcessExit exit = oa::ChildProcess::run(spec);
    QVERIFY2(exit.succeeded(), exit.capturedStdout.constData());
    QCOMPARE(exit.capturedStdout.trimmed(), QByteArray("65534 65534 65534"));
}

void TestPrivilegeDrop::everyStepHasAName()
{
    using Step = oa::PrivilegeDropStep;
    QSet<QByteArray> names;
    for (const Step step : {Step::None, Step::SetGroups, Step::SetGid, Step::SetUid, Step::CheckUser, Step::CheckGroup, Step::RegainRoot})
        names.insert(QByteArray(oa::privilegeDropStepName(step)));
    QCOMPARE(names.size(), 7);
    QVERIFY(!names.contains(QByteArray()));
}

QTEST_GUILESS_MAIN(TestPrivilegeDrop)
#include "tst_privilegedrop.moc"
