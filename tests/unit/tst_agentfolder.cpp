#include "fs/AgentPaths.h"
#include "fs/AgentFolder.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

using oa::AgentPaths;
using oa::AgentFolder;

class TestAgentFolder : public QObject {
    Q_OBJECT
private slots:
    void init();
    void removesNestedTree();
    void missingIsFine();
    void symlinkedEntryIsUnlinkedNotFollowed();
    void symlinkInsideIsNotFollowed();
    void refusesOutside_data();
    void refusesOutside();
    void readRefusesWhatIsNotARegularFile_data();
    void readRefusesWhatIsNotARegularFile();
    void readIsBounded();
    void linkedComponentIsRefused();
    void writeReplacesPlantedEntries_data();
    void writeReplacesPlantedEntries();
    void failedAtomicWriteKeepsThePreviousFile();
    void listShowsKindsWithoutFollowing();
    void renameNeverReplaces();
    void renameMovesALinkItself();
    void touchReplacesAPlantedLink();
    void touchFailsWhereNothingCanBeWritten();
    void tryLockIsExclusiveAndDiesWithItsHolder();
    void tryLockReplacesAPlantedFifo();

private:
    void touch(const QString &path);
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_base;
    QString m_outside;
};

void TestAgentFolder::touch(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("x");
}

void TestAgentFolder::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    m_base = m_tmp->path() + QStringLiteral("/agent");
    m_outside = m_tmp->path() + QStringLiteral("/precious");
    QVERIFY(QDir().mkpath(m_base + QStringLiteral("/venvs")));
    touch(m_outside + QStringLiteral("/keep.txt"));
}

void TestAgentFolder::removesNestedTree()
{
    const AgentPaths paths(m_base);
    touch(m_base + QStringLiteral("/venvs/a/lib/python3/site-packages/x.py"));
    touch(m_base + QStringLiteral("/venvs/a/.hidden"));
    QFile ro(m_base + QStringLiteral("/venvs/a/readonly"));
    touch(ro.fileName());
    ro.setPermissions(QFileDevice::ReadOwner);
    QVERIFY(AgentFolder(m_base).removeTree(m_base + QStringLiteral("/venvs/a")));
    QVERIFY(!QFile::exists(m_base + QStringLiteral("/venvs/a")));
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs")));
}

void TestAgentFolder::missingIsFine()
{
    QVERIFY(AgentFolder(m_base).removeTree(m_base + QStringLiteral("/venvs/none")));
}

void TestAgentFolder::symlinkedEntryIsUnlinkedNotFollowed()
{
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/venvs/b")));
    QVERIFY(AgentFolder(m_base).removeTree(m_base + QStringLiteral("/venvs/b")));
    QVERIFY(!QFileInfo(m_base + QStringLiteral("/venvs/b")).isSymLink());
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
}

void TestAgentFolder::symlinkInsideIsNotFollowed()
{
    touch(m_base + QStringLiteral("/venvs/c/file"));
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/venvs/c/escape")));
    QVERIFY(QFile::link(m_outside + QStringLiteral("/keep.txt"), m_base + QStringLiteral("/venvs/c/file-link")));
    QVERIFY(AgentFolder(m_base).removeTree(m_base + QStringLiteral("/venvs/c")));
    QVERIFY(!QFile::exists(m_base + QStringLiteral("/venvs/c")));
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
}

void TestAgentFolder::refusesOutside_data()
{
    QTest::addColumn<QString>("relative"); // to the temporary folder that holds agent/ and precious/
    QTest::newRow("a folder outside") << "precious";
    QTest::newRow("dot-dot out of the base") << "agent/venvs/../../precious";
    QTest::newRow("the base itself") << "agent";
    QTest::newRow("through a symlinked parent") << "agent/Temp/keep.txt";
}

void TestAgentFolder::refusesOutside()
{
    QFETCH(QString, relative);
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/Temp")));
    const QString target = m_tmp->path() + u'/' + relative;
    const oa::Status removed = AgentFolder(m_base).removeTree(target);
    QVERIFY(!removed);
    QVERIFY2(removed.error().message.startsWith(QStringLiteral("refusing")), qPrintable(removed.error().message));
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs")));
}

void TestAgentFolder::readRefusesWhatIsNotARegularFile_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("FIFO") << "FIFO";
    QTest::newRow("symbolic link") << "symbolic link";
    QTest::newRow("folder") << "folder";
    QTest::newRow("device") << "device";
}

