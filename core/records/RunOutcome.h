#pragma once

#include <QString>

namespace oa {

// Outcome as written to result.json; stable strings the service can switch on.
enum class Outcome {
    Succeeded,
    Failed,
    InvalidArguments,
    AlreadyRunning,
    TaskNotFound,
    InvalidExecution,
    EnvironmentFailed,
    RequirementsFailed,
    TimedOut,
    Cancelled,
    ResourceLimitExceeded,
    InternalError,
};

QString outcomeName(Outcome outcome);

// The stage a run is in, or ended in. Names appear in logs and result.json.
enum class Stage { Lock, Read, Validate, Environment, Requirements, Run, Cleanup };
QString stageName(Stage stage);

} // namespace oa
