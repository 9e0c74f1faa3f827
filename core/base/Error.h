#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace oa {

// What went wrong, as the layers below run/ see it. No exit code lives here: which code a run
// leaves with is the Executor's decision where a stage ends (run/ExitCodes), so a file the
// gatekeeper refuses is exit 4 while the task's files are read and 5 while its venv is made,
// without the layer that refused it knowing either. Kinds are few and stable, in the manner of
// KJob's error(): the monitor translates the kind and shows the message beside it.
enum class ErrorKind {
    BadArgument,   // the caller's command line, configuration or execution ID
    Busy,          // a live process holds it (a lock), or it changed while being inspected
    NotFound,      // no such task, lock or running execution
    InvalidTask,   // a file of the task says something invalid: execution.json, requirements, a script
    Environment,   // no interpreter, or a virtual environment that cannot be made or run
    Install,       // packages that cannot be installed, or an environment cache that cannot be built
    TimedOut,      // the run's time limit
    Cancelled,     // someone asked for the run to stop
    LimitExceeded, // a resource limit (memory, disk, processes, output)
    System,        // a system call failed or the gatekeeper refused a file; systemError holds errno
    Internal,      // a bug: an exception, a state that cannot happen
};

// A stable English name for logs and --json ("InvalidTask"), never translated.
QString errorKindName(ErrorKind kind);
// A short phrase for people ("The task's files are not valid"), translated through
// QCoreApplication (context "oa::Error") into the language the monitor loaded.
QString errorKindText(ErrorKind kind);

// The one error type of core: what kind of failure, a message naming what was wrong and where
// (in English, as logs and result.json keep it), and the errno where a system call failed.
struct Error {
    ErrorKind kind = ErrorKind::Internal;
    QString message;
    int systemError = 0; // lets callers tell ENOENT from EACCES without parsing the message

    // "<the kind's phrase>: <message>", translated as far as a kind can be: what the monitor shows.
    QString text() const;
    // The same error with a message that says where, errno and kind kept.
    Error within(const QString &context) const;
};

// An expected-style result: a value, or the Error that prevented it.
template <typename T>
class Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T *operator->() const { return &value(); }
    const T &operator*() const { return value(); }
    const Error &error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

// For steps that produce nothing but may fail.
struct Done {};
using Status = Result<Done>;
inline Status ok() { return Done{}; }
inline Error fail(ErrorKind kind, QString message) { return Error{kind, std::move(message), 0}; }
// A failed system call: the message says what was done to what, errno says why.
Error systemFailure(const QString &message, int error);

} // namespace oa
