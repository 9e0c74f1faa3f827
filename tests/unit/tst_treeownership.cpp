// TreeOwnership, and the gatekeeper's rule that a file the executor writes is its own: real
// chown to another uid (nobody's, 65534), so these need root, which CI has.
#include "fs/AgentFolder.h"
#include "TestSupport.h"
#include "fs/TreeOwnership.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

using namespace oa;

namespace {

constexpr uid_t kOther = 65534;

struct stat statOf(const QString &path)
{
    struct stat st = {};
    ::lstat(QFile::encodeName(path).constData(), &st);
    return st;
}

void write(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(data);
}

// A chain of `levels` folders `name` below `top`, made with openat (too long for one path);
// the bottom one gets `mode` and the owner kOther. Returns false when it could not be made.
bool makeChain(const QString &top, const char *name, int levels, mode_t mode)
{
    int fd = ::open(QFile::encodeName(top).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < levels && fd >= 0; ++i) {
        if (::mkdirat(fd, name, 0755) != 0)
            return false;
        const int next = ::openat(fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ::close(fd);
        fd = next;
    }
    const bool made = fd >= 0 && ::fchmod(fd, mode) == 0 && ::fchown(fd, kOther, kOther) == 0;
    ::close(fd);
    return made;
}

struct stat bottomOf(const QString &top, const char *name, int levels)
{
    struct stat st = {};
    int fd = ::open(QFile::encodeName(top).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (int i = 0; i < levels && fd >= 0; ++i) {
        const int next = ::openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        ::close(fd);
        fd = next;
    }
    if (fd >= 0)
        ::fstat(fd, &st);
    ::close(fd);
    return st;
}

} // namespace

class TestTreeOwnership : public QObject {
    Q_OBJECT
private slots:
    void init();
    void giveHandsOverFilesAndFoldersOnly();
    void shareFolderIsStickyAndGroupWritable();
    void copyAsOwnTakesOverAndCleansModes();
    void copyAsOwnRefusesSpecialFiles_data();
    void copyAsOwnRefusesSpecialFiles();
    void copyAsOwnKeepsHoles();
    void copyAsOwnIsBounded();
    void copyAsOwnDeepTreeWithFewDescriptors();
    void reclaimTakesBackFifosSocketsAndLinks();
    void writeReplacesAFileOfAnotherUser_data();
    void writeReplacesAFileOfAnotherUser();
    void reclaimRestoresTheFolderAndRemovesHardLinks();
    void deepTreesWithFewDescriptors();
    void quarantineMovesAsideAndRemoves();

private:
    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_base;
};

void TestTreeOwnership::init()
{
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL(QStringLiteral("changing a file's owner to another user needs root"));
    m_tmp = std::make_unique<QTemporaryDir>();
    m_base = m_tmp->path() + QStringLiteral("/agent");
    QDir().mkpath(m_base);
}

void TestTreeOwnership::giveHandsOverFilesAndFoldersOnly()
{
    const QString task = m_base + QStringLiteral("/Tasks/t");
    write(task + QStringLiteral("/main.py"), "print(1)\n");
    write(task + QStringLiteral("/data/in.csv"), "a,b\n");
    write(task + QStringLiteral("/executor.log"), "mine\n");
    const QString outside = m_tmp->path() + QStringLiteral("/outside");
    write(outside, "secret");
    QVERIFY(QFile::link(outside, task + QStringLiteral("/link")));
    QVERIFY(::link(QFile::encodeName(outside).constData(), QFile::encodeName(task + QStringLiteral("/hardlink")).constData()) == 0);
    QVERIFY(::mkfifo(QFile::encodeName(task + QStringLiteral("/fifo")).constData(), 0644) == 0);

    QVERIFY(TreeOwnership::give(AgentFolder(m_base), task, kOther, kOther, {QStringLiteral("executor.log")}));
    for (const char *given : {"", "/main.py", "/data", "/data/in.csv"})
        QCOMPARE(statOf(task + QLatin1String(given)).st_uid, kOther);
    // Kept, and never reached through a link or a second name.
    for (const char *kept : {"/executor.log", "/link", "/hardlink", "/fifo"})
        QCOMPARE(statOf(task + QLatin1String(kept)).st_uid, uid_t(0));
    QCOMPARE(statOf(outside).st_uid, uid_t(0));
}

void TestTreeOwnership::shareFolderIsStickyAndGroupWritable()
{
    const QString task = m_base + QStringLiteral("/Tasks/t");
    QDir().mkpath(task);
    QVERIFY(TreeOwnership::shareFolder(AgentFolder(m_base), task, kOther));
    const struct stat st = statOf(task);
    QCOMPARE(st.st_uid, uid_t(0));
    QCOMPARE(st.st_gid, gid_t(kOther));
    QCOMPARE(st.st_mode & 07777, mode_t(S_ISVTX | 0770));
}

void TestTreeOwnership::copyAsOwnTakesOverAndCleansModes()
{
    const QString staged = m_base + QStringLiteral("/EnvCache/staging/x/build");
    write(staged + QStringLiteral("/pkg/__init__.py"), "X = 1\n");
    write(staged + QStringLiteral("/pkg/tool"), "#!/bin/sh\n");
    ::chmod(QFile::encodeName(staged + QStringLiteral("/pkg/tool")).constData(), 06777);
    QVERIFY(TreeOwnership::give(AgentFolder(m_base), staged, kOther, kOther));

    const QString site = m_base + QStringLiteral("/EnvCache/staging/x/site-packages");
    const Status copied = TreeOwnership::copyAsOwn(AgentFolder(m_base), staged, site);
    QVERIFY2(copied, copied ? "" : qPrintable(copied.error().message));
    QCOMPARE(statOf(site + QStringLiteral("/pkg/__init__.py")).st_uid, uid_t(0));
    QCOMPARE(statOf(site + QStringLiteral("/pkg")).st_uid, uid_t(0));
    // New files, not the user's inodes: a descriptor it kept on them reaches nothing here.
    QVERIFY(statOf(site + QStringLiteral("/pkg/__init__.py")).st_ino != statOf(staged + QStringLiteral("/pkg/__init__.py")).st_ino);
    QCOMPARE(statOf(site + QStringLiteral("/pkg/tool")).st_mode & 07777, mode_t(0755));
    QFile copy(site + QStringLiteral("/pkg/__init__.py"));
    QVERIFY(copy.open(QIODevice::ReadOnly));
    QCOMPARE(copy.readAll(), QByteArray("X = 1\n"));
}

void TestTreeOwnership::copyAsOwnRefusesSpecialFiles_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("FIFO") << "fifo" << "pkg/planted, which is a FIFO";
    // Build code planted links for the root steps after the copy to write through (a
    // __pycache__ towards /etc, say): pip never installs a link, so none is copied.
    QTest::newRow("link to a folder outside") << "dirlink" << "pkg/planted, which is a symbolic link";
    QTest::newRow("link to a file inside") << "filelink" << "pkg/planted, which is a symbolic link";
}

void TestTreeOwnership::copyAsOwnRefusesSpecialFiles()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    const QString staged = m_base + QStringLiteral("/staging/build");
    write(staged + QStringLiteral("/pkg/__init__.py"), "X = 1\n");
    const QByteArray planted = QFile::encodeName(staged + QStringLiteral("/pkg/planted"));
    if (kind == QLatin1String("fifo"))
        QVERIFY(::mkfifo(planted.constData(), 0644) == 0);
    else
        QVERIFY(::symlink(kind == QLatin1String("dirlink") ? QFile::encodeName(m_tmp->path()).constData() : "__init__.py", planted.constData()) == 0);
    const Status copied = TreeOwnership::copyAsOwn(AgentFolder(m_base), staged, m_base + QStringLiteral("/staging/site"));
    QVERIFY(!copied);
    QVERIFY2(copied.error().message.contains(expected), qPrintable(copied.error().message));
}

