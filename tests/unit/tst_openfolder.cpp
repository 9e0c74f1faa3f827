// OpenFolder reads as AgentFolder does, by the same rules and in the same words: a scan that reads
// through one open descriptor must refuse exactly what a walk from the base refuses.
#include "fs/AgentFolder.h"
#include "fs/OpenFolder.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using oa::AgentFolder;
using oa::OpenFolder;

class TestOpenFolder : public QObject {
    Q_OBJECT
private slots:
    void init();
    void readsAsAgentFolderDoes_data();
    void readsAsAgentFolderDoes();
    void linkedSubfolderIsRefused();
    void plainFileBelow_data();
    void plainFileBelow();
    void entriesAsListGivesThem();
    void readsAFileWholeInOneGo();

private:
    void write(const QString &path, const QByteArray &data);
    QTemporaryDir m_tmp;
    QString m_base;
};

void TestOpenFolder::init()
{
    QVERIFY(m_tmp.isValid());
    m_base = m_tmp.path() + QStringLiteral("/agent");
    QDir(m_base).removeRecursively();
    QVERIFY(QDir().mkpath(m_base + QStringLiteral("/Tasks/t/sub")));
    write(m_base + QStringLiteral("/Tasks/t/ok.json"), "{}");
    write(m_base + QStringLiteral("/Tasks/t/sub/main.py"), "print(1)\n");
    write(m_tmp.path() + QStringLiteral("/outside.json"), "{}");
    QVERIFY(::symlink(qPrintable(m_tmp.path() + QStringLiteral("/outside.json")), qPrintable(m_base + QStringLiteral("/Tasks/t/link.json"))) == 0);
    QVERIFY(::mkfifo(qPrintable(m_base + QStringLiteral("/Tasks/t/fifo.json")), 0644) == 0);
    write(m_base + QStringLiteral("/Tasks/t/big.json"), QByteArray(2048, 'x'));
    write(m_base + QStringLiteral("/Tasks/t/shared.json"), "{}");
    QVERIFY(::chmod(qPrintable(m_base + QStringLiteral("/Tasks/t/shared.json")), 0666) == 0);
    QVERIFY(::symlink("sub", qPrintable(m_base + QStringLiteral("/Tasks/t/linked"))) == 0);
}

void TestOpenFolder::write(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(data), data.size());
}

