// WheelInstaller: the venv layout a wheel is unpacked into (purelib, platlib, the .data scheme,
// entry-point wrappers, the installer's dist-info files and the rewritten RECORD), modes, several
// wheels at once, and nothing at all written for a refused wheel.
#include "TestSupport.h"
#include "WheelBuilder.h"
#include "WheelShapes.h"

#include "wheel/WheelInstaller.h"
#include "wheel/WheelRecord.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace oa;
using oatest::WheelBuilder;
using oatest::WheelShape;

namespace {

const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kSite = QStringLiteral("lib/python3.11/site-packages");

WheelInstaller installer(bool requested = false, const QString &url = QString(), WheelBounds bounds = {})
{
    WheelInstallOptions options;
    options.python = kPython;
    options.pythonVersion = QStringLiteral("3.11");
    options.requested = requested;
    options.directUrl = url;
    return WheelInstaller(options, bounds);
}

// Every entry below `dir`, relative, with its type and mode: what a refusal must leave as it was.
QStringList listing(const QString &dir)
{
    QStringList entries;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        struct stat st = {};
        ::lstat(QFile::encodeName(path).constData(), &st);
        entries.append(QStringLiteral("%1 %2").arg(QDir(dir).relativeFilePath(path)).arg(st.st_mode, 0, 8));
    }
    entries.sort();
    return entries;
}

mode_t modeOf(const QString &path)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}

QByteArray contentOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<missing>");
}

QString messageOf(const Error &error) { return error.message; }

} // namespace

class TestWheelInstaller : public QObject {
    Q_OBJECT
private slots:
    void init();
    void refusalsWriteNothing_data();
    void refusalsWriteNothing();
    void purelibAndPlatlib();
    void dataScheme();
    void entryPointWrappers();
    void installerFiles();
    void recordRewritten();
    void modesIgnoreUmask();
    void existingTargetRefused();
    void badOptions_data();
    void badOptions();
    void parallelInstall();

private:
    Result<InstalledWheel> install(const WheelBuilder &builder, const WheelInstaller &with = installer());
    QTemporaryDir m_tmp;
    QString m_wheels;
    QString m_stage;
    QString m_target;
};

void TestWheelInstaller::init()
{
    QVERIFY(m_tmp.isValid());
    m_wheels = m_tmp.filePath(QStringLiteral("wheels"));
    m_stage = m_tmp.filePath(QStringLiteral("stage"));
    m_target = m_stage + QStringLiteral("/demo");
    QDir(m_wheels).removeRecursively();
    QDir(m_stage).removeRecursively();
    QVERIFY(QDir().mkpath(m_wheels) && QDir().mkpath(m_stage));
}

Result<InstalledWheel> TestWheelInstaller::install(const WheelBuilder &builder, const WheelInstaller &with)
{
    const QString path = builder.write(m_wheels);
    if (path.isEmpty())
        return fail(ErrorKind::Internal, QStringLiteral("the test could not build the wheel"));
    return with.install(path, m_target);
}

void TestWheelInstaller::refusalsWriteNothing_data()
{
    QTest::addColumn<int>("shape");
    for (qsizetype i = 0; i < oatest::wheelShapes().size(); ++i)
        QTest::newRow(oatest::wheelShapes().at(i).row) << int(i);
}

// Every refused shape, whichever step refuses it; those refused half way through the unpacking
// (a RECORD hash, a lying header) have written files by then, which must all be gone.
void TestWheelInstaller::refusalsWriteNothing()
{
    QFETCH(int, shape);
    const WheelShape &s = oatest::wheelShapes().at(shape);
    WheelBuilder builder;
    WheelBounds bounds;
    s.make(builder, bounds);
    const QString path = builder.write(m_wheels, s.fileName);
    QVERIFY(!path.isEmpty());
    const QStringList before = listing(m_tmp.path());
    const auto installed = installer(true, QStringLiteral("file:///w.whl"), bounds).install(path, m_target);
    QVERIFY(!installed.ok());
    QCOMPARE(installed.error().kind, ErrorKind::Install);
    for (const QString &expected : s.expected)
        QVERIFY2(installed.error().message.contains(expected), qPrintable(QStringLiteral("\"%1\" not in: %2").arg(expected, installed.error().message)));
    QCOMPARE(listing(m_tmp.path()), before);
}

