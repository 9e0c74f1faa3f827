#pragma once

#include "fs/AgentPaths.h"
#include "base/Error.h"

#include <QString>
#include <QStringList>

namespace oa {

// Keeps the earlier runs of a task: before a new run of an ID writes anything (the lock is held,
// execution.json exists), the last run's files (AgentPaths::runOutputNames()) move into
// Tasks/{id}/previous/, after the older generations moved up one (previous/ -> previous.2/ …,
// RunHistoryRotation) and the one past KeepRuns was removed. So the new run's logs hold only the
// new run, and the runs before stay readable (AgentPaths::Generation::Previous, RunHistory).
//
// The task folder is untrusted, so everything goes through the gatekeeper and nothing is
// followed: whatever is at previous/ (a link, a FIFO, a file, a folder) is removed where it
// stands, and only regular files of the executor's own with one name are moved; anything else
// at one of the names (a link, a FIFO, a folder, a hard link, another user's file) is removed,
// never moved, and reported. result.json moves only when the executor could alone have written
// it (AgentFolder::forgeableRecordAt, --which-runs' rule): not one its group or others may
// write, whoever owns it. previous/ is a new folder of the executor's own, which a run-as
// user is never given (Executor::grantToRunAsUser keeps it), so it cannot write into it.
class PreviousRun {
public:
    // `keepRuns`: how many earlier runs to keep (KeepRuns, at least 1: previous/ alone).
    PreviousRun(const AgentPaths &paths, const QString &executionId, int keepRuns = 1)
        : m_paths(paths), m_id(executionId), m_keepRuns(keepRuns)
    {
    }

    // A failure names the path and the reason; what moved before it stays moved.
    Status keep();
    // The names moved into previous/, and one warning per planted entry that was removed.
    const QStringList &moved() const { return m_moved; }
    const QStringList &warnings() const { return m_warnings; }

private:
    // Removes what is at `path`, never following it, when it is not a file the executor wrote;
    // true when it was removed.
    Result<bool> removeForeign(const QString &path);

    AgentPaths m_paths;
    QString m_id;
    int m_keepRuns = 1;
    QStringList m_moved;
    QStringList m_warnings;
};

} // namespace oa
