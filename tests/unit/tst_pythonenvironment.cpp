#include "environment/PythonEnvironment.h"
#include "environment/PythonInterpreter.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using oa::PythonEnvironment;
using oa::PythonInterpreter;

class TestPythonEnvironment : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void locateExplicit();
    void locateFromEnvironment();
    void locateMissing_data();
    void locateMissing();
    void venvWithoutPip();
    void venvWithPipInstallsOffline();
    void installFailureNamesRequirement();
    void describePipFailure_data();
    void describePipFailure();

private:
    QTemporaryDir m_tmp;
    PythonInterpreter m_python;
};

void TestPythonEnvironment::initTestCase()
{
    auto python = PythonInterpreter::probe(oatest::python());
    QVERIFY2(python.ok(), qPrintable(python.ok() ? QString() : python.error().message));
    m_python = python.value();
    // The environment pip sees comes from the agent: point it at nothing but local wheels.
    const QProcessEnvironment env = oatest::offlinePipEnvironment(m_tmp.filePath(QStringLiteral("wheels")));
    for (const QString &key : QProcessEnvironment::systemEnvironment().keys())
        if (key.startsWith(QLatin1String("PIP_")))
            qunsetenv(qPrintable(key));
    for (const QString &key : {QStringLiteral("PIP_NO_INDEX"), QStringLiteral("PIP_FIND_LINKS"), QStringLiteral("PIP_CONFIG_FILE")})
        qputenv(qPrintable(key), env.value(key).toLocal8Bit());
}

void TestPythonEnvironment::locateExplicit()
{
    const auto found = PythonInterpreter::locate(oatest::python());
    QVERIFY(found.ok());
    QVERIFY(QFileInfo(found->executable).isExecutable());
    QVERIFY2(QRegularExpression(QStringLiteral("^3\\.\\d+\\.\\d+")).match(found->version).hasMatch(), qPrintable(found->version));
}

void TestPythonEnvironment::locateFromEnvironment()
{
    qputenv("OPENAUTOMATE_PYTHON", oatest::python().toLocal8Bit());
    const auto found = PythonInterpreter::locate(QString());
    qunsetenv("OPENAUTOMATE_PYTHON");
    QVERIFY(found.ok());
    QCOMPARE(found->requested, oatest::python());
}

void TestPythonEnvironment::locateMissing_data()
{
    QTest::addColumn<QString>("python");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no such file") << "/nonexistent/python3" << "does not exist";
    QTest::newRow("no such name on PATH") << "python-that-does-not-exist" << "does not exist";
    QTest::newRow("not a python") << "/bin/false" << "did not answer";
}

void TestPythonEnvironment::locateMissing()
{
    QFETCH(QString, python);
    QFETCH(QString, expected);
    const auto found = PythonInterpreter::locate(python);
    QVERIFY(!found.ok());
    QCOMPARE(found.error().kind, oa::ErrorKind::Environment);
    QVERIFY2(found.error().message.contains(expected), qPrintable(found.error().message));
}

void TestPythonEnvironment::venvWithoutPip()
{
    const PythonEnvironment venv(m_python, m_tmp.filePath(QStringLiteral("venv-bare")));
    QVERIFY(venv.create(false));
    QVERIFY(QFileInfo(venv.pythonExecutable()).isExecutable());
    QProcess probe;
    probe.start(venv.pythonExecutable(), {QStringLiteral("-c"), QStringLiteral("import sys; print(sys.prefix != sys.base_prefix)")});
    QVERIFY(probe.waitForFinished());
    QCOMPARE(probe.readAllStandardOutput().trimmed(), QByteArray("True"));
    QProcess pip;
    pip.start(venv.pythonExecutable(), {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("--version")});
    QVERIFY(pip.waitForFinished());
    QVERIFY2(pip.exitCode() != 0, "a venv that needs no packages carries no pip");
}

void TestPythonEnvironment::venvWithPipInstallsOffline()
{
    const QString wheels = m_tmp.filePath(QStringLiteral("wheels"));
    QVERIFY(!oatest::buildWheel(wheels, QStringLiteral("oa-greeter"), QStringLiteral("1.2.0")).isEmpty());
    QVERIFY(!oatest::buildWheel(wheels, QStringLiteral("oa-app"), QStringLiteral("0.3"), {QStringLiteral("oa-greeter>=1.0")}).isEmpty());
    const PythonEnvironment venv(m_python, m_tmp.filePath(QStringLiteral("venv-pip")));
    QVERIFY(venv.create(true));
    const QString log = m_tmp.filePath(QStringLiteral("pip.log"));
    const oa::Status installed = venv.install({QStringLiteral("oa-app==0.3")}, QString(), log);
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : installed.error().message));
    QVERIFY(oatest::readFile(log).contains("Successfully installed"));
    const QStringList frozen = venv.freeze();
    QVERIFY2(frozen.contains(QStringLiteral("oa-app==0.3")), qPrintable(frozen.join(u',')));
    QVERIFY(frozen.contains(QStringLiteral("oa-greeter==1.2.0")));
}

void TestPythonEnvironment::installFailureNamesRequirement()
{
    const PythonEnvironment venv(m_python, m_tmp.filePath(QStringLiteral("venv-pip")));
    QVERIFY(QFileInfo(venv.pythonExecutable()).exists()); // made by the previous test
    const oa::Status failed = venv.install({QStringLiteral("oa-greeter"), QStringLiteral("oa-missing==9.9")}, QString(),
                                           m_tmp.filePath(QStringLiteral("pip-fail.log")));
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().kind, oa::ErrorKind::Install);
    QVERIFY2(failed.error().message.contains(QStringLiteral("\"oa-missing==9.9\"")), qPrintable(failed.error().message));
}

void TestPythonEnvironment::describePipFailure_data()
{
    QTest::addColumn<QString>("output");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no distribution")
        << "Looking in links: /w\nERROR: Could not find a version that satisfies the requirement foo==9 (from versions: 1.0)\n"
           "ERROR: No matching distribution found for foo==9\n"
        << "requirement \"foo==9\": no matching distribution found";
    QTest::newRow("invalid requirement") << "ERROR: Invalid requirement: 'foo bar'\n" << "requirement \"foo bar\" is not valid";
    QTest::newRow("conflict")
        << "ERROR: Cannot install a==1 and b==2 because these package versions have conflicting dependencies.\n"
        << "requirements a==1 and b==2 conflict with each other";
    QTest::newRow("build failure") << "  ERROR: Failed building wheel for lxml\n" << "requirement \"lxml\": building its wheel failed";
    QTest::newRow("other error line") << "Collecting x\nERROR: Could not install packages due to an OSError: [Errno 28] No space\n"
                                      << "Could not install packages due to an OSError: [Errno 28] No space";
    QTest::newRow("nothing useful") << "" << "pip printed nothing";
}

void TestPythonEnvironment::describePipFailure()
{
    QFETCH(QString, output);
    QFETCH(QString, expected);
    QCOMPARE(PythonEnvironment::describePipFailure(output), expected);
}

QTEST_GUILESS_MAIN(TestPythonEnvironment)
#include "tst_pythonenvironment.moc"
