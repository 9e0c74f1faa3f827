// Bytecode for each interpreter version that uses a store folder (issue 22, StoreBytecode),
// through the real executor and two real CPython versions: Debian's /usr/bin/python3.11 and
// another minor version from pyenv. A pure wheel stored by 3.11 and then used by a task of the
// other version gets that version's .pyc files in its (immutable, root-owned) store folder,
// which the other version then loads (python -v), its marker lists both cache tags and the
// listing's SizeBytes counts the new files; a later build of that version that reuses the
// folder compiles nothing and leaves it as it was. Two builds of the other version at once both
// succeed and compile it once. A folder with a planted link is not compiled in place (the link
// is never followed) but stored again; one a compile left lifted (its marker says Compiling)
// is compiled and protected again. A stop while it compiles leaves it protected, as it was.
#include "StoreCacheTools.h"
#include "TestSupport.h"
#include "WheelBuilder.h"

#include "environment/CacheLayout.h"
#include "environment/DistributionStore.h"
#include "environment/PythonInterpreter.h"
#include "process/ChildProcess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace oatest;

namespace {

const QString kSystemPython = QStringLiteral("/usr/bin/python3.11");

// What the script's interpreter is, and that the stored package imports.
const QByteArray kScript = "import sys, oa_bc, oa_bc.sub\n"
                           "print('%d.%d' % sys.version_info[:2], oa_bc.V, oa_bc.sub.W)\n";

int flagsOf(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int flags = 0;
    if (fd < 0 || ::ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0)
        flags = -1;
    if (fd >= 0)
        ::close(fd);
    return flags;
}

void setImmutable(const QString &path, bool on)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int flags = 0;
    if (fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
        flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
        ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    if (fd >= 0)
        ::close(fd);
}

// Every file and folder below `dir`: its path, inode, size and modification time.
QStringList snapshot(const QString &dir)
{
    QStringList rows;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        struct stat st {};
        ::lstat(QFile::encodeName(path).constData(), &st);
        rows.append(QStringLiteral("%1 %2 %3 %4.%5").arg(path).arg(st.st_ino).arg(st.st_size).arg(st.st_mtim.tv_sec).arg(st.st_mtim.tv_nsec));
    }
    rows.sort();
    return rows;
}

// The .pyc files of `tag` below `dir`, and their bytes.
QStringList pycFiles(const QString &dir, const QString &tag, qint64 *bytes = nullptr)
{
    QStringList found;
    QDirIterator it(dir, {QStringLiteral("*.") + tag + QStringLiteral(".pyc")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        found.append(it.next());
        if (bytes)
            *bytes += it.fileInfo().size();
    }
    found.sort();
    return found;
}

// How `python` loads the stored modules with bytecode writing off (python -v): "pyc" when
// every one comes from its .pyc, else the lines that say otherwise.
QByteArray loadedFrom(const QString &python, const QString &site)
{
    QProcess process;
    process.setProcessEnvironment(cleanEnvironment());
    process.setWorkingDirectory(QStringLiteral("/"));
    process.start(python, {QStringLiteral("-I"), QStringLiteral("-B"), QStringLiteral("-v"), QStringLiteral("-c"),
                           QStringLiteral("import sys; sys.path.insert(0, %1); import oa_bc, oa_bc.sub").arg(QLatin1Char('"') + site + QLatin1Char('"'))});
    if (!process.waitForFinished(60000) || process.exitCode() != 0)
        return "failed: " + process.readAllStandardError();
    QByteArrayList wrong;
    int fromPyc = 0;
    for (const QByteArray &line : process.readAllStandardError().split('\n')) {
        if (!line.startsWith("# code object from ") || !line.contains(site.toUtf8()))
            continue;
        if (line.contains("/__pycache__/") && line.endsWith(".pyc'"))
            ++fromPyc;
        else
            wrong.append(line);
    }
    return wrong.isEmpty() && fromPyc == 2 ? QByteArray("pyc") : wrong.join('\n') + " (from .pyc: " + QByteArray::number(fromPyc) + ')';
}

// Asks for a stop as soon as a child runs (the compile), as a cancel request would.
class CancelOnceChildRuns : public oa::RunControl {
public:
    std::optional<oa::StopRequest> check(qint64 processGroup) override
    {
        if (processGroup > 0)
            m_asked = true;
        if (!m_asked)
            return std::nullopt;
        return oa::StopRequest{oa::ErrorKind::Cancelled, QStringLiteral("cancelled by the test"), true};
    }
    qint64 graceMs() const override { return 0; }
    bool asked() const { return m_asked; }

private:
    bool m_asked = false;
};

} // namespace

