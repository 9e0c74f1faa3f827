#include "records/ExecutionInfo.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using oa::ExecutionInfo;

// Each row is a whole execution.json against a task folder holding main.py, sub/tool.py, a
// symlink inside (link.py -> main.py), one out (escape.py -> /etc/hostname) and a folder (sub).
class TestExecutionInfo : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void accepts_data();
    void accepts();
    void rejects_data();
    void rejects();
    void numbersAccepted_data();
    void numbersAccepted();
    void unknownKeysWarn();
    void requirementsTxtNextToScript();
    void requirementsTxtIgnoredWhenRequirementsGiven();

private:
    QTemporaryDir m_tmp;
    QString m_task;
};

void TestExecutionInfo::initTestCase()
{
    m_task = m_tmp.path() + QStringLiteral("/Tasks/job-1");
    QVERIFY(QDir().mkpath(m_task + QStringLiteral("/sub")));
    for (const QString &name : {QStringLiteral("main.py"), QStringLiteral("sub/tool.py")}) {
        QFile file(m_task + u'/' + name);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("print('hi')\n");
    }
    QVERIFY(QFile::link(m_task + QStringLiteral("/main.py"), m_task + QStringLiteral("/link.py")));
    QFile outside(m_tmp.path() + QStringLiteral("/outside.py"));
    QVERIFY(outside.open(QIODevice::WriteOnly));
    QVERIFY(QFile::link(outside.fileName(), m_task + QStringLiteral("/escape.py")));
    QVERIFY(QFile::link(m_tmp.path(), m_task + QStringLiteral("/up")));
}

void TestExecutionInfo::accepts_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("requirements");
    QTest::addColumn<bool>("keep");

    QTest::newRow("minimal") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py"})")
                             << "main.py" << QStringList() << QStringList() << false;
    QTest::newRow("camelCase keys") << QByteArray(R"({"executionId":"job-1","scriptPath":"main.py","keepVirtualEnvironment":true})")
                                    << "main.py" << QStringList() << QStringList() << true;
    QTest::newRow("UPPER keys") << QByteArray(R"({"EXECUTIONID":"job-1","SCRIPTPATH":"main.py"})")
                                << "main.py" << QStringList() << QStringList() << false;
    QTest::newRow("arguments string with quotes")
        << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Arguments":"--name \"A B\" 'c d' e"})")
        << "main.py" << QStringList{"--name", "A B", "c d", "e"} << QStringList() << false;
    QTest::newRow("arguments array kept verbatim")
        << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Arguments":["a b","\"q\"","",";rm"]})")
        << "main.py" << QStringList{"a b", "\"q\"", "", ";rm"} << QStringList() << false;
    QTest::newRow("requirements trimmed")
        << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":[" requests>=2.28 ","pandas==1.5.3","openpyxl; python_version >= '3.8'"]})")
        << "main.py" << QStringList() << QStringList{"requests>=2.28", "pandas==1.5.3", "openpyxl; python_version >= '3.8'"} << false;
    QTest::newRow("script in subfolder") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"sub/tool.py"})")
                                         << "sub/tool.py" << QStringList() << QStringList() << false;
    QTest::newRow("dot segments that stay inside") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"sub/../main.py"})")
                                                   << "main.py" << QStringList() << QStringList() << false;
    QTest::newRow("symlink inside the task") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"link.py"})")
                                             << "main.py" << QStringList() << QStringList() << false;
    QTest::newRow("nulls are absent") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Arguments":null,"Requirements":null,"KeepVirtualEnvironment":null})")
                                      << "main.py" << QStringList() << QStringList() << false;
}

void TestExecutionInfo::accepts()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, script);
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, requirements);
    QFETCH(bool, keep);
    const auto info = ExecutionInfo::parse(json, QStringLiteral("job-1"), m_task);
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error().message));
    QCOMPARE(info->executionId, QStringLiteral("job-1"));
    QCOMPARE(info->scriptFile, QFileInfo(m_task + u'/' + script).canonicalFilePath());
    QCOMPARE(info->arguments, arguments);
    QCOMPARE(info->requirements.value_or(QStringList()), requirements);
    QCOMPARE(info->keepVirtualEnvironment, keep);
    QVERIFY(info->warnings.isEmpty());
}

