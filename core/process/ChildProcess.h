#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include "base/Error.h"
#include "ProcessExit.h"
#include "RunAsUser.h"
#include "Sandbox.h"

#include <optional>

namespace oa {

// What to start. Output goes to files when they are named (streamed to disk, memory bounded,
// nothing lost from grandchildren); otherwise stdout is captured in memory, for small outputs.
struct ProcessSpec {
    QString program;
    QStringList arguments;
    QString workingDirectory;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    QString stdoutFile;
    QString stderrFile;          // empty with a stdoutFile: stderr is merged into it
    bool appendOutput = false;
    bool captureStderr = false;  // without a stdoutFile: merge stderr into the captured output
    QList<QByteArray> cgroupProcsFiles; // the child moves itself into each of these cgroups first
    // When set, the child takes these credentials (groups, gid, uid) before it runs any code of
    // its own, and HOME, USER and LOGNAME are the user's. Every child also gets
    // PR_SET_NO_NEW_PRIVS, so that no setuid program can raise it back.
    std::shared_ptr<const ProcessCredentials> credentials;
    // When set, HOME for the child, over the credentials' and the inherited one.
    QString home;
    // When set, the program runs under bubblewrap with this view of the system. The child drops
    // its credentials first and then starts bwrap, which stays unprivileged (a user namespace);
    // the cgroups, the session and the death signal are bwrap's, and so its whole tree's.
    std::optional<SandboxSpec> sandbox;
};

// Consulted about every 200 ms while a child runs. The executor's ExecutionControl implements it:
// deadlines, cancel requests, resource sampling and live status all happen in that tick.
class RunControl {
public:
    virtual ~RunControl() = default;
    // `processGroup` is the running child's group; nullopt means carry on.
    virtual std::optional<StopRequest> check(qint64 processGroup) = 0;
    // How long a stopped tree gets between SIGTERM and SIGKILL. 64 bits: GraceSeconds may be
    // large enough (3,000,000 s) to wrap an int of milliseconds into a negative, no-grace value.
    virtual qint64 graceMs() const = 0;
    // The tree: the process group, plus whatever else the control tracks (a cgroup).
    virtual void signalTree(qint64 processGroup, int signal);
    virtual QList<qint64> treeMembers(qint64 processGroup);
};

// Runs one child process to completion, with stdin on the null device (never a pipe that
// hangs), in its own process group that the ProcessGuardian kills if the executor dies.
// When the child exits, whatever it left running in its group is stopped too: a task is over
// when its script is, and background leftovers would keep writing into a released task.
class ChildProcess {
public:
    static ProcessExit run(const ProcessSpec &spec, RunControl *control = nullptr);

    // SIGTERM to the group, up to `graceMs` for it to go, then SIGKILL and up to 2 s more.
    // Returns how many processes were alive when it started; `survivors` gets any left after.
    static int stopGroup(qint64 processGroup, qint64 graceMs, QList<qint64> *survivors = nullptr, RunControl *control = nullptr);
};

} // namespace oa
