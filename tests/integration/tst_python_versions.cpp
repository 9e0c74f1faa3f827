// The Python a task asks for (PythonVersion, requires-python, a lock's python_version), chosen
// from the interpreters the agent offers (Pythons), through the real executor and between the
// two interpreters this machine has: /usr/bin/python3.11 (Debian's) and pyenv's.
#include "environment/PythonInterpreter.h"
#include "syntax/VersionSpecifier.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace oatest;

class TestPythonVersions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void newestMatchingIsChosen_data();
    void newestMatchingIsChosen();
    void noneMatchingNamesWhatIsOffered();
    void scriptRequiresPythonChooses();
    void noVersionGetsTheDefault();
    void unusableOfferedIsSkippedWithAWarning();
    void cacheKeyNamesTheInterpreter();
    void configFileOffersThem();

private:
    // The environment of a run that offers both interpreters, the one named `first` first.
    QProcessEnvironment offering(const QStringList &pythons, const QString &python = {}) const;
    QString runAndReport(Agent &agent, const QString &id, const QString &spec, const QProcessEnvironment &env, QJsonObject *result = nullptr);

    QString m_system, m_systemVersion; // /usr/bin/python3.11
    QString m_pyenv, m_pyenvVersion;   // the newer one
    QTemporaryDir m_wheels;
};

void TestPythonVersions::initTestCase()
{
    const auto system = oa::PythonInterpreter::probe(QStringLiteral("/usr/bin/python3.11"));
    const auto other = oa::PythonInterpreter::probe(python());
    if (!system || !other || system->executable == other->executable || system->version == other->version)
        OA_SKIP_OR_FAIL(QStringLiteral("needs two interpreters of different versions: /usr/bin/python3.11 and %1").arg(python()));
    m_system = system->executable;
    m_systemVersion = system->version;
    m_pyenv = other->executable;
    m_pyenvVersion = other->version;
    // The specifiers below assume the newer one is pyenv's 3.11.7 and the older 3.11.2, as here.
    QVERIFY2(oa::releaseNumbers(m_pyenvVersion) > oa::releaseNumbers(m_systemVersion),
             qPrintable(QStringLiteral("%1 is %2, %3 is %4").arg(m_pyenv, m_pyenvVersion, m_system, m_systemVersion)));
    QVERIFY(!buildWheel(m_wheels.path(), QStringLiteral("oa-demo"), QStringLiteral("1.0")).isEmpty());
}

QProcessEnvironment TestPythonVersions::offering(const QStringList &pythons, const QString &python) const
{
    QProcessEnvironment env = offlinePipEnvironment(m_wheels.path());
    env.remove(QStringLiteral("OPENAUTOMATE_PYTHON"));
    if (!python.isEmpty())
        env.insert(QStringLiteral("OPENAUTOMATE_PYTHON"), python);
    env.insert(QStringLiteral("OPENAUTOMATE_PYTHONS"), pythons.join(u','));
    return env;
}

// Runs a script that prints the interpreter it runs on; returns "executable version".
QString TestPythonVersions::runAndReport(Agent &agent, const QString &id, const QString &spec, const QProcessEnvironment &env, QJsonObject *result)
{
    QJsonObject extra;
    if (!spec.isEmpty())
        extra.insert(QStringLiteral("PythonVersion"), spec);
    agent.makeScriptTask(id, "import sys, platform\nprint(sys._base_executable if hasattr(sys, '_base_executable') else '', platform.python_version())\n", extra);
    const Run run = runExecutor(executorArgs(agent, id), env);
    if (run.exitCode != 0)
        return QStringLiteral("exit %1: %2").arg(run.exitCode).arg(QString::fromUtf8(run.err));
    if (result)
        *result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    return QString::fromUtf8(readFile(agent.taskFile(id, QStringLiteral("output.log")))).trimmed();
}

void TestPythonVersions::newestMatchingIsChosen_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("newer"); // true: pyenv's 3.11.7; false: /usr/bin/python3.11 (3.11.2)
    QTest::newRow("both match: the newest") << ">=3.11,<3.12" << true;
    QTest::newRow("compatible release") << "~=3.11.5" << true;
    QTest::newRow("exactly the older") << "==3.11.2" << false;
    QTest::newRow("below the newer") << "<3.11.7" << false;
    QTest::newRow("excludes the newer") << ">=3.10,!=3.11.7" << false;
}