void TestExecutionInfo::rejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected"); // part of the message: the field and the reason

    // Malformed JSON
    QTest::newRow("empty file") << QByteArray() << "not valid JSON";
    QTest::newRow("truncated") << QByteArray(R"({"ExecutionId":"job-1",)") << "not valid JSON at offset";
    QTest::newRow("trailing garbage") << QByteArray(R"({"ExecutionId":"job-1"} x)") << "not valid JSON";
    QTest::newRow("top-level array") << QByteArray(R"(["job-1"])") << "top level must be an object";
    QTest::newRow("top-level string") << QByteArray(R"("job-1")") << "not valid JSON";
    // Missing fields and wrong types
    QTest::newRow("no ExecutionId") << QByteArray(R"({"ScriptPath":"main.py"})") << "ExecutionId: is missing";
    QTest::newRow("ExecutionId number") << QByteArray(R"({"ExecutionId":1,"ScriptPath":"main.py"})") << "ExecutionId: must be a string, not a number";
    QTest::newRow("ExecutionId mismatch") << QByteArray(R"({"ExecutionId":"job-2","ScriptPath":"main.py"})") << "does not match the execution ID \"job-1\"";
    QTest::newRow("ExecutionId differs in case") << QByteArray(R"({"ExecutionId":"JOB-1","ScriptPath":"main.py"})") << "does not match";
    QTest::newRow("no ScriptPath") << QByteArray(R"({"ExecutionId":"job-1"})") << "ScriptPath: is missing";
    QTest::newRow("ScriptPath array") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":["main.py"]})") << "ScriptPath: must be a string, not an array";
    QTest::newRow("ScriptPath empty") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":""})") << "ScriptPath: is empty";
    QTest::newRow("Arguments object") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Arguments":{"a":1}})") << "Arguments: must be a string or an array of strings, not an object";
    QTest::newRow("Arguments number item") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Arguments":["a",2]})") << "Arguments[1]: must be a string, not a number";
    QTest::newRow("Arguments open quote") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Arguments":"a \"b"})") << "Arguments: the double quote opened";
    QTest::newRow("Requirements string") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":"requests"})") << "Requirements: must be an array of strings, not a string";
    QTest::newRow("Requirements number item") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":["a",3]})") << "Requirements[1]: must be a string, not a number";
    QTest::newRow("KeepVirtualEnvironment string") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","KeepVirtualEnvironment":"yes"})") << "KeepVirtualEnvironment: must be true or false, not a string";
    QTest::newRow("same key twice in two cases") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","scriptpath":"sub/tool.py"})") << "given twice";
    QTest::newRow("unknown key twice in two cases") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Foo":1,"FOO":2})") << "given twice";
    // Keys are lowered, not case-folded: the long s (U+017F) folds to "s" but lowers to itself.
    QTest::newRow("a key that only case-folds to a known one") << QByteArray("{\"ExecutionId\":\"job-1\",\"\xc5\xbf" "criptPath\":\"main.py\"}") << "ScriptPath: is missing";
    // Path traversal, absolute paths, symlinks out
    QTest::newRow("parent traversal") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"../../outside.py"})") << "climbs out of the task folder";
    QTest::newRow("traversal to a missing file") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"../nothing.py"})") << "climbs out of the task folder";
    QTest::newRow("deep traversal") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"sub/../../../../etc/hostname"})") << "ScriptPath:";
    QTest::newRow("absolute unix") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"/etc/hostname"})") << "is absolute";
    QTest::newRow("absolute windows drive") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"C:\\Windows\\x.py"})") << "is absolute";
    QTest::newRow("UNC path") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"\\\\server\\share\\x.py"})") << "is absolute";
    QTest::newRow("symlink out of the task") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"escape.py"})") << "outside the task folder";
    QTest::newRow("through a symlinked folder") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"up/outside.py"})") << "outside the task folder";
    QTest::newRow("missing script") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"nope.py"})") << "does not exist";
    QTest::newRow("a folder") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"sub"})") << "is not a regular file";
    QTest::newRow("the task folder itself") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"."})") << "ScriptPath:";
    QTest::newRow("newline in path") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py\nx"})") << "control character";
    // Option injection in requirements
    QTest::newRow("index-url") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":["--index-url https://evil.example/simple"]})") << "Requirements[0]: \"--index-url https://evil.example/simple\" starts with \"-\"";
    QTest::newRow("-r file") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":["requests","-r /etc/passwd"]})") << "Requirements[1]:";
    QTest::newRow("leading spaces then dash") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":["   -e ."]})") << "starts with \"-\"";
    QTest::newRow("newline smuggles an option") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":["requests\n--extra-index-url x"]})") << "U+000A";
    QTest::newRow("carriage return") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":["requests\r"]})") << "U+000D";
    QTest::newRow("tab") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":["a\tb"]})") << "\"b\" is not a version clause";
    QTest::newRow("empty requirement") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":["  "]})") << "Requirements[0]: the requirement is empty";
    // Arguments the OS could not pass to the script (Linux: 128 KiB per argument)
    const QByteArray mebibyte(1024 * 1024, 'x');
    QTest::newRow("1 MiB argument in an array") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Arguments":["a",")") + mebibyte + R"("]})"
                                                << "Arguments[1]: is 1048576 bytes long; the OS passes at most 131071 bytes in one argument";
    QTest::newRow("1 MiB word in an argument string") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Arguments":"a b )") + mebibyte + R"("})"
                                                      << "Arguments[2]: is 1048576 bytes long";
    // Durations and sizes: positive (GraceSeconds: or zero), and at most the documented maximum
    QTest::newRow("TimeoutSeconds zero") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","TimeoutSeconds":0})") << "TimeoutSeconds: 0 is out of range; it must be more than zero";
    QTest::newRow("TimeoutSeconds negative") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","TimeoutSeconds":-3})") << "TimeoutSeconds: -3 is out of range; it must be more than zero";
    QTest::newRow("TimeoutSeconds above the maximum") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","TimeoutSeconds":1000000001})") << "TimeoutSeconds: 1000000001 is out of range; the maximum is 1000000000 seconds";
    QTest::newRow("TimeoutSeconds string") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","TimeoutSeconds":"60"})") << "TimeoutSeconds: must be a number, not a string";
    QTest::newRow("GraceSeconds negative") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","GraceSeconds":-0.5})") << "GraceSeconds: -0.5 is out of range; it must be zero or more";
    QTest::newRow("GraceSeconds above the maximum") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","GraceSeconds":3e9})") << "GraceSeconds: 3000000000 is out of range; the maximum is 1000000000 seconds";
    QTest::newRow("GraceSeconds boolean") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","GraceSeconds":true})") << "GraceSeconds: must be a number, not a boolean";
    QTest::newRow("MaxMemoryMB zero") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","MaxMemoryMB":0})") << "MaxMemoryMB: 0 is out of range; it must be more than zero";
    QTest::newRow("MaxMemoryMB above the maximum") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","MaxMemoryMB":1e12})") << "MaxMemoryMB: 1000000000000 is out of range; the maximum is 1000000000 MB";
    QTest::newRow("MaxCpuSeconds overflowing to infinity") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","MaxCpuSeconds":1e999})") << "illegal number";
    QTest::newRow("MaxCpuSeconds above the maximum") << QByteArray(R"({"ExecutionId":"job-1","ScriptPath":"main.py","maxCpuSeconds":1e300})") << "MaxCpuSeconds: 1e+300 is out of range; the maximum is 1000000000 seconds";
}

