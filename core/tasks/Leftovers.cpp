#include "Leftovers.h"

#include "fs/FolderSize.h"
#include "lock/LockFiles.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

namespace oa {

bool Leftovers::isLocked(const QString &id) const
{
    // Any lock at all, whatever its verdict: a Foreign lock is a run on another host that shares
    // this folder, an Unreadable one may be anybody's, and an Orphaned one is judged by an
    // operator, who clears the lock first. Existence is judged with lstat: no file is opened.
    return lockfiles::kindAt(m_paths.lockFile(id)) != lockfiles::Kind::Missing;
}

QList<Leftover> Leftovers::scan(Held held) const
{
    QList<Leftover> found;
    const auto collect = [&](const QString &root, Leftover::Kind kind) {
        const QStringList ids = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
        for (const QString &id : ids) {
            if (!AgentPaths::isValidExecutionId(id))
                continue;
            const bool locked = isLocked(id);
            if (locked && held == Held::Left)
                continue;
            const QString path = root + u'/' + id;
            QDateTime modifiedAt;
            struct stat st {};
            if (::lstat(QFile::encodeName(path).constData(), &st) == 0)
                modifiedAt = QDateTime::fromSecsSinceEpoch(st.st_mtim.tv_sec, Qt::UTC);
            found.append({kind, id, path, folderSize(path), modifiedAt, locked});
        }
    };
    collect(m_paths.venvsDir(), Leftover::Kind::Venv);
    collect(m_paths.tempRootDir(), Leftover::Kind::Temp);
    return found;
}

Status Leftovers::remove(const Leftover &leftover) const
{
    if (!AgentPaths::isValidExecutionId(leftover.executionId))
        return fail(ErrorKind::BadArgument, QStringLiteral("invalid execution ID \"%1\"").arg(leftover.executionId));
    if (isLocked(leftover.executionId))
        return fail(ErrorKind::Busy,
                    QStringLiteral("%1 belongs to %2, which has a lock (%3)").arg(leftover.path, leftover.executionId, m_paths.lockFile(leftover.executionId)));
    // The path is derived again from the ID: a caller cannot aim this at anything else.
    const QString path = leftover.kind == Leftover::Kind::Venv ? m_paths.venvDir(leftover.executionId)
                                                               : m_paths.tempDir(leftover.executionId);
    return m_paths.folder().removeTree(path);
}

} // namespace oa
