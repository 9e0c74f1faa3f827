#include "StoreBatch.h"

#include "base/ParallelMap.h"
#include "BytecodeCompiler.h"
#include "DistributionStore.h"
#include "InstallReport.h"
#include "TestSuites.h"
#include "fs/FileProtection.h"
#include "fs/FolderSize.h"
#include "process/ChildProcess.h"
#include "wheel/WheelArchive.h"
#include "wheel/WheelInstaller.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

// Starts the disk writes of every file below the open folder `dirFd` (taken over), without
// waiting for them. Publishing makes each file immutable, and ext4 writes a file's dirty pages
// out and waits for them before it sets the attribute: 100 MB of pandas and numpy then cost
// their whole write time at the end of a build. Started while the build compiles, the writes
// are mostly done when the attribute is set. Only the batch's own staging files (made by this
// process, in the cache's root-only staging folder) are walked, and no link is followed.
void startWriteback(int dirFd)
{
    DIR *dir = ::fdopendir(dirFd);
    if (!dir) {
        ::close(dirFd);
        return;
    }
    while (const dirent *entry = ::readdir(dir)) {
        if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
            continue;
        const int fd = ::openat(::dirfd(dir), entry->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        const bool known = ::fstat(fd, &st) == 0;
        if (known && S_ISDIR(st.st_mode)) {
            startWriteback(fd);
            continue;
        }
        if (known && S_ISREG(st.st_mode))
            ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        ::close(fd);
    }
    ::closedir(dir);
}

} // namespace

StoreBatch::StoreBatch(const CacheLayout &layout, RunControl *control, const PythonInterpreter &python, const QString &log)
    : m_layout(layout), m_control(control), m_python(python), m_log(log)
{
}

Result<StoredDistribution> StoreBatch::unpack(const PinnedWheel &wheel, const QString &batch) const
{
    if (wheel.path.isEmpty())
        return fail(ErrorKind::Install, QStringLiteral("%1 %2 (sha256 %3) is neither in the store nor in a wheel folder").arg(wheel.name, wheel.version, wheel.sha256));
    auto archive = WheelArchive::open(wheel.path);
    if (!archive)
        return archive.error();
    // The hash of the very file libzip reads (one descriptor), before a byte is unpacked.
    const auto sha256 = archive->fileSha256();
    if (!sha256)
        return sha256.error();
    if (QString::fromLatin1(*sha256) != wheel.sha256.toLower())
        return fail(ErrorKind::Install, QStringLiteral("%1: hash mismatch: its sha256 is %2, the set pins %3")
                                            .arg(wheel.path, QString::fromLatin1(*sha256), wheel.sha256));
    if (InstallReport::normalizeName(archive->name()) != InstallReport::normalizeName(wheel.name) || archive->version() != wheel.version)
        return fail(ErrorKind::Install, QStringLiteral("%1 holds %2 %3, not %4 %5").arg(wheel.path, archive->name(), archive->version(), wheel.name, wheel.version));

    WheelInstallOptions options;
    options.python = m_python.executable;
    options.pythonVersion = m_python.version.section(u'.', 0, 1);
    StoredDistribution d;
    d.folderName = StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256);
    const auto installed = WheelInstaller(options).install(*archive, batch + u'/' + d.folderName);
    if (!installed)
        return installed.error(); // the installer removed its target whole
    d.name = installed->name;
    d.version = installed->version;
    d.sha256 = wheel.sha256.toLower();
    d.file = archive->fileName();
    d.url = wheel.url.isEmpty() ? QUrl::fromLocalFile(wheel.path).toString(QUrl::FullyEncoded) : wheel.url;
    d.source = InstallReport::sourceOf(d.url);
    d.python = m_python.executable;
    if (!m_python.cacheTag.isEmpty() && !m_withoutBytecode) // the bytecode compile() writes
        d.bytecode = {m_python.cacheTag};
    d.dir = m_layout.storeDir() + u'/' + d.folderName;
    d.sitePackages = d.dir + u'/' + installed->sitePackages;
    return d;
}

std::optional<Error> StoreBatch::runCompileall(const QString &dir, bool batchRoot, const QString &what, bool &stopped)
{
    // Compiled once, here: a published folder is immutable, so no user could write a .pyc (another
    // interpreter version adds its own later: StoreBytecode). One pool over everything at once.
    QString exclude = testSuitesBelow(dir); // never imported, as in cache entries
    if (batchRoot) // only what lies in a site-packages, as when each folder's was compiled alone
        exclude += QStringLiteral("|^(?!%1/[^/]+/lib/python[^/]+/site-packages/)").arg(QRegularExpression::escape(dir));
    const ProcessSpec spec = BytecodeCompiler::command(m_python, {dir}, exclude, m_log);
    const ProcessExit exit = ChildProcess::run(spec, m_control);
    if (auto stop = exit.stopError()) {
        stopped = true;
        return *stop;
    }
    if (!exit.succeeded())
        return fail(ErrorKind::Install, QStringLiteral("storing %1 failed while compiling it (%2); the output is in %3").arg(what, exit.exitMessage(), m_log));
    return std::nullopt;
}

