#pragma once

#include "base/Error.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace oa {

// Why a running child had to be stopped early: a timeout, a cancel, a resource limit.
struct StopRequest {
    ErrorKind kind = ErrorKind::Cancelled;
    QString message;
    bool immediate = false; // skip the grace period (a second signal, for example)
};

// How a child ended, in the manner of Qt Creator's ProcessResult: callers switch on this and
// take the words from exitMessage(), instead of each reading started/signal/exitCode.
enum class ProcessResult {
    StartFailed,  // never ran: no such program, no permission, E2BIG
    Stopped,      // a RunControl stopped it: timeout, cancel, resource limit
    Crashed,      // killed by a signal nobody here sent
    FailedExit,   // exited with a code other than 0
    Succeeded,    // exited with 0
};

struct ProcessExit {
    bool started = false;
    QString startError;     // why it did not start
    bool argumentsTooLong = false; // it did not start because execve() refused its arguments (E2BIG)
    int exitCode = 0;       // the exit status of a normal exit
    int signal = 0;         // the signal that killed it, or 0
    qint64 pid = 0;
    // It was started inside its cgroup v2 (CgroupSpawn's clone3), rather than started by
    // QProcess and moved there by its own write to cgroup.procs.
    bool startedInCgroup = false;
    QByteArray capturedStdout;
    int leftoversStopped = 0; // processes of its group still alive after it exited
    // Processes descended from the executor (its subreaper catches orphans), the guardian
    // excepted, still alive the moment the child exited: ones that left the child's group (a
    // setsid daemon) count too. Anything the child wrote may have been rewritten by them since.
    int othersAliveAtExit = 0;
    std::optional<StopRequest> stopped; // set when the RunControl stopped it
    QList<qint64> survivors;  // still alive after SIGKILL and a bounded wait: reported, never waited on

    bool succeeded() const { return started && signal == 0 && exitCode == 0; }
    // The shell convention: the exit status, or 128 + the signal number.
    int conventionalExitCode() const { return signal != 0 ? 128 + signal : exitCode; }

    // How it ended, one answer (a stop wins over the signal the stop sent).
    ProcessResult result() const;
    // How it ended, for a message about it: "exit code 3", "killed by signal 9 (SIGKILL)", the
    // stop's reason ("timed out after 5 s …"), or why it did not start. Callers put it in their
    // own sentence ("creating the virtual environment /x failed (exit code 1): …").
    QString exitMessage() const;
    // The stop as an Error of the kind the RunControl chose (TimedOut, Cancelled,
    // LimitExceeded), so that a stopped pip or probe ends the run the way the stop meant.
    std::optional<Error> stopError() const;
};

} // namespace oa
