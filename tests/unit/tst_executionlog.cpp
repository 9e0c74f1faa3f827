#include "records/ExecutionLog.h"
#include "base/LoggingCategories.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using oa::ExecutionLog;

class TestExecutionLog : public QObject {
    Q_OBJECT
private slots:
    void render_data();
    void render();
    void clefLevels_data();
    void clefLevels();
    void bufferedUntilOpened();
    void appendsAcrossRuns();
};

void TestExecutionLog::render_data()
{
    QTest::addColumn<QString>("messageTemplate");
    QTest::addColumn<QVariantMap>("properties");
    QTest::addColumn<QString>("rendered");
    QTest::newRow("no placeholders") << "plain" << QVariantMap() << "plain";
    QTest::newRow("two") << "{A} and {B}" << QVariantMap{{"A", 1}, {"B", "two"}} << "1 and two";
    QTest::newRow("missing property stays") << "x {Nope} y" << QVariantMap() << "x {Nope} y";
    QTest::newRow("braces in values are not expanded") << "{A}" << QVariantMap{{"A", "{B}"}, {"B", "no"}} << "{B}";
}

void TestExecutionLog::render()
{
    QFETCH(QString, messageTemplate);
    QFETCH(QVariantMap, properties);
    QFETCH(QString, rendered);
    QCOMPARE(ExecutionLog::render(messageTemplate, properties), rendered);
}

void TestExecutionLog::clefLevels_data()
{
    QTest::addColumn<int>("level");
    QTest::addColumn<QString>("clefLevel");
    QTest::newRow("information omits @l") << int(ExecutionLog::Level::Information) << QString();
    QTest::newRow("warning") << int(ExecutionLog::Level::Warning) << "Warning";
    QTest::newRow("error") << int(ExecutionLog::Level::Error) << "Error";
    QTest::newRow("debug") << int(ExecutionLog::Level::Debug) << "Debug";
}

void TestExecutionLog::clefLevels()
{
    QFETCH(int, level);
    QFETCH(QString, clefLevel);
    const QDateTime t = QDateTime::fromString(QStringLiteral("2026-01-02T03:04:05.678Z"), Qt::ISODateWithMs);
    const QByteArray line = ExecutionLog::toClef(t, ExecutionLog::Level(level), QStringLiteral("oa.pip"),
                                                 QStringLiteral("Installed {Count}"), {{QStringLiteral("Count"), 3}});
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    const QJsonObject event = QJsonDocument::fromJson(line).object();
    QCOMPARE(event.value("@t").toString(), QStringLiteral("2026-01-02T03:04:05.678Z"));
    QCOMPARE(event.value("@mt").toString(), QStringLiteral("Installed {Count}"));
    QCOMPARE(event.value("Count").toInt(), 3);
    QCOMPARE(event.value("SourceContext").toString(), QStringLiteral("oa.pip"));
    QCOMPARE(event.contains("@l"), !clefLevel.isEmpty());
    QCOMPARE(event.value("@l").toString(), clefLevel);
}

void TestExecutionLog::bufferedUntilOpened()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("executor.log"));
    ExecutionLog log(QStringLiteral("job-9"));
    log.info(lcExecutor, QStringLiteral("first {N}"), {{QStringLiteral("N"), 1}});
    QVERIFY(!QFile::exists(path));
    QVERIFY(log.openFile(oa::AgentFolder(tmp.path()), path));
    log.warning(lcLock, QStringLiteral("second"));
    log.closeFile();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.size(), 3); // two lines and the empty rest
    const QJsonObject first = QJsonDocument::fromJson(lines.at(0)).object();
    QCOMPARE(first.value("@mt").toString(), QStringLiteral("first {N}"));
    QCOMPARE(first.value("ExecutionId").toString(), QStringLiteral("job-9"));
    const QJsonObject second = QJsonDocument::fromJson(lines.at(1)).object();
    QCOMPARE(second.value("@l").toString(), QStringLiteral("Warning"));
    QCOMPARE(second.value("SourceContext").toString(), QStringLiteral("oa.lock"));
}

void TestExecutionLog::appendsAcrossRuns()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("executor.log"));
    for (int run = 0; run < 2; ++run) {
        ExecutionLog log(QStringLiteral("job"));
        QVERIFY(log.openFile(oa::AgentFolder(tmp.path()), path));
        log.info(lcExecutor, QStringLiteral("run"));
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), 2);
}

QTEST_GUILESS_MAIN(TestExecutionLog)
#include "tst_executionlog.moc"
