#include "environment/EnvironmentKey.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using oa::EnvironmentKey;

class TestEnvironmentKey : public QObject {
    Q_OBJECT
private slots:
    void normalize_data();
    void normalize();
    void sameInputsSameKey();
    void eachInputChangesTheKey_data();
    void eachInputChangesTheKey();
    void irrelevantSettingsDoNotChangeIt();
    void nestedRequirementFilesCount();
    void findLinksFolderContentChangesTheKey_data();
    void findLinksFolderContentChangesTheKey();
    void referencedContentIsKeyed();
    void unpinnedUrlsAreNeverShared();
    void referenceSwappedDuringInstall();

private:
    static QProcessEnvironment baseEnv()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), QStringLiteral("/nonexistent-home"));
        env.insert(QStringLiteral("PIP_FIND_LINKS"), QStringLiteral("/srv/wheels"));
        return env;
    }
    static EnvironmentKey key(const QStringList &reqs, const QProcessEnvironment &env = baseEnv(),
                              const QString &interpreter = QStringLiteral("/usr/bin/python3.11"),
                              const QString &version = QStringLiteral("3.11.2"), const QByteArray &txt = {})
    {
        return EnvironmentKey::build(interpreter, version, reqs, txt, env);
    }
};

void TestEnvironmentKey::normalize_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("normalized");
    QTest::newRow("case and spaces") << " Requests >= 2.28 " << "requests>=2.28";
    QTest::newRow("separators") << "Python_Dateutil" << "python-dateutil";
    QTest::newRow("dots") << "zope.interface==5" << "zope-interface==5";
    QTest::newRow("extras and markers") << "pandas[excel] ; python_version >= '3.8'" << "pandas[excel] ; python_version >= \"3.8\"";
    QTest::newRow("url") << "pkg @ file:///srv/pkg.whl" << "pkg @ file:///srv/pkg.whl";
    // A path is kept exactly: "my lib" and "mylib" are two folders, and two keys.
    QTest::newRow("path with a blank") << "/drop/my lib/x-1.0-py3-none-any.whl" << "file:///drop/my%20lib/x-1.0-py3-none-any.whl";
    QTest::newRow("path without") << "/drop/mylib/x-1.0-py3-none-any.whl" << "file:///drop/mylib/x-1.0-py3-none-any.whl";
}

void TestEnvironmentKey::normalize()
{
    QFETCH(QString, input);
    QFETCH(QString, normalized);
    QCOMPARE(EnvironmentKey::normalizeRequirement(input), normalized);
}

void TestEnvironmentKey::sameInputsSameKey()
{
    QCOMPARE(key({"pandas==1.5.3", "requests"}).digest(), key({"pandas==1.5.3", "requests"}).digest());
    // Order, case, whitespace and repeats of requirements do not matter.
    QCOMPARE(key({"requests", "Pandas == 1.5.3"}).digest(), key({"pandas==1.5.3", "requests", "requests"}).digest());
    QCOMPARE(key({"a"}).digest().size(), 32);
}

void TestEnvironmentKey::eachInputChangesTheKey_data()
{
    QTest::addColumn<int>("which");
    QTest::newRow("interpreter path") << 0;
    QTest::newRow("interpreter version") << 1;
    QTest::newRow("a requirement") << 2;
    QTest::newRow("a version specifier") << 3;
    QTest::newRow("requirements.txt content") << 4;
    QTest::newRow("index URL") << 5;
    QTest::newRow("find-links") << 6;
    QTest::newRow("no-index") << 7;
    QTest::newRow("constraints file content") << 8;
    QTest::newRow("pip.conf content") << 9;
}