// Bytes at `offset` of the file at `path`, read with pread.
static QByteArray bytesAt(const QString &path, off_t offset, size_t size)
{
    QByteArray data(qsizetype(size), '\0');
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    const ssize_t n = fd >= 0 ? ::pread(fd, data.data(), size, offset) : -1;
    ::close(fd);
    data.resize(n < 0 ? 0 : qsizetype(n));
    return data;
}

void TestTreeOwnership::copyAsOwnKeepsHoles()
{
    // A build backend truncated a file to 1 GiB in pip's target: the copy, as root, takes on
    // disk what the user stored, not 1 GiB, and the bound counts that, not the size.
    const QString staged = m_base + QStringLiteral("/EnvCache/staging/x/build");
    write(staged + QStringLiteral("/pkg/__init__.py"), "X = 1\n");
    const QString sparse = staged + QStringLiteral("/zz_sparse.bin");
    constexpr off_t kSize = off_t(1) << 30;
    const int fd = ::open(QFile::encodeName(sparse).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    QVERIFY(fd >= 0);
    const bool made = ::pwrite(fd, "head", 4, 0) == 4 && ::pwrite(fd, "middle", 6, kSize / 2) == 6 && ::pwrite(fd, "tail", 4, kSize - 4) == 4;
    ::close(fd);
    QVERIFY(made);
    QVERIFY(TreeOwnership::give(AgentFolder(m_base), staged, kOther, kOther));

    const QString site = m_base + QStringLiteral("/EnvCache/staging/x/site-packages");
    const Status copied = TreeOwnership::copyAsOwn(AgentFolder(m_base), staged, site, 1 << 20);
    QVERIFY2(copied, copied ? "" : qPrintable(copied.error().message));
    const struct stat st = statOf(site + QStringLiteral("/zz_sparse.bin"));
    QCOMPARE(st.st_size, kSize);
    QCOMPARE(st.st_uid, uid_t(0));
    QVERIFY2(qint64(st.st_blocks) * 512 < (1 << 20), qPrintable(QString::number(qint64(st.st_blocks) * 512)));
    const QString copy = site + QStringLiteral("/zz_sparse.bin");
    QCOMPARE(bytesAt(copy, 0, 4), QByteArray("head"));
    QCOMPARE(bytesAt(copy, kSize / 2, 6), QByteArray("middle"));
    QCOMPARE(bytesAt(copy, kSize - 4, 4), QByteArray("tail"));
    QCOMPARE(bytesAt(copy, kSize / 4, 8), QByteArray(8, '\0'));
    QCOMPARE(bytesAt(site + QStringLiteral("/pkg/__init__.py"), 0, 100), QByteArray("X = 1\n"));
}

void TestTreeOwnership::copyAsOwnIsBounded()
{
    // A staged tree whose files take more disk than the bound: refused, naming the file, and
    // nothing of the copy left to publish.
    const QString staged = m_base + QStringLiteral("/EnvCache/staging/x/build");
    write(staged + QStringLiteral("/pkg/__init__.py"), "X = 1\n");
    write(staged + QStringLiteral("/pkg/big.bin"), QByteArray(256 * 1024, 'x'));
    QVERIFY(TreeOwnership::give(AgentFolder(m_base), staged, kOther, kOther));
    const QString site = m_base + QStringLiteral("/EnvCache/staging/x/site-packages");
    const Status copied = TreeOwnership::copyAsOwn(AgentFolder(m_base), staged, site, 64 * 1024);
    QVERIFY(!copied);
    const QString message = copied.error().message;
    QVERIFY2(message.contains(QStringLiteral("more than 65536 bytes")) && message.contains(QStringLiteral("pkg/big.bin")), qPrintable(message));
    QVERIFY(!QFileInfo::exists(site));
    // The default bound takes it.
    const Status fits = TreeOwnership::copyAsOwn(AgentFolder(m_base), staged, site);
    QVERIFY2(fits, fits ? "" : qPrintable(fits.error().message));
    QCOMPARE(statOf(site + QStringLiteral("/pkg/big.bin")).st_size, off_t(256 * 1024));
}

void TestTreeOwnership::copyAsOwnDeepTreeWithFewDescriptors()
{
    // 300 levels with 32 descriptors: the copy walks like the other walks, no recursion.
    const QString staged = m_base + QStringLiteral("/EnvCache/staging/x/build");
    QDir().mkpath(staged);
    QVERIFY(makeChain(staged, "d", 300, 0755));
    struct rlimit saved;
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    struct rlimit few = saved;
    few.rlim_cur = 32;
    QVERIFY(::setrlimit(RLIMIT_NOFILE, &few) == 0);
    const QString site = m_base + QStringLiteral("/EnvCache/staging/x/site-packages");
    const Status copied = TreeOwnership::copyAsOwn(AgentFolder(m_base), staged, site);
    const struct stat bottom = bottomOf(site, "d", 300);
    const Status removed = AgentFolder(m_base).removeTree(site);
    ::setrlimit(RLIMIT_NOFILE, &saved);
    QVERIFY2(copied, copied ? "" : qPrintable(copied.error().message));
    QVERIFY(S_ISDIR(bottom.st_mode));
    QCOMPARE(bottom.st_uid, uid_t(0));
    QVERIFY(removed);
}

void TestTreeOwnership::reclaimTakesBackFifosSocketsAndLinks()
{
    // What a run-as or dynamic user left: no entry of its ID stays after the reclaim, and
    // nothing is opened or followed on the way (the link's target keeps its owner).
    constexpr uid_t kDynamic = 61999;
    const QString task = m_base + QStringLiteral("/Tasks/t");
    write(task + QStringLiteral("/main.py"), "print(1)\n");
    QDir().mkpath(task + QStringLiteral("/sub"));
    const AgentFolder folder(m_base);
    const auto original = TreeOwnership::stateOf(folder, task);
    QVERIFY(original);
    QVERIFY(TreeOwnership::give(folder, task, kDynamic, kDynamic));
    const QString outside = m_tmp->path() + QStringLiteral("/outside");
    write(outside, "theirs");
    QVERIFY(::chown(QFile::encodeName(outside).constData(), kDynamic, kDynamic) == 0);
    QStringList made;
    for (const char *dir : {"", "/sub"}) {
        const QString fifo = task + QLatin1String(dir) + QStringLiteral("/fifo");
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0666) == 0);
        const QString link = task + QLatin1String(dir) + QStringLiteral("/link");
        QVERIFY(::symlink(QFile::encodeName(outside).constData(), QFile::encodeName(link).constData()) == 0);
        const QString socket = task + QLatin1String(dir) + QStringLiteral("/sock");
        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        QVERIFY(fd >= 0);
        struct sockaddr_un address = {};
        address.sun_family = AF_UNIX;
        const QByteArray encoded = QFile::encodeName(socket);
        QVERIFY(size_t(encoded.size()) < sizeof(address.sun_path));
        std::memcpy(address.sun_path, encoded.constData(), size_t(encoded.size()));
        const bool bound = ::bind(fd, reinterpret_cast<const struct sockaddr *>(&address), sizeof(address)) == 0;
        ::close(fd);
        QVERIFY(bound);
        made << fifo << link << socket;
    }
    for (const QString &path : std::as_const(made)) {
        QVERIFY(::fchownat(AT_FDCWD, QFile::encodeName(path).constData(), kDynamic, kDynamic, AT_SYMLINK_NOFOLLOW) == 0);
        QCOMPARE(statOf(path).st_uid, kDynamic);
    }

    const auto warnings = TreeOwnership::reclaimFolder(folder, task, *original, m_base + QStringLiteral("/Temp/@quarantine"));
    QVERIFY2(warnings && warnings->isEmpty(), warnings ? qPrintable(warnings->join(u'\n')) : qPrintable(warnings.error().message));
    for (const QString &path : std::as_const(made)) {
        const struct stat st = statOf(path);
        QVERIFY2(st.st_uid == 0 && st.st_gid == 0, qPrintable(path));
    }
    QVERIFY(S_ISFIFO(statOf(task + QStringLiteral("/fifo")).st_mode));
    QVERIFY(S_ISSOCK(statOf(task + QStringLiteral("/sub/sock")).st_mode));
    QCOMPARE(QFile::symLinkTarget(task + QStringLiteral("/link")), outside);
    QCOMPARE(statOf(outside).st_uid, kDynamic);
    QCOMPARE(statOf(outside).st_gid, gid_t(kDynamic));
}