void TestWheelInstaller::purelibAndPlatlib()
{
    WheelBuilder builder;
    builder.wheelFile("Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n")
        .folder("pkg/")
        .folder("empty/")
        .file("pkg/__init__.py", "from ._native import x\n")
        .file("pkg/_native.so", "\x7f" "ELF...", 0100755)
        .file("demo-1.0.data/purelib/pure_mod.py", "PURE = 1\n")
        .file("demo-1.0.data/platlib/plat_mod.py", "PLAT = 1\n", 0);
    const auto installed = install(builder);
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : messageOf(installed.error())));
    const QString site = m_target + u'/' + kSite;
    QCOMPARE(installed->sitePackages, kSite);
    QCOMPARE(installed->target, m_target);
    QCOMPARE(contentOf(site + QStringLiteral("/pkg/__init__.py")), QByteArray("from ._native import x\n"));
    QCOMPARE(contentOf(site + QStringLiteral("/pure_mod.py")), QByteArray("PURE = 1\n"));
    QCOMPARE(contentOf(site + QStringLiteral("/plat_mod.py")), QByteArray("PLAT = 1\n"));
    QCOMPARE(modeOf(site + QStringLiteral("/pkg/_native.so")), mode_t(0755));
    QCOMPARE(modeOf(site + QStringLiteral("/pkg/__init__.py")), mode_t(0644));
    QCOMPARE(modeOf(site + QStringLiteral("/plat_mod.py")), mode_t(0644)); // no mode recorded
    QVERIFY(!QFileInfo::exists(site + QStringLiteral("/empty")));   // as pip: no empty folders
    QVERIFY(!QFileInfo::exists(site + QStringLiteral("/demo-1.0.data")));
    for (const char *name : {"METADATA", "WHEEL", "RECORD", "INSTALLER"})
        QVERIFY2(QFileInfo(site + QStringLiteral("/demo-1.0.dist-info/") + QLatin1String(name)).isFile(), name);
    QVERIFY(!QFileInfo::exists(site + QStringLiteral("/demo-1.0.dist-info/REQUESTED")));
    QVERIFY(!QFileInfo::exists(site + QStringLiteral("/demo-1.0.dist-info/direct_url.json")));
    // Only the prefix's own folders at the top.
    QCOMPARE(QDir(m_target).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList{QStringLiteral("lib")});
    qint64 bytes = 0;
    for (const QString &file : installed->files)
        bytes += QFileInfo(m_target + u'/' + file).size();
    QCOMPARE(installed->bytes, bytes);
}

void TestWheelInstaller::dataScheme()
{
    const QByteArray big = "#!python\n" + QByteArray(100000, '#') + "\nprint('big')\n";
    WheelBuilder builder;
    builder.file("pkg/__init__.py", "")
        .file("demo-1.0.data/scripts/tool", "#!python\nprint('tool')\n")
        .file("demo-1.0.data/scripts/toolw", "#!pythonw -E\r\nimport sys\n")
        .file("demo-1.0.data/scripts/shell", "#!/bin/sh\necho hi\n")
        .file("demo-1.0.data/scripts/oneline", "#!python")
        .file("demo-1.0.data/scripts/big", big)
        .file("demo-1.0.data/scripts/sub/nested", "#!python3\n")
        .file("demo-1.0.data/headers/demo.h", "#define DEMO 1\n")
        .file("demo-1.0.data/data/share/demo/readme.txt", "read me\n");
    const auto installed = install(builder);
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : messageOf(installed.error())));
    const QString bin = m_target + QStringLiteral("/bin/");
    QCOMPARE(contentOf(bin + QStringLiteral("tool")), QByteArray("#!/usr/bin/python3\nprint('tool')\n"));
    QCOMPARE(contentOf(bin + QStringLiteral("toolw")), QByteArray("#!/usr/bin/python3\nimport sys\n"));
    QCOMPARE(contentOf(bin + QStringLiteral("shell")), QByteArray("#!/bin/sh\necho hi\n"));
    QCOMPARE(contentOf(bin + QStringLiteral("oneline")), QByteArray("#!/usr/bin/python3\n"));
    QCOMPARE(contentOf(bin + QStringLiteral("big")), QByteArray(big).replace("#!python\n", "#!/usr/bin/python3\n"));
    QCOMPARE(contentOf(bin + QStringLiteral("sub/nested")), QByteArray("#!/usr/bin/python3\n")); // "#!python" starts it, as pip reads it
    for (const char *script : {"tool", "toolw", "shell", "oneline", "big", "sub/nested"})
        QCOMPARE(modeOf(bin + QLatin1String(script)), mode_t(0755));
    QCOMPARE(modeOf(bin + QStringLiteral("sub")), mode_t(0755));
    QCOMPARE(contentOf(m_target + QStringLiteral("/include/site/python3.11/demo/demo.h")), QByteArray("#define DEMO 1\n"));
    QCOMPARE(contentOf(m_target + QStringLiteral("/share/demo/readme.txt")), QByteArray("read me\n"));
    QCOMPARE(modeOf(m_target + QStringLiteral("/share/demo/readme.txt")), mode_t(0644));
}