void TestExecutionInfo::rejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const auto info = ExecutionInfo::parse(json, QStringLiteral("job-1"), m_task);
    QVERIFY(!info.ok());
    QCOMPARE(info.error().kind, oa::ErrorKind::InvalidTask);
    QVERIFY2(info.error().message.contains(expected), qPrintable(info.error().message));
    QVERIFY(info.error().message.startsWith(QStringLiteral("execution.json:")));
}

void TestExecutionInfo::numbersAccepted_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<double>("timeout");
    QTest::addColumn<double>("grace");
    QTest::addColumn<double>("memory");
    QTest::addColumn<double>("cpu");
    // 0 in a column means absent; GraceSeconds 0 is tested on its own row below.
    QTest::newRow("GraceSeconds 3000000 (3e9 ms, past an int)") << QByteArray(R"("GraceSeconds":3000000)") << 0.0 << 3e6 << 0.0 << 0.0;
    QTest::newRow("every field at its maximum")
        << QByteArray(R"("TimeoutSeconds":1e9,"GraceSeconds":1000000000,"MaxMemoryMB":1e9,"MaxCpuSeconds":1e9)") << 1e9 << 1e9 << 1e9 << 1e9;
    QTest::newRow("fractions") << QByteArray(R"("TimeoutSeconds":0.25,"GraceSeconds":0.5,"MaxMemoryMB":1.5,"MaxCpuSeconds":0.001)")
                               << 0.25 << 0.5 << 1.5 << 0.001;
    QTest::newRow("camelCase") << QByteArray(R"("timeoutSeconds":60,"graceSeconds":5,"maxMemoryMB":512,"maxCpuSeconds":30)")
                               << 60.0 << 5.0 << 512.0 << 30.0;
}

