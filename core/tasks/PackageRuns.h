#pragma once

#include "fs/AgentPaths.h"
#include "base/Error.h"
#include "environment/InstallReport.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace oa {

// --which-runs: the executions in the agent folder whose result.json says, in its Provenance,
// that they installed a package (at a version): the last run of each ID and the runs its task
// folder keeps (previous/, previous.2/, …; RunHistory). Reads only result.json files, each through the
// gatekeeper (never through a link, never a FIFO, at most 4 MiB): a task folder is untrusted.
// Only a result.json the executor could alone have written counts (AgentFolder::readOwnFile);
// any other is skipped with a note that names it and says why.
class PackageRuns {
public:
    // "PACKAGE" or "PACKAGE==VERSION"; the name is kept PEP 503-normalized.
    struct Query {
        QString name;
        QString version; // empty: any version
        QString text() const { return version.isEmpty() ? name : name + QStringLiteral("==") + version; }
    };
    // A failure names the spec and what it should look like.
    static Result<Query> parse(const QString &spec);

    struct Run {
        QString executionId;
        QString run; // the kept run's folder ("previous", "previous.2"); empty for the last run
        QString outcome;
        QDateTime finishedAt;
        InstalledDistribution installed;
    };
    struct Found {
        QList<Run> runs;    // oldest first
        QStringList notes;  // result.json files that were skipped, and why
    };
    static Found find(const AgentPaths &paths, const Query &query);
};

} // namespace oa
