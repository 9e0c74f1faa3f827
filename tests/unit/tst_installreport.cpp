// InstallReport: pip's installation report parsed into provenance. The main case is a report
// the real pip writes here (pip install --dry-run --report, offline, from wheels built by the
// test), so that the parser follows pip rather than a sample someone typed; the cases pip does
// not produce on this machine (no hash, a VCS checkout, a project folder, credentials in a URL,
// broken reports) are written out below, in pip's documented format.
#include "TestSupport.h"

#include "fs/AgentFolder.h"
#include "environment/InstallReport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <sys/stat.h>

using namespace oatest;

namespace {

QString sha256Hex(const QString &file)
{
    return QString::fromLatin1(QCryptographicHash::hash(readFile(file), QCryptographicHash::Sha256).toHex());
}

QByteArray report(const QByteArray &downloadInfo, const QByteArray &extra = "\"is_direct\": false, \"requested\": true")
{
    return "{\"version\": \"1\", \"pip_version\": \"23.2.1\", \"install\": [{\"download_info\": " + downloadInfo + ", " + extra
           + ", \"metadata\": {\"name\": \"OA_Demo\", \"version\": \"1.0\"}}]}";
}

} // namespace

class TestInstallReport : public QObject {
    Q_OBJECT
private slots:
    void realPipReport();
    void versions_data();
    void versions();
    void downloadInfo_data();
    void downloadInfo();
    void badReports_data();
    void badReports();
    void missingHashIsComputedOnlyInAllowedFolders();
    void hostileReportFiles();
    void normalizeName_data();
    void normalizeName();
};

void TestInstallReport::realPipReport()
{
    QTemporaryDir dir;
    const QString wheels = QFileInfo(dir.path()).canonicalFilePath() + QStringLiteral("/wheels");
    const QString demo = buildWheel(wheels, QStringLiteral("oa-demo"), QStringLiteral("1.0"), {QStringLiteral("oa-dep")});
    const QString dep = buildWheel(wheels, QStringLiteral("oa-dep"), QStringLiteral("2.0"));
    QVERIFY(!demo.isEmpty() && !dep.isEmpty());
    const QString reportFile = dir.path() + QStringLiteral("/report.json");
    QProcess pip;
    pip.setProcessEnvironment(offlinePipEnvironment(wheels));
    pip.setProcessChannelMode(QProcess::MergedChannels);
    pip.start(python(), {QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("install"), QStringLiteral("--disable-pip-version-check"),
                         QStringLiteral("--no-index"), QStringLiteral("--dry-run"), QStringLiteral("--ignore-installed"),
                         QStringLiteral("--report"), reportFile, QStringLiteral("oa-demo")});
    QVERIFY(pip.waitForFinished(120000));
    QVERIFY2(pip.exitCode() == 0, pip.readAll().constData());

    const auto parsed = oa::InstallReport::parse(readFile(reportFile));
    QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->size(), 2);
    for (const oa::InstalledDistribution &d : parsed.value()) {
        const bool isDemo = d.name == QLatin1String("oa-demo");
        QCOMPARE(d.version, isDemo ? QStringLiteral("1.0") : QStringLiteral("2.0"));
        QCOMPARE(d.file, QFileInfo(isDemo ? demo : dep).fileName());
        QCOMPARE(d.url, QUrl::fromLocalFile(isDemo ? demo : dep).toString());
        QCOMPARE(d.sha256, sha256Hex(isDemo ? demo : dep));
        QCOMPARE(d.source, wheels);
        QCOMPARE(d.requested, isDemo); // oa-dep came in as a dependency
        QVERIFY(!d.direct);
    }
}

void TestInstallReport::versions_data()
{
    QTest::addColumn<QString>("pip");
    QTest::addColumn<bool>("supported");
    QTest::newRow("22.2") << "22.2" << true;
    QTest::newRow("23.0.1") << "23.0.1" << true;
    QTest::newRow("24.2") << "24.2" << true;
    QTest::newRow("22.1.2") << "22.1.2" << false;
    QTest::newRow("18.1") << "18.1" << false;
    QTest::newRow("unknown") << "" << false;
}