class TestStoreBytecode : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void secondVersionAddsItsBytecode();
    void twoBuildsAtOnceCompileOnce();
    void plantedLinkIsNeverFollowed();
    void liftedFolderIsProtectedAgain();
    void stopWhileCompilingLeavesItAsItWas();

private:
    // Starts task `id` of `lock` with `python` in `agent`.
    void start(QProcess &process, const Agent &agent, const QString &id, const QByteArray &lock, const QString &python) const;
    Run run(const Agent &agent, const QString &id, const QByteArray &lock, const QString &python) const;
    QString storeFolder(const Agent &agent, const QString &wheel) const;
    QJsonObject marker(const Agent &agent, const QString &wheel) const
    {
        return readJson(storeFolder(agent, wheel) + QStringLiteral("/stored.json"));
    }
    // How many lines of the task's compile log announce a compile of `wheel`'s folder for `tag`.
    int announced(const Agent &agent, const QString &id, const QString &wheel, const QString &tag) const;

    QTemporaryDir m_dir;
    QString m_wheels;
    QString m_bc;    // the pure wheel both versions use
    QString m_other; // a second wheel, so that a set is new
    QString m_third;
    QString m_python;     // the other version's interpreter
    QString m_otherTag;   // its cache tag, "cpython-312"
    QByteArray m_lock;      // oa_bc
    QByteArray m_lockTwo;   // oa_bc and oa_other
    QByteArray m_lockThree; // oa_bc and oa_third
};

