#include "records/ResultRecord.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using oa::ResultRecord;

class TestResultRecord : public QObject {
    Q_OBJECT
private slots:
    void fields();
    void optionalFieldsOmitted();
    void containment_data();
    void containment();
    void savedAtomically();
    void unwritableFolderFails();
};

static ResultRecord sample()
{
    ResultRecord r;
    r.executionId = QStringLiteral("job-1");
    r.outcome = oa::Outcome::Failed;
    r.exitCode = 3;
    r.scriptExitCode = 3;
    r.stage = oa::Stage::Run;
    r.message = QStringLiteral("the script exited with code 3");
    r.startedAt = QDateTime::fromString(QStringLiteral("2026-01-01T00:00:00.000Z"), Qt::ISODateWithMs);
    r.finishedAt = r.startedAt.addMSecs(1500);
    r.stageDurationsMs = {{oa::Stage::Lock, 1}, {oa::Stage::Environment, 40}, {oa::Stage::Run, 1400}};
    r.pythonExecutable = QStringLiteral("/usr/bin/python3.11");
    r.pythonVersion = QStringLiteral("3.11.2");
    r.pipFreeze = {QStringLiteral("requests==2.28.1")};
    return r;
}

void TestResultRecord::fields()
{
    const QJsonObject json = QJsonDocument::fromJson(sample().toJson()).object();
    QCOMPARE(json.value("ExecutionId").toString(), QStringLiteral("job-1"));
    QCOMPARE(json.value("Outcome").toString(), QStringLiteral("Failed"));
    QCOMPARE(json.value("ExitCode").toInt(), 3);
    QCOMPARE(json.value("ScriptExitCode").toInt(), 3);
    QCOMPARE(json.value("Stage").toString(), QStringLiteral("Run"));
    QCOMPARE(json.value("Message").toString(), QStringLiteral("the script exited with code 3"));
    QCOMPARE(json.value("StartedAt").toString(), QStringLiteral("2026-01-01T00:00:00.000Z"));
    QCOMPARE(json.value("FinishedAt").toString(), QStringLiteral("2026-01-01T00:00:01.500Z"));
    QCOMPARE(json.value("DurationMs").toInt(), 1500);
    QCOMPARE(json.value("StageDurationsMs").toObject().value("Environment").toInt(), 40);
    QCOMPARE(json.value("Python").toObject().value("Version").toString(), QStringLiteral("3.11.2"));
    QCOMPARE(json.value("PipFreeze").toArray().first().toString(), QStringLiteral("requests==2.28.1"));
}

void TestResultRecord::optionalFieldsOmitted()
{
    ResultRecord r = sample();
    r.scriptExitCode.reset();
    r.pipFreeze.clear();
    r.pythonExecutable.clear();
    const QJsonObject json = QJsonDocument::fromJson(r.toJson()).object();
    QVERIFY(!json.contains("ScriptExitCode"));
    QVERIFY(!json.contains("PipFreeze"));
    QVERIFY(!json.contains("Python"));
    QVERIFY(!json.contains("ScriptSignal"));
    QVERIFY(!json.contains("Containment")); // no child ran
}

void TestResultRecord::containment_data()
{
    QTest::addColumn<QString>("cgroupV2");
    QTest::addColumn<QString>("cgroupV1Memory");
    QTest::addColumn<QString>("memoryLimit");
    QTest::newRow("kernel v1") << "/sys/fs/cgroup/unified/openautomate-1-job-1" << "/sys/fs/cgroup/memory/openautomate-1-job-1" << "cgroup-v1";
    QTest::newRow("kernel v2") << "/sys/fs/cgroup/openautomate-1-job-1" << QString() << "cgroup-v2";
    QTest::newRow("sampling") << QString() << QString() << "sampling";
    QTest::newRow("no limit") << "/sys/fs/cgroup/unified/openautomate-1-job-1" << QString() << QString();
}

void TestResultRecord::containment()
{
    QFETCH(QString, cgroupV2);
    QFETCH(QString, cgroupV1Memory);
    QFETCH(QString, memoryLimit);
    ResultRecord r = sample();
    r.containment = oa::ContainmentReport{true, true, cgroupV2, cgroupV1Memory, memoryLimit, true, memoryLimit.isEmpty() ? QString() : QStringLiteral("oa-bot")};
    const QJsonObject c = QJsonDocument::fromJson(r.toJson()).object().value("Containment").toObject();
    QCOMPARE(c.value("ProcessGroup"), QJsonValue(true));
    QCOMPARE(c.value("Subreaper"), QJsonValue(true));
    // An absent mechanism is null, never missing or "": readers test one key the same way always.
    const auto expected = [](const QString &text) { return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text); };
    QVERIFY(c.contains("CgroupV2") && c.contains("CgroupV1Memory") && c.contains("MemoryLimit"));
    QCOMPARE(c.value("CgroupV2"), expected(cgroupV2));
    QCOMPARE(c.value("CgroupV1Memory"), expected(cgroupV1Memory));
    QCOMPARE(c.value("MemoryLimit"), expected(memoryLimit));
    QCOMPARE(c.value("NoNewPrivileges"), QJsonValue(true));
    QVERIFY(c.contains("RunAsUser"));
    QCOMPARE(c.value("RunAsUser"), expected(memoryLimit.isEmpty() ? QString() : QStringLiteral("oa-bot")));
}

void TestResultRecord::savedAtomically()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("result.json"));
    QFile old(path);
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write("{\"Outcome\":\"Old\"}");
    old.close();
    QVERIFY(sample().save(oa::AgentFolder(tmp.path()), path));
    QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{"result.json"}); // no temporary left
    QVERIFY(QFile::exists(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value("Outcome").toString(), QStringLiteral("Failed"));
}

void TestResultRecord::unwritableFolderFails()
{
    const oa::Status saved = sample().save(oa::AgentFolder(QStringLiteral("/proc")), QStringLiteral("/proc/no-such-dir/result.json"));
    QVERIFY(!saved);
    QVERIFY(saved.failure().message.contains(QStringLiteral("/proc/no-such-dir/result.json")));
}

QTEST_GUILESS_MAIN(TestResultRecord)
#include "tst_resultrecord.moc"
