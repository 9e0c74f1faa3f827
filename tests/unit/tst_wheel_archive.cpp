// WheelArchive: a wheel is checked before anything is unpacked, every refused shape named with
// the wheel and the member; RECORD, file names and dist-info files read as the specs say.
#include "TestSupport.h"
#include "WheelBuilder.h"
#include "WheelShapes.h"

#include "wheel/DistInfoFiles.h"
#include "wheel/EntryPoints.h"
#include "wheel/WheelArchive.h"
#include "wheel/WheelNames.h"
#include "wheel/WheelRecord.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace oa;
using oatest::WheelBuilder;
using oatest::WheelShape;

class TestWheelArchive : public QObject {
    Q_OBJECT
private slots:
    void init();
    void opensWellFormed();
    void refusedShapes_data();
    void refusedShapes();
    void refusesWhatIsNoWheelFile();
    void fileNames_data();
    void fileNames();
    void memberPaths_data();
    void memberPaths();
    void recordRoundTrip();
    void recordRefusals_data();
    void recordRefusals();
    void entryPointWrapper();

private:
    QTemporaryDir m_tmp;
};

void TestWheelArchive::init()
{
    QVERIFY(m_tmp.isValid());
}

void TestWheelArchive::opensWellFormed()
{
    const QString path = WheelBuilder()
                             .file("pkg/__init__.py", "")
                             .file("pkg/tool.sh", "#!/bin/sh\n", 0100755)
                             .folder("pkg/")
                             .file("demo-1.0.data/scripts/run", "#!python\n")
                             .entryPoints("[console_scripts]\ndemo = pkg:main\n")
                             .write(m_tmp.path());
    QVERIFY(!path.isEmpty());
    const auto wheel = WheelArchive::open(path);
    QVERIFY2(wheel.ok(), qPrintable(wheel.ok() ? QString() : wheel.error().message));
    QCOMPARE(wheel->name(), QStringLiteral("demo"));
    QCOMPARE(wheel->version(), QStringLiteral("1.0"));
    QCOMPARE(wheel->distInfo(), QStringLiteral("demo-1.0.dist-info"));
    QCOMPARE(wheel->dataFolder(), QStringLiteral("demo-1.0.data"));
    QCOMPARE(wheel->wheelFile().wheelVersion, QStringLiteral("1.0"));
    QVERIFY(wheel->wheelFile().rootIsPurelib);
    QCOMPARE(wheel->metadata().name, QStringLiteral("demo"));
    QCOMPARE(wheel->entryPoints(), QByteArray("[console_scripts]\ndemo = pkg:main\n"));
    QVERIFY(wheel->member(QStringLiteral("pkg"))->folder);
    QVERIFY(wheel->member(QStringLiteral("pkg/tool.sh"))->executable);
    QVERIFY(!wheel->member(QStringLiteral("pkg/__init__.py"))->executable);
    QVERIFY(wheel->recordRow(QStringLiteral("pkg/tool.sh")));
    QVERIFY(!wheel->recordRow(QStringLiteral("demo-1.0.dist-info/RECORD")));
    QVERIFY(wheel->verify().ok());
    const auto content = wheel->read(*wheel->member(QStringLiteral("pkg/tool.sh")));
    QVERIFY(content.ok());
    QCOMPARE(*content, QByteArray("#!/bin/sh\n"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(*wheel->fileSha256(), QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex());
}

void TestWheelArchive::refusedShapes_data()
{
    QTest::addColumn<int>("shape");
    for (qsizetype i = 0; i < oatest::wheelShapes().size(); ++i)
        QTest::newRow(oatest::wheelShapes().at(i).row) << int(i);
}

// Each shape is refused by the step the table says, and not before: what the archive cannot
// see (where a member is installed, entry points) is the installer's (tst_wheel_installer).
void TestWheelArchive::refusedShapes()
{
    QFETCH(int, shape);
    const WheelShape &s = oatest::wheelShapes().at(shape);
    WheelBuilder builder;
    WheelBounds bounds;
    s.make(builder, bounds);
    const QString path = builder.write(m_tmp.path(), s.fileName);
    QVERIFY(!path.isEmpty());
    const auto wheel = WheelArchive::open(path, bounds);
    if (s.stage == WheelShape::Open) {
        QVERIFY(!wheel.ok());
        QCOMPARE(wheel.error().kind, ErrorKind::Install);
        const QString message = wheel.error().message;
        QVERIFY2(message.startsWith(QFileInfo(path).fileName()), qPrintable(message));
        for (const QString &expected : s.expected)
            QVERIFY2(message.contains(expected), qPrintable(QStringLiteral("\"%1\" not in: %2").arg(expected, message)));
        return;
    }
    QVERIFY2(wheel.ok(), qPrintable(wheel.ok() ? QString() : wheel.error().message));
    const Status verified = wheel->verify();
    if (s.stage == WheelShape::Install) {
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message));
        return;
    }
    QVERIFY(!verified.ok());
    QCOMPARE(verified.error().kind, ErrorKind::Install);
    const QString message = verified.error().message;
    QVERIFY2(message.startsWith(QFileInfo(path).fileName()), qPrintable(message));
    for (const QString &expected : s.expected)
        QVERIFY2(message.contains(expected), qPrintable(QStringLiteral("\"%1\" not in: %2").arg(expected, message)));
}

