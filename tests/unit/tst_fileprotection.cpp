#include "fs/AgentFolder.h"
#include "fs/FileProtection.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

using oa::AgentFolder;
using oa::FileProtection;

// The immutable attribute and read-only permissions go on a cache entry's own files only: a
// link inside it, or one that the entry (or a folder on the way to it) is, leads to files that
// are not the cache's, and they must keep their permissions and stay mutable.
class TestFileProtection : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void protectsTheTreeItself();
    void neverFollowsALink_data();
    void neverFollowsALink();

private:
    static int flagsOf(const QString &path);
    static void clearImmutable(const QString &path);
    void write(const QString &path, QFileDevice::Permissions permissions);
    QMap<QString, QFileDevice::Permissions> outsidePermissions() const;

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_base;
    QString m_outside;
};

int TestFileProtection::flagsOf(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int flags = 0;
    if (fd >= 0) {
        ::ioctl(fd, FS_IOC_GETFLAGS, &flags);
        ::close(fd);
    }
    return flags;
}

void TestFileProtection::clearImmutable(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return;
    int flags = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && (flags & FS_IMMUTABLE_FL)) {
        flags &= ~FS_IMMUTABLE_FL;
        ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    ::close(fd);
}

void TestFileProtection::write(const QString &path, QFileDevice::Permissions permissions)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("x");
    file.close();
    QVERIFY(file.setPermissions(permissions));
}

QMap<QString, QFileDevice::Permissions> TestFileProtection::outsidePermissions() const
{
    QMap<QString, QFileDevice::Permissions> found;
    for (const QString &name : {QStringLiteral(""), QStringLiteral("/tool"), QStringLiteral("/secret"), QStringLiteral("/sub"), QStringLiteral("/sub/data")})
        found.insert(name, QFileInfo(m_outside + name).permissions());
    return found;
}

void TestFileProtection::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    m_base = m_tmp->path() + QStringLiteral("/cache");
    m_outside = m_tmp->path() + QStringLiteral("/outside");
    constexpr auto rw = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    write(m_outside + QStringLiteral("/tool"), rw | QFileDevice::ExeOwner | QFileDevice::ReadGroup | QFileDevice::ExeGroup);
    write(m_outside + QStringLiteral("/secret"), rw);
    write(m_outside + QStringLiteral("/sub/data"), rw | QFileDevice::ReadGroup);
    // The tree itself: its own file and folder, and links out of it.
    write(m_base + QStringLiteral("/entries/real/pkg/mod.py"), rw | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    QVERIFY(QFile::link(m_outside, m_base + QStringLiteral("/entries/real/escape")));
    QVERIFY(QFile::link(m_outside + QStringLiteral("/tool"), m_base + QStringLiteral("/entries/real/pkg/tool-link")));
}

void TestFileProtection::cleanup()
{
    // Whatever a failing run did, the temporary folders must be removable.
    for (const QString &dir : {m_outside, m_base}) {
        FileProtection::unprotectTree(AgentFolder(dir), dir);
        for (const QString &name : {QString(), QStringLiteral("/tool"), QStringLiteral("/secret"), QStringLiteral("/sub"), QStringLiteral("/sub/data")})
            clearImmutable(dir + name);
    }
    m_tmp.reset();
}

void TestFileProtection::protectsTheTreeItself()
{
    const AgentFolder folder(m_base);
    const QString mod = m_base + QStringLiteral("/entries/real/pkg/mod.py");
    const bool immutable = FileProtection::protectTree(folder, m_base + QStringLiteral("/entries/real"));
    QCOMPARE(QFileInfo(mod).permissions() & (QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther), QFileDevice::Permissions());
    QCOMPARE(immutable, bool(flagsOf(mod) & FS_IMMUTABLE_FL));
    FileProtection::unprotectTree(folder, m_base + QStringLiteral("/entries/real"));
    QVERIFY(!(flagsOf(mod) & FS_IMMUTABLE_FL));
    QVERIFY(QFileInfo(mod).permissions() & QFileDevice::WriteOwner);
    QVERIFY(folder.removeTree(m_base + QStringLiteral("/entries/real")));
}

void TestFileProtection::neverFollowsALink_data()
{
    QTest::addColumn<QString>("link");   // made a link to the outside folder; relative to the cache
    QTest::addColumn<QString>("target"); // what is protected or unprotected
    QTest::addColumn<bool>("protect");
    for (const bool protect : {true, false}) {
        const char *verb = protect ? "protect" : "unprotect";
        QTest::addRow("%s: links inside the tree", verb) << QString() << QStringLiteral("entries/real") << protect;
        QTest::addRow("%s: the tree is a link", verb) << QStringLiteral("entries/planted") << QStringLiteral("entries/planted") << protect;
        QTest::addRow("%s: a folder on the way is a link", verb) << QStringLiteral("staging") << QStringLiteral("staging/sub") << protect;
    }
}

void TestFileProtection::neverFollowsALink()
{
    QFETCH(QString, link);
    QFETCH(QString, target);
    QFETCH(bool, protect);
    if (!link.isEmpty())
        QVERIFY(QFile::link(m_outside, m_base + u'/' + link));
    const auto before = outsidePermissions();
    const AgentFolder folder(m_base);
    if (protect)
        FileProtection::protectTree(folder, m_base + u'/' + target);
    else
        FileProtection::unprotectTree(folder, m_base + u'/' + target);
    QCOMPARE(outsidePermissions(), before);
    for (const QString &name : {QStringLiteral("/tool"), QStringLiteral("/secret"), QStringLiteral("/sub"), QStringLiteral("/sub/data")})
        QVERIFY2(!(flagsOf(m_outside + name) & FS_IMMUTABLE_FL), qPrintable(name));
}

QTEST_GUILESS_MAIN(TestFileProtection)
#include "tst_fileprotection.moc"