void TestOpenFolder::readsAsAgentFolderDoes_data()
{
    QTest::addColumn<QString>("name");
    for (const char *name : {"ok.json", "link.json", "fifo.json", "big.json", "shared.json", "missing.json", "sub"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void TestOpenFolder::readsAsAgentFolderDoes()
{
    QFETCH(QString, name);
    const AgentFolder folder(m_base);
    const QString dir = m_base + QStringLiteral("/Tasks/t");
    const auto open = OpenFolder::open(folder, dir);
    QVERIFY(open.ok());
    for (const bool own : {false, true}) {
        const auto byPath = own ? folder.readOwnFile(dir + u'/' + name, 1024) : folder.readFile(dir + u'/' + name, 1024);
        const auto byFd = own ? open->readOwnFile(name, 1024) : open->readFile(name, 1024);
        QCOMPARE(byFd.ok(), byPath.ok());
        if (byPath.ok())
            QCOMPARE(byFd.value(), byPath.value());
        else
            QCOMPARE(byFd.error().message, byPath.error().message);
    }
    QCOMPARE(open->kindOf(name), folder.kindOf(dir + u'/' + name));
}

void TestOpenFolder::linkedSubfolderIsRefused()
{
    const AgentFolder folder(m_base);
    const auto tasks = OpenFolder::open(folder, m_base + QStringLiteral("/Tasks"));
    QVERIFY(tasks.ok());
    const auto task = tasks->folder(QStringLiteral("t"));
    QVERIFY(task.ok());
    QVERIFY(task->folder(QStringLiteral("sub")).ok());
    const auto linked = task->folder(QStringLiteral("linked"));
    QVERIFY(!linked.ok());
    QCOMPARE(linked.error().message, folder.openDir(m_base + QStringLiteral("/Tasks/t/linked")).error().message);
    // A file through a linked folder is refused by path too: the scan's fallback says the same.
    QVERIFY(!folder.readFile(m_base + QStringLiteral("/Tasks/t/linked/main.py"), 1024).ok());
}

void TestOpenFolder::plainFileBelow_data()
{
    QTest::addColumn<QString>("relative");
    QTest::addColumn<bool>("plain");
    QTest::newRow("file") << QStringLiteral("ok.json") << true;
    QTest::newRow("nested") << QStringLiteral("sub/main.py") << true;
    QTest::newRow("double slash") << QStringLiteral("sub//main.py") << true;
    QTest::newRow("through a link") << QStringLiteral("linked/main.py") << false;
    QTest::newRow("a link") << QStringLiteral("link.json") << false;
    QTest::newRow("a FIFO") << QStringLiteral("fifo.json") << false;
    QTest::newRow("a folder") << QStringLiteral("sub") << false;
    QTest::newRow("dot") << QStringLiteral("./ok.json") << false;
    QTest::newRow("dot dot") << QStringLiteral("sub/../ok.json") << false;
    QTest::newRow("trailing slash") << QStringLiteral("ok.json/") << false;
    QTest::newRow("missing") << QStringLiteral("nope.py") << false;
}

void TestOpenFolder::plainFileBelow()
{
    QFETCH(QString, relative);
    QFETCH(bool, plain);
    const QString dir = m_base + QStringLiteral("/Tasks/t");
    const auto found = OpenFolder::plainFileBelow(dir, relative);
    QCOMPARE(found.has_value(), plain);
    if (plain) // what realpath() gives below the folder, spelled from the folder as given
        QCOMPARE(*found, QDir::cleanPath(dir + u'/' + relative));
    // The same from the folder already open (a scan's).
    const auto open = OpenFolder::open(AgentFolder(m_base), dir);
    QVERIFY(open.ok());
    QCOMPARE(OpenFolder::plainFileBelow(open->fd(), dir, relative), found);
}

void TestOpenFolder::entriesAsListGivesThem()
{
    // The kinds from the directory entries themselves are the kinds an lstat gives.
    const AgentFolder folder(m_base);
    const QString dir = m_base + QStringLiteral("/Tasks/t");
    const auto open = OpenFolder::open(folder, dir);
    QVERIFY(open.ok());
    const QList<AgentFolder::Entry> listed = folder.list(dir);
    const QList<AgentFolder::Entry> entries = open->entries();
    QCOMPARE(entries.size(), listed.size());
    QCOMPARE(entries.size(), 7);
    for (qsizetype i = 0; i < entries.size(); ++i) {
        QCOMPARE(entries.at(i).name, listed.at(i).name);
        QCOMPARE(int(entries.at(i).kind), int(listed.at(i).kind));
    }
    QCOMPARE(open->entries().size(), 7); // listed again from the start: the descriptor is not used up
}

void TestOpenFolder::readsAFileWholeInOneGo()
{
    // A read sized by the fstat before it: a file larger than the old 64 KiB buffer is read whole,
    // and the stat handed back is the one of the descriptor that was read.
    const QString dir = m_base + QStringLiteral("/Tasks/t");
    const auto open = OpenFolder::open(AgentFolder(m_base), dir);
    QVERIFY(open.ok());
    QFile grown(dir + QStringLiteral("/ok.json"));
    QVERIFY(grown.open(QIODevice::Append));
    const QByteArray more(100000, ' ');
    QCOMPARE(grown.write(more), more.size());
    grown.close();
    struct stat st;
    const auto data = open->readFile(QStringLiteral("ok.json"), 1 << 20, &st);
    QVERIFY(data.ok());
    QCOMPARE(data->size(), qsizetype(2 + more.size()));
    QCOMPARE(qint64(st.st_size), qint64(data->size()));
}

QTEST_GUILESS_MAIN(TestOpenFolder)
#include "tst_openfolder.moc"
