#pragma once

#include "fs/AgentPaths.h"
#include "base/Error.h"

#include <QString>
#include <QStringList>

namespace oa {

class OpenFolder;

// Makes room for a new previous/ in a task folder that keeps `keepRuns` earlier runs: the
// newest keepRuns - 1 kept runs move up one (previous/ -> previous.2/, previous.2/ ->
// previous.3/, …) and the older ones (the one that would pass KeepRuns, and any left by a larger
// KeepRuns) are removed. The numbers stay without gaps, so readers stop at the first missing
// one. With keepRuns 1 this is removing previous/, as before runs were numbered.
//
// The task folder is untrusted, and a task running as the executor's own user could have
// planted anything at these names. So each generation is looked at before it moves: one that is
// not a folder of the executor's own that neither its group nor others may write (a link, a
// FIFO, a file, another user's folder) is removed where it stands, never followed; inside a
// kept folder, everything but the executor's own run files (AgentPaths::runOutputNames(), by
// PreviousRun's rules: a result.json only when the executor could alone have written it) is
// removed, and a folder left with no run file is no run and goes too. Each removal is a warning.
class RunHistoryRotation {
public:
    RunHistoryRotation(const AgentPaths &paths, const QString &executionId, int keepRuns)
        : m_paths(paths), m_id(executionId), m_keep(keepRuns)
    {
    }

    // After it nothing is at previous/. A failure names the path; what moved before it stays moved.
    Status rotate();
    const QStringList &warnings() const { return m_warnings; }

private:
    // True when the generation folder `generation` is a real run, kept and cleaned as above;
    // false when it was removed.
    Result<bool> vet(const OpenFolder &task, int generation);
    // Removes what the task left in a kept folder; true when a run file of the executor's is left.
    Result<bool> scrub(const QString &dir);

    AgentPaths m_paths;
    QString m_id;
    int m_keep = 1;
    QStringList m_warnings;
};

} // namespace oa