void TestWheelInstaller::entryPointWrappers()
{
    WheelBuilder builder;
    builder.file("pkg/__init__.py", "")
        .entryPoints("[console_scripts]\ndemo-cli = pkg.cli:main\n\n[gui_scripts]\ndemo-gui = pkg.gui:App.run [gui]\n\n[demo.plugins]\nx = pkg.x\n");
    const auto installed = install(builder);
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : messageOf(installed.error())));
    const QByteArray tail = "if __name__ == '__main__':\n"
                            "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n";
    QCOMPARE(contentOf(m_target + QStringLiteral("/bin/demo-cli")),
             "#!/usr/bin/python3\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom pkg.cli import main\n" + tail + "    sys.exit(main())\n");
    QCOMPARE(contentOf(m_target + QStringLiteral("/bin/demo-gui")),
             "#!/usr/bin/python3\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom pkg.gui import App\n" + tail + "    sys.exit(App.run())\n");
    QCOMPARE(modeOf(m_target + QStringLiteral("/bin/demo-cli")), mode_t(0755));
    QCOMPARE(QDir(m_target + QStringLiteral("/bin")).entryList(QDir::Files), (QStringList{QStringLiteral("demo-cli"), QStringLiteral("demo-gui")}));
    // entry_points.txt itself stays in the dist-info folder, for importlib.metadata.
    QVERIFY(QFileInfo(m_target + u'/' + kSite + QStringLiteral("/demo-1.0.dist-info/entry_points.txt")).isFile());
}

