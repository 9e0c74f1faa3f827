// ResolvedSet (issue 22): which of pip's resolutions the store takes (wheels, and sdists it has
// pip build into wheels), and why it leaves the others to pip's install. Pure: reports as pip writes them, parsed by InstallReport.
#include "environment/InstallReport.h"
#include "environment/ResolvedSet.h"
#include "environment/SdistWheelBuild.h"

#include <QTest>

using namespace oa;

namespace {

const QString kSha = QString(64, u'a');

InstalledDistribution dist(const QString &name, const QString &version, const QString &url, const QString &sha256 = kSha,
                           bool direct = false)
{
    InstalledDistribution d;
    d.name = name;
    d.version = version;
    d.url = url;
    d.sha256 = sha256;
    d.direct = direct;
    d.file = url.section(u'/', -1);
    return d;
}

} // namespace

class TestResolvedSet : public QObject {
    Q_OBJECT
private slots:
    void wheelsAreTaken();
    void sdistsAreTakenToBuild();
    void refused_data();
    void refused();
    void downloadRequirements();
    void realReportParses();
};

void TestResolvedSet::wheelsAreTaken()
{
    Provenance report;
    report.installed = {dist(QStringLiteral("oa-app"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/oa_app-1.0-py3-none-any.whl")),
                        dist(QStringLiteral("Oa.Dep"), QStringLiteral("2.0"), QStringLiteral("https://files.example/p/oa_dep-2.0-py3-none-any.whl"))};
    const ResolvedSet set = ResolvedSet::fromReport(report, {QStringLiteral("/srv/wheels/")});
    QVERIFY2(set.notStorable.isEmpty(), qPrintable(set.notStorable));
    QCOMPARE(set.wheels.size(), 2);
    QCOMPARE(set.wheels.at(0).path, QStringLiteral("/srv/wheels/oa_app-1.0-py3-none-any.whl"));
    QVERIFY(set.wheels.at(1).path.isEmpty()); // to be downloaded
    QCOMPARE(set.wheels.at(1).url, QStringLiteral("https://files.example/p/oa_dep-2.0-py3-none-any.whl"));
    QVERIFY(set.needsDownload());
    QCOMPARE(set.provenance.size(), 2);
    QCOMPARE(ResolvedSet::downloadedName(set.wheels.at(1)), QStringLiteral("oa_dep-2.0-py3-none-any.whl"));
}

void TestResolvedSet::sdistsAreTakenToBuild()
{
    // A local sdist in a wheel folder and an index's with its sha256: to be built, then stored;
    // the wheels beside them are taken as before.
    Provenance report;
    report.installed = {dist(QStringLiteral("oa-app"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/oa_app-1.0-py3-none-any.whl")),
                        dist(QStringLiteral("oa-src"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/oa-src-1.0.tar.gz")),
                        dist(QStringLiteral("oa-zip"), QStringLiteral("2.0"), QStringLiteral("https://files.example/p/oa_zip-2.0.zip"))};
    const ResolvedSet set = ResolvedSet::fromReport(report, {QStringLiteral("/srv/wheels")});
    QVERIFY2(set.notStorable.isEmpty(), qPrintable(set.notStorable));
    QCOMPARE(set.wheels.size(), 1);
    QCOMPARE(set.sdists.size(), 2);
    QCOMPARE(set.sdists.at(0).path, QStringLiteral("/srv/wheels/oa-src-1.0.tar.gz"));
    QCOMPARE(set.sdists.at(0).sha256, kSha);
    QCOMPARE(set.sdists.at(0).file, QStringLiteral("oa-src-1.0.tar.gz"));
    QVERIFY(set.sdists.at(1).path.isEmpty()); // pip fetches it from the index, checking its hash
    QCOMPARE(set.sdists.at(1).url, QStringLiteral("https://files.example/p/oa_zip-2.0.zip"));
    QVERIFY(!set.needsDownload()); // pip download takes wheels only; pip wheel fetches the sdist
    QCOMPARE(set.provenance.size(), 3);
    QCOMPARE(SdistWheelBuild::builtFromUrl(set.sdists.at(0)), QStringLiteral("file:///srv/wheels/oa-src-1.0.tar.gz#sha256=") + kSha);
}

void TestResolvedSet::refused_data()
{
    QTest::addColumn<InstalledDistribution>("d");
    QTest::addColumn<QString>("reason");
    QTest::newRow("another archive") << dist(QStringLiteral("oa-src"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/oa-src-1.0.tar.bz2"))
                                     << QStringLiteral("neither a wheel nor a source distribution the store builds");
    QTest::newRow("egg") << dist(QStringLiteral("oa-src"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/oa_src-1.0-py3.11.egg"))
                         << QStringLiteral("neither a wheel nor a source distribution the store builds");
    QTest::newRow("sdist outside the wheel folders")
        << dist(QStringLiteral("oa-src"), QStringLiteral("1.0"), QStringLiteral("file:///home/task/oa-src-1.0.tar.gz"))
        << QStringLiteral("which is in no configured wheel folder");
    QTest::newRow("index sdist without sha256")
        << dist(QStringLiteral("oa-src"), QStringLiteral("1.0"), QStringLiteral("https://index.example/oa-src-1.0.tar.gz"), QString())
        << QStringLiteral("gives no sha256");
    QTest::newRow("direct reference")
        << dist(QStringLiteral("oa-app"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/oa_app-1.0-py3-none-any.whl"), kSha, true)
        << QStringLiteral("is a direct reference");
    InstalledDistribution folder = dist(QStringLiteral("oa-dir"), QStringLiteral("1.0"), QStringLiteral("file:///srv/project"));
    folder.file.clear();
    QTest::newRow("project folder") << folder << QStringLiteral("is a project folder or a checkout");
    QTest::newRow("outside the wheel folders")
        << dist(QStringLiteral("oa-app"), QStringLiteral("1.0"), QStringLiteral("file:///home/task/oa_app-1.0-py3-none-any.whl"))
        << QStringLiteral("which is in no configured wheel folder");
    QTest::newRow("below a wheel folder")
        << dist(QStringLiteral("oa-app"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/sub/oa_app-1.0-py3-none-any.whl"))
        << QStringLiteral("which is in no configured wheel folder");
    QTest::newRow("index file without sha256")
        << dist(QStringLiteral("oa-app"), QStringLiteral("1.0"), QStringLiteral("https://index.example/oa_app-1.0-py3-none-any.whl"), QString())
        << QStringLiteral("gives no sha256");
    QTest::newRow("another scheme") << dist(QStringLiteral("oa-app"), QStringLiteral("1.0"), QStringLiteral("ftp://index.example/oa_app-1.0-py3-none-any.whl"))
                                    << QStringLiteral("which the store does not download");
    QTest::newRow("wheel of another version")
        << dist(QStringLiteral("oa-app"), QStringLiteral("1.1"), QStringLiteral("file:///srv/wheels/oa_app-1.0-py3-none-any.whl"))
        << QStringLiteral("of another name or version");
}

void TestResolvedSet::refused()
{
    QFETCH(InstalledDistribution, d);
    QFETCH(QString, reason);
    Provenance report;
    report.installed = {dist(QStringLiteral("oa-ok"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/oa_ok-1.0-py3-none-any.whl")), d};
    const ResolvedSet set = ResolvedSet::fromReport(report, {QStringLiteral("/srv/wheels")});
    QVERIFY2(set.notStorable.contains(reason), qPrintable(set.notStorable));
    QVERIFY(set.wheels.isEmpty()); // the whole set is pip's
}

void TestResolvedSet::downloadRequirements()
{
    Provenance report;
    report.installed = {dist(QStringLiteral("oa-app"), QStringLiteral("1.0"), QStringLiteral("file:///srv/wheels/oa_app-1.0-py3-none-any.whl")),
                        dist(QStringLiteral("Oa.Dep"), QStringLiteral("2.0"), QStringLiteral("https://files.example/oa_dep-2.0-py3-none-any.whl"))};
    const ResolvedSet set = ResolvedSet::fromReport(report, {QStringLiteral("/srv/wheels")});
    QCOMPARE(set.downloadRequirements(), QByteArray("oa-dep==2.0 --hash=sha256:") + kSha.toLatin1() + '\n');
    // A report that is not believed, or one with nothing in it, leaves the set to pip.
    report.unavailable = QStringLiteral("outlived");
    QVERIFY(ResolvedSet::fromReport(report, {QStringLiteral("/srv/wheels")}).notStorable.contains(QStringLiteral("not believed")));
    QVERIFY(!ResolvedSet::fromReport(Provenance{}, {}).notStorable.isEmpty());
}

void TestResolvedSet::realReportParses()
{
    // pip 23.0's form: only "hash" in archive_info.
    const QByteArray json = R"({"version": "1", "install": [{"metadata": {"name": "six", "version": "1.16.0"}, "requested": true,
        "download_info": {"url": "file:///srv/wheels/six-1.16.0-py3-none-any.whl",
        "archive_info": {"hash": "sha256=e78920e339a29ddf837420ccac5312b797b2a4e6154fcbc62f2635ca0af1e74a"}}}]})";
    const auto parsed = InstallReport::parse(json);
    QVERIFY(parsed);
    const ResolvedSet set = ResolvedSet::fromReport(Provenance{*parsed, {}}, {QStringLiteral("/srv/wheels")});
    QVERIFY2(set.notStorable.isEmpty(), qPrintable(set.notStorable));
    QCOMPARE(set.wheels.first().sha256, QStringLiteral("e78920e339a29ddf837420ccac5312b797b2a4e6154fcbc62f2635ca0af1e74a"));
    QCOMPARE(set.wheels.first().path, QStringLiteral("/srv/wheels/six-1.16.0-py3-none-any.whl"));
}

QTEST_GUILESS_MAIN(TestResolvedSet)
#include "tst_resolved_set.moc"
