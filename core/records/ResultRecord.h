#pragma once

#include "fs/AgentFolder.h"
#include "base/Error.h"
#include "RunOutcome.h"
#include "Provenance.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QSysInfo>

#include <optional>
#include <utility>

namespace oa {

// What held the run's processes, for result.json's Containment. Set once children ran.
struct ContainmentReport {
    bool processGroup = false;  // each child in its own session and process group
    bool subreaper = false;     // orphans came back to the executor (PR_SET_CHILD_SUBREAPER)
    QString cgroupV2;           // the script's cgroup v2; empty: none (null)
    QString cgroupV1Memory;     // the script's v1 memory cgroup; empty: none (null)
    QString memoryLimit;        // "cgroup-v2", "cgroup-v1", "sampling"; empty: no limit (null)
    bool noNewPrivileges = false; // PR_SET_NO_NEW_PRIVS on every child
    QString runAsUser;          // the run-as user task code ran as; empty: none was set (null)

    QJsonObject toJson() const;
    static ContainmentReport fromJson(const QJsonObject &object);
};

// Tasks/{id}/result.json: what the service reports back to the server, and what the monitor
// shows. Written once, at the end, atomically (a temporary file, then a rename), so a reader
// never sees half of it. The writer and every reader (fromJson, summaryFromJson,
// provenanceFromJson) spell the names from one list in ResultRecord.cpp, and nothing else reads
// result.json by name, so that writer and readers cannot drift apart.
struct ResultRecord {
    QString executionId;
    Outcome outcome = Outcome::InternalError;
    int exitCode = 0;
    std::optional<int> scriptExitCode; // when the script ran: its own status
    std::optional<int> scriptSignal;   // when a signal killed it
    Stage stage = Stage::Lock;         // where the run ended
    QString message;
    // Why the run did not succeed, in one escaped line (ErrorSummary); empty (null) on success.
    QString errorSummary;
    QDateTime startedAt;
    QDateTime finishedAt;
    QList<std::pair<Stage, qint64>> stageDurationsMs; // in the order the stages ran
    QString pythonExecutable;
    QString pythonVersion;
    QStringList pipFreeze;           // when requirements were installed
    std::optional<Provenance> provenance; // when requirements were installed: what, from where
    QStringList warnings;
    std::optional<qint64> peakMemoryBytes;  // the script's tree, when it ran
    std::optional<double> cpuSeconds;
    std::optional<double> progressPercent;
    QString progressMessage;
    int progressUpdates = 0;
    int badProgressLines = 0;
    QList<qint64> survivors;         // processes still alive after a stop
    QString cacheKey;                // the environment cache entry used, if any
    QString cacheEntry;
    bool cacheReused = false;
    QString dependencySource;        // dependencySourceName(): where the packages came from
    QString dependencyFile;          // the file they were read from, if any
    // Who task code ran as: the run-as user, or (runAsConfigured false) the executor's own user.
    QString runAsUser;
    qint64 runAsUid = -1;
    qint64 runAsGid = -1;
    bool runAsConfigured = false;
    bool runAsDynamic = false;       // RunAsUser = dynamic: a user ID of its own, no account
    std::optional<ContainmentReport> containment;
    // result.json's Sandbox: "bubblewrap" or "none", and the script's network, "host" or "none";
    // empty before the run chose one (no Sandbox key).
    QString sandboxMechanism;
    QString sandboxNetwork;
    // Where and by what it was written; a new record is this machine's and this build's.
    QString machineName = QSysInfo::machineHostName();
    QString executorVersion = QStringLiteral(OA_VERSION);

    // What fromJson saw that the fields above cannot say; the writer ignores it. Outcome and
    // Stage as the file spells them, so that a name this build does not know (a newer
    // executor's) is shown as written rather than read as the default; and whether the fields
    // every writer writes were there, since a file made by hand may lack them.
    struct AsRead {
        QString outcome;          // empty when the file has none
        QString stage;
        bool hasExitCode = false;
        bool hasTimes = false;    // StartedAt and FinishedAt, so that their difference is the duration
    };
    AsRead asRead;

    QByteArray toJson() const;
    // Every field toJson writes, read back; DurationMs is startedAt to finishedAt, as written.
    // A field the file lacks or holds in another type keeps its default (asRead tells the
    // always-written ones apart), and StageDurationsMs comes back in pipeline order.
    static ResultRecord fromJson(const QJsonObject &object);

    // The few fields --list and the task table show of every result.json, on every refresh:
    // read here with the writer's names, without reading the rest of the record.
    struct Summary {
        QString outcome;
        QString message;
        QString errorSummary; // as written: escaped once by the executor
        QDateTime startedAt;
        QDateTime finishedAt;
        qint64 durationMs = -1;
        std::optional<int> exitCode;
    };
    static Summary summaryFromJson(const QJsonObject &object);
    // result.json's Provenance (empty when it has none), for --which-runs.
    static QList<InstalledDistribution> provenanceFromJson(const QJsonObject &object);
    // Written through the gatekeeper (AgentFolder::writeAtomically): a link planted at the
    // name is replaced, never followed, and the previous file stays whole when the disk is full.
    // ErrorKind::System when the file cannot be written.
    Status save(const AgentFolder &folder, const QString &path) const;
};

} // namespace oa