void TestWheelArchive::refusesWhatIsNoWheelFile()
{
    const QString real = WheelBuilder().file("pkg/__init__.py", "").write(m_tmp.path());
    QVERIFY(!real.isEmpty());
    const QString link = m_tmp.filePath(QStringLiteral("link-1.0-py3-none-any.whl"));
    QVERIFY(::symlink(QFile::encodeName(real).constData(), QFile::encodeName(link).constData()) == 0);
    const QString fifo = m_tmp.filePath(QStringLiteral("fifo-1.0-py3-none-any.whl"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0644) == 0);
    const QString garbage = m_tmp.filePath(QStringLiteral("garbage-1.0-py3-none-any.whl"));
    QVERIFY(oatest::writeFileBytes(garbage, QByteArray(1000, 'x')));

    const auto viaLink = WheelArchive::open(link);
    QVERIFY(!viaLink.ok());
    QCOMPARE(viaLink.error().kind, ErrorKind::Install);
    QCOMPARE(viaLink.error().systemError, ELOOP);
    const auto fromFifo = WheelArchive::open(fifo); // opened non-blocking: it returns
    QVERIFY(!fromFifo.ok());
    QVERIFY2(fromFifo.error().message.contains(QStringLiteral("not a regular file")), qPrintable(fromFifo.error().message));
    const auto fromGarbage = WheelArchive::open(garbage);
    QVERIFY(!fromGarbage.ok());
    QVERIFY2(fromGarbage.error().message.startsWith(QStringLiteral("garbage-1.0-py3-none-any.whl: not a valid zip archive")), qPrintable(fromGarbage.error().message));
    const auto missing = WheelArchive::open(m_tmp.filePath(QStringLiteral("missing-1.0-py3-none-any.whl")));
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().systemError, ENOENT);
}

void TestWheelArchive::fileNames_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("version");
    QTest::addColumn<QString>("build");
    QTest::addColumn<QString>("tags");
    QTest::newRow("pure") << "requests-2.31.0-py3-none-any.whl" << "requests" << "2.31.0" << "" << "py3-none-any";
    QTest::newRow("platform") << "numpy-1.24.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" << "numpy" << "1.24.2" << ""
                              << "cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64";
    QTest::newRow("build tag") << "demo-1.0-1local-py3-none-any.whl" << "demo" << "1.0" << "1local" << "py3-none-any";
    QTest::newRow("dotted name") << "zope.interface-5.5.2-cp311-cp311-linux_x86_64.whl" << "zope.interface" << "5.5.2" << "" << "cp311-cp311-linux_x86_64";
    QTest::newRow("epoch and local") << "demo-1!2.0+local.7-py3-none-any.whl" << "demo" << "1!2.0+local.7" << "" << "py3-none-any";
    QTest::newRow("no tags") << "demo-1.0.whl" << "" << "" << "" << "";
    QTest::newRow("not .whl") << "demo-1.0-py3-none-any.zip" << "" << "" << "" << "";
    QTest::newRow("dash in name") << "my-pkg-1.0-py3-none-any.whl" << "" << "" << "" << "";
    QTest::newRow("slash") << "a/b-1.0-py3-none-any.whl" << "" << "" << "" << "";
}

void TestWheelArchive::fileNames()
{
    QFETCH(QString, fileName);
    QFETCH(QString, name);
    QFETCH(QString, version);
    QFETCH(QString, build);
    QFETCH(QString, tags);
    const auto parsed = WheelFileName::parse(fileName);
    QCOMPARE(parsed.ok(), !name.isEmpty());
    if (!parsed.ok())
        return;
    QCOMPARE(parsed->name, name);
    QCOMPARE(parsed->version, version);
    QCOMPARE(parsed->build, build);
    QCOMPARE(parsed->tags, tags);
    QCOMPARE(canonicalProjectName(QStringLiteral("Zope.Interface__x")), QStringLiteral("zope-interface-x"));
}

void TestWheelArchive::memberPaths_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("path");   // normalized, or empty when refused
    QTest::addColumn<bool>("folder");
    QTest::newRow("plain") << QByteArray("pkg/mod.py") << "pkg/mod.py" << false;
    QTest::newRow("folder") << QByteArray("pkg/sub/") << "pkg/sub" << true;
    QTest::newRow("dot") << QByteArray("pkg/./mod.py") << "pkg/mod.py" << false;
    QTest::newRow("double slash") << QByteArray("pkg//mod.py") << "pkg/mod.py" << false;
    QTest::newRow("leading dot") << QByteArray("./pkg/mod.py") << "pkg/mod.py" << false;
    QTest::newRow("unicode") << QByteArray("pkg/caf\xc3\xa9.py") << QString::fromUtf8("pkg/caf\xc3\xa9.py") << false;
    QTest::newRow("dot-dot") << QByteArray("pkg/../x") << "" << false;
    QTest::newRow("dot-dot at the end") << QByteArray("pkg/..") << "" << false;
    QTest::newRow("absolute") << QByteArray("/x") << "" << false;
    QTest::newRow("backslash") << QByteArray("pkg\\x") << "" << false;
    QTest::newRow("tab") << QByteArray("pkg/\tx") << "" << false;
    QTest::newRow("DEL") << QByteArray("pkg/\x7fx") << "" << false;
    QTest::newRow("overlong UTF-8 slash") << QByteArray("pkg\xc0\xafx") << "" << false;
    QTest::newRow("only dots") << QByteArray("./") << "" << true;
}