void TestWheelInstaller::installerFiles()
{
    const QString wheel = WheelBuilder().file("pkg/__init__.py", "").write(m_wheels);
    QVERIFY(!wheel.isEmpty());
    const QString url = QStringLiteral("https://files.example.org/packages/demo-1.0-py3-none-any.whl");
    const auto installed = installer(true, url).install(wheel, m_target);
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : messageOf(installed.error())));
    const QString distInfo = m_target + u'/' + kSite + QStringLiteral("/demo-1.0.dist-info/");
    QCOMPARE(contentOf(distInfo + QStringLiteral("INSTALLER")), QByteArray("openautomate\n"));
    QCOMPARE(contentOf(distInfo + QStringLiteral("REQUESTED")), QByteArray());
    const QByteArray sha256 = QCryptographicHash::hash(contentOf(wheel), QCryptographicHash::Sha256).toHex();
    const QJsonObject directUrl = QJsonDocument::fromJson(contentOf(distInfo + QStringLiteral("direct_url.json"))).object();
    QCOMPARE(directUrl.value(QStringLiteral("url")).toString(), url);
    const QJsonObject archiveInfo = directUrl.value(QStringLiteral("archive_info")).toObject();
    QCOMPARE(archiveInfo.value(QStringLiteral("hash")).toString(), QStringLiteral("sha256=") + QString::fromLatin1(sha256));
    QCOMPARE(archiveInfo.value(QStringLiteral("hashes")).toObject().value(QStringLiteral("sha256")).toString(), QString::fromLatin1(sha256));
    for (const char *name : {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"})
        QCOMPARE(modeOf(distInfo + QLatin1String(name)), mode_t(0644));
}

// The new RECORD lists exactly the files on disk, each with the hash and size it has there,
// paths relative to site-packages; the wheel's own RECORD signature is not installed.
void TestWheelInstaller::recordRewritten()
{
    WheelBuilder builder;
    builder.file("pkg/__init__.py", "")
        .file("pkg/a,b.py", "comma = 1\n")
        .file("demo-1.0.data/scripts/tool", "#!python\nprint(1)\n")
        .file("demo-1.0.data/headers/demo.h", "\n")
        .file("demo-1.0.data/data/share/demo.txt", "d\n")
        .unlisted("demo-1.0.dist-info/RECORD.jws", "{}")
        .entryPoints("[console_scripts]\ndemo = pkg:main\n");
    const auto installed = installer(true, QStringLiteral("file:///tmp/demo.whl")).install(builder.write(m_wheels), m_target);
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : messageOf(installed.error())));
    const QString site = m_target + u'/' + kSite;
    const auto rows = WheelRecord::parse(contentOf(site + QStringLiteral("/demo-1.0.dist-info/RECORD")), QStringLiteral("RECORD"));
    QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : messageOf(rows.error())));
    QStringList listed;
    for (const RecordRow &row : *rows) {
        const QString path = QDir::cleanPath(site + u'/' + row.path);
        QVERIFY2(path.startsWith(m_target + u'/'), qPrintable(row.path));
        listed.append(QDir(m_target).relativeFilePath(path));
        if (row.path == QStringLiteral("demo-1.0.dist-info/RECORD")) {
            QVERIFY(!row.hasHash());
            QCOMPARE(row.size, -1);
            continue;
        }
        const QByteArray content = contentOf(path);
        QCOMPARE(row.size, content.size());
        QCOMPARE(row.digest, QCryptographicHash::hash(content, QCryptographicHash::Sha256));
    }
    QVERIFY(listed.contains(QStringLiteral("bin/tool")));
    QVERIFY(listed.contains(QStringLiteral("bin/demo")));
    QVERIFY(listed.contains(kSite + QStringLiteral("/pkg/a,b.py")));
    QVERIFY(contentOf(site + QStringLiteral("/demo-1.0.dist-info/RECORD")).contains("../../../bin/tool,sha256="));
    QStringList onDisk;
    QDirIterator it(m_target, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        onDisk.append(QDir(m_target).relativeFilePath(it.next()));
    onDisk.sort();
    QStringList sortedListed = listed;
    sortedListed.sort();
    QCOMPARE(sortedListed, onDisk);
    QCOMPARE(installed->files, onDisk);
    QVERIFY(!onDisk.contains(kSite + QStringLiteral("/demo-1.0.dist-info/RECORD.jws")));
}

void TestWheelInstaller::modesIgnoreUmask()
{
    const mode_t old = ::umask(077);
    const auto installed = install(WheelBuilder().file("pkg/sub/mod.py", "x\n").file("pkg/run", "x\n", 0100700));
    ::umask(old);
    QVERIFY2(installed.ok(), qPrintable(installed.ok() ? QString() : messageOf(installed.error())));
    QCOMPARE(modeOf(m_target), mode_t(0755));
    QCOMPARE(modeOf(m_target + QStringLiteral("/lib")), mode_t(0755));
    QCOMPARE(modeOf(m_target + u'/' + kSite + QStringLiteral("/pkg/sub")), mode_t(0755));
    QCOMPARE(modeOf(m_target + u'/' + kSite + QStringLiteral("/pkg/sub/mod.py")), mode_t(0644));
    QCOMPARE(modeOf(m_target + u'/' + kSite + QStringLiteral("/pkg/run")), mode_t(0755));
}

void TestWheelInstaller::existingTargetRefused()
{
    const QString wheel = WheelBuilder().file("pkg/__init__.py", "").write(m_wheels);
    QVERIFY(QDir().mkpath(m_target));
    QVERIFY(oatest::writeFileBytes(m_target + QStringLiteral("/keep"), "mine"));
    const QStringList before = listing(m_tmp.path());
    const auto installed = installer().install(wheel, m_target);
    QVERIFY(!installed.ok());
    QCOMPARE(installed.error().systemError, EEXIST);
    QCOMPARE(listing(m_tmp.path()), before);
    // A link in the target's place is never followed into.
    QVERIFY(QDir(m_target).removeRecursively());
    const QString elsewhere = m_tmp.filePath(QStringLiteral("elsewhere"));
    QVERIFY(QDir().mkpath(elsewhere));
    QVERIFY(QFile::link(elsewhere, m_target));
    QVERIFY(!installer().install(wheel, m_target).ok());
    QVERIFY(QDir(elsewhere).isEmpty());
}

