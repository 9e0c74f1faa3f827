#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

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
};

struct ProcessExit {
    bool started = false;
    QString startError;     // why it did not start
    int exitCode = 0;       // the exit status of a normal exit
    int signal = 0;         // the signal that killed it, or 0
    qint64 pid = 0;
    QByteArray capturedStdout;
    int leftoversStopped = 0; // processes of its group still alive after it exited

    bool succeeded() const { return started && signal == 0 && exitCode == 0; }
    // The shell convention: the exit status, or 128 + the signal number.
    int conventionalExitCode() const { return signal != 0 ? 128 + signal : exitCode; }
};

// Runs one child process to completion, with stdin on the null device (never a pipe that
// hangs), in its own process group that the ProcessGuardian kills if the executor dies.
// When the child exits, whatever it left running in its group is stopped too: a task is over
// when its script is, and background leftovers would keep writing into a released task.
class ChildProcess {
public:
    static ProcessExit run(const ProcessSpec &spec);

    // SIGTERM to the group, up to `graceMs` for it to go, then SIGKILL. Returns how many
    // processes were alive when it started.
    static int stopGroup(qint64 processGroup, int graceMs);
};

} // namespace oa