void TestStoreBytecode::initTestCase()
{
    if (::geteuid() != 0)
        OA_SKIP_OR_FAIL("the store is root-owned and immutable only for root; run as root");
    if (!QFileInfo(kSystemPython).isExecutable())
        OA_SKIP_OR_FAIL("Debian's /usr/bin/python3.11 is not installed");
    // Any CPython of another minor version: pyenv's, as on the development VM and CI.
    QStringList roots{qEnvironmentVariable("PYENV_ROOT"), QDir::homePath() + QStringLiteral("/.pyenv"), QStringLiteral("/root/.pyenv")};
    QStringList candidates;
    for (const QString &root : roots)
        if (!root.isEmpty())
            for (const QString &version : QDir(root + QStringLiteral("/versions")).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed))
                if (version.startsWith(QLatin1String("3.")) && !version.startsWith(QLatin1String("3.11.")))
                    candidates.append(root + QStringLiteral("/versions/") + version + QStringLiteral("/bin/python") + version.section(u'.', 0, 1));
    // 3.12 first: the version the executor's other tests know; else the newest there is.
    std::stable_sort(candidates.begin(), candidates.end(), [](const QString &a, const QString &b) {
        return a.endsWith(QLatin1String("/python3.12")) && !b.endsWith(QLatin1String("/python3.12"));
    });
    for (const QString &candidate : std::as_const(candidates))
        if (QFileInfo(candidate).isExecutable()) {
            m_python = candidate;
            break;
        }
    if (m_python.isEmpty())
        OA_SKIP_OR_FAIL("no CPython of a minor version other than 3.11 is installed (looked in $PYENV_ROOT, ~/.pyenv and /root/.pyenv)");
    QProcess tag;
    tag.start(m_python, {QStringLiteral("-I"), QStringLiteral("-c"), QStringLiteral("import sys; print(sys.implementation.cache_tag)")});
    QVERIFY(tag.waitForFinished(60000) && tag.exitCode() == 0);
    m_otherTag = QString::fromUtf8(tag.readAllStandardOutput().trimmed());
    QVERIFY2(m_otherTag.startsWith(QLatin1String("cpython-3")) && m_otherTag != QLatin1String("cpython-311"), qPrintable(m_otherTag));

    m_wheels = QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/wheels");
    QVERIFY(QDir().mkpath(m_wheels));
    m_bc = WheelBuilder(QStringLiteral("oa_bc"), QStringLiteral("1.0"))
               .file("oa_bc/__init__.py", "V = 'bc'\n")
               .file("oa_bc/sub.py", "W = 42\n")
               .file("oa_bc/tests/test_it.py", "import nothing_here\n")
               .write(m_wheels);
    m_other = WheelBuilder(QStringLiteral("oa_other"), QStringLiteral("1.0")).file("oa_other.py", "O = 1\n").write(m_wheels);
    m_third = WheelBuilder(QStringLiteral("oa_third"), QStringLiteral("1.0")).file("oa_third.py", "T = 3\n").write(m_wheels);
    QVERIFY(!m_bc.isEmpty() && !m_other.isEmpty() && !m_third.isEmpty());
    const QJsonObject bc = pinned(m_bc, QStringLiteral("1.0"));
    m_lock = lockJson({{QStringLiteral("oa-bc"), bc}});
    m_lockTwo = lockJson({{QStringLiteral("oa-bc"), bc}, {QStringLiteral("oa-other"), pinned(m_other, QStringLiteral("1.0"))}});
    m_lockThree = lockJson({{QStringLiteral("oa-bc"), bc}, {QStringLiteral("oa-third"), pinned(m_third, QStringLiteral("1.0"))}});
}

void TestStoreBytecode::start(QProcess &process, const Agent &agent, const QString &id, const QByteArray &lock, const QString &python) const
{
    agent.makeTask(id, {{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}},
                   {{QStringLiteral("main.py"), kScript}, {QStringLiteral("Pipfile.lock"), lock}});
    QProcessEnvironment env = offlinePipEnvironment(m_wheels);
    env.insert(QStringLiteral("PIP_NO_INDEX"), QStringLiteral("1"));
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(executorPath(), executorArgs(agent, id, {QStringLiteral("--python"), python}));
}

Run TestStoreBytecode::run(const Agent &agent, const QString &id, const QByteArray &lock, const QString &python) const
{
    QProcess process;
    start(process, agent, id, lock, python);
    Run r;
    if (!process.waitForFinished(300000))
        process.kill();
    process.waitForFinished();
    r.exitCode = process.exitCode();
    r.exitStatus = process.exitStatus();
    r.out = process.readAllStandardOutput();
    r.err = process.readAllStandardError();
    return r;
}

QString TestStoreBytecode::storeFolder(const Agent &agent, const QString &wheel) const
{
    const QString name = QFileInfo(wheel).fileName().section(u'-', 0, 1).replace(u'_', u'-');
    return agent.base() + QStringLiteral("/EnvCache/store/") + name + u'-' + WheelBuilder::sha256Of(wheel).left(16);
}

int TestStoreBytecode::announced(const Agent &agent, const QString &id, const QString &wheel, const QString &tag) const
{
    const QString prefix = QStringLiteral("Compiling for %1 the store folders ").arg(tag);
    const QString folder = QFileInfo(storeFolder(agent, wheel)).fileName();
    int count = 0;
    for (const QString &line : QString::fromUtf8(readFile(agent.taskFile(id, QStringLiteral("pip.log")))).split(u'\n'))
        if (line.startsWith(prefix) && line.mid(prefix.size()).split(QStringLiteral(", ")).contains(folder))
            ++count;
    return count;
}