void TestExecutionInfo::numbersAccepted()
{
    QFETCH(QByteArray, fields);
    QFETCH(double, timeout);
    QFETCH(double, grace);
    QFETCH(double, memory);
    QFETCH(double, cpu);
    const auto info = ExecutionInfo::parse(R"({"ExecutionId":"job-1","ScriptPath":"main.py",)" + fields + '}', QStringLiteral("job-1"), m_task);
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error().message));
    QCOMPARE(info->timeoutSeconds.value_or(0), timeout);
    QCOMPARE(info->graceSeconds.value_or(0), grace);
    QCOMPARE(info->maxMemoryMB.value_or(0), memory);
    QCOMPARE(info->maxCpuSeconds.value_or(0), cpu);
    const auto zeroGrace = ExecutionInfo::parse(R"({"ExecutionId":"job-1","ScriptPath":"main.py","GraceSeconds":0})", QStringLiteral("job-1"), m_task);
    QVERIFY(zeroGrace.ok());
    QCOMPARE(zeroGrace->graceSeconds, std::optional<double>(0.0));
}

void TestExecutionInfo::unknownKeysWarn()
{
    const auto info = ExecutionInfo::parse(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Priority":5,"botName":"x"})",
                                           QStringLiteral("job-1"), m_task);
    QVERIFY(info.ok());
    QCOMPARE(info->warnings.size(), 2);
    QVERIFY(info->warnings.join(u'|').contains(QStringLiteral("\"Priority\"")));
    QVERIFY(info->warnings.join(u'|').contains(QStringLiteral("\"botName\"")));
}

void TestExecutionInfo::requirementsTxtNextToScript()
{
    QFile txt(m_task + QStringLiteral("/sub/requirements.txt"));
    QVERIFY(txt.open(QIODevice::WriteOnly));
    txt.write("requests\n");
    txt.close();
    const auto info = ExecutionInfo::parse(R"({"ExecutionId":"job-1","ScriptPath":"sub/tool.py"})", QStringLiteral("job-1"), m_task);
    QVERIFY(info.ok());
    QCOMPARE(info->requirementsFile, QFileInfo(txt.fileName()).canonicalFilePath());
    QVERIFY(info->needsPackages());
    const auto other = ExecutionInfo::parse(R"({"ExecutionId":"job-1","ScriptPath":"main.py"})", QStringLiteral("job-1"), m_task);
    QVERIFY(other.ok());
    QVERIFY(other->requirementsFile.isEmpty());
    QVERIFY(!other->needsPackages());
    txt.remove();
}

void TestExecutionInfo::requirementsTxtIgnoredWhenRequirementsGiven()
{
    QFile txt(m_task + QStringLiteral("/requirements.txt"));
    QVERIFY(txt.open(QIODevice::WriteOnly));
    txt.write("requests\n");
    txt.close();
    const auto info = ExecutionInfo::parse(R"({"ExecutionId":"job-1","ScriptPath":"main.py","Requirements":[]})", QStringLiteral("job-1"), m_task);
    QVERIFY(info.ok());
    QVERIFY(info->requirementsFile.isEmpty());
    QVERIFY(!info->needsPackages());
    txt.remove();
}

QTEST_GUILESS_MAIN(TestExecutionInfo)
#include "tst_executioninfo.moc"
