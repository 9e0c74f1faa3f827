#include "SdistWheelBuild.h"

#include "DistributionStore.h"
#include "InstallReport.h"
#include "PythonEnvironment.h"
#include "ResolvedSet.h"
#include "StoreFolder.h"
#include "fs/TreeOwnership.h"
#include "process/RunAsUser.h"
#include "wheel/WheelNames.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>
#include <QUrl>

#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

// How often another builder's sdist lock is tried again: a build takes seconds.
constexpr unsigned long kLockWaitStepMs = 100;

Error changedAfterResolve(const QString &path, const QString &sha256, const ResolvedSdist &sdist)
{
    return fail(ErrorKind::Install, QStringLiteral("%1: hash mismatch: its sha256 is %2, but pip resolved %3 %4 with sha256 %5 "
                                                   "(the file changed after pip read it); nothing was stored")
                                        .arg(path, sha256, sdist.name, sdist.version, sdist.sha256));
}

} // namespace

SdistWheelBuild::SdistWheelBuild(const CacheLayout &layout, const QString &staging, const QString &pipLog,
                                 std::shared_ptr<const ProcessCredentials> buildAs, RunControl *control, qint64 waitMs)
    : m_layout(layout), m_staging(staging), m_pipLog(pipLog), m_buildAs(std::move(buildAs)), m_control(control), m_waitMs(waitMs)
{
}

std::optional<Error> SdistWheelBuild::lockAll(const QList<ResolvedSdist> &sdists)
{
    // Tried in one order, and none waited for while another is held: two builders of sets that
    // share several new sdists cannot wait for each other. The pruner removes a lock file only
    // under its lock, and a holder of a removed one takes the new one (AgentFolder::tryLock).
    QStringList names;
    for (const ResolvedSdist &sdist : sdists)
        names.append(m_layout.lockFile(QStringLiteral("sdist-") + sdist.sha256.left(16)));
    names.sort();
    names.removeDuplicates();
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        QString busy;
        for (const QString &name : std::as_const(names)) {
            auto taken = m_layout.folder().tryLock(name);
            if (!taken) {
                m_locks.clear();
                return CacheLayout::unusable(QStringLiteral("cannot take the lock %1").arg(name), taken.error());
            }
            if (!taken->isValid()) { // a live builder: the kernel drops a dead one's flock
                busy = name;
                break;
            }
            m_locks.push_back(std::move(taken).value());
        }
        if (busy.isEmpty())
            return std::nullopt;
        m_locks.clear();
        if (m_control)
            if (auto stop = m_control->check(0))
                return fail(stop->kind, stop->message);
        if (waited.elapsed() > m_waitMs)
            return fail(ErrorKind::Environment, QStringLiteral("waited %1 s for another execution to build the sdist that %2 locks")
                                                    .arg(waited.elapsed() / 1000)
                                                    .arg(busy));
        QThread::msleep(kLockWaitStepMs);
    }
}

QString SdistWheelBuild::builtFromUrl(const ResolvedSdist &sdist)
{
    QUrl url(sdist.url);
    url.setFragment(QStringLiteral("sha256=") + sdist.sha256);
    return url.toString(QUrl::FullyEncoded);
}

std::optional<PinnedWheel> SdistWheelBuild::stored(const ResolvedSdist &sdist, DistributionStore &store,
                                                   const PythonInterpreter &python) const
{
    const AgentFolder &folder = m_layout.folder();
    const QString prefix = StoreFolder::nameFor(sdist.name, sdist.version, QString()); // "{name}-{version}-"
    const QString url = builtFromUrl(sdist);
    for (const AgentFolder::Entry &entry : folder.list(m_layout.storeDir())) {
        if (entry.kind != AgentFolder::Kind::Directory || !entry.name.startsWith(prefix))
            continue;
        // The store's own plausibility rules; a folder they refuse is the store's to evict.
        const StoreFolder::Reading reading = StoreFolder::readPublished(folder, m_layout.storeDir(), entry.name);
        if (!reading.distribution || reading.distribution->url != url)
            continue;
        const PinnedWheel wheel{sdist.name, sdist.version, reading.distribution->sha256, QString(), url};
        // Marked in use now: a pruner that evicted it since it was read leaves nothing to
        // ensure() (the wheel has no file), and the sdist is simply built again.
        if (store.ensure(wheel, python, m_pipLog))
            return wheel;
    }
    return std::nullopt;
}

