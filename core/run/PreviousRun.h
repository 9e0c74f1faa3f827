#pragma once

#include "fs/AgentPaths.h"
#include "base/Error.h"

#include <QString>
#include <QStringList>

namespace oa {

// Keeps one earlier generation of a task's run: before a new run of an ID writes anything (the
// lock is held, execution.json exists), the last run's files (AgentPaths::runOutputNames())
// move into Tasks/{id}/previous/, replacing an older previous/. So the new run's logs hold only
// the new run, and the run before stays readable (AgentPaths::Generation::Previous).
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
    PreviousRun(const AgentPaths &paths, const QString &executionId) : m_paths(paths), m_id(executionId) {}

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
    QStringList m_moved;
    QStringList m_warnings;
};

} // namespace oa