void TestStoreBytecode::secondVersionAddsItsBytecode()
{
    Agent agent;
    const QString dir = storeFolder(agent, m_bc);
    const QString site = dir + QStringLiteral("/lib/python3.11/site-packages");
    const Run first = run(agent, QStringLiteral("first"), m_lock, kSystemPython);
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("first"), QStringLiteral("output.log"))), QByteArray("3.11 bc 42\n"));
    QCOMPARE(marker(agent, m_bc).value(QStringLiteral("Bytecode")).toArray(), QJsonArray{QStringLiteral("cpython-311")});
    QCOMPARE(pycFiles(dir, QStringLiteral("cpython-311")).size(), 2);
    QVERIFY(pycFiles(dir, m_otherTag).isEmpty());
    const auto listedSize = [&]() {
        const Run listing = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--env-cache"), QStringLiteral("--json")});
        for (const QJsonValue &row : QJsonDocument::fromJson(listing.out).object().value(QStringLiteral("Store")).toArray())
            if (row.toObject().value(QStringLiteral("Folder")).toString() == QFileInfo(dir).fileName())
                return row.toObject().value(QStringLiteral("SizeBytes")).toInteger();
        return qint64(-1);
    };
    const qint64 sizeBefore = listedSize();
    QVERIFY(sizeBefore > 0);

    // The other version: a new entry (the key names the interpreter), the same store folder.
    const Run second = run(agent, QStringLiteral("second"), m_lock, m_python);
    QVERIFY2(second.exitCode == 0, second.err.constData());
    QCOMPARE(readFile(agent.taskFile(QStringLiteral("second"), QStringLiteral("output.log"))),
             m_otherTag.mid(8, 1).toUtf8() + '.' + m_otherTag.mid(9).toUtf8() + " bc 42\n");
    QCOMPARE(announced(agent, QStringLiteral("second"), m_bc, m_otherTag), 1);
    qint64 added = 0;
    const QStringList otherPyc = pycFiles(dir, m_otherTag, &added);
    QCOMPARE(otherPyc.size(), 2); // __init__ and sub; the test suite is left out for both
    QCOMPARE(pycFiles(dir, QStringLiteral("cpython-311")).size(), 2);
    QCOMPARE(loadedFrom(m_python, site), QByteArray("pyc"));
    QCOMPARE(loadedFrom(kSystemPython, site), QByteArray("pyc"));
    const QJsonObject both = marker(agent, m_bc);
    QCOMPARE(both.value(QStringLiteral("Bytecode")).toArray(), (QJsonArray{QStringLiteral("cpython-311"), m_otherTag}));
    QVERIFY(!both.contains(QStringLiteral("Compiling")));
    // Still the executor's and immutable, the new files and their folders too.
    for (const QString &path : QStringList{dir, QFileInfo(otherPyc.first()).path(), otherPyc.first(), otherPyc.last(), dir + QStringLiteral("/stored.json")}) {
        struct stat st {};
        QVERIFY(::lstat(QFile::encodeName(path).constData(), &st) == 0);
        QCOMPARE(st.st_uid, ::geteuid());
        QVERIFY2((st.st_mode & 0222) == 0, qPrintable(path));
        QVERIFY2(flagsOf(path) != -1 && (flagsOf(path) & FS_IMMUTABLE_FL), qPrintable(path));
    }
    // Eviction and the listing count the new files.
    QCOMPARE(listedSize(), sizeBefore + added);

    // A later build of that version reuses the folder (a new set: the folder is read again) and
    // compiles nothing.
    const QStringList before = snapshot(dir);
    const Run third = run(agent, QStringLiteral("third"), m_lockTwo, m_python);
    QVERIFY2(third.exitCode == 0, third.err.constData());
    QVERIFY(readFile(agent.taskFile(QStringLiteral("third"), QStringLiteral("executor.log"))).contains("from the store"));
    QCOMPARE(announced(agent, QStringLiteral("third"), m_bc, m_otherTag), 0);
    QCOMPARE(snapshot(dir), before);
}