Result<QString> SdistWheelBuild::copyChecked(const ResolvedSdist &sdist) const
{
    // The administrator's wheel folder, read through a descriptor that follows no link and
    // opens no FIFO, hashed while it is copied: pip builds exactly the bytes checked here.
    const auto in = AgentFolder(QFileInfo(sdist.path).path()).openForReading(sdist.path);
    if (!in)
        return fail(ErrorKind::Install, QStringLiteral("%1 cannot be read: %2").arg(sdist.path, in.error().message));
    const QString copy = sdistsDir() + u'/' + sdist.file;
    const auto out = m_layout.folder().openForWriting(copy, AgentFolder::WriteMode::Truncate);
    if (!out)
        return CacheLayout::unusable(QStringLiteral("cannot copy %1").arg(sdist.path), out.error());
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        const ssize_t n = ::read(in->get(), buffer.data(), size_t(buffer.size()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail(ErrorKind::Install, QStringLiteral("%1 cannot be read: %2").arg(sdist.path, QString::fromLocal8Bit(strerror(errno))));
        if (n == 0)
            break;
        total += n;
        // The copy bound of a build: an sdist is no larger than what pip would install.
        if (total > TreeOwnership::kCopyBound)
            return fail(ErrorKind::Install, QStringLiteral("%1 is larger than %2 bytes; nothing was stored").arg(sdist.path).arg(TreeOwnership::kCopyBound));
        hash.addData(QByteArrayView(buffer.constData(), n));
        for (ssize_t written = 0; written < n;) {
            const ssize_t w = ::write(out->get(), buffer.constData() + written, size_t(n - written));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return CacheLayout::unusable(QStringLiteral("cannot copy %1").arg(sdist.path),
                                             fail(ErrorKind::System, QStringLiteral("cannot write %1: %2").arg(copy, QString::fromLocal8Bit(strerror(errno)))));
            written += w;
        }
    }
    // Readable by the build user, writable by the executor alone, whatever the umask.
    if (::fchmod(out->get(), 0644) != 0)
        return CacheLayout::unusable(QStringLiteral("cannot copy %1").arg(sdist.path),
                                     fail(ErrorKind::System, QStringLiteral("cannot chmod %1: %2").arg(copy, QString::fromLocal8Bit(strerror(errno)))));
    if (const QString sha256 = QString::fromLatin1(hash.result().toHex()); sha256 != sdist.sha256)
        return changedAfterResolve(sdist.path, sha256, sdist);
    return copy;
}

Result<QList<PinnedWheel>> SdistWheelBuild::takeOver(const QList<ResolvedSdist> &sdists, const QString &built) const
{
    const AgentFolder &folder = m_layout.folder();
    QString wheels = built;
    if (m_buildAs) {
        // As download() takes pip's files: a descriptor the user still holds, a link or a FIFO
        // at a wheel's name never reaches the store.
        wheels = sdistsDir() + QStringLiteral("/built");
        if (Status copied = TreeOwnership::copyAsOwn(folder, built, wheels); !copied)
            return fail(ErrorKind::Install, QStringLiteral("the wheels that pip built as %1 cannot be taken over: %2")
                                                .arg(m_buildAs->userName, copied.error().message));
    }
    QList<PinnedWheel> result(sdists.size());
    for (const AgentFolder::Entry &entry : folder.list(wheels)) {
        const QString path = wheels + u'/' + entry.name;
        const auto name = WheelFileName::parse(entry.name);
        qsizetype of = -1;
        for (qsizetype i = 0; name && i < sdists.size(); ++i)
            if (canonicalProjectName(name->name) == canonicalProjectName(sdists.at(i).name) && name->version == sdists.at(i).version
                && result.at(i).path.isEmpty())
                of = i;
        if (of < 0 || entry.kind != AgentFolder::Kind::Regular)
            return fail(ErrorKind::Install, QStringLiteral("pip wheel wrote %1 (%2), which is not the wheel of one of the sdists it built; "
                                                           "nothing was stored")
                                                .arg(path, AgentFolder::kindName(entry.kind)));
        const auto fd = folder.openForReading(path);
        const QString sha256 = fd ? InstallReport::sha256OfOpenFile(fd->get()) : QString();
        if (sha256.isEmpty())
            return fail(ErrorKind::Install, QStringLiteral("%1 cannot be read").arg(path));
        const ResolvedSdist &sdist = sdists.at(of);
        result[of] = PinnedWheel{sdist.name, sdist.version, sha256, path, builtFromUrl(sdist)};
    }
    for (qsizetype i = 0; i < sdists.size(); ++i)
        if (result.at(i).path.isEmpty())
            return fail(ErrorKind::Install, QStringLiteral("pip wheel wrote no wheel of %1 %2 (from %3); its output is in %4")
                                                .arg(sdists.at(i).name, sdists.at(i).version, sdists.at(i).url, m_pipLog));
    return result;
}

Error SdistWheelBuild::pipFailed(const ProcessExit &exit) const
{
    const auto read = AgentFolder::readRegularFile(m_pipLog, 64 * 1024 * 1024);
    const QString output = read ? QString::fromUtf8(*read) : QString();
    return fail(PythonEnvironment::pipFailureKind(output), QStringLiteral("pip wheel failed (%1): %2; pip's output is in %3")
                                                               .arg(exit.exitMessage(), PythonEnvironment::describePipFailure(output), m_pipLog));
}

std::optional<Error> SdistWheelBuild::build(ResolvedSet &set, DistributionStore &store, const PythonInterpreter &python, const RunPip &runPip)
{
    if (auto failed = lockAll(set.sdists))
        return failed;
    // Under the locks: a builder that held one has stored its wheel by now.
    QList<ResolvedSdist> toBuild;
    for (const ResolvedSdist &sdist : std::as_const(set.sdists)) {
        if (auto wheel = stored(sdist, store, python)) {
            set.wheels.append(*wheel);
            m_reused.append(sdist.name + u' ' + sdist.version);
        } else {
            toBuild.append(sdist);
        }
    }
    set.sdists.clear();
    if (toBuild.isEmpty())
        return std::nullopt;

    const AgentFolder &folder = m_layout.folder();
    if (Status made = folder.ensureDir(sdistsDir()); !made)
        return CacheLayout::unusable(QStringLiteral("cannot prepare the build folder %1").arg(sdistsDir()), made.error());
    // One line per sdist, pinned by the sha256 pip resolved it with: pip refuses any other file.
    QByteArray requirements;
    for (const ResolvedSdist &sdist : std::as_const(toBuild)) {
        QString line = QStringLiteral("%1==%2").arg(canonicalProjectName(sdist.name), sdist.version); // from the agent's index
        if (!sdist.path.isEmpty()) {
            const Result<QString> copy = copyChecked(sdist);
            if (!copy)
                return copy.error();
            line = QStringLiteral("%1 @ %2").arg(canonicalProjectName(sdist.name), QUrl::fromLocalFile(*copy).toString(QUrl::FullyEncoded));
        }
        requirements += (line + QStringLiteral(" --hash=sha256:") + sdist.sha256 + u'\n').toUtf8();
    }
    const QString wanted = sdistsDir() + QStringLiteral("/sdists.txt");
    if (Status written = folder.writeAtomically(wanted, requirements); !written)
        return CacheLayout::unusable(QStringLiteral("cannot prepare %1").arg(wanted), written.error());

    // pip's folders as the resolving pip had them, and fresh: what the build code left there
    // while pip resolved (it runs to learn an sdist's metadata) is not handed to it again.
    const QString work = m_staging + QStringLiteral("/tmp");
    const QString built = work + QStringLiteral("/built");
    const QStringList fresh = m_buildAs ? QStringList{m_staging + QStringLiteral("/build"), built} : QStringList{built};
    for (const QString &dir : fresh) {
        Status ready = folder.removeTree(dir);
        if (ready)
            ready = folder.ensureDir(dir);
        if (ready && m_buildAs)
            ready = TreeOwnership::give(folder, dir, m_buildAs->uid, m_buildAs->gid);
        if (!ready)
            return CacheLayout::unusable(QStringLiteral("cannot prepare the build folder %1").arg(dir), ready.error());
    }
    ProcessExit exit;
    if (auto stopped = runPip({QStringLiteral("wheel"), QStringLiteral("--disable-pip-version-check"), QStringLiteral("--no-input"),
                               QStringLiteral("--no-deps"), QStringLiteral("--require-hashes"), QStringLiteral("--wheel-dir"), built,
                               QStringLiteral("-r"), wanted},
                              exit))
        return stopped;
    if (!exit.succeeded())
        return pipFailed(exit);
    auto wheels = takeOver(toBuild, built);
    if (!wheels)
        return wheels.error();
    set.wheels.append(*wheels);
    for (const ResolvedSdist &sdist : std::as_const(toBuild))
        m_built.append(sdist.name + u' ' + sdist.version);
    return std::nullopt;
}

} // namespace oa