void TestTreeOwnership::writeReplacesAFileOfAnotherUser_data()
{
    QTest::addColumn<bool>("atomic");
    QTest::newRow("openForWriting") << false;
    QTest::newRow("writeAtomically") << true;
}

void TestTreeOwnership::writeReplacesAFileOfAnotherUser()
{
    QFETCH(bool, atomic);
    // A task running as its run-as user made the file first and may hold it open: the
    // executor's file must be a new one of its own, and the swap is reported.
    const QString path = m_base + QStringLiteral("/Tasks/t/result.json");
    write(path, "planted");
    QVERIFY(::chown(QFile::encodeName(path).constData(), kOther, kOther) == 0);
    const AgentFolder folder(m_base);
    QVERIFY(folder.plantedAt(path).contains(QStringLiteral("owned by uid 65534")));
    QString replaced;
    if (atomic) {
        QVERIFY(folder.writeAtomically(path, "mine", &replaced));
    } else {
        auto fd = folder.openForWriting(path, AgentFolder::WriteMode::Truncate, &replaced);
        QVERIFY(fd);
        QCOMPARE(::write(fd->get(), "mine", 4), ssize_t(4));
    }
    QVERIFY2(replaced.contains(QStringLiteral("a file owned by uid 65534 (another user)")), qPrintable(replaced));
    QCOMPARE(statOf(path).st_uid, uid_t(0));
    QCOMPARE(folder.readFile(path, 100).value(), QByteArray("mine"));
    // A lock file is shared between users (the monitor's and the executor's): kept as it is.
    const QString guard = m_base + QStringLiteral("/Locks/@guard");
    write(guard, "");
    QVERIFY(::chown(QFile::encodeName(guard).constData(), kOther, kOther) == 0);
    QString lockReplaced;
    QVERIFY(folder.tryLock(guard, &lockReplaced).value().isValid());
    QVERIFY(lockReplaced.isEmpty());
    QCOMPARE(statOf(guard).st_uid, kOther);
}

