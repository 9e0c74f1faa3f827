// A task cannot grow result.json past what --list and --which-runs read (4 MiB), and so cannot
// hide its own run as Pending: a script that hard-links thousands of long names into the task
// folder, each a warning at the hand-back, gets at most 100 of them recorded, each at most 1,000
// characters, and one last entry saying how many were left out; executor.log keeps them all.
// Through the real executor, with a throwaway run-as user. Needs root (CI runs as root).
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace oatest;

class TestResultBounds : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void thousandsOfWarningsStayBounded();

private:
    ThrowawayUser m_user;
    QTemporaryDir m_dir;
};

void TestResultBounds::initTestCase()
{
    if (!m_user.isValid())
        OA_SKIP_OR_FAIL(m_user.why());
    openToOthers(m_dir.path());
}

void TestResultBounds::thousandsOfWarningsStayBounded()
{
    constexpr int kLinks = 3000;
    Agent agent;
    openToOthers(agent.base());
    // A file of the user's own outside the task folder, as /tmp would give it.
    const QString outside = m_dir.path() + QStringLiteral("/outside");
    QVERIFY(QDir().mkpath(outside) && ::chown(QFile::encodeName(outside).constData(), uid_t(m_user.uid()), gid_t(m_user.gid())) == 0);
    const QString id = QStringLiteral("flood");
    agent.makeScriptTask(id, "import os, sys\n"
                             "target = os.path.join(sys.argv[1], 'target')\n"
                             "open(target, 'w').write('x')\n"
                             "for i in range(" + QByteArray::number(kLinks) + "):\n"
                             "    os.link(target, 'l%05d' % i + 'x' * 234)\n",
                         {{QStringLiteral("Arguments"), QJsonArray{outside}}});
    const Run run = runExecutor(executorArgs(agent, id, {QStringLiteral("--python"), QStringLiteral("/usr/bin/python3"),
                                                         QStringLiteral("--run-as"), m_user.name()}));
    QVERIFY2(run.exitCode == 0, run.err.right(2000).constData());

    const QByteArray resultJson = readFile(agent.taskFile(id, QStringLiteral("result.json")));
    QVERIFY2(resultJson.size() < 256 * 1024, QByteArray::number(resultJson.size()).constData());
    const QJsonArray warnings = QJsonDocument::fromJson(resultJson).object().value(QStringLiteral("Warnings")).toArray();
    QCOMPARE(warnings.size(), 101);
    for (const QJsonValue &w : warnings)
        QVERIFY(w.toString().size() <= 1000);
    const QRegularExpressionMatch last =
        QRegularExpression(QStringLiteral("^(\\d+) more warning\\(s\\) were not recorded here; executor.log has them all$")).match(warnings.last().toString());
    QVERIFY2(last.hasMatch(), qPrintable(warnings.last().toString()));
    QVERIFY(last.captured(1).toInt() >= kLinks - 100);

    // executor.log has every one of them.
    const QByteArray log = readFile(agent.taskFile(id, QStringLiteral("executor.log")));
    QVERIFY2(log.count("more than one name") >= kLinks, QByteArray::number(log.count("more than one name")).constData());

    // --list sees the run as finished, not as Pending.
    const Run list = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    const QJsonArray tasks = QJsonDocument::fromJson(list.out).object().value(QStringLiteral("Tasks")).toArray();
    QCOMPARE(tasks.size(), 1);
    QCOMPARE(tasks.first().toObject().value(QStringLiteral("State")).toString(), QStringLiteral("Succeeded"));
    QCOMPARE(tasks.first().toObject().value(QStringLiteral("ExitCode")).toInt(-1), 0);
}

QTEST_GUILESS_MAIN(TestResultBounds)
#include "tst_result_bounds.moc"
