#include "Leftovers.h"

#include "LockInspector.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace oa {

qint64 Leftovers::folderSize(const QString &path)
{
    qint64 total = 0;
    QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        const QFileInfo info = it.fileInfo();
        if (!info.isSymLink())
            total += info.size();
    }
    return total;
}

bool Leftovers::isOwnedByRunningExecution(const QString &id) const
{
    const auto lock = LockInspector(m_paths).lock(id);
    return lock && lock->verdict == LockVerdict::Live;
}

QList<Leftover> Leftovers::scan() const
{
    QList<Leftover> found;
    const auto collect = [&](const QString &root, Leftover::Kind kind) {
        const QStringList ids = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
        for (const QString &id : ids) {
            if (!AgentPaths::isValidExecutionId(id) || isOwnedByRunningExecution(id))
                continue;
            const QString path = root + u'/' + id;
            found.append({kind, id, path, folderSize(path)});
        }
    };
    collect(m_paths.venvsDir(), Leftover::Kind::Venv);
    collect(m_paths.tempRootDir(), Leftover::Kind::Temp);
    return found;
}

Status Leftovers::remove(const Leftover &leftover) const
{
    if (!AgentPaths::isValidExecutionId(leftover.executionId))
        return fail(ExitCode::InvalidArguments, QStringLiteral("invalid execution ID \"%1\"").arg(leftover.executionId));
    if (isOwnedByRunningExecution(leftover.executionId))
        return fail(ExitCode::AlreadyRunning,
                    QStringLiteral("%1 belongs to the running execution %2").arg(leftover.path, leftover.executionId));
    // The path is derived again from the ID: a caller cannot aim this at anything else.
    const QString path = leftover.kind == Leftover::Kind::Venv ? m_paths.venvDir(leftover.executionId)
                                                               : m_paths.tempDir(leftover.executionId);
    return m_paths.folder().removeTree(path);
}

} // namespace oa
