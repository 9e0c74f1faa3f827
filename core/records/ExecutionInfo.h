#pragma once

#include "base/Error.h"
#include "Limits.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// The validated content of Tasks/{id}/execution.json. Construct it only through parse(), so
// that every instance has passed every check: a script inside the task folder, requirements
// that can never reach pip as options, and an ID that matches the command line.
struct ExecutionInfo {
    // execution.json and requirements.txt are read up to this size; a larger one is refused
    // (exit 4) rather than read whole. Real ones are a few KiB; the bound leaves room for an
    // argument list as large as the OS can pass (ARG_MAX, 2 MiB here) with JSON's overhead.
    static constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;

    QString executionId;
    QString scriptPath;         // as written in execution.json (relative)
    QString scriptFile;         // canonical absolute path, inside the task folder
    QStringList arguments;
    std::optional<QStringList> requirements; // absent: use requirements.txt next to the script, if any
    QString requirementsFile;   // canonical path of that requirements.txt, when it is used
    // RequirementsSource: which of several dependency files to use ("Pipfile.lock",
    // "requirements.txt", "script"); empty: the only one there is (see DependencyResolver).
    QString requirementsSource;
    QString pythonVersion;      // PythonVersion: a PEP 440 specifier for the interpreter, checked
    bool keepVirtualEnvironment = false;
    bool useEnvironmentCache = true;        // UseEnvironmentCache: false gives the uncached behaviour
    std::optional<double> timeoutSeconds;   // TimeoutSeconds: the whole run
    std::optional<double> graceSeconds;     // GraceSeconds: SIGTERM to SIGKILL
    std::optional<double> maxMemoryMB;      // MaxMemoryMB: the script's tree
    std::optional<double> maxCpuSeconds;    // MaxCpuSeconds: the script's tree
    QString network;            // Network: "none" or "host" (never more than executor.conf's); empty: not asked
    QStringList warnings;       // unknown keys and other things worth a log line

    bool needsPackages() const { return (requirements && !requirements->isEmpty()) || !requirementsFile.isEmpty(); }

    // `json` is the file's bytes; `expectedId` the ID from the command line; `taskDir` the task
    // folder. Every rejection is ErrorKind::InvalidTask and names the field and the reason.
    static Result<ExecutionInfo> parse(const QByteArray &json, const QString &expectedId, const QString &taskDir);
    // The same with the execve() cost of the environment the script would inherit given
    // (ArgumentLimits::environmentBytes), measured once by a caller that parses many files: the
    // three-argument form measures this process's environment on every call.
    static Result<ExecutionInfo> parse(const QByteArray &json, const QString &expectedId, const QString &taskDir,
                                       qint64 environmentBytes);
    // What a caller that parses many files (--list, the monitor) measures once, and the task
    // folder it has open.
    struct ParseContext {
        qint64 environmentBytes = 0;
        ArgumentLimits limits = ArgumentLimits::ofThisSystem();
        int taskDirFd = -1; // -1: the folder is opened by path
    };
    // The same for a file a scan has already parsed into `object`: neither the JSON nor the
    // folder is read twice.
    static Result<ExecutionInfo> parse(const QJsonObject &object, const QString &expectedId, const QString &taskDir,
                                       const ParseContext &context);

    // What --list and the monitor show of an execution.json, read leniently (no file checks,
    // whatever is readable), with the same case-insensitive keys as parse(): the field names
    // live here only.
    struct Preview {
        QString scriptPath;
        QString arguments;      // as one line: a string as written, an array joined by spaces
        QStringList argumentList; // an array's strings, or the string as one
        int requirementsCount = 0;
        std::optional<QStringList> requirements; // when Requirements is a list
        std::optional<bool> useEnvironmentCache;
        std::optional<double> timeoutSeconds;
        std::optional<double> maxMemoryMB;
        std::optional<double> maxCpuSeconds;
    };
    static Preview preview(const QJsonObject &object);

    // ok() for a requirement string by Requirement's grammar, else the error saying why it is
    // not one (empty, an option such as -r, a control character, a marker that is not PEP 508's, ...).
    static Status checkRequirement(const QString &requirement);
};

} // namespace oa
