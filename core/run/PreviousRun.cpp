#include "PreviousRun.h"

#include "RunHistoryRotation.h"

namespace oa {

namespace {

// result.json is the record an operator believes (the previous run's outcome in the monitor):
// it is kept only when the executor could alone have written it, by the rule --which-runs reads
// it with (AgentFolder::readOwnFile), so a file its group or others may write is not kept either.
bool isRecord(const QString &path)
{
    return path.endsWith(QLatin1String("/result.json"));
}

} // namespace

Result<bool> PreviousRun::removeForeign(const QString &path)
{
    const AgentFolder folder = m_paths.folder();
    const QString foreign = isRecord(path) ? folder.forgeableRecordAt(path) : folder.foreignEntryAt(path);
    if (foreign.isEmpty())
        return false;
    if (Status removed = folder.removeTree(path); !removed)
        return fail(ErrorKind::System, QStringLiteral("cannot remove %1, which is %2: %3").arg(path, foreign, removed.error().message));
    m_warnings.append(QStringLiteral("%1 was %2, not a file the executor wrote; it was removed, not kept in %3")
                          .arg(path, foreign, m_paths.previousDir(m_id)));
    return true;
}

Status PreviousRun::keep()
{
    const AgentFolder folder = m_paths.folder();
    const QString previous = m_paths.previousDir(m_id);
    QStringList names;
    for (const QString &name : AgentPaths::runOutputNames()) {
        const QString path = m_paths.taskDir(m_id) + u'/' + name;
        if (folder.kindOf(path) == AgentFolder::Kind::Missing)
            continue;
        const auto removed = removeForeign(path);
        if (!removed)
            return removed.error();
        if (!*removed)
            names.append(name);
    }
    // The older generations move up one (the oldest past KeepRuns goes), so that previous/ is
    // free; with KeepRuns 1 that is removing previous/, whatever the task put there. With nothing
    // of the last run to keep (its first run), the kept runs stay as they are.
    if (!names.isEmpty() || m_keepRuns <= 1) {
        RunHistoryRotation rotation(m_paths, m_id, m_keepRuns);
        const Status rotated = rotation.rotate();
        m_warnings += rotation.warnings();
        if (!rotated)
            return fail(ErrorKind::System, QStringLiteral("cannot make room for the previous run in %1: %2").arg(previous, rotated.error().message));
    }
    if (names.isEmpty())
        return ok(); // the task has not run before (or its files are gone): no previous run to keep

    if (Status made = folder.ensureDir(previous); !made)
        return fail(ErrorKind::System, QStringLiteral("cannot create %1 for the previous run: %2").arg(previous, made.error().message));
    for (const QString &name : std::as_const(names)) {
        const QString from = m_paths.taskDir(m_id) + u'/' + name;
        const QString to = previous + u'/' + name;
        // rename() moves the name itself, never a link's target, and never replaces anything at `to`.
        if (Status renamed = folder.rename(from, to); !renamed)
            return fail(ErrorKind::System, QStringLiteral("cannot move %1 into %2: %3").arg(from, previous, renamed.error().message));
        // Looked at again where it landed: a name swapped since the check is not kept either.
        const auto swapped = removeForeign(to);
        if (!swapped)
            return swapped.error();
        if (!*swapped)
            m_moved.append(name);
    }
    return ok();
}

} // namespace oa
