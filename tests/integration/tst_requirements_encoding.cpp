// A requirements.txt is read one way only: pip always gets the executor's checked copy (in
// Temp/<id>/requirements/, UTF-8), never the task's own file, so a file that pip would decode
// otherwise than the check (a UTF-16 mark, a coding declaration, bytes that are not UTF-8) is
// exit 4 naming the file and line, and a UTF-8 byte order mark is dropped as pip drops it.
// Through the real executor and a real offline pip, with and without the environment cache.
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

namespace {

const QByteArray kBom = "\xEF\xBB\xBF";
const QByteArray kImportDemo = "import oa_demo\nprint(oa_demo.__version__)\n";
// A hash no file has: pip's mismatch report names the file and line it read the requirement from.
const QByteArray kWrongHash = "oa-demo==1.0 --hash=sha256:" + QByteArray(64, '0') + "\n";

} // namespace

class TestRequirementsEncoding : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void byteOrderMarkIsDropped_data();
    void byteOrderMarkIsDropped();
    void pipReadsTheCheckedCopy_data();
    void pipReadsTheCheckedCopy();
    void otherEncodingsRefused_data();
    void otherEncodingsRefused();

private:
    // `throughPip`: a hash-pinned set of local wheels is the store's, which checks the hash
    // itself, before pip; a set-only PIP_NO_BINARY (":none:" names no package) keeps it pip's.
    Run runTask(const Agent &agent, const QString &id, const QMap<QString, QByteArray> &files, bool cache, bool throughPip = false)
    {
        QMap<QString, QByteArray> all = files;
        all.insert(QStringLiteral("main.py"), kImportDemo);
        agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}}, all);
        QProcessEnvironment env = offlinePipEnvironment(m_wheels.path());
        if (throughPip)
            env.insert(QStringLiteral("PIP_NO_BINARY"), QStringLiteral(":none:"));
        return runExecutor(executorArgs(agent, id, cache ? QStringList() : QStringList{QStringLiteral("--no-env-cache")}), env);
    }
    QTemporaryDir m_wheels;
};

void TestRequirementsEncoding::initTestCase()
{
    Agent::seedStoredPip(true); // how pip gets into the store is not what this tests (tst_stored_pip)
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("1.0")).isEmpty());
}

void TestRequirementsEncoding::byteOrderMarkIsDropped_data()
{
    addCacheRows();
}

void TestRequirementsEncoding::byteOrderMarkIsDropped()
{
    QFETCH(bool, cache);
    Agent agent;
    const QString id = QStringLiteral("bom");
    // A declared UTF-8 is UTF-8 too.
    const Run run = runTask(agent, id, {{QStringLiteral("requirements.txt"), kBom + "# -*- coding: utf-8 -*-\noa-demo==1.0\n"}}, cache);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("1.0\n"));
}

void TestRequirementsEncoding::pipReadsTheCheckedCopy_data()
{
    QTest::addColumn<bool>("cache");
    QTest::addColumn<bool>("included");
    for (const bool cache : {true, false}) {
        const char *how = cache ? "environment cache" : "own venv";
        QTest::addRow("top file, %s", how) << cache << false;
        QTest::addRow("included file, %s", how) << cache << true;
    }
}

void TestRequirementsEncoding::pipReadsTheCheckedCopy()
{
    QFETCH(bool, cache);
    QFETCH(bool, included);
    Agent agent;
    const QString id = QStringLiteral("copy");
    const QString name = included ? QStringLiteral("more.txt") : QStringLiteral("requirements.txt");
    QMap<QString, QByteArray> files{{name, kBom + kWrongHash}};
    if (included)
        files.insert(QStringLiteral("requirements.txt"), "# the rest\n-r more.txt\n");
    const Run run = runTask(agent, id, files, cache, true);
    QVERIFY2(run.exitCode == 6, run.err.constData());
    // pip names the file it read the requirement from: the copy, whose first line the BOM'd
    // requirement is, never the task's own file.
    const QByteArray pipLog = readFile(agent.taskFile(id, QStringLiteral("pip.log")));
    const QString copy = agent.base() + QStringLiteral("/Temp/") + id + QStringLiteral("/requirements/") + name;
    QVERIFY2(pipLog.contains(QStringLiteral("(from -r %1 (line 1))").arg(copy).toUtf8()), pipLog.constData());
    QVERIFY2(!pipLog.contains(agent.taskFile(id, name).toUtf8()), pipLog.constData());
    // The copy was pip's scratch: gone before the run ended.
    QVERIFY(!QFile::exists(copy));
}

void TestRequirementsEncoding::otherEncodingsRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("included");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("why");
    QTest::newRow("latin-1 byte") << QByteArray("# caf\xE9\noa-demo==1.0\n") << false << "requirements.txt:1"
                                  << "the line is not valid UTF-8";
    QTest::newRow("latin-1 in an included file") << QByteArray("oa-demo==1.0\n# na\xEFve\n") << true << "more.txt:2"
                                                 << "the line is not valid UTF-8";
    QTest::newRow("UTF-16 byte order mark") << QByteArray("\xFF\xFEo\0a\0-\0d\0e\0m\0o\0\n\0", 18) << false << "requirements.txt:1"
                                            << "starts with a UTF-16 byte order mark";
    QTest::newRow("UTF-32 byte order mark") << QByteArray("\xFF\xFE\0\0o\0\0\0\n\0\0\0", 12) << false << "requirements.txt:1"
                                            << "starts with a UTF-32 byte order mark";
    QTest::newRow("coding declaration") << QByteArray("#!/usr/bin/env pip\n# -*- coding: latin-1 -*-\noa-demo==1.0\n") << false
                                        << "requirements.txt:2" << "declares the encoding latin-1";
}

void TestRequirementsEncoding::otherEncodingsRefused()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, included);
    QFETCH(QString, where);
    QFETCH(QString, why);
    Agent agent;
    const QString id = QStringLiteral("encoding");
    QMap<QString, QByteArray> files{{included ? QStringLiteral("more.txt") : QStringLiteral("requirements.txt"), content}};
    if (included)
        files.insert(QStringLiteral("requirements.txt"), "-r more.txt\n");
    const Run run = runTask(agent, id, files, true);
    QCOMPARE(run.exitCode, 4);
    QVERIFY2(run.err.contains((agent.taskDir(id) + u'/' + where + QStringLiteral(": ")).toUtf8()) && run.err.contains(why.toUtf8()),
             run.err.constData());
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QCOMPARE(result.value(QStringLiteral("Outcome")).toString(), QStringLiteral("InvalidExecution"));
    QVERIFY(!QFile::exists(agent.taskFile(id, QStringLiteral("pip.log"))));
}

QTEST_GUILESS_MAIN(TestRequirementsEncoding)
#include "tst_requirements_encoding.moc"