void TestAgentFolder::readRefusesWhatIsNotARegularFile()
{
    QFETCH(QString, kind);
    const QString path = m_base + QStringLiteral("/thing");
    const QByteArray native = QFile::encodeName(path);
    if (kind == QLatin1String("FIFO"))
        QVERIFY(::mkfifo(native.constData(), 0644) == 0);
    else if (kind == QLatin1String("symbolic link"))
        QVERIFY(QFile::link(m_outside + QStringLiteral("/keep.txt"), path));
    else if (kind == QLatin1String("folder"))
        QVERIFY(QDir().mkpath(path));
    else
        QVERIFY(QFile::link(QStringLiteral("/dev/zero"), path)); // a link to a device: refused as a link
    QElapsedTimer timer;
    timer.start();
    const auto read = AgentFolder(m_base).readFile(path, 1024);
    QVERIFY(!read);
    QVERIFY2(read.error().message.contains(kind == QLatin1String("device") ? QStringLiteral("symbolic link") : kind),
             qPrintable(read.error().message));
    QVERIFY(timer.elapsed() < 5000); // a FIFO with no writer must not block
    QVERIFY(!AgentFolder::readRegularFile(path, 1024));
}

void TestAgentFolder::readIsBounded()
{
    touch(m_base + QStringLiteral("/small"));
    QCOMPARE(AgentFolder(m_base).readFile(m_base + QStringLiteral("/small"), 1).value(), QByteArray("x"));
    QFile big(m_base + QStringLiteral("/big"));
    QVERIFY(big.open(QIODevice::WriteOnly));
    big.write(QByteArray(4096, 'y'));
    big.close();
    const auto read = AgentFolder(m_base).readFile(big.fileName(), 4095);
    QVERIFY(!read);
    QVERIFY2(read.error().message.contains(QStringLiteral("4096 bytes")), qPrintable(read.error().message));
    const auto missing = AgentFolder(m_base).readFile(m_base + QStringLiteral("/none"), 10);
    QVERIFY(!missing);
    QCOMPARE(missing.error().systemError, ENOENT);
}

void TestAgentFolder::linkedComponentIsRefused()
{
    // A link in any component below the base is refused, for reads, writes, folders and removal.
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/Tasks")));
    const AgentFolder folder(m_base);
    const QString through = m_base + QStringLiteral("/Tasks/keep.txt");
    QVERIFY(!folder.readFile(through, 100));
    QVERIFY(!folder.writeAtomically(through, "changed"));
    QVERIFY(!folder.openForWriting(through, AgentFolder::WriteMode::Truncate));
    QVERIFY(!folder.ensureDir(m_base + QStringLiteral("/Tasks/new")));
    QVERIFY(!folder.removeFile(through));
    QCOMPARE(folder.kindOf(m_base + QStringLiteral("/Tasks")), AgentFolder::Kind::Symlink);
    QFile keep(m_outside + QStringLiteral("/keep.txt"));
    QVERIFY(keep.open(QIODevice::ReadOnly));
    QCOMPARE(keep.readAll(), QByteArray("x"));
    QVERIFY(!QFile::exists(m_outside + QStringLiteral("/new")));
    // The base itself may be a link: it is the administrator's.
    const QString linkedBase = m_tmp->path() + QStringLiteral("/base-link");
    QVERIFY(QFile::link(m_base, linkedBase));
    QVERIFY(AgentFolder(linkedBase).writeAtomically(linkedBase + QStringLiteral("/venvs/f"), "ok"));
}

void TestAgentFolder::writeReplacesPlantedEntries_data()
{
    QTest::addColumn<QString>("planted");
    QTest::addColumn<bool>("atomic");
    for (const bool atomic : {true, false}) {
        const char *how = atomic ? "atomic" : "open";
        QTest::addRow("symbolic link, %s", how) << "symbolic link" << atomic;
        QTest::addRow("FIFO, %s", how) << "FIFO" << atomic;
        QTest::addRow("hard link, %s", how) << "hard link" << atomic;
        QTest::addRow("socket, %s", how) << "socket" << atomic;
    }
}