void TestStoreBytecode::twoBuildsAtOnceCompileOnce()
{
    Agent agent;
    QVERIFY(run(agent, QStringLiteral("stored"), m_lock, kSystemPython).exitCode == 0);
    // Two new sets of the other version, each naming the folder 3.11 stored.
    QProcess a;
    QProcess b;
    start(a, agent, QStringLiteral("a"), m_lockTwo, m_python);
    start(b, agent, QStringLiteral("b"), m_lockThree, m_python);
    QVERIFY(a.waitForFinished(300000) && b.waitForFinished(300000));
    QVERIFY2(a.exitCode() == 0, a.readAllStandardError().constData());
    QVERIFY2(b.exitCode() == 0, b.readAllStandardError().constData());
    QCOMPARE(announced(agent, QStringLiteral("a"), m_bc, m_otherTag) + announced(agent, QStringLiteral("b"), m_bc, m_otherTag), 1);
    QCOMPARE(marker(agent, m_bc).value(QStringLiteral("Bytecode")).toArray(), (QJsonArray{QStringLiteral("cpython-311"), m_otherTag}));
    QCOMPARE(pycFiles(storeFolder(agent, m_bc), m_otherTag).size(), 2);
    // The wheels the other version stored itself have its bytecode only.
    QCOMPARE(marker(agent, m_other).value(QStringLiteral("Bytecode")).toArray(), QJsonArray{m_otherTag});
    QCOMPARE(marker(agent, m_third).value(QStringLiteral("Bytecode")).toArray(), QJsonArray{m_otherTag});
}

void TestStoreBytecode::plantedLinkIsNeverFollowed()
{
    // A script running as root lifts the attribute and replaces the package's __pycache__ with a
    // link to a folder of its choosing: compileall would write root's .pyc files there.
    Agent agent;
    QVERIFY(run(agent, QStringLiteral("stored"), m_lock, kSystemPython).exitCode == 0);
    const QString dir = storeFolder(agent, m_bc);
    const QString package = dir + QStringLiteral("/lib/python3.11/site-packages/oa_bc");
    const QString outside = agent.base() + QStringLiteral("/outside");
    QVERIFY(QDir().mkpath(outside));
    setImmutable(package, false);
    setImmutable(package + QStringLiteral("/__pycache__"), false);
    for (const QString &pyc : pycFiles(package + QStringLiteral("/__pycache__"), QStringLiteral("cpython-311"))) {
        setImmutable(pyc, false);
        QVERIFY(QFile::remove(pyc));
    }
    QVERIFY(QDir(package + QStringLiteral("/__pycache__")).removeRecursively());
    QVERIFY(QFile::link(outside, package + QStringLiteral("/__pycache__")));

    const Run r = run(agent, QStringLiteral("other"), m_lock, m_python);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QDir(outside).isEmpty());
    const QByteArray log = readFile(agent.taskFile(QStringLiteral("other"), QStringLiteral("executor.log")));
    QVERIFY2(log.contains("moved the implausible store folder") && log.contains("is a link"), log.constData());
    // Stored again, by the other version.
    QCOMPARE(marker(agent, m_bc).value(QStringLiteral("Bytecode")).toArray(), QJsonArray{m_otherTag});
    QVERIFY(!QFileInfo(package + QStringLiteral("/__pycache__")).isSymLink());
    QCOMPARE(pycFiles(dir, m_otherTag).size(), 2);
}

