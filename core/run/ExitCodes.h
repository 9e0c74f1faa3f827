#pragma once

#include "base/Error.h"
#include "records/RunOutcome.h"

namespace oa {

// The executor's exit codes are its contract with the bot agent service; the README lists them.
// A script's own exit code passes through unchanged, so it may collide with any of these:
// result.json's Outcome is what tells them apart. Only run/ and the commands above it know
// these numbers; every layer below reports an Error and its kind.
enum class ExitCode : int {
    Success = 0,
    InvalidArguments = 1,
    AlreadyRunning = 2,
    TaskNotFound = 3,
    InvalidExecution = 4,
    EnvironmentFailed = 5,
    RequirementsFailed = 6,
    TimedOut = 7,
    Cancelled = 8,
    ResourceLimitExceeded = 9,
    Unexpected = 99,
};

Outcome outcomeForExitCode(ExitCode code);

// The one place an error becomes an exit code: where a stage ends. Most kinds name their code
// whatever the stage; a System error (a refused file, a failed call) is charged to the stage it
// stopped: reading or checking the task's files (4), making its environment (5), installing its
// packages (6); while locking, running and cleaning up it is the executor's own failure (99).
ExitCode exitCodeFor(Stage stage, const Error &error);
// For commands that run no stage (--clear-lock, --cancel, --prune-cache …): System is 99.
ExitCode exitCodeFor(const Error &error);

} // namespace oa