void TestTreeOwnership::reclaimRestoresTheFolderAndRemovesHardLinks()
{
    const QString task = m_base + QStringLiteral("/Tasks/t");
    write(task + QStringLiteral("/main.py"), "print(1)\n");
    QVERIFY(::chmod(QFile::encodeName(task).constData(), 0750) == 0);
    const AgentFolder folder(m_base);
    const auto original = TreeOwnership::stateOf(folder, task);
    QVERIFY(original);
    QCOMPARE(original->mode, mode_t(0750));
    QVERIFY(TreeOwnership::give(folder, task, kOther, kOther));
    QVERIFY(TreeOwnership::shareFolder(folder, task, kOther));
    // What the user did: a hard link out of the folder (as to a file in /tmp), a hard link
    // inside, a group-writable folder.
    write(task + QStringLiteral("/data/big.dat"), "data");
    const QString outside = m_tmp->path() + QStringLiteral("/outside");
    QVERIFY(::link(QFile::encodeName(task + QStringLiteral("/data/big.dat")).constData(), QFile::encodeName(outside).constData()) == 0);
    for (const char *path : {"/data", "/data/big.dat"})
        QVERIFY(::chown(QFile::encodeName(task + QLatin1String(path)).constData(), kOther, kOther) == 0);
    QVERIFY(::chmod(QFile::encodeName(task + QStringLiteral("/data")).constData(), 0777) == 0);

    const auto warnings = TreeOwnership::reclaimFolder(folder, task, *original, m_base + QStringLiteral("/Temp/@quarantine"));
    QVERIFY2(warnings, warnings ? "" : qPrintable(warnings.error().message));
    QVERIFY2(warnings->join(u'\n').contains(QStringLiteral("more than one name")), qPrintable(warnings->join(u'\n')));
    // Removed, not copied; the other name keeps the user's file.
    QVERIFY(!QFileInfo::exists(task + QStringLiteral("/data/big.dat")));
    QCOMPARE(statOf(outside).st_nlink, nlink_t(1));
    QCOMPARE(statOf(outside).st_uid, kOther);
    QCOMPARE(statOf(task + QStringLiteral("/data")).st_mode & 07777, mode_t(0755));
    QCOMPARE(statOf(task + QStringLiteral("/data")).st_uid, uid_t(0));
    QCOMPARE(statOf(task + QStringLiteral("/main.py")).st_uid, uid_t(0));
    const struct stat after = statOf(task);
    QCOMPARE(after.st_mode & 07777, mode_t(0750));
    QCOMPARE(after.st_uid, original->uid);
    QCOMPARE(after.st_gid, original->gid);
}