void TestAgentFolder::writeReplacesPlantedEntries()
{
    QFETCH(QString, planted);
    QFETCH(bool, atomic);
    const QString path = m_base + QStringLiteral("/venvs/target");
    const QByteArray native = QFile::encodeName(path);
    const QString outsideFile = m_outside + QStringLiteral("/keep.txt");
    int socketFd = -1;
    if (planted == QLatin1String("symbolic link")) {
        QVERIFY(QFile::link(outsideFile, path));
    } else if (planted == QLatin1String("FIFO")) {
        QVERIFY(::mkfifo(native.constData(), 0644) == 0);
    } else if (planted == QLatin1String("hard link")) {
        QVERIFY(::link(QFile::encodeName(outsideFile).constData(), native.constData()) == 0);
    } else {
        socketFd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address = {};
        address.sun_family = AF_UNIX;
        QVERIFY(size_t(native.size()) < sizeof address.sun_path);
        std::memcpy(address.sun_path, native.constData(), size_t(native.size()));
        QVERIFY(::bind(socketFd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
    }
    const AgentFolder folder(m_base);
    QString replaced;
    if (atomic) {
        QVERIFY(folder.writeAtomically(path, "new", &replaced));
    } else {
        auto fd = folder.openForWriting(path, AgentFolder::WriteMode::Truncate, &replaced);
        QVERIFY2(fd, fd ? "" : qPrintable(fd.error().message));
        QCOMPARE(::write(fd->get(), "new", 3), ssize_t(3));
    }
    if (socketFd >= 0)
        ::close(socketFd);
    QVERIFY2(replaced.contains(planted), qPrintable(replaced));
    QFile keep(outsideFile);
    QVERIFY(keep.open(QIODevice::ReadOnly));
    QCOMPARE(keep.readAll(), QByteArray("x"));
    QCOMPARE(folder.readFile(path, 100).value(), QByteArray("new"));
    QCOMPARE(folder.kindOf(path), AgentFolder::Kind::Regular);
    QVERIFY(folder.plantedAt(path).isEmpty());
}

void TestAgentFolder::failedAtomicWriteKeepsThePreviousFile()
{
    // A folder where the file should be: the write fails and leaves no temporary behind.
    QVERIFY(QDir().mkpath(m_base + QStringLiteral("/venvs/dir/inner")));
    const AgentFolder folder(m_base);
    QVERIFY(!folder.writeAtomically(m_base + QStringLiteral("/venvs/dir"), "data"));
    QCOMPARE(QDir(m_base + QStringLiteral("/venvs")).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{"dir"});
    // Replacing an existing file: the old content stays until the new one is complete.
    touch(m_base + QStringLiteral("/venvs/file"));
    QVERIFY(folder.writeAtomically(m_base + QStringLiteral("/venvs/file"), "second"));
    QCOMPARE(folder.readFile(m_base + QStringLiteral("/venvs/file"), 100).value(), QByteArray("second"));
}

void TestAgentFolder::listShowsKindsWithoutFollowing()
{
    touch(m_base + QStringLiteral("/Tasks/a/execution.json"));
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/Tasks/b")));
    QVERIFY(::mkfifo(QFile::encodeName(m_base + QStringLiteral("/Tasks/c")).constData(), 0644) == 0);
    const QList<AgentFolder::Entry> entries = AgentFolder(m_base).list(m_base + QStringLiteral("/Tasks"));
    QCOMPARE(entries.size(), 3);
    QCOMPARE(entries.at(0).kind, AgentFolder::Kind::Directory);
    QCOMPARE(entries.at(1).kind, AgentFolder::Kind::Symlink);
    QCOMPARE(entries.at(2).kind, AgentFolder::Kind::Fifo);
}

void TestAgentFolder::renameNeverReplaces()
{
    const AgentFolder folder(m_base);
    touch(m_base + QStringLiteral("/venvs/from/a"));
    touch(m_base + QStringLiteral("/venvs/to/b"));
    QVERIFY(QDir().mkpath(m_base + QStringLiteral("/venvs/empty")));
    for (const char *target : {"to", "empty"}) {
        const oa::Status renamed = folder.rename(m_base + QStringLiteral("/venvs/from"), m_base + QStringLiteral("/venvs/") + QLatin1String(target));
        QVERIFY(!renamed);
        QCOMPARE(renamed.error().systemError, EEXIST);
    }
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs/to/b")));
    QVERIFY(folder.rename(m_base + QStringLiteral("/venvs/from"), m_base + QStringLiteral("/venvs/moved")));
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs/moved/a")));
    QVERIFY(!QFile::exists(m_base + QStringLiteral("/venvs/from")));
}

void TestAgentFolder::renameMovesALinkItself()
{
    const AgentFolder folder(m_base);
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/venvs/link")));
    QVERIFY(folder.rename(m_base + QStringLiteral("/venvs/link"), m_base + QStringLiteral("/venvs/moved")));
    QVERIFY(QFileInfo(m_base + QStringLiteral("/venvs/moved")).isSymLink());
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
    // Through a linked folder, neither end is reached.
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/Temp")));
    QVERIFY(!folder.rename(m_base + QStringLiteral("/Temp/keep.txt"), m_base + QStringLiteral("/venvs/stolen")));
    QVERIFY(!folder.rename(m_base + QStringLiteral("/venvs/moved"), m_base + QStringLiteral("/Temp/planted")));
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
    QVERIFY(!QFile::exists(m_outside + QStringLiteral("/planted")));
}

void TestAgentFolder::touchReplacesAPlantedLink()
{
    const AgentFolder folder(m_base);
    const QString marker = m_base + QStringLiteral("/venvs/marker");
    QVERIFY(QFile::link(m_outside + QStringLiteral("/keep.txt"), marker));
    const QDateTime outsideTime = QFileInfo(m_outside + QStringLiteral("/keep.txt")).lastModified();
    QString replaced;
    QVERIFY(folder.touch(marker, &replaced));
    QVERIFY2(replaced.contains(QStringLiteral("symbolic link")), qPrintable(replaced));
    QVERIFY(!QFileInfo(marker).isSymLink());
    QCOMPARE(QFileInfo(m_outside + QStringLiteral("/keep.txt")).lastModified(), outsideTime);
    // An existing marker gets the current time, and only a regular file has one.
    QFile old(marker);
    QVERIFY(old.open(QIODevice::ReadWrite));
    QVERIFY(old.setFileTime(QDateTime::currentDateTimeUtc().addDays(-3), QFileDevice::FileModificationTime));
    old.close();
    QVERIFY(folder.modificationTime(marker).daysTo(QDateTime::currentDateTimeUtc()) >= 2);
    QVERIFY(folder.touch(marker));
    QVERIFY(qAbs(folder.modificationTime(marker).secsTo(QDateTime::currentDateTimeUtc())) < 60);
    QVERIFY(QFile::link(m_outside + QStringLiteral("/keep.txt"), m_base + QStringLiteral("/venvs/link")));
    QVERIFY(!folder.modificationTime(m_base + QStringLiteral("/venvs/link")).isValid());
    QVERIFY(!folder.modificationTime(m_base + QStringLiteral("/venvs/none")).isValid());
}

void TestAgentFolder::touchFailsWhereNothingCanBeWritten()
{
    const AgentFolder folder(m_base);
    const oa::Status missing = folder.touch(m_base + QStringLiteral("/venvs/none/marker"));
    QVERIFY(!missing);
    QCOMPARE(missing.error().systemError, ENOENT);
    QVERIFY(missing.error().message.contains(m_base + QStringLiteral("/venvs/none/marker")));
    touch(m_base + QStringLiteral("/file"));
    const oa::Status notDir = folder.touch(m_base + QStringLiteral("/file/marker"));
    QVERIFY(!notDir);
    QCOMPARE(notDir.error().systemError, ENOTDIR);
}

void TestAgentFolder::tryLockIsExclusiveAndDiesWithItsHolder()
{
    const AgentFolder folder(m_base);
    const QString lock = m_base + QStringLiteral("/venvs/build.lock");
    auto first = folder.tryLock(lock);
    QVERIFY(first && first->isValid());
    auto second = folder.tryLock(lock); // another open file, as another process would have
    QVERIFY(second);
    QVERIFY(!second->isValid());
    // A child process holding it: its death releases the lock, whatever it leaves on disk.
    first = oa::UniqueFd();
    const pid_t child = ::fork();
    if (child == 0) {
        const auto held = folder.tryLock(lock);
        ::_exit(held && held->isValid() ? 0 : 1);
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QCOMPARE(WEXITSTATUS(status), 0);
    const auto third = folder.tryLock(lock);
    QVERIFY(third && third->isValid());
}

void TestAgentFolder::tryLockReplacesAPlantedFifo()
{
    const AgentFolder folder(m_base);
    const QString lock = m_base + QStringLiteral("/venvs/fifo.lock");
    QCOMPARE(::mkfifo(QFile::encodeName(lock).constData(), 0644), 0);
    QString replaced;
    const auto held = folder.tryLock(lock, &replaced); // opening a FIFO for writing would block
    QVERIFY(held && held->isValid());
    QVERIFY2(replaced.contains(QStringLiteral("FIFO")), qPrintable(replaced));
    QCOMPARE(folder.kindOf(lock), AgentFolder::Kind::Regular);
}

QTEST_GUILESS_MAIN(TestAgentFolder)
#include "tst_agentfolder.moc"
