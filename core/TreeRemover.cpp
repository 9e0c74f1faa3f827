#include "TreeRemover.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

namespace oa {

namespace {

// Depth-first, never entering a symlinked directory: links are unlinked where they stand.
bool removeContents(const QString &dir)
{
    bool success = true;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        it.next();
        const QFileInfo entry = it.fileInfo();
        if (entry.isDir() && !entry.isSymLink()) {
            success = removeContents(entry.filePath()) && success;
            success = QDir().rmdir(entry.filePath()) && success;
        } else {
            QFile file(entry.filePath());
            if (!file.remove()) {
                // A read-only file (pip caches, .pyc) on Windows: make it writable, then retry.
                file.setPermissions(file.permissions() | QFileDevice::WriteOwner);
                success = file.remove() && success;
            }
        }
    }
    return success;
}

} // namespace

Status TreeRemover::remove(const QString &path) const
{
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return ok();
    // Judge the parent folder: the entry itself may be a link, which is removed as a link.
    if (!m_paths.isInside(info.absolutePath()) || info.fileName().isEmpty())
        return fail(ExitCode::Unexpected, QStringLiteral("refusing to remove %1: it is outside the agent folder %2")
                                              .arg(path, m_paths.baseDir()));
    if (info.isSymLink() || !info.isDir()) {
        if (!QFile::remove(path))
            return fail(ExitCode::Unexpected, QStringLiteral("cannot remove %1").arg(path));
        return ok();
    }
    if (!removeContents(path) || !QDir().rmdir(path))
        return fail(ExitCode::Unexpected, QStringLiteral("cannot remove everything in %1").arg(path));
    return ok();
}

} // namespace oa