void TestEnvironmentKey::eachInputChangesTheKey()
{
    QFETCH(int, which);
    QTemporaryDir tmp;
    const QString base = key({"requests"}).digest();
    QProcessEnvironment env = baseEnv();
    QString changed;
    switch (which) {
    case 0: changed = key({"requests"}, env, QStringLiteral("/opt/python/bin/python3.11")).digest(); break;
    case 1: changed = key({"requests"}, env, QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.7")).digest(); break;
    case 2: changed = key({"requests", "six"}).digest(); break;
    case 3: changed = key({"requests<3"}).digest(); break;
    case 4: changed = key({"requests"}, env, QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.2"), "urllib3<2\n").digest(); break;
    case 5:
        env.insert(QStringLiteral("PIP_INDEX_URL"), QStringLiteral("https://pypi.example.corp/simple"));
        changed = key({"requests"}, env).digest();
        break;
    case 6:
        env.insert(QStringLiteral("PIP_FIND_LINKS"), QStringLiteral("/srv/other-wheels"));
        changed = key({"requests"}, env).digest();
        break;
    case 7:
        env.insert(QStringLiteral("PIP_NO_INDEX"), QStringLiteral("1"));
        changed = key({"requests"}, env).digest();
        break;
    case 8: {
        const QString constraints = tmp.filePath(QStringLiteral("c.txt"));
        QFile f(constraints);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("urllib3<2\n");
        f.close();
        env.insert(QStringLiteral("PIP_CONSTRAINT"), constraints);
        const QString first = key({"requests"}, env).digest();
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("urllib3<1.27\n"); // same file, new content
        f.close();
        QVERIFY(key({"requests"}, env).digest() != first);
        changed = first;
        break;
    }
    case 9: {
        const QString conf = tmp.filePath(QStringLiteral("pip.conf"));
        QFile f(conf);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[global]\nindex-url = https://mirror.local/simple\n");
        f.close();
        env.insert(QStringLiteral("PIP_CONFIG_FILE"), conf);
        const QString first = key({"requests"}, env).digest();
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[global]\nindex-url = https://other.local/simple\n");
        f.close();
        QVERIFY(key({"requests"}, env).digest() != first);
        changed = first;
        break;
    }
    }
    QVERIFY(!changed.isEmpty());
    QVERIFY2(changed != base, qPrintable(changed));
}

void TestEnvironmentKey::irrelevantSettingsDoNotChangeIt()
{
    QProcessEnvironment env = baseEnv();
    env.insert(QStringLiteral("PIP_DEFAULT_TIMEOUT"), QStringLiteral("180"));
    env.insert(QStringLiteral("PIP_PROXY"), QStringLiteral("http://proxy:3128"));
    env.insert(QStringLiteral("PATH"), QStringLiteral("/somewhere/else"));
    QCOMPARE(key({"requests"}, env).digest(), key({"requests"}).digest());
}

void TestEnvironmentKey::nestedRequirementFilesCount()
{
    // Two tasks with the same requirements.txt ("-r more.txt") but different more.txt files
    // must not share an entry.
    QTemporaryDir tmp;
    const auto write = [](const QString &path, const QByteArray &data) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(data);
    };
    const QByteArray txt = "-r more.txt\n--constraint=pins.txt\n";
    write(tmp.filePath(QStringLiteral("more.txt")), "oa-bad\n-rdeeper.txt\n");
    write(tmp.filePath(QStringLiteral("pins.txt")), "oa-bad==1.0\n");
    write(tmp.filePath(QStringLiteral("deeper.txt")), "oa-deep\n");
    const QString path = tmp.filePath(QStringLiteral("requirements.txt"));
    const auto digest = [&] { return EnvironmentKey::build(QStringLiteral("/usr/bin/python3"), QStringLiteral("3.11.2"), {}, txt, baseEnv(), path).digest(); };
    const QString first = digest();
    QCOMPARE(digest(), first);
    write(tmp.filePath(QStringLiteral("more.txt")), "oa-good\n-rdeeper.txt\n");
    const QString second = digest();
    QVERIFY(second != first);
    write(tmp.filePath(QStringLiteral("deeper.txt")), "oa-deeper\n"); // two levels down
    QVERIFY(digest() != second);
    write(tmp.filePath(QStringLiteral("pins.txt")), "oa-bad==2.0\n");
    QVERIFY(digest() != second);
}

void TestEnvironmentKey::findLinksFolderContentChangesTheKey_data()
{
    QTest::addColumn<QString>("how"); // how the folder is named to pip
    QTest::newRow("PIP_FIND_LINKS path") << "env";
    QTest::newRow("PIP_FIND_LINKS file URL") << "url";
    QTest::newRow("pip.conf find-links") << "conf";
    QTest::newRow("requirements.txt --find-links") << "txt";
}

void TestEnvironmentKey::findLinksFolderContentChangesTheKey()
{
    QFETCH(QString, how);
    QTemporaryDir tmp;
    const QString wheels = tmp.path() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(wheels));
    const auto write = [](const QString &path, const QByteArray &data) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(data);
    };
    write(wheels + QStringLiteral("/oa_demo-1.0-py3-none-any.whl"), "one");
    QProcessEnvironment env;
    env.insert(QStringLiteral("HOME"), QStringLiteral("/nonexistent-home"));
    QByteArray txt = "oa-demo\n";
    if (how == QLatin1String("env"))
        env.insert(QStringLiteral("PIP_FIND_LINKS"), wheels);
    else if (how == QLatin1String("url"))
        env.insert(QStringLiteral("PIP_FIND_LINKS"), QUrl::fromLocalFile(wheels).toString());
    else if (how == QLatin1String("txt"))
        txt.prepend("--find-links " + wheels.toUtf8() + '\n');
    if (how == QLatin1String("conf")) {
        write(tmp.path() + QStringLiteral("/pip.conf"), "[global]\nno-index = true\nfind-links =\n    " + wheels.toUtf8() + '\n');
        env.insert(QStringLiteral("PIP_CONFIG_FILE"), tmp.path() + QStringLiteral("/pip.conf"));
    }
    const QString before = key({QStringLiteral("oa-demo")}, env, QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.2"), txt).digest();
    QCOMPARE(key({QStringLiteral("oa-demo")}, env, QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.2"), txt).digest(), before);
    // A new wheel in the folder: a new key, so the next run builds and gets the new version.
    write(wheels + QStringLiteral("/oa_demo-1.1-py3-none-any.whl"), "two");
    const QString after = key({QStringLiteral("oa-demo")}, env, QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.2"), txt).digest();
    QVERIFY(after != before);
    QVERIFY(key({}, env, QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.2"), txt).describe().contains(QStringLiteral("find-links folders sha256")));
    // A file replaced by another of the same name and another size: a new key too.
    write(wheels + QStringLiteral("/oa_demo-1.1-py3-none-any.whl"), "two, rebuilt");
    QVERIFY(key({QStringLiteral("oa-demo")}, env, QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.2"), txt).digest() != after);
}

// A local reference counts by content: a file, a project folder, and what a link in the folder
// leads to (a build backend reads through it).
void TestEnvironmentKey::referencedContentIsKeyed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString wheel = dir.filePath("oa_x-1.0-py3-none-any.whl");
    const QString outside = dir.filePath("outside.txt");
    QVERIFY(QDir().mkpath(dir.filePath("proj")));
    const auto write = [](const QString &path, const QByteArray &data) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
    };
    QVERIFY(write(wheel, "first"));
    QVERIFY(write(outside, "payload one"));
    QVERIFY(write(dir.filePath("proj/setup.py"), "print('build')\n"));
    QVERIFY(QFile::link(outside, dir.filePath("proj/payload.txt")));
    const QStringList reqs{wheel, dir.filePath("proj")};
    const QString before = key(reqs).digest();
    QCOMPARE(key(reqs).digest(), before);
    QVERIFY(write(wheel, "second")); // rebuilt in place
    const QString rebuilt = key(reqs).digest();
    QVERIFY(rebuilt != before);
    QVERIFY(write(outside, "payload two")); // what the folder's link leads to
    QVERIFY(key(reqs).digest() != rebuilt);
    QVERIFY(EnvironmentKey::contentDigest(dir.filePath("missing")) == "missing");
}

void TestEnvironmentKey::unpinnedUrlsAreNeverShared()
{
    for (const QString &r : {QStringLiteral("oa @ git+https://git.example/oa.git@main"), QStringLiteral("https://h.example/oa-1.0-py3-none-any.whl")})
        QVERIFY2(key({r}).digest() != key({r}).digest(), qPrintable(r));
    const QString pinned = QStringLiteral("https://h.example/oa-1.0-py3-none-any.whl#sha256=") + QString(64, u'a');
    QCOMPARE(key({pinned}).digest(), key({pinned}).digest());
    const QByteArray hashed = "oa @ https://h.example/oa-1.0-py3-none-any.whl --hash=sha256:" + QByteArray(64, 'b') + "\n";
    QCOMPARE(key({}, baseEnv(), QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.2"), hashed).digest(),
             key({}, baseEnv(), QStringLiteral("/usr/bin/python3.11"), QStringLiteral("3.11.2"), hashed).digest());
}

// A wheel swapped while pip ran: pip's report holds another digest than the key; not cached.
void TestEnvironmentKey::referenceSwappedDuringInstall()
{
    QTemporaryDir dir;
    const QString wheel = dir.filePath("my lib/oa_x-1.0-py3-none-any.whl");
    QVERIFY(QDir().mkpath(dir.filePath("my lib")));
    QFile f(wheel);
    QVERIFY(f.open(QIODevice::WriteOnly) && f.write("keyed") == 5);
    f.close();
    const EnvironmentKey k = key({wheel});
    oa::Provenance provenance;
    oa::InstalledDistribution installed;
    installed.url = QUrl::fromLocalFile(wheel).toString(QUrl::FullyEncoded);
    installed.sha256 = QString::fromLatin1(QCryptographicHash::hash("keyed", QCryptographicHash::Sha256).toHex());
    provenance.installed.append(installed);
    QCOMPARE(EnvironmentKey::referenceChangedDuringInstall(k.references, provenance), QString());
    provenance.installed[0].sha256 = QString(64, u'e');
    const QString why = EnvironmentKey::referenceChangedDuringInstall(k.references, provenance);
    QVERIFY2(why.contains(wheel) && why.contains("changed while pip installed it"), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestEnvironmentKey)
#include "tst_environmentkey.moc"
