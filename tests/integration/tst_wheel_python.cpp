// What WheelInstaller unpacks works for the real Python: the package imports from the installed
// site-packages, importlib.metadata finds the distribution (version, files from the rewritten
// RECORD, entry points, INSTALLER), and the generated console script and a .data script with its
// "#!python" rewritten both run.
#include "TestSupport.h"
#include "WheelBuilder.h"

#include "environment/PythonInterpreter.h"
#include "wheel/WheelInstaller.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace oa;

class TestWheelPython : public QObject {
    Q_OBJECT
private slots:
    void importsAndRunsScripts();
    void installsDebianWheels_data();
    void installsDebianWheels();
};

namespace {

struct Output {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Output run(const QString &program, const QStringList &args, const QString &sitePackages)
{
    QProcessEnvironment env = oatest::cleanEnvironment();
    env.insert(QStringLiteral("PYTHONPATH"), sitePackages);
    env.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(program, args);
    Output output;
    if (!process.waitForFinished(60000))
        return output;
    output.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    output.out = process.readAllStandardOutput();
    output.err = process.readAllStandardError();
    return output;
}

} // namespace

void TestWheelPython::importsAndRunsScripts()
{
    const auto interpreter = PythonInterpreter::probe(oatest::python());
    if (!interpreter)
        OA_SKIP_OR_FAIL(QStringLiteral("no Python to run: %1").arg(interpreter.error().message));
    const QStringList parts = interpreter->version.split(u'.');
    QVERIFY(parts.size() >= 2);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString wheel = oatest::WheelBuilder(QStringLiteral("oa_demo"), QStringLiteral("2.3.1"))
                              .file("oa_demo/__init__.py",
                                    "import importlib.metadata\n"
                                    "def main():\n"
                                    "    print('hello from', importlib.metadata.version('oa-demo'))\n"
                                    "    return 3\n")
                              .file("oa_demo/data.txt", "payload\n")
                              .file("oa_demo-2.3.1.data/scripts/oa-demo-raw", "#!python\nimport oa_demo, sys\nprint('raw', oa_demo.__name__)\n")
                              .entryPoints("[console_scripts]\noa-demo = oa_demo:main\n")
                              .write(tmp.path());
    QVERIFY(!wheel.isEmpty());
    WheelInstallOptions options;
    options.python = interpreter->executable;
    options.pythonVersion = parts.at(0) + u'.' + parts.at(1);
    options.requested = true;
    const auto installed = WheelInstaller(options).install(wheel, tmp.filePath(QStringLiteral("prefix")));
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : installed.error().message));
    const QString site = installed->target + u'/' + installed->sitePackages;

    const Output metadata = run(interpreter->executable,
                                {QStringLiteral("-c"),
                                 QStringLiteral("import importlib.metadata as m, importlib.resources as r, oa_demo\n"
                                                "d = m.distribution('oa-demo')\n"
                                                "print(d.version)\n"
                                                "print(d.read_text('INSTALLER').strip())\n"
                                                "print(sorted(str(f) for f in d.files if f.name in ('__init__.py', 'oa-demo', 'RECORD')))\n"
                                                "print([e.value for e in d.entry_points if e.group == 'console_scripts'])\n"
                                                "print(all(f.hash is None or f.locate().stat().st_size == f.size for f in d.files))\n"
                                                "print(r.files('oa_demo').joinpath('data.txt').read_text().strip())\n")},
                                site);
    QVERIFY2(metadata.exitCode == 0, metadata.err.constData());
    QCOMPARE(metadata.out, QByteArray("2.3.1\nopenautomate\n"
                                      "['../../../bin/oa-demo', 'oa_demo-2.3.1.dist-info/RECORD', 'oa_demo/__init__.py']\n"
                                      "['oa_demo:main']\nTrue\npayload\n"));

    const Output console = run(installed->target + QStringLiteral("/bin/oa-demo"), {}, site);
    QCOMPARE(console.exitCode, 3); // main()'s return is the exit code
    QCOMPARE(console.out, QByteArray("hello from 2.3.1\n"));
    const Output raw = run(installed->target + QStringLiteral("/bin/oa-demo-raw"), {}, site);
    QVERIFY2(raw.exitCode == 0, raw.err.constData());
    QCOMPARE(raw.out, QByteArray("raw oa_demo\n"));
}

// Real wheels, built by setuptools and flit rather than by the tests: the ones Debian ships for
// venvs (python3-pip-whl, python3-setuptools-whl, python3-wheel-whl, which the build installs).
void TestWheelPython::installsDebianWheels_data()
{
    QTest::addColumn<QString>("wheel");
    QTest::addColumn<QString>("module");
    const QDir folder(QStringLiteral("/usr/share/python-wheels"));
    for (const QString &name : folder.entryList({QStringLiteral("*.whl")}, QDir::Files, QDir::Name)) {
        const QString project = name.section(u'-', 0, 0);
        QTest::newRow(qPrintable(name)) << folder.filePath(name) << (project == QStringLiteral("setuptools") ? QStringLiteral("setuptools") : project);
    }
    if (folder.entryList({QStringLiteral("*.whl")}, QDir::Files).isEmpty())
        QTest::newRow("none") << QString() << QString();
}

void TestWheelPython::installsDebianWheels()
{
    QFETCH(QString, wheel);
    QFETCH(QString, module);
    if (wheel.isEmpty())
        OA_SKIP_OR_FAIL(QStringLiteral("no wheels in /usr/share/python-wheels (python3-pip-whl, python3-setuptools-whl)"));
    const auto interpreter = PythonInterpreter::probe(oatest::python());
    if (!interpreter)
        OA_SKIP_OR_FAIL(QStringLiteral("no Python to run: %1").arg(interpreter.error().message));
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    WheelInstallOptions options;
    options.python = interpreter->executable;
    options.pythonVersion = interpreter->version.section(u'.', 0, 1);
    const auto installed = WheelInstaller(options).install(wheel, tmp.filePath(QStringLiteral("prefix")));
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : installed.error().message));
    const QString site = installed->target + u'/' + installed->sitePackages;
    const QString version = QFileInfo(wheel).fileName().section(u'-', 1, 1);
    const Output imported = run(interpreter->executable,
                                {QStringLiteral("-c"),
                                 QStringLiteral("import importlib.metadata as m, %1\n"
                                                "assert %1.__file__.startswith(%2), %1.__file__\n"
                                                "print(m.version(%3))\n")
                                     .arg(module, u'\'' + site + u'\'', u'\'' + module + u'\'')},
                                site);
    QVERIFY2(imported.exitCode == 0, imported.err.constData());
    QCOMPARE(imported.out.trimmed(), version.toUtf8());
    // pip's and wheel's console scripts run from bin/.
    for (const auto &[script, argument] : {std::pair{QStringLiteral("pip"), QStringLiteral("--version")}, std::pair{QStringLiteral("wheel"), QStringLiteral("version")}}) {
        if (script != module)
            continue;
        const Output ran = run(installed->target + QStringLiteral("/bin/") + script, {argument}, site);
        QVERIFY2(ran.exitCode == 0, ran.err.constData());
        QVERIFY2(ran.out.contains(version.toUtf8()), ran.out.constData());
    }
}

QTEST_GUILESS_MAIN(TestWheelPython)
#include "tst_wheel_python.moc"
