#include "AgentPaths.h"
#include "AgentFolder.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

#include <sys/stat.h>
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
    QVERIFY2(removed.failure().message.startsWith(QStringLiteral("refusing")), qPrintable(removed.failure().message));
    QVERIFY(QFile::exists(m_outside + QStringLiteral("/keep.txt")));
    QVERIFY(QFile::exists(m_base + QStringLiteral("/venvs")));
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
        QCOMPARE(renamed.failure().systemError, EEXIST);
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
    QCOMPARE(missing.failure().systemError, ENOENT);
    QVERIFY(missing.failure().message.contains(m_base + QStringLiteral("/venvs/none/marker")));
    touch(m_base + QStringLiteral("/file"));
    const oa::Status notDir = folder.touch(m_base + QStringLiteral("/file/marker"));
    QVERIFY(!notDir);
    QCOMPARE(notDir.failure().systemError, ENOTDIR);
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