void TestWheelInstaller::badOptions_data()
{
    QTest::addColumn<QString>("python");
    QTest::addColumn<QString>("version");
    QTest::addColumn<QString>("url");
    QTest::newRow("relative interpreter") << "python3" << "3.11" << "";
    QTest::newRow("interpreter with a space") << "/opt/my python/bin/python" << "3.11" << "";
    QTest::newRow("interpreter with a line break") << "/usr/bin/python3\nimport os" << "3.11" << "";
    QTest::newRow("interpreter ending in a line break") << "/usr/bin/python3\n" << "3.11" << "";
    QTest::newRow("version ending in a line break") << kPython << "3.11\n" << "";
    QTest::newRow("interpreter too long") << (u'/' + QString(300, u'p')) << "3.11" << "";
    QTest::newRow("version with a patch") << kPython << "3.11.2" << "";
    QTest::newRow("version as a path") << kPython << "3.11/../.." << "";
    QTest::newRow("url with a control character") << kPython << "3.11" << "file:///x\n.whl";
}

void TestWheelInstaller::badOptions()
{
    QFETCH(QString, python);
    QFETCH(QString, version);
    QFETCH(QString, url);
    const QString wheel = WheelBuilder().file("pkg/__init__.py", "").write(m_wheels);
    const QStringList before = listing(m_tmp.path());
    WheelInstallOptions options;
    options.python = python;
    options.pythonVersion = version;
    options.directUrl = url;
    const auto installed = WheelInstaller(options).install(wheel, m_target);
    QVERIFY(!installed.ok());
    QCOMPARE(installed.error().kind, ErrorKind::BadArgument);
    QCOMPARE(listing(m_tmp.path()), before);
}

// Eight wheels and a bad one, four at a time: each lands in its own target, the bad one alone fails.
void TestWheelInstaller::parallelInstall()
{
    QList<WheelInstallJob> jobs;
    QList<QByteArray> payloads;
    for (int i = 0; i < 8; ++i) {
        QByteArray payload(1 << 20, Qt::Uninitialized);
        QRandomGenerator(quint32(i + 1)).fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / 4);
        payloads.append(payload);
        const QString name = QStringLiteral("dist%1").arg(i);
        const QString wheel = WheelBuilder(name, QStringLiteral("1.%1").arg(i))
                                  .file(name.toUtf8() + "/__init__.py", "N = " + QByteArray::number(i) + "\n")
                                  .file(name.toUtf8() + "/blob.bin", payload)
                                  .entryPoints("[console_scripts]\n" + name.toUtf8() + " = " + name.toUtf8() + ":main\n")
                                  .write(m_wheels);
        QVERIFY(!wheel.isEmpty());
        jobs.append({wheel, m_stage + u'/' + name});
    }
    const QString bad = WheelBuilder(QStringLiteral("bad"))
                            .file("bad/__init__.py", "")
                            .file("bad/mod.py", "print(1)\n")
                            .recordRow("bad/mod.py", "bad/mod.py," + WheelBuilder::recordHash("print(2)\n"))
                            .write(m_wheels);
    jobs.insert(3, {bad, m_stage + QStringLiteral("/bad")});

    const auto results = installer().installAll(jobs, 4);
    QCOMPARE(results.size(), jobs.size());
    for (qsizetype j = 0, i = 0; j < jobs.size(); ++j) {
        if (j == 3) {
            QVERIFY(!results.at(j).ok());
            QVERIFY2(results.at(j).error().message.contains(QStringLiteral("bad/mod.py does not match its sha256 in RECORD")),
                     qPrintable(results.at(j).error().message));
            QVERIFY(!QFileInfo::exists(m_stage + QStringLiteral("/bad")));
            continue;
        }
        const auto &result = results.at(j);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : messageOf(result.error())));
        const QString name = QStringLiteral("dist%1").arg(i);
        QCOMPARE(result->name, name);
        QCOMPARE(result->target, jobs.at(j).target);
        const QString site = jobs.at(j).target + u'/' + kSite + u'/' + name;
        QCOMPARE(contentOf(site + QStringLiteral("/__init__.py")), "N = " + QByteArray::number(i) + "\n");
        QCOMPARE(contentOf(site + QStringLiteral("/blob.bin")), payloads.at(i));
        QVERIFY(QFileInfo(jobs.at(j).target + QStringLiteral("/bin/") + name).isFile());
        ++i;
    }
}

QTEST_GUILESS_MAIN(TestWheelInstaller)
#include "tst_wheel_installer.moc"