void TestStoreBytecode::liftedFolderIsProtectedAgain()
{
    // What a build that died while compiling leaves: the folder writable, its marker saying so.
    Agent agent;
    QVERIFY(run(agent, QStringLiteral("stored"), m_lock, kSystemPython).exitCode == 0);
    const QString dir = storeFolder(agent, m_bc);
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    QStringList all{dir};
    while (it.hasNext())
        all.append(it.next());
    for (const QString &path : std::as_const(all)) {
        setImmutable(path, false);
        QVERIFY(::chmod(QFile::encodeName(path).constData(), QFileInfo(path).isDir() ? 0755 : 0644) == 0);
    }
    QJsonObject lifted = marker(agent, m_bc);
    lifted.insert(QStringLiteral("Compiling"), m_otherTag);
    QVERIFY(writeFileBytes(dir + QStringLiteral("/stored.json"), QJsonDocument(lifted).toJson()));

    // The system's version, which has its bytecode, finds the lock free: it protects the folder.
    const Run r = run(agent, QStringLiteral("again"), m_lockTwo, kSystemPython);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject settled = marker(agent, m_bc);
    QVERIFY(!settled.contains(QStringLiteral("Compiling")));
    QCOMPARE(settled.value(QStringLiteral("Bytecode")).toArray(), QJsonArray{QStringLiteral("cpython-311")});
    for (const QString &path : std::as_const(all)) {
        QVERIFY2(flagsOf(path) != -1 && (flagsOf(path) & FS_IMMUTABLE_FL), qPrintable(path));
        QVERIFY2((QFileInfo(path).permissions() & (QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther)) == 0, qPrintable(path));
    }
    QCOMPARE(pycFiles(dir, m_otherTag).size(), 0); // nothing compiled for a version nobody asked for
}

void TestStoreBytecode::stopWhileCompilingLeavesItAsItWas()
{
    // The store itself (DistributionStore), as a build drives it, with a run's cancel.
    Agent agent;
    oa::CacheLayout layout(agent.base() + QStringLiteral("/EnvCache"), agent.base());
    QVERIFY(layout.prepare());
    const auto system = oa::PythonInterpreter::probe(kSystemPython);
    const auto other = oa::PythonInterpreter::probe(m_python);
    QVERIFY(system.ok() && other.ok());
    QCOMPARE(other->cacheTag, m_otherTag);
    const oa::PinnedWheel wheel{QStringLiteral("oa-bc"), QStringLiteral("1.0"), WheelBuilder::sha256Of(m_bc), m_bc};
    const QString log = agent.base() + QStringLiteral("/store.log");
    QVERIFY(oa::DistributionStore(layout).ensure(wheel, *system, log).ok());
    const QString dir = storeFolder(agent, m_bc);

    CancelOnceChildRuns cancel;
    const auto stopped = oa::DistributionStore(layout, &cancel).ensure(wheel, *other, log);
    QVERIFY(cancel.asked());
    QVERIFY(!stopped.ok());
    QCOMPARE(stopped.error().kind, oa::ErrorKind::Cancelled);
    const QJsonObject kept = marker(agent, m_bc);
    QVERIFY(!kept.contains(QStringLiteral("Compiling")));
    QCOMPARE(kept.value(QStringLiteral("Bytecode")).toArray(), QJsonArray{QStringLiteral("cpython-311")});
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QVERIFY2(flagsOf(path) != -1 && (flagsOf(path) & FS_IMMUTABLE_FL), qPrintable(path));
    }
    {
        const auto lock = layout.folder().tryLock(layout.storeLockFile(wheel.sha256));
        QVERIFY(lock && lock->isValid()); // released
    }

    // The next build of that version compiles it.
    const auto again = oa::DistributionStore(layout).ensure(wheel, *other, log);
    QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
    QCOMPARE(again->bytecode, (QStringList{QStringLiteral("cpython-311"), m_otherTag}));
    QCOMPARE(pycFiles(dir, m_otherTag).size(), 2);
}

QTEST_GUILESS_MAIN(TestStoreBytecode)
#include "tst_store_bytecode.moc"