void StoreBatch::compile(const QString &batch, QList<Result<StoredDistribution>> &unpacked)
{
    QStringList files;
    for (const auto &d : std::as_const(unpacked))
        if (d)
            files.append(d->file);
    if (files.isEmpty())
        return;
    bool stopped = false;
    const auto failed = runCompileall(batch, true, files.join(QStringLiteral(", ")), stopped);
    if (!failed)
        return;
    for (auto &d : unpacked) {
        if (!d)
            continue;
        if (stopped) {
            d = *failed; // nothing is published after a stop
            continue;
        }
        const QString site = d->sitePackages.mid(d->dir.size() + 1);
        if (auto alone = runCompileall(batch + u'/' + d->folderName + u'/' + site, false, d->file, stopped)) {
            d = *alone;
            if (stopped) {
                // A stop while finding the culprit: the rest is not published either.
                for (auto &rest : unpacked)
                    if (rest)
                        rest = *alone;
                return;
            }
        }
    }
}

Result<StoredDistribution> StoreBatch::publish(StoredDistribution d, const QString &built)
{
    const AgentFolder &folder = m_layout.folder();
    d.sizeBytes = folderSize(built);
    if (Status marked = StoreFolder::writeMarker(folder, built, d); !marked)
        return CacheLayout::unusable(QStringLiteral("cannot record the store folder of %1").arg(d.file), marked.error());
    // One rename that never replaces anything publishes it whole; then nobody may change it.
    if (Status published = folder.rename(built, d.dir); !published)
        return CacheLayout::unusable(QStringLiteral("cannot publish %1 into the store").arg(d.file), published.error());
    FileProtection::protectTree(folder, d.dir);
    return d;
}

QList<Result<StoredDistribution>> StoreBatch::build(const QList<PinnedWheel> &wheels)
{
    const AgentFolder &folder = m_layout.folder();
    // {store}.{pid}.{n}: the pruner removes a staging folder whose PID (the second part) died.
    const QString batch = m_layout.stagingDir()
                          + QStringLiteral("/store.%1.%2").arg(QCoreApplication::applicationPid()).arg(QRandomGenerator::global()->generate());
    if (Status made = folder.ensureDir(batch); !made) {
        const Error failure = CacheLayout::unusable(QStringLiteral("cannot prepare %1").arg(batch), made.error());
        return QList<Result<StoredDistribution>>(wheels.size(), failure);
    }

    // Unpacked in parallel: each wheel has its own archive (libzip handle), installer and target,
    // and shares nothing writable with the others. Largest wheel first: a thread takes the next
    // wheel when it finishes one, so the big ones (pandas, numpy) start together and the small
    // ones fill in after, instead of one thread unpacking pandas alone at the end while the other
    // core idles (0.23 s against 0.33 s for the pandas workload's unpack).
    std::vector<qsizetype> order(size_t(wheels.size()));
    std::vector<qint64> sizes(size_t(wheels.size()));
    for (qsizetype i = 0; i < wheels.size(); ++i) {
        order[size_t(i)] = i;
        sizes[size_t(i)] = QFileInfo(wheels.at(i).path).size(); // only an order: a wrong size costs time, nothing else
    }
    std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return sizes[size_t(a)] > sizes[size_t(b)]; });
    const QList<Result<StoredDistribution>> byOrder =
        parallelMap<Result<StoredDistribution>>(wheels.size(), 0, [&](qsizetype k) { return unpack(wheels.at(order[size_t(k)]), batch); });
    QList<Result<StoredDistribution>> results(wheels.size(), Error{});
    for (qsizetype k = 0; k < wheels.size(); ++k)
        results[order[size_t(k)]] = byOrder.at(k);

    std::thread writeback;
    if (auto opened = folder.openDir(batch)) // O_NOFOLLOW from the cache's anchor
        writeback = std::thread(startWriteback, opened.value().release());
    if (!m_withoutBytecode)
        compile(batch, results);
    if (writeback.joinable())
        writeback.join();
    // Published in parallel too: making 6,000 files immutable is a system call each, and ext4
    // waits there for whatever of the file is not on disk yet (about 0.1 s for the pandas
    // workload, on one thread, between the compile and the run).
    results = parallelMap<Result<StoredDistribution>>(results.size(), 0, [&](qsizetype i) -> Result<StoredDistribution> {
        const Result<StoredDistribution> &d = results.at(i);
        return d ? publish(d.value(), batch + u'/' + d->folderName) : d;
    });
    // What was not published (a failed wheel, a stop) goes; nothing half built is ever published.
    folder.removeTree(batch);
    return results;
}

} // namespace oa