void TestPythonVersions::newestMatchingIsChosen()
{
    QFETCH(QString, spec);
    QFETCH(bool, newer);
    Agent agent;
    QJsonObject result;
    // Offered in both orders: the version decides, not the position.
    for (const QStringList &order : {QStringList{m_system, m_pyenv}, QStringList{m_pyenv, m_system}}) {
        const QString printed = runAndReport(agent, QStringLiteral("v"), spec, offering(order), &result);
        QVERIFY2(printed.endsWith(newer ? m_pyenvVersion : m_systemVersion), qPrintable(printed));
        const QJsonObject python = result.value(QStringLiteral("Python")).toObject();
        QCOMPARE(python.value(QStringLiteral("Executable")).toString(), newer ? m_pyenv : m_system);
        QCOMPARE(python.value(QStringLiteral("Version")).toString(), newer ? m_pyenvVersion : m_systemVersion);
        QDir(agent.taskDir(QStringLiteral("v"))).removeRecursively();
    }
}

void TestPythonVersions::noneMatchingNamesWhatIsOffered()
{
    Agent agent;
    agent.makeScriptTask(QStringLiteral("old"), "print(1)\n", {{QStringLiteral("PythonVersion"), QStringLiteral("<3.11")}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("old")), offering({m_system, m_pyenv}));
    QCOMPARE(run.exitCode, 5);
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(err.contains(QStringLiteral("the task needs Python <3.11 (execution.json PythonVersion), and no interpreter this agent offers matches it")),
             qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("%1 (%2)").arg(m_system, m_systemVersion)), qPrintable(err));
    QVERIFY2(err.contains(QStringLiteral("%1 (%2)").arg(m_pyenv, m_pyenvVersion)), qPrintable(err));
    QVERIFY(!QFile::exists(agent.taskFile(QStringLiteral("old"), QStringLiteral("output.log"))));
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("old"), QStringLiteral("result.json"))).value(QStringLiteral("ExitCode")).toInt(), 5);
}

void TestPythonVersions::scriptRequiresPythonChooses()
{
    // The block is read with the default interpreter (the first offered, pyenv's); the older one runs it.
    Agent agent;
    agent.makeScriptTask(QStringLiteral("pep723"),
                         "# /// script\n# requires-python = \"==3.11.2\"\n# dependencies = [\"oa-demo==1.0\"]\n# ///\n"
                         "import platform, oa_demo\nprint(platform.python_version(), oa_demo.__version__)\n");
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("pep723")), offering({m_pyenv, m_system}));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(QString::fromUtf8(readFile(agent.taskFile(QStringLiteral("pep723"), QStringLiteral("output.log")))).trimmed(),
             m_systemVersion + QStringLiteral(" 1.0"));
    const QString log = QString::fromUtf8(readFile(agent.taskFile(QStringLiteral("pep723"), QStringLiteral("executor.log"))));
    QVERIFY2(log.contains(QStringLiteral("requires-python")), qPrintable(log));
}

void TestPythonVersions::noVersionGetsTheDefault()
{
    Agent agent;
    // Without Python, the first of Pythons.
    QVERIFY2(runAndReport(agent, QStringLiteral("first"), {}, offering({m_system, m_pyenv})).endsWith(m_systemVersion), "first of Pythons");
    QVERIFY2(runAndReport(agent, QStringLiteral("first2"), {}, offering({m_pyenv, m_system})).endsWith(m_pyenvVersion), "first of Pythons");
    // With Python, Python, even where a newer one is offered.
    QVERIFY2(runAndReport(agent, QStringLiteral("python"), {}, offering({m_pyenv}, m_system)).endsWith(m_systemVersion), "Python wins");
    // And Python is offered to a task that asks, beside Pythons.
    QVERIFY2(runAndReport(agent, QStringLiteral("asks"), QStringLiteral("==3.11.2"), offering({m_pyenv}, m_system)).endsWith(m_systemVersion),
             "Python is offered too");
}

void TestPythonVersions::unusableOfferedIsSkippedWithAWarning()
{
    Agent agent;
    const QString missing = QStringLiteral("/nonexistent/bin/python3.13");
    QJsonObject result;
    const QString printed = runAndReport(agent, QStringLiteral("gone"), QStringLiteral(">=3.8"), offering({m_system, missing, m_pyenv}), &result);
    QVERIFY2(printed.endsWith(m_pyenvVersion), qPrintable(printed));
    const QString warnings = QString::fromUtf8(QJsonDocument(result.value(QStringLiteral("Warnings")).toArray()).toJson());
    QVERIFY2(warnings.contains(missing) && warnings.contains(QStringLiteral("OPENAUTOMATE_PYTHONS")), qPrintable(warnings));
    // Asked for what only the missing one might have been: exit 5, and it is listed as unusable.
    agent.makeScriptTask(QStringLiteral("new"), "print(1)\n", {{QStringLiteral("PythonVersion"), QStringLiteral(">=3.13")}});
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("new")), offering({m_system, missing}));
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(run.err.contains(QStringLiteral("%1 (cannot be run)").arg(missing).toUtf8()), run.err.constData());
}

