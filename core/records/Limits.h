#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// The largest durations and sizes the executor accepts: above them execution.json is refused
// with exit 4 and the command line with exit 1, naming the field and the maximum. Converted
// values are held in 64 bits (milliseconds, bytes), and these maxima keep every conversion far
// from overflowing. The README's execution.json table and command-line table list them.
namespace limits {
// TimeoutSeconds, GraceSeconds, MaxCpuSeconds, --timeout and --grace-seconds: about 31.7 years.
// That is 1e12 ms, far inside 64 bits; an int of milliseconds would wrap after 24.8 days.
constexpr double kMaxSeconds = 1e9;
// MaxMemoryMB: about 954 TiB, 1.05e15 bytes.
constexpr double kMaxMemoryMB = 1e9;
// --env-cache-max-age: 100 years. The cache compares ages in milliseconds (seconds * 1000).
constexpr qint64 kMaxCacheAgeSeconds = qint64(36500) * 24 * 3600;
// --env-cache-max-size: 1 PiB.
constexpr qint64 kMaxCacheSizeBytes = qint64(1) << 50;
// KeepRuns: how many earlier runs of an ID are kept (previous/, previous.2/, …). Each holds a
// run's whole logs, so a hundred is already far more than anyone reads; a typo of 5000 would
// otherwise keep gigabytes per task.
constexpr int kMaxKeepRuns = 100;
} // namespace limits

// The administrator's defaults and maxima from executor.conf. A task (execution.json) may
// tighten a maximum but never loosen it: effectiveLimits() holds a value above a maximum to the
// maximum, with a warning, and gives a task that sets no value the default, else the maximum.
struct SiteLimits {
    std::optional<double> defaultTimeoutSeconds; // TimeoutSeconds
    std::optional<double> defaultGraceSeconds;   // GraceSeconds
    std::optional<double> maxTimeoutSeconds;     // MaxTimeoutSeconds
    std::optional<double> maxMemoryMB;           // MaxMemoryMB
    std::optional<double> maxCpuSeconds;         // MaxCpuSeconds
};

// A run's limits: execution.json's values before effectiveLimits(), the ones in force after it.
struct TaskLimits {
    std::optional<double> timeoutSeconds;
    std::optional<double> graceSeconds;
    std::optional<double> maxMemoryMB;
    std::optional<double> maxCpuSeconds;
    QStringList warnings; // one per value held to a maximum, for executor.log and result.json
};
TaskLimits effectiveLimits(const SiteLimits &site, const TaskLimits &task);

// What execve() can pass to a program. Linux refuses (E2BIG) one string longer than
// MAX_ARG_STRLEN (32 pages, its NUL included), and a whole argv + envp whose strings, NULs and
// pointers pass the stack-derived limit: RLIMIT_STACK / 4 (sysconf(_SC_ARG_MAX)), at most 6 MiB.
struct ArgumentLimits {
    qint64 maxArgumentBytes = 0; // one string, its NUL included
    qint64 maxTotalBytes = 0;    // every argument and environment string, with NULs and pointers
    // Kept free for what the executor adds to the script's command line and environment: the
    // interpreter and script paths, TMP/TEMP/TMPDIR, VIRTUAL_ENV, PATH's prefix, OPENAUTOMATE_*.
    // Each is a path (at most 4 KiB), so 64 KiB leaves the total well under the limit.
    qint64 reservedBytes = 64 * 1024;

    static ArgumentLimits ofThisSystem();

    struct Problem {
        QString field;  // "Arguments" or "Arguments[3]"
        QString reason;
    };
    // Why `arguments` cannot reach the script through execve() next to `environment` (the
    // executor's own, which the script inherits), or nullopt when they fit.
    // `field` names the list in the problem ("Arguments", or "Requirements", which reach pip's
    // command line the same way).
    std::optional<Problem> check(const QStringList &arguments, const QProcessEnvironment &environment,
                                 const QString &field = QStringLiteral("Arguments")) const;
    // The same with the environment's execve() cost measured once (environmentBytes()), for a
    // caller that checks many lists against one environment (a scan of 10,000 tasks).
    std::optional<Problem> check(const QStringList &arguments, qint64 environmentBytes, const QString &field = QStringLiteral("Arguments")) const;
    static qint64 environmentBytes(const QProcessEnvironment &environment);
};

// execve()'s cost of `strings`: each one's bytes as passed (UTF-8), its NUL and its pointer.
qint64 execveBytes(const QStringList &strings);

} // namespace oa
