#pragma once

#include "fs/AgentPaths.h"
#include "lock/CancelChannel.h"
#include "process/ChildProcess.h"
#include "base/Error.h"
#include "process/ProcessTree.h"
#include "ProgressReader.h"
#include "process/ResourceSampler.h"
#include "records/ResultRecord.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>

#include <memory>
#include <optional>

namespace oa {

class ExecutionLog;

struct RunLimits {
    std::optional<qint64> timeoutMs;        // the whole run, venv and pip included
    qint64 graceMs = 10000;                 // SIGTERM to SIGKILL
    std::optional<qint64> maxMemoryBytes;   // the script's tree
    std::optional<double> maxCpuSeconds;    // the script's tree
};

// Everything that watches a run while it runs, ticked by ChildProcess about every 200 ms:
// the deadline, cancel requests (CancelChannel, SIGTERM/SIGINT), resource samples and limits,
// script progress, and Tasks/{id}/status.json. It decides when to stop; ChildProcess stops.
class ExecutionControl final : public RunControl {
public:
    ExecutionControl(const AgentPaths &paths, const QString &executionId, ExecutionLog &log);
    ~ExecutionControl() override;

    // SIGTERM and SIGINT become a cancel (a second one: stop without grace). Process-wide.
    static void installSignalHandlers();

    // After the lock: the cancel channel opens, status.json starts and the executor becomes the
    // subreaper of its descendants. `startedAt` is when the executor started: the timeout
    // counts from there.
    Status begin(const QElapsedTimer &startedAt);
    void setLimits(const RunLimits &limits);
    void setStage(Stage stage);
    // Who task code runs as, for status.json (and so --list, --locks and the monitor).
    void setRunAsUser(const QString &user) { m_runAsUser = user; }
    // When the run started, for status.json: what --list and the monitor show if it is interrupted.
    void setStartedAt(const QDateTime &startedAt) { m_startedAt = startedAt; }
    // Resource limits and progress apply to the script's tree only, from here on. Creates the
    // execution's cgroups as far as the system allows; returns the files a child joins them through.
    QList<QByteArray> enterScriptRun();
    // The script is over: final figures are taken and the cgroups are removed. Returns the
    // kernel's memory limit kill when it came after the last tick (a fast allocation).
    std::optional<StopRequest> leaveScriptRun();
    void signalTree(qint64 processGroup, int signal) override;
    QList<qint64> treeMembers(qint64 processGroup) override;

    std::optional<StopRequest> check(qint64 processGroup) override;
    qint64 graceMs() const override { return m_limits.graceMs; }
    // Between steps, with no child running: a cancel or an expired deadline.
    std::optional<StopRequest> pendingStop();

    QString progressFile() const;
    const ProgressReader::Progress &progress() const;
    ResourceSampler::Figures resources() const { return m_sampler.figures(); }
    // What held the processes, once the run began; nullopt before.
    std::optional<ContainmentReport> containment() const;
    // The processes that left the script's session or cgroups, one warning each.
    QStringList escapeWarnings(const QList<qint64> &survivors) const { return m_tree.escapeWarnings(survivors); }

    // The last status.json: the run is over.
    void end(const QString &outcome);

private:
    void writeStatus(const QString &state, const QString &outcome = QString());
    void readProgress();
    std::optional<StopRequest> kernelMemoryStop() const;

    AgentPaths m_paths;
    QString m_id;
    ExecutionLog &m_log;
    CancelChannel m_cancel;
    RunLimits m_limits;
    const QElapsedTimer *m_started = nullptr;
    Stage m_stage = Stage::Lock;
    bool m_inScript = false;
    bool m_begun = false;
    std::optional<StopRequest> m_stop; // the first reason to stop; later ones are kept out
    ResourceSampler m_sampler;
    std::unique_ptr<ProgressReader> m_progress;
    ProcessTree m_tree;
    ContainmentReport m_containment;
    QElapsedTimer m_lastStatus;
    bool m_ttyProgress = false;
    bool m_statusFailed = false; // the last status.json write failed: warn once, not every second
    int m_lastShownPercent = -1;
    QString m_runAsUser;
    QDateTime m_startedAt;
};

} // namespace oa
