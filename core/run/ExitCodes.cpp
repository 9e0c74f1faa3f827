#include "ExitCodes.h"

namespace oa {

Outcome outcomeForExitCode(ExitCode code)
{
    switch (code) {
    case ExitCode::Success: return Outcome::Succeeded;
    case ExitCode::InvalidArguments: return Outcome::InvalidArguments;
    case ExitCode::AlreadyRunning: return Outcome::AlreadyRunning;
    case ExitCode::TaskNotFound: return Outcome::TaskNotFound;
    case ExitCode::InvalidExecution: return Outcome::InvalidExecution;
    case ExitCode::EnvironmentFailed: return Outcome::EnvironmentFailed;
    case ExitCode::RequirementsFailed: return Outcome::RequirementsFailed;
    case ExitCode::TimedOut: return Outcome::TimedOut;
    case ExitCode::Cancelled: return Outcome::Cancelled;
    case ExitCode::ResourceLimitExceeded: return Outcome::ResourceLimitExceeded;
    case ExitCode::Unexpected: return Outcome::InternalError;
    }
    return Outcome::InternalError;
}

static ExitCode systemErrorIn(Stage stage)
{
    switch (stage) {
    case Stage::Read:
    case Stage::Validate: return ExitCode::InvalidExecution;
    case Stage::Environment: return ExitCode::EnvironmentFailed;
    case Stage::Requirements: return ExitCode::RequirementsFailed;
    case Stage::Lock:
    case Stage::Run:
    case Stage::Cleanup: return ExitCode::Unexpected;
    }
    return ExitCode::Unexpected;
}

static ExitCode exitCodeFor(Stage stage, bool inStage, const Error &error)
{
    switch (error.kind) {
    case ErrorKind::BadArgument: return ExitCode::InvalidArguments;
    case ErrorKind::Busy: return ExitCode::AlreadyRunning;
    case ErrorKind::NotFound: return ExitCode::TaskNotFound;
    case ErrorKind::InvalidTask: return ExitCode::InvalidExecution;
    case ErrorKind::Environment: return ExitCode::EnvironmentFailed;
    case ErrorKind::Install: return ExitCode::RequirementsFailed;
    case ErrorKind::TimedOut: return ExitCode::TimedOut;
    case ErrorKind::Cancelled: return ExitCode::Cancelled;
    case ErrorKind::LimitExceeded: return ExitCode::ResourceLimitExceeded;
    case ErrorKind::System: return inStage ? systemErrorIn(stage) : ExitCode::Unexpected;
    case ErrorKind::Internal: return ExitCode::Unexpected;
    }
    return ExitCode::Unexpected;
}

ExitCode exitCodeFor(Stage stage, const Error &error)
{
    return exitCodeFor(stage, true, error);
}

ExitCode exitCodeFor(const Error &error)
{
    return exitCodeFor(Stage::Cleanup, false, error);
}

} // namespace oa