void TestInstallReport::versions()
{
    QFETCH(QString, pip);
    QFETCH(bool, supported);
    QCOMPARE(oa::InstallReport::pipSupportsReport(pip), supported);
    const oa::Result<QStringList> arguments = oa::InstallReport::pipArguments(pip, QStringLiteral("/x/report.json"));
    QCOMPARE(arguments.ok(), supported);
    if (supported)
        QCOMPARE(arguments.value(), (QStringList{QStringLiteral("--report"), QStringLiteral("/x/report.json")}));
    const QString why = arguments ? QString() : arguments.error().message;
    if (!pip.isEmpty() && !supported)
        QVERIFY2(why.contains(pip) && why.contains(QLatin1String("22.2")), qPrintable(why));
}

void TestInstallReport::downloadInfo_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("sha256");
    QTest::addColumn<QString>("source");
    const QString hex = QString(64, u'a');
    QTest::newRow("pip 22.2: hash only")
        << report("{\"url\": \"file:///srv/wheels/oa_demo-1.0-py3-none-any.whl\", \"archive_info\": {\"hash\": \"sha256=" + hex.toLatin1() + "\"}}")
        << "oa_demo-1.0-py3-none-any.whl" << "file:///srv/wheels/oa_demo-1.0-py3-none-any.whl" << hex << "/srv/wheels";
    QTest::newRow("another algorithm is no sha256")
        << report("{\"url\": \"file:///srv/wheels/oa_demo-1.0-py3-none-any.whl\", \"archive_info\": {\"hash\": \"md5=00\", \"hashes\": {\"md5\": \"00\"}}}")
        << "oa_demo-1.0-py3-none-any.whl" << "file:///srv/wheels/oa_demo-1.0-py3-none-any.whl" << "" << "/srv/wheels";
    // In QRegularExpression, '$' also matches before a final newline: "<64 hex>\n" is no sha256.
    QTest::newRow("a sha256 that ends in a newline is not believed")
        << report("{\"url\": \"file:///srv/wheels/oa_demo-1.0-py3-none-any.whl\", \"archive_info\": {\"hashes\": {\"sha256\": \"" + hex.toLatin1() + "\\n\"}}}")
        << "oa_demo-1.0-py3-none-any.whl" << "file:///srv/wheels/oa_demo-1.0-py3-none-any.whl" << "" << "/srv/wheels";
    QTest::newRow("pip 22.2: a hash that ends in a newline is not believed")
        << report("{\"url\": \"file:///srv/wheels/oa_demo-1.0-py3-none-any.whl\", \"archive_info\": {\"hash\": \"sha256=" + hex.toLatin1() + "\\n\"}}")
        << "oa_demo-1.0-py3-none-any.whl" << "file:///srv/wheels/oa_demo-1.0-py3-none-any.whl" << "" << "/srv/wheels";
    QTest::newRow("an index: its host, credentials dropped")
        << report("{\"url\": \"https://bot:secret@pypi.example.corp:8443/packages/ab/cd/oa_demo-1.0.tar.gz\", \"archive_info\": {\"hashes\": {\"sha256\": \"" + hex.toUpper().toLatin1() + "\"}}}")
        << "oa_demo-1.0.tar.gz" << "https://pypi.example.corp:8443/packages/ab/cd/oa_demo-1.0.tar.gz" << hex << "https://pypi.example.corp:8443";
    QTest::newRow("a VCS checkout: the URL and commit")
        << report("{\"url\": \"https://git.example.corp/oa-demo.git\", \"vcs_info\": {\"vcs\": \"git\", \"commit_id\": \"0123abc\"}}")
        << "" << "https://git.example.corp/oa-demo.git" << "" << "https://git.example.corp/oa-demo.git@0123abc";
    QTest::newRow("a project folder")
        << report("{\"url\": \"file:///srv/src/oa-demo\", \"dir_info\": {}}") << "" << "file:///srv/src/oa-demo" << "" << "/srv/src/oa-demo";
}

