#include "LockFiles.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <cerrno>

#include <unistd.h>

namespace oa::lockfiles {

namespace {

// The gatekeeper for the folder that holds `path`.
AgentFolder folderOf(const QString &path)
{
    return AgentFolder(QFileInfo(path).absolutePath());
}

} // namespace

Kind kindAt(const QString &path)
{
    return folderOf(path).kindOf(path);
}

QDateTime modifiedAt(const QString &path)
{
    return folderOf(path).modificationTime(path).toUTC();
}

Result<FileContent> readRegular(const QString &path, qint64 maxBytes)
{
    const AgentFolder folder = folderOf(path);
    const Kind kind = folder.kindOf(path);
    if (kind == Kind::Missing)
        return fail(ErrorKind::System, QStringLiteral("missing"));
    if (kind != Kind::Regular)
        return fail(ErrorKind::System, QStringLiteral("%1, not a regular file").arg(AgentFolder::kindName(kind)));
    auto data = folder.readFile(path, maxBytes);
    if (!data)
        return data.error();
    return FileContent{std::move(data).value(), folder.modificationTime(path).toUTC()};
}

Status removeInPlace(const QString &path)
{
    const AgentFolder folder = folderOf(path);
    if (folder.kindOf(path) != Kind::Directory)
        return folder.removeFile(path);
    // Only an empty folder: a lock path never holds a tree worth deleting unseen.
    if (::rmdir(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
        return fileFailure(QStringLiteral("cannot remove the folder"), path, errno);
    return ok();
}

Status writeReplacing(const QString &path, const QByteArray &data)
{
    // Atomic, not flushed: these files (a run's {id}@run, a cancel request) describe a live
    // process and mean nothing after a crash, and every other process sees them through the page
    // cache at once. An fsync of the file and of Locks/ cost every run 1-10 ms, more while other
    // work writes to the disk.
    return folderOf(path).writeAtomically(path, data, nullptr, AgentFolder::Durability::AtomicOnly);
}

QString guardFileFor(const QString &lockFilePath)
{
    return QFileInfo(lockFilePath).absolutePath() + QStringLiteral("/@guard");
}

Guard::Guard(QString guardFile) : m_path(std::move(guardFile)) {}

Status Guard::lock(int timeoutMs, const std::function<bool()> &stopRequested)
{
    unlock();
    const AgentFolder folder = folderOf(m_path);
    const QDeadlineTimer deadline(timeoutMs);
    unsigned long pauseUs = 100;
    for (;;) {
        auto fd = folder.tryLock(m_path);
        if (!fd)
            return fd.error();
        if (fd->isValid()) {
            m_fd = std::move(fd).value();
            return ok();
        }
        if (deadline.hasExpired())
            return fail(ErrorKind::System, QStringLiteral("the lock guard %1 has been held by another process for more than %2 ms")
                                                  .arg(m_path).arg(timeoutMs));
        if (stopRequested && stopRequested())
            return fail(ErrorKind::Cancelled, QStringLiteral("stopped waiting for the lock guard %1, which another process holds").arg(m_path));
        // Holders keep it for a moment only: poll briefly, backing off to 10 ms.
        QThread::usleep(pauseUs);
        pauseUs = qMin<unsigned long>(pauseUs * 2, 10000);
    }
}

} // namespace oa::lockfiles
