#pragma once

#include "fs/AgentPaths.h"
#include "base/Error.h"
#include "TaskScanner.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

class OpenFolder;

// --history: the runs of one execution ID that the task folder still holds, newest first: the
// last run (once it finished: its result.json is there) and the kept ones (previous/,
// previous.2/, …, see PreviousRun). Read through the gatekeeper: the task folder is walked to
// once and each kept run's folder is one openat(O_NOFOLLOW) in it, so a link or FIFO planted as
// a kept run is never followed or opened (it is named in a note instead). A run's result.json
// counts only when the executor could alone have written it (readOwnFile, --which-runs' rule):
// any other is not the executor's word, so the run is listed without an outcome, and why.
class RunHistory {
public:
    struct Run {
        int generation = 0; // 0: the last run; k: AgentPaths::runFolderName(k)
        QString folder;     // where its files are
        bool recorded = false; // a result.json of the executor's was read
        QString outcome;
        std::optional<int> exitCode;
        QDateTime startedAt; // UTC, as result.json has it
        QDateTime finishedAt;
        qint64 durationMs = -1;
        QString errorSummary; // result.json's ErrorSummary, when it has one
        QString message;
        QString problem; // why there is no outcome: no result.json, or one the executor did not write
        // Not read here: a reader that scans a run without a result (TaskDetails, for the
        // monitor's run selector) says what it found, e.g. Interrupted, and fills startedAt.
        std::optional<TaskState> scannedState;
    };
    struct Listing {
        QList<Run> runs;   // newest first
        QStringList notes; // entries at the kept runs' names that are no folder, and were skipped
    };
    // NotFound when the ID has no task folder (or it, or Tasks/, is a link or no folder).
    static Result<Listing> read(const AgentPaths &paths, const QString &executionId);

    // The kept runs' names in an open task folder, newest first, with their kinds (a link or a
    // FIFO at one of the names too, never followed), up to the first number that is missing.
    struct Kept {
        int generation = 0;
        QString name;
        AgentFolder::Kind kind = AgentFolder::Kind::Other;
    };
    static QList<Kept> keptRuns(const OpenFolder &task);
};

} // namespace oa