void TestInstallReport::downloadInfo()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, file);
    QFETCH(QString, url);
    QFETCH(QString, sha256);
    QFETCH(QString, source);
    const auto parsed = oa::InstallReport::parse(json);
    QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed->size(), 1);
    const oa::InstalledDistribution &d = parsed->first();
    QCOMPARE(d.name, QStringLiteral("OA_Demo"));
    QCOMPARE(d.file, file);
    QCOMPARE(d.url, url);
    QCOMPARE(d.sha256, sha256);
    QCOMPARE(d.source, source);
    // What entry.json and result.json keep comes back the same.
    QCOMPARE(oa::InstalledDistribution::fromJson(d.toJson()).toJson(), d.toJson());
}

void TestInstallReport::badReports_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("problem");
    QTest::newRow("not JSON") << QByteArray("{\"version\": ") << "not a JSON object";
    QTest::newRow("a later format") << QByteArray("{\"version\": \"2\", \"install\": []}") << "version \"2\"";
    QTest::newRow("no install list") << QByteArray("{\"version\": \"1\"}") << "no \"install\" list";
    QTest::newRow("no name") << QByteArray("{\"version\": \"1\", \"install\": [{\"download_info\": {\"url\": \"file:///a.whl\"}, \"metadata\": {}}]}")
                             << "install[0] has no metadata name";
    QTest::newRow("no url") << report("{}") << "install[0] (OA_Demo) has no download_info url";
}

void TestInstallReport::badReports()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, problem);
    const auto parsed = oa::InstallReport::parse(json);
    QVERIFY(!parsed);
    QVERIFY2(parsed.error().message.contains(problem), qPrintable(parsed.error().message));
}

void TestInstallReport::missingHashIsComputedOnlyInAllowedFolders()
{
    QTemporaryDir dir;
    const QString base = QFileInfo(dir.path()).canonicalFilePath();
    const QString wheel = buildWheel(base + QStringLiteral("/wheels"), QStringLiteral("oa-demo"), QStringLiteral("1.0"));
    QVERIFY(!wheel.isEmpty());
    QVERIFY(QFile::link(wheel, base + QStringLiteral("/wheels/oa_link-1.0-py3-none-any.whl")));
    const auto distribution = [](const QString &file) {
        oa::InstalledDistribution d;
        d.url = QUrl::fromLocalFile(file).toString();
        d.file = QFileInfo(file).fileName();
        return d;
    };
    QList<oa::InstalledDistribution> installed{distribution(wheel), distribution(base + QStringLiteral("/wheels/oa_link-1.0-py3-none-any.whl"))};
    oa::InstallReport::fillMissingHashes(installed, {base + QStringLiteral("/elsewhere")});
    QVERIFY(installed.at(0).sha256.isEmpty()); // not a folder the administrator configured
    oa::InstallReport::fillMissingHashes(installed, {base + QStringLiteral("/wheels")});
    QCOMPARE(installed.at(0).sha256, sha256Hex(wheel));
    QVERIFY(installed.at(1).sha256.isEmpty()); // a link is never followed
}

void TestInstallReport::hostileReportFiles()
{
    QTemporaryDir dir;
    const QString base = QFileInfo(dir.path()).canonicalFilePath();
    const oa::AgentFolder folder(base);
    QVERIFY(QFile::link(QStringLiteral("/etc/passwd"), base + QStringLiteral("/link.json")));
    QCOMPARE(::mkfifo(QFile::encodeName(base + QStringLiteral("/fifo.json")).constData(), 0600), 0);
    for (const QString &name : {QStringLiteral("link.json"), QStringLiteral("fifo.json"), QStringLiteral("missing.json")}) {
        const oa::Provenance p = oa::InstallReport::read(folder, base + u'/' + name, {});
        QVERIFY(p.installed.isEmpty());
        QVERIFY2(p.unavailable.contains(QLatin1String("cannot be read")), qPrintable(p.unavailable));
    }
}

void TestInstallReport::normalizeName_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("lower") << "oa-demo";
    QTest::newRow("case and underscore") << "OA_Demo";
    QTest::newRow("dots and runs") << "oa.-_Demo";
}

void TestInstallReport::normalizeName()
{
    QFETCH(QString, name);
    QCOMPARE(oa::InstallReport::normalizeName(name), QStringLiteral("oa-demo"));
}

QTEST_GUILESS_MAIN(TestInstallReport)
#include "tst_installreport.moc"
