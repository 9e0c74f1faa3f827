#include "RunOutcome.h"

namespace oa {

QString outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Succeeded: return QStringLiteral("Succeeded");
    case Outcome::Failed: return QStringLiteral("Failed");
    case Outcome::InvalidArguments: return QStringLiteral("InvalidArguments");
    case Outcome::AlreadyRunning: return QStringLiteral("AlreadyRunning");
    case Outcome::TaskNotFound: return QStringLiteral("TaskNotFound");
    case Outcome::InvalidExecution: return QStringLiteral("InvalidExecution");
    case Outcome::EnvironmentFailed: return QStringLiteral("EnvironmentFailed");
    case Outcome::RequirementsFailed: return QStringLiteral("RequirementsFailed");
    case Outcome::TimedOut: return QStringLiteral("TimedOut");
    case Outcome::Cancelled: return QStringLiteral("Cancelled");
    case Outcome::ResourceLimitExceeded: return QStringLiteral("ResourceLimitExceeded");
    case Outcome::InternalError: return QStringLiteral("InternalError");
    }
    return QStringLiteral("InternalError");
}

QString stageName(Stage stage)
{
    switch (stage) {
    case Stage::Lock: return QStringLiteral("Lock");
    case Stage::Read: return QStringLiteral("Read");
    case Stage::Validate: return QStringLiteral("Validate");
    case Stage::Environment: return QStringLiteral("Environment");
    case Stage::Requirements: return QStringLiteral("Requirements");
    case Stage::Run: return QStringLiteral("Run");
    case Stage::Cleanup: return QStringLiteral("Cleanup");
    }
    return QStringLiteral("Unknown");
}

} // namespace oa