void TestPythonVersions::cacheKeyNamesTheInterpreter()
{
    Agent agent;
    const QStringList both{m_system, m_pyenv};
    const auto runWith = [&](const QString &id, const QString &spec) {
        agent.makeScriptTask(id, "import oa_demo\nprint(oa_demo.__version__)\n",
                             {{QStringLiteral("PythonVersion"), spec}, {QStringLiteral("Requirements"), QJsonArray{QStringLiteral("oa-demo==1.0")}}});
        const Run run = runExecutor(executorArgs(agent, id), offering(both));
        if (run.exitCode != 0)
            qWarning("%s", run.err.constData());
        return readJson(agent.taskFile(id, QStringLiteral("result.json"))).value(QStringLiteral("EnvironmentCache")).toObject();
    };
    const QJsonObject older = runWith(QStringLiteral("older"), QStringLiteral("==3.11.2"));
    const QJsonObject newer = runWith(QStringLiteral("newer"), QStringLiteral(">=3.11.7"));
    const QJsonObject again = runWith(QStringLiteral("again"), QStringLiteral("<3.11.7"));
    QVERIFY(!older.value(QStringLiteral("Key")).toString().isEmpty());
    QVERIFY(older.value(QStringLiteral("Key")) != newer.value(QStringLiteral("Key")));
    QVERIFY(!newer.value(QStringLiteral("Reused")).toBool());
    QCOMPARE(again.value(QStringLiteral("Entry")), older.value(QStringLiteral("Entry")));
    QVERIFY(again.value(QStringLiteral("Reused")).toBool());
    for (const auto &[entry, interpreter] : {std::pair{older, m_system}, std::pair{newer, m_pyenv}}) {
        const QJsonObject meta = readJson(agent.base() + QStringLiteral("/EnvCache/entries/") + entry.value(QStringLiteral("Entry")).toString()
                                          + QStringLiteral("/entry.json"));
        QVERIFY2(QJsonDocument(meta).toJson().contains(interpreter.toUtf8()), QJsonDocument(meta).toJson().constData());
    }
}

void TestPythonVersions::configFileOffersThem()
{
    Agent agent;
    QTemporaryDir dir;
    const QString conf = dir.path() + QStringLiteral("/executor.conf");
    QVERIFY(writeFileBytes(conf, QStringLiteral("Pythons = %1, %2\n").arg(m_system, m_pyenv).toUtf8()));
    QProcessEnvironment env = offlinePipEnvironment(m_wheels.path());
    env.remove(QStringLiteral("OPENAUTOMATE_PYTHON"));
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), conf);
    QVERIFY(runAndReport(agent, QStringLiteral("file"), QStringLiteral(">=3.11"), env).endsWith(m_pyenvVersion));
    const Run shown = runExecutor({QStringLiteral("--show-config"), QStringLiteral("--json")}, env);
    QCOMPARE(shown.exitCode, 0);
    const QJsonObject pythons = QJsonDocument::fromJson(shown.out).object().value(QStringLiteral("Settings")).toObject().value(QStringLiteral("Pythons")).toObject();
    QCOMPARE(pythons.value(QStringLiteral("Value")).toArray(), (QJsonArray{m_system, m_pyenv}));
    QCOMPARE(pythons.value(QStringLiteral("Source")).toString(), QStringLiteral("file:1"));
    // An empty entry is a bad value, refused with the file and line like any other.
    QVERIFY(writeFileBytes(conf, QStringLiteral("Pythons = %1,,%2\n").arg(m_system, m_pyenv).toUtf8()));
    const Run bad = runExecutor(executorArgs(agent, QStringLiteral("file")), env);
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains(QStringLiteral("%1:1: Pythons:").arg(conf).toUtf8()) && bad.err.contains("has an empty entry"), bad.err.constData());
}

QTEST_GUILESS_MAIN(TestPythonVersions)
#include "tst_python_versions.moc"
