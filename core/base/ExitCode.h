#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace oa {

// The executor's exit codes are its contract with the bot agent service; the README lists them.
// A script's own exit code passes through unchanged, so it may collide with any of these:
// result.json's Outcome is what tells them apart.
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
Outcome outcomeForExitCode(ExitCode code);

// The stage a run is in, or ended in. Names appear in logs and result.json.
enum class Stage { Lock, Read, Validate, Environment, Requirements, Run, Cleanup };
QString stageName(Stage stage);

// Why a step failed: the exit code to leave with and a message naming what was wrong and where.
struct Failure {
    ExitCode code = ExitCode::Unexpected;
    QString message;
    int systemError = 0; // errno, where a system call failed: lets callers tell ENOENT from EACCES
};

// An expected-style result: a value, or the Failure that prevented it.
template <typename T>
class Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Failure failure) : m_state(std::move(failure)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T *operator->() const { return &value(); }
    const T &operator*() const { return value(); }
    const Failure &failure() const { return std::get<Failure>(m_state); }

private:
    std::variant<T, Failure> m_state;
};

// For steps that produce nothing but may fail.
struct Done {};
using Status = Result<Done>;
inline Status ok() { return Done{}; }
inline Failure fail(ExitCode code, QString message) { return Failure{code, std::move(message)}; }

} // namespace oa