void TestTreeOwnership::deepTreesWithFewDescriptors()
{
    // 300 levels with 32 descriptors (a walk holding one a level would need 300): given, taken
    // back to the bottom and removed. 25,000 levels, through the real binary, are
    // tst_run_as_private's: removing them takes seconds.
    const QString task = m_base + QStringLiteral("/Tasks/t");
    QDir().mkpath(task);
    QVERIFY(makeChain(task, "d", 300, 0777));
    QVERIFY(makeChain(task, "s", 140, 0777));
    struct rlimit saved;
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    struct rlimit few = saved;
    few.rlim_cur = 32;
    QVERIFY(::setrlimit(RLIMIT_NOFILE, &few) == 0);
    const AgentFolder folder(m_base);
    const auto original = TreeOwnership::stateOf(folder, task);
    QVERIFY(original);
    const auto reclaimed = TreeOwnership::reclaimFolder(folder, task, *original, m_base + QStringLiteral("/Temp/@quarantine"));
    const struct stat deep = bottomOf(task, "d", 300);
    const struct stat shallow = bottomOf(task, "s", 140);
    const Status given = TreeOwnership::give(folder, task, kOther, kOther);
    const struct stat givenDeep = bottomOf(task, "d", 300);
    const Status removed = folder.removeTree(task);
    ::setrlimit(RLIMIT_NOFILE, &saved);
    QVERIFY2(reclaimed && reclaimed->isEmpty(), reclaimed ? qPrintable(reclaimed->join(u'\n')) : qPrintable(reclaimed.error().message));
    QCOMPARE(deep.st_uid, uid_t(0));
    QCOMPARE(deep.st_mode & 07777, mode_t(0755));
    QCOMPARE(shallow.st_uid, uid_t(0));
    QCOMPARE(shallow.st_mode & 07777, mode_t(0755));
    QVERIFY2(given, given ? "" : qPrintable(given.error().message));
    QCOMPARE(givenDeep.st_uid, kOther);
    QVERIFY2(removed, removed ? "" : qPrintable(removed.error().message));
    QVERIFY(!QFileInfo::exists(task));
}

void TestTreeOwnership::quarantineMovesAsideAndRemoves()
{
    const QString temp = m_base + QStringLiteral("/Temp/job");
    write(temp + QStringLiteral("/a/b"), "x");
    const QString quarantine = m_base + QStringLiteral("/Temp/@quarantine");
    QString left;
    QVERIFY(TreeOwnership::quarantine(AgentFolder(m_base), temp, quarantine, &left));
    QVERIFY(left.isEmpty());
    QVERIFY(!QFileInfo::exists(temp));
    QCOMPARE(QDir(quarantine).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
    QCOMPARE(statOf(quarantine).st_mode & 07777, mode_t(0700));
    QCOMPARE(statOf(quarantine).st_uid, uid_t(0));
}

QTEST_GUILESS_MAIN(TestTreeOwnership)
#include "tst_treeownership.moc"
