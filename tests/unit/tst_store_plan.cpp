// StorePlan's pieces, with no process: which requirements files are pins, which wheel tags an
// interpreter surely takes, which declared dependencies leave a set's closure open; and which
// wheels a set's resolve is all but sure to pick (WheelGuess).
#include "environment/StorePlan.h"
#include "environment/WheelGuess.h"

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

using namespace oa;

class TestStorePlan : public QObject {
    Q_OBJECT
private slots:
    void pins();
    void markers();
    void notPins_data();
    void notPins();
    void tags_data();
    void tags();
    void closure();
    void guesses();
};

namespace {
const QString kHash = QString(64, u'a');
}

void TestStorePlan::pins()
{
    QString why;
    const auto pins = StorePlan::readPins(("a-b[X]==1.0 --hash=sha256:" + kHash + " --hash=sha256:" + QString(64, u'b') + "\nc==2 --hash=sha256:" + kHash + "\n").toUtf8(), &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(pins.size(), 2);
    QCOMPARE(pins.at(0).name, QStringLiteral("a-b"));
    QCOMPARE(pins.at(0).version, QStringLiteral("1.0"));
    QCOMPARE(pins.at(0).sha256, (QStringList{kHash, QString(64, u'b')}));
    QCOMPARE(pins.at(0).extras, QStringList{QStringLiteral("x")});
}

void TestStorePlan::markers()
{
    // Python 3.11 on Linux: a line whose marker is false is left out, as pip ignores it; one
    // whose marker cannot be decided (no such value known) makes the file no plan at all.
    const MarkerEvaluator linux({{QStringLiteral("python_version"), QStringLiteral("3.11")}, {QStringLiteral("sys_platform"), QStringLiteral("linux")}});
    const QString h = QStringLiteral(" --hash=sha256:") + kHash;
    const QByteArray text = (QStringLiteral("a==1.0 ; python_version >= \"3.7\"") + h + QStringLiteral("\nb==2.0 ; sys_platform == \"win32\"") + h
                             + QStringLiteral("\nc==3.0 ; extra == \"x\"") + h + QStringLiteral("\nB==2.1 ; sys_platform == \"linux\"") + h + u'\n')
                                .toUtf8();
    QString why;
    QStringList leftOut;
    const auto pins = StorePlan::readPins(text, &why, linux, &leftOut);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(pins.size(), 2); // b 2.0 left out, so b 2.1 is no second pin of b
    QCOMPARE(pins.at(0).name, QStringLiteral("a"));
    QCOMPARE(pins.at(1).version, QStringLiteral("2.1"));
    QCOMPARE(leftOut, (QStringList{QStringLiteral("b ; sys_platform == \"win32\""), QStringLiteral("c ; extra == \"x\"")}));
    QVERIFY(StorePlan::readPins((QStringLiteral("a==1.0 ; os_name == \"posix\"") + h).toUtf8(), &why, linux).isEmpty());
    QVERIFY2(why.contains(QLatin1String("os_name")), qPrintable(why));
    // A line left out is still checked as a pin: pip's hash-checking mode reads it too.
    QVERIFY(StorePlan::readPins("a==1.0 ; sys_platform == \"win32\"\n", &why, linux).isEmpty());
    QVERIFY2(why.contains(QLatin1String("no sha256")), qPrintable(why));
}

void TestStorePlan::notPins_data()
{
    QTest::addColumn<QString>("text");
    const QString h = QStringLiteral(" --hash=sha256:") + kHash;
    QTest::newRow("no hash") << QStringLiteral("a==1.0\n");
    QTest::newRow("other hash") << QStringLiteral("a==1.0 --hash=sha512:") + QString(128, u'a');
    QTest::newRow("range") << QStringLiteral("a>=1.0") + h;
    QTest::newRow("wildcard") << QStringLiteral("a==1.*") + h;
    QTest::newRow("arbitrary") << QStringLiteral("a===1.0") + h;
    QTest::newRow("marker") << QStringLiteral("a==1.0 ; python_version >= \"3\"") + h;
    QTest::newRow("option") << QStringLiteral("--find-links /x\na==1.0") + h;
    QTest::newRow("include") << QStringLiteral("-r other.txt\n");
    QTest::newRow("url") << QStringLiteral("a @ https://example.org/a-1.0-py3-none-any.whl") + h;
    QTest::newRow("twice") << QStringLiteral("a==1.0") + h + QStringLiteral("\nA==1.0") + h;
    QTest::newRow("empty") << QString();
}

void TestStorePlan::notPins()
{
    QFETCH(QString, text);
    QString why;
    QVERIFY(StorePlan::readPins(text.toUtf8(), &why).isEmpty());
    QVERIFY(!why.isEmpty());
}

void TestStorePlan::tags_data()
{
    QTest::addColumn<QString>("tags");
    QTest::addColumn<QString>("machine");
    QTest::addColumn<bool>("fits");
    const QString x86 = QStringLiteral("x86_64");
    QTest::newRow("pure") << QStringLiteral("py3-none-any") << QString() << true;
    QTest::newRow("py2.py3") << QStringLiteral("py2.py3-none-any") << QString() << true;
    QTest::newRow("py38") << QStringLiteral("py38-none-any") << QString() << true;
    QTest::newRow("py312") << QStringLiteral("py312-none-any") << QString() << false;
    QTest::newRow("py2") << QStringLiteral("py2-none-any") << QString() << false;
    QTest::newRow("cp311 manylinux2014") << QStringLiteral("cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64") << x86 << true;
    QTest::newRow("cp311 manylinux_2_99") << QStringLiteral("cp311-cp311-manylinux_2_99_x86_64") << x86 << false;
    QTest::newRow("cp310") << QStringLiteral("cp310-cp310-manylinux2014_x86_64") << x86 << false;
    QTest::newRow("abi3") << QStringLiteral("cp37-abi3-manylinux1_x86_64") << x86 << true;
    QTest::newRow("abi3 newer") << QStringLiteral("cp312-abi3-manylinux1_x86_64") << x86 << false;
    QTest::newRow("other machine") << QStringLiteral("cp311-cp311-manylinux2014_aarch64") << x86 << false;
    QTest::newRow("musl") << QStringLiteral("cp311-cp311-musllinux_1_1_x86_64") << x86 << false;
    QTest::newRow("windows") << QStringLiteral("cp311-cp311-win_amd64") << x86 << false;
    QTest::newRow("no machine") << QStringLiteral("cp311-cp311-linux_x86_64") << QString() << false;
    QTest::newRow("linux") << QStringLiteral("cp311-cp311-linux_x86_64") << x86 << true;
    QTest::newRow("debug abi") << QStringLiteral("cp311-cp311d-linux_x86_64") << x86 << false;
    QTest::newRow("binary abi on any") << QStringLiteral("cp311-cp311-any") << x86 << false;
    QTest::newRow("malformed") << QStringLiteral("py3-none") << x86 << false;
}

void TestStorePlan::tags()
{
    QFETCH(QString, tags);
    QFETCH(QString, machine);
    QFETCH(bool, fits);
    QCOMPARE(StorePlan::tagsFit(tags, QStringLiteral("3.11.2"), machine, QStringLiteral("2.36")), fits);
}

void TestStorePlan::closure()
{
    const QByteArray metadata = "Metadata-Version: 2.1\nName: a\nVersion: 1\n"
                                "Requires-Dist: B_c (>=1.0)\n"
                                "Requires-Dist: socks ; extra == \"socks\"\n"
                                "\nRequires-Dist: after-the-headers\n";
    QCOMPARE(StorePlan::unpinnedDependency(metadata, {}, {QStringLiteral("b-c")}), QString());
    QCOMPARE(StorePlan::unpinnedDependency(metadata, {}, {}), QStringLiteral("B_c"));
    QCOMPARE(StorePlan::unpinnedDependency(metadata, {QStringLiteral("socks")}, {QStringLiteral("b-c")}),
             QStringLiteral("socks ; extra == \"socks\""));
    // An extra's dependency is inactive also where `extra == "x"` is one operand of a top-level
    // `and` (urllib3 1.26's brotli lines); under an `or`, or with the extra asked for, it counts.
    const QByteArray urllib3 = "Requires-Dist: brotli (>=1.0.9) ; ((os_name != \"nt\" or python_version >= \"3\") and "
                               "platform_python_implementation == \"CPython\") and (extra == \"brotli\")\n"
                               "Requires-Dist: ipaddress ; (python_version == \"2.7\") and (extra == 'secure')\n";
    QCOMPARE(StorePlan::unpinnedDependency(urllib3, {}, {}), QString());
    QVERIFY(StorePlan::unpinnedDependency(urllib3, {QStringLiteral("brotli")}, {}).startsWith(QLatin1String("brotli ; ")));
    QVERIFY(StorePlan::unpinnedDependency("Requires-Dist: x ; python_version < \"3\" or extra == \"e\"\n", {}, {})
                .startsWith(QLatin1String("x ; ")));
    QVERIFY(StorePlan::unpinnedDependency("Requires-Dist: x ; (python_version < \"3\" or extra == \"e\")\n", {}, {})
                .startsWith(QLatin1String("x ; ")));
    QCOMPARE(StorePlan::unpinnedDependency("Requires-Dist: x ; extra == \"e\" and python_version < \"3\"\n", {}, {}), QString());
    QVERIFY(StorePlan::unpinnedDependency("Requires-Dist: x ; extra == \"and or\" or os_name == \"nt\"\n", {}, {})
                .startsWith(QLatin1String("x ; ")));
    // A marker that needs what the environment does not say is unsure, so not pinned; with the
    // interpreter's environment it is decided.
    const QByteArray old = "Requires-Dist: n ; python_version < \"3.8\"\n";
    QCOMPARE(StorePlan::unpinnedDependency(old, {}, {}), QStringLiteral("n ; python_version < \"3.8\""));
    const MarkerEvaluator py311({{QStringLiteral("python_version"), QStringLiteral("3.11")}});
    QCOMPARE(StorePlan::unpinnedDependency(old, {}, {}, py311), QString());
    QCOMPARE(StorePlan::unpinnedDependency("Requires-Dist: n ; python_version >= \"3.8\"\n", {}, {}, py311),
             QStringLiteral("n ; python_version >= \"3.8\""));
    // With an extra asked for, a dependency counts for the extra or for the distribution itself.
    QCOMPARE(StorePlan::unpinnedDependency("Requires-Dist: n ; python_version >= \"3\" and extra != \"e\"\n", {QStringLiteral("e")}, {}, py311),
             QStringLiteral("n ; python_version >= \"3\" and extra != \"e\""));
    // Malformed: unsure.
    QCOMPARE(StorePlan::unpinnedDependency("Requires-Dist: n ; python_version <\n", {}, {}, py311), QStringLiteral("n ; python_version <"));
}

void TestStorePlan::guesses()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const char *name : {"oa_x-1.0-py3-none-any.whl", "oa_y-1.0-py3-none-any.whl", "oa_z-2.0-py3-none-any.whl",
                             "oa_w-1.0-py3-none-any.whl", "oa_w-1.0-py2.py3-none-any.whl", "oa_v-1.0-cp310-cp310-linux_x86_64.whl",
                             "oa_m-3.0-py3-none-any.whl", "oa_f-1.0-py3-none-any.whl", "oa_h-1.0-py3-none-any.whl"}) {
        QFile file(dir.filePath(QString::fromLatin1(name)));
        QVERIFY(file.open(QIODevice::WriteOnly)); // only the names are read
    }
    PythonInterpreter python;
    python.executable = QStringLiteral("/usr/bin/python3.11");
    python.version = QStringLiteral("3.11.2");
    python.markerEnvironment = {{QStringLiteral("python_version"), QStringLiteral("3.11")}, {QStringLiteral("sys_platform"), QStringLiteral("linux")}};
    QProcessEnvironment env;
    env.insert(QStringLiteral("PIP_FIND_LINKS"), dir.path());
    env.insert(QStringLiteral("HOME"), dir.path()); // no user pip.conf of the machine's
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.path());
    const QStringList requirements{
        QStringLiteral("OA.X[extra]==1.0"),                           // guessed
        QStringLiteral("oa-y>=1.0"),                                  // not one version
        QStringLiteral("oa-z==2.0 ; sys_platform == \"win32\""),     // pip ignores it here
        QStringLiteral("oa-w==1.0"),                                  // two wheels fit: pip's choice
        QStringLiteral("oa-v==1.0"),                                  // none fits CPython 3.11
        QStringLiteral("oa-m==3.0 ; sys_platform == \"linux\""),     // its marker holds
        QStringLiteral("oa-missing==1.0"),                            // no wheel at all
        QStringLiteral("oa-f @ file:///x/oa_f-1.0-py3-none-any.whl"), // a direct reference
    };
    // A line with its own --hash: pip takes only a file of those (a requirements file's line).
    const QByteArray hashed = "oa-h==1.0 --hash=sha256:" + QByteArray(64, 'b') + "\n";
    const auto paths = [](const QList<PinnedWheel> &wheels) {
        QStringList names;
        for (const PinnedWheel &wheel : wheels)
            names.append(wheel.name + u' ' + wheel.version + u' ' + QFileInfo(wheel.path).fileName() + (wheel.sha256.isEmpty() ? "" : " hashed"));
        return names;
    };
    const EnvironmentKey key = EnvironmentKey::build(python.executable, python.version, requirements, {}, env);
    // The key holds the requirements normalized (PEP 503 names) and sorted.
    QCOMPARE(paths(WheelGuess::make(key, python)),
             (QStringList{QStringLiteral("oa-m 3.0 oa_m-3.0-py3-none-any.whl"), QStringLiteral("oa-x 1.0 oa_x-1.0-py3-none-any.whl")}));
    // A requirements file's lines count too; each name once. An option line anywhere in it
    // (--no-binary, -c, -f …) could change pip's choice: no guess then.
    const EnvironmentKey file = EnvironmentKey::build(python.executable, python.version, {}, "oa-x==1.0\noa_x==1.0  # again\n", env);
    QCOMPARE(paths(WheelGuess::make(file, python)), QStringList{QStringLiteral("oa-x 1.0 oa_x-1.0-py3-none-any.whl")});
    const EnvironmentKey option = EnvironmentKey::build(python.executable, python.version, {}, "oa-x==1.0\n--no-binary oa-x\n", env);
    QVERIFY(WheelGuess::make(option, python).isEmpty());
    QVERIFY(WheelGuess::make(EnvironmentKey::build(python.executable, python.version, {}, hashed, env), python).isEmpty());
    // No wheel folder, or pip settings that could change pip's choice: no guess.
    QVERIFY(WheelGuess::make(EnvironmentKey::build(python.executable, python.version, requirements, {}, QProcessEnvironment()), python).isEmpty());
    QProcessEnvironment noBinary = env;
    noBinary.insert(QStringLiteral("PIP_NO_BINARY"), QStringLiteral(":all:"));
    QVERIFY(WheelGuess::make(EnvironmentKey::build(python.executable, python.version, requirements, {}, noBinary), python).isEmpty());
}

QTEST_GUILESS_MAIN(TestStorePlan)
#include "tst_store_plan.moc"
