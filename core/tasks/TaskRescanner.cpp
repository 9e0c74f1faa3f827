#include "TaskRescanner.h"

#include <QFile>
#include <QHash>
#include <QMutexLocker>

#include <algorithm>
#include <vector>

#include <fcntl.h>

namespace oa {

namespace {

FileStamp stampOf(int tasksFd, const QByteArray &path)
{
    // A path outside Tasks/ (a dependency file a result.json names) is absolute: fstatat then
    // ignores the folder.
    return FileStamp::at(path.startsWith('/') ? AT_FDCWD : tasksFd, path);
}

} // namespace

TaskRescanner::Kept TaskRescanner::read(const TaskScanner &scanner, const OpenFolder &tasks, const QString &id, const FileStamp &folder,
                                        const std::optional<LockRecord> &lock, qint64 now) const
{
    Kept kept;
    kept.folder = folder;
    // The records are stamped before they are read: a change after its stamp is a new stamp
    // next time, never a stamp that vouches for content older than it.
    const QByteArray dir = QFile::encodeName(id);
    const QByteArray executionPath = dir + "/execution.json";
    const QByteArray resultPath = dir + "/result.json";
    const QByteArray statusPath = dir + "/status.json";
    const FileStamp execution = FileStamp::at(tasks.fd(), executionPath);
    const FileStamp result = FileStamp::at(tasks.fd(), resultPath);
    const FileStamp status = FileStamp::at(tasks.fd(), statusPath);
    QStringList dependencyInputs;
    kept.row = scanner.taskFolder(id, tasks.folder(id), lock, &dependencyInputs);

    // A name missing from the task folder needs no stamp: its arrival changes the folder's.
    if (execution.exists())
        kept.inputs.append({executionPath, execution});
    if (result.exists())
        kept.inputs.append({resultPath, result});
    // status.json decides a row only while the task holds a lock or has no result (TaskScanner):
    // a lock that appears is seen by the lock's own comparison.
    if (status.exists() && (lock || !hasFinishedRun(kept.row.state)))
        kept.inputs.append({statusPath, status});
    const QString tasksPrefix = scanner.paths().tasksDir() + u'/';
    for (const QString &input : std::as_const(dependencyInputs)) {
        const bool below = input.startsWith(tasksPrefix);
        const QByteArray path = QFile::encodeName(below ? input.mid(tasksPrefix.size()) : input);
        if (path == dir || path == executionPath || path == resultPath || path == statusPath)
            continue;
        const bool known = std::any_of(kept.inputs.cbegin(), kept.inputs.cend(), [&](const Stamped &s) { return s.path == path; });
        const FileStamp stamp = stampOf(tasks.fd(), path);
        if (known || (!stamp.exists() && below && path.lastIndexOf('/') == dir.size()))
            continue;
        kept.inputs.append({path, stamp});
    }
    const qint64 margin = kSettleMs * 1000000;
    kept.settled = folder.settledBefore(now, margin)
                   && std::all_of(kept.inputs.cbegin(), kept.inputs.cend(), [&](const Stamped &s) { return s.stamp.settledBefore(now, margin); });
    return kept;
}

bool TaskRescanner::unchanged(int tasksFd, const Kept &kept) const
{
    for (const Stamped &input : kept.inputs)
        if (stampOf(tasksFd, input.path) != input.stamp)
            return false;
    return true;
}

TaskRescanner::Snapshot TaskRescanner::refresh(const AgentPaths &paths)
{
    QMutexLocker locker(&m_mutex);
    if (m_clearAsked.exchange(false) || paths.baseDir() != m_base) {
        m_kept.clear();
        m_rows.clear();
        m_base = paths.baseDir();
    }
    Snapshot snapshot;
    // Judged again every time: a holder that died changes no file.
    snapshot.locks = LockInspector(paths).locks();
    QHash<QString, const LockRecord *> locks;
    for (const LockRecord &lock : std::as_const(snapshot.locks))
        locks.insert(lock.executionId, &lock);

    const TaskScanner scanner(paths);
    const Result<OpenFolder> tasks = OpenFolder::open(paths.folder(), paths.tasksDir());
    if (!tasks) {
        m_kept.clear();
        m_rows.clear();
        return snapshot;
    }
    // Taken before any stamp, so that a stamp that is not older than the margin by this clock
    // is never trusted.
    const qint64 now = FileStamp::nowNs();
    // The listing and the kept rows are both sorted by name: walked side by side, no lookup.
    const QList<OpenFolder::RawEntry> entries = tasks->rawEntries();
    std::vector<Kept> next;
    next.reserve(size_t(entries.size()));
    bool changed = false;
    auto old = m_kept.begin();
    for (const OpenFolder::RawEntry &entry : entries) {
        while (old != m_kept.end() && old->name < entry.name) { // gone
            changed = true;
            ++old;
        }
        Kept *previous = old != m_kept.end() && old->name == entry.name ? &*old++ : nullptr;
        const QString id = previous ? previous->row.id : QFile::decodeName(entry.name);
        if (!previous && !AgentPaths::isValidExecutionId(id))
            continue;
        const auto st = entry.kind == AgentFolder::Kind::Directory ? tasks->statOf(entry.name) : std::nullopt;
        if (entry.kind == AgentFolder::Kind::Symlink || (st && S_ISLNK(st->st_mode))) { // a link, or swapped for one since the listing
            if (!previous || !previous->linked) {
                changed = true;
                Kept linked;
                linked.name = entry.name;
                linked.linked = true;
                linked.row = TaskScanner::linkedTask(id);
                next.push_back(std::move(linked));
            } else {
                next.push_back(std::move(*previous));
            }
            continue;
        }
        if (!st || !S_ISDIR(st->st_mode)) { // not a task folder (any more)
            changed = changed || previous;
            continue;
        }
        const FileStamp folder = FileStamp::of(*st); // the folder's own stamp, never through a link
        const LockRecord *held = locks.value(id);
        const std::optional<LockRecord> lock = held ? std::optional<LockRecord>(*held) : std::nullopt;
        if (previous && !previous->linked && previous->settled && previous->folder == folder && previous->row.lock == lock
            && unchanged(tasks->fd(), *previous)) {
            next.push_back(std::move(*previous));
            continue;
        }
        changed = true;
        Kept fresh = read(scanner, *tasks, id, folder, lock, now);
        fresh.name = entry.name;
        ++m_reads;
        next.push_back(std::move(fresh));
    }
    changed = changed || old != m_kept.end(); // names past the last listed one went too
    m_kept = std::move(next);
    // The rows are copied only when one changed: an unchanged refresh hands out the same
    // (implicitly shared) list again.
    if (changed || m_rows.size() != qsizetype(m_kept.size())) {
        m_rows.clear();
        m_rows.reserve(qsizetype(m_kept.size()));
        for (const Kept &kept : m_kept)
            m_rows.append(kept.row);
    }
    snapshot.tasks = m_rows;
    return snapshot;
}

void TaskRescanner::clear()
{
    m_clearAsked = true; // never waits for a refresh that runs: the next one starts afresh
}

int TaskRescanner::reads() const
{
    QMutexLocker locker(&m_mutex);
    return m_reads;
}

} // namespace oa