void TestWheelArchive::memberPaths()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, path);
    QFETCH(bool, folder);
    const MemberPath checked = MemberPath::check(raw, 64);
    QCOMPARE(checked.problem.isEmpty(), !path.isEmpty());
    QCOMPARE(checked.path, path);
    QCOMPARE(checked.folder, folder);
}

void TestWheelArchive::recordRoundTrip()
{
    const QByteArray text = "pkg/mod.py," + WheelBuilder::recordHash("print(1)\n") + "\n"
                            "\"pkg/a,b.py\"," + WheelBuilder::recordHash("x") + "\r\n"
                            "\"pkg/q\"\"uote.py\",,\n"
                            "demo-1.0.dist-info/RECORD,,\n";
    const auto rows = WheelRecord::parse(text, QStringLiteral("RECORD"));
    QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : rows.error().message));
    QCOMPARE(rows->size(), 4);
    QCOMPARE(rows->at(0).size, 9);
    QCOMPARE(rows->at(0).digest, QCryptographicHash::hash("print(1)\n", QCryptographicHash::Sha256));
    QCOMPARE(rows->at(1).path, QStringLiteral("pkg/a,b.py"));
    QCOMPARE(rows->at(2).path, QStringLiteral("pkg/q\"uote.py"));
    QVERIFY(!rows->at(3).hasHash());
    QCOMPARE(rows->at(3).size, -1);
    QCOMPARE(WheelRecord::write(*rows), QByteArray(text).replace("\r\n", "\n"));
}

void TestWheelArchive::recordRefusals_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    const QByteArray hash = WheelBuilder::recordHash("x");
    QTest::newRow("two fields") << QByteArray("a.py,sha256=x\n") << "line 1: not three";
    QTest::newRow("four fields") << QByteArray("a.py," + hash + ",7\n") << "line 1: not three";
    QTest::newRow("sha1") << QByteArray("a.py,sha1=AAAAAAAAAAAAAAAAAAAAAAAAAAA,1\n") << "\"sha1\" is not sha256";
    QTest::newRow("short digest") << QByteArray("a.py,sha256=AAAA,1\n") << "not 32 bytes";
    QTest::newRow("standard base64") << QByteArray("a.py,sha256=" + QByteArray(42, '+') + "8,1\n") << "not 32 bytes";
    QTest::newRow("negative size") << QByteArray("a.py," + hash.left(hash.indexOf(',')) + ",-1\n") << "not a number";
    QTest::newRow("size with sign") << QByteArray("a.py," + hash.left(hash.indexOf(',')) + ",+1\n") << "not a number";
    QTest::newRow("unclosed quote") << QByteArray("\"a.py," + hash + "\n") << "not three";
    QTest::newRow("not UTF-8") << QByteArray("\xff.py," + hash + "\n") << "not UTF-8";
}

void TestWheelArchive::recordRefusals()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const auto rows = WheelRecord::parse(text, QStringLiteral("RECORD"));
    QVERIFY(!rows.ok());
    QCOMPARE(rows.error().kind, ErrorKind::Install);
    QVERIFY2(rows.error().message.contains(expected), qPrintable(rows.error().message));
}

void TestWheelArchive::entryPointWrapper()
{
    const auto scripts = EntryPoints::parseScripts("# comment\n[console_scripts]\nrun-it = pkg.cli:Main.run [extra1, extra2]\n"
                                                   "[other]\nnot a = valid line at all\n[gui_scripts]\nwin_tool=pkg.gui:main\n",
                                                   QStringLiteral("entry_points.txt"));
    QVERIFY2(scripts.ok(), qPrintable(scripts.ok() ? QString() : scripts.error().message));
    QCOMPARE(scripts->size(), 2);
    QCOMPARE(scripts->at(0).name, QStringLiteral("run-it"));
    QVERIFY(!scripts->at(0).gui);
    QVERIFY(scripts->at(1).gui);
    QCOMPARE(EntryPoints::wrapper(scripts->at(0), QStringLiteral("/opt/venv/bin/python")),
             QByteArray("#!/opt/venv/bin/python\n"
                        "# -*- coding: utf-8 -*-\n"
                        "import re\n"
                        "import sys\n"
                        "from pkg.cli import Main\n"
                        "if __name__ == '__main__':\n"
                        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
                        "    sys.exit(Main.run())\n"));
}

QTEST_GUILESS_MAIN(TestWheelArchive)
#include "tst_wheel_archive.moc"
