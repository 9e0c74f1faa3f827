#include "RunHistoryRotation.h"

#include "fs/OpenFolder.h"

#include <QSet>

#include <algorithm>

#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

// What a generation folder is when it is not one the executor made; empty when it is. The
// executor makes them 0755 and its own; a run-as user's, or one anybody may write into, could
// hold anything by the time it is read.
QString strangeRunFolder(const std::optional<struct stat> &st)
{
    if (!st)
        return QStringLiteral("gone");
    if (!S_ISDIR(st->st_mode))
        return S_ISLNK(st->st_mode) ? QStringLiteral("a symbolic link") : S_ISFIFO(st->st_mode) ? QStringLiteral("a FIFO")
               : S_ISREG(st->st_mode)                                    ? QStringLiteral("a file")
                                                                         : QStringLiteral("not a folder");
    if (st->st_uid != ::geteuid())
        return QStringLiteral("a folder owned by uid %1 (another user)").arg(st->st_uid);
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return QStringLiteral("a folder its group or others may write (mode %1)").arg(st->st_mode & 07777, 3, 8, QLatin1Char('0'));
    return {};
}

} // namespace

Result<bool> RunHistoryRotation::scrub(const QString &dir)
{
    const AgentFolder folder = m_paths.folder();
    static const QSet<QString> runFiles = [] {
        const QStringList names = AgentPaths::runOutputNames();
        return QSet<QString>(names.begin(), names.end());
    }();
    bool anyKept = false;
    for (const AgentFolder::Entry &entry : folder.list(dir)) {
        const QString path = dir + u'/' + entry.name;
        QString why;
        if (!runFiles.contains(entry.name))
            why = QStringLiteral("not a file of a run");
        else if (entry.name == QLatin1String("result.json"))
            why = folder.forgeableRecordAt(path); // the record a person believes: --which-runs' rule
        else
            why = folder.foreignEntryAt(path);
        if (why.isEmpty()) {
            anyKept = true;
            continue;
        }
        if (Status removed = folder.removeTree(path); !removed)
            return fail(ErrorKind::System, QStringLiteral("cannot remove %1, which is %2: %3").arg(path, why, removed.error().message));
        m_warnings.append(QStringLiteral("%1 was %2, not a file the executor wrote; it was removed from the kept run").arg(path, why));
    }
    return anyKept;
}

Result<bool> RunHistoryRotation::vet(const OpenFolder &task, int generation)
{
    const AgentFolder folder = m_paths.folder();
    const QString dir = m_paths.runDir(m_id, generation);
    const std::optional<struct stat> st = task.statOf(AgentPaths::runFolderName(generation).toUtf8()); // one fstatat, no link followed
    const bool exists = st.has_value();
    const QString strange = strangeRunFolder(st);
    if (strange.isEmpty()) {
        const auto kept = scrub(dir);
        if (!kept || *kept)
            return kept;
    }
    // removeTree walks from the base with O_NOFOLLOW: a link here, or on the way, is never followed.
    if (Status removed = folder.removeTree(dir); !removed)
        return fail(ErrorKind::System, QStringLiteral("cannot remove %1: %2").arg(dir, removed.error().message));
    if (!strange.isEmpty() && exists)
        m_warnings.append(QStringLiteral("%1 was %2, not a folder the executor made; it was removed, not kept as an earlier run").arg(dir, strange));
    return false;
}

Status RunHistoryRotation::rotate()
{
    const AgentFolder folder = m_paths.folder();
    // The task folder, walked to from the base once: every generation is then looked at through it.
    const Result<OpenFolder> task = OpenFolder::open(folder, m_paths.taskDir(m_id));
    if (!task)
        return task.error();
    QList<int> present;
    for (const AgentFolder::Entry &entry : task->entries())
        if (const int generation = AgentPaths::generationOfName(entry.name); generation > 0)
            present.append(generation);
    std::sort(present.begin(), present.end());
    // The real runs, newest first; the KeepRuns - 1 newest of them stay (previous/ is about to
    // take the last run), the rest go, oldest included.
    QList<int> kept;
    for (const int generation : std::as_const(present)) {
        const QString dir = m_paths.runDir(m_id, generation);
        if (kept.size() < m_keep - 1) {
            const auto real = vet(*task, generation);
            if (!real)
                return real.error();
            if (*real)
                kept.append(generation);
            continue;
        }
        if (Status removed = folder.removeTree(dir); !removed)
            return fail(ErrorKind::System, QStringLiteral("cannot remove the oldest kept run %1: %2").arg(dir, removed.error().message));
    }
    // The i-th newest becomes previous.(i+2): numbers stay without gaps, so that readers can stop
    // at the first missing one. Runs before the first gap move up one, oldest first; runs after
    // it move down to close it, newest first; no rename ever meets an occupied name (rename()
    // never replaces one anyway, and moves a link itself, never its target).
    const auto move = [&](qsizetype i) -> Status {
        const int to = int(i) + 2;
        if (kept.at(i) == to)
            return ok();
        const QString from = m_paths.runDir(m_id, kept.at(i));
        const QString target = m_paths.runDir(m_id, to);
        if (Status renamed = folder.rename(from, target); !renamed)
            return fail(ErrorKind::System, QStringLiteral("cannot move %1 to %2: %3").arg(from, target, renamed.error().message));
        return ok();
    };
    qsizetype firstGap = 0;
    while (firstGap < kept.size() && kept.at(firstGap) == firstGap + 1)
        ++firstGap;
    for (qsizetype i = firstGap; i < kept.size(); ++i)
        if (Status moved = move(i); !moved)
            return moved;
    for (qsizetype i = firstGap - 1; i >= 0; --i)
        if (Status moved = move(i); !moved)
            return moved;
    return ok();
}

} // namespace oa
