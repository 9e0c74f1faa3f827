#include "Limits.h"

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace oa {

namespace {

constexpr qint64 kPointerBytes = qint64(sizeof(char *));
// Linux's own floor and ceiling for the total (fs/exec.c): ARG_MAX (32 pages of 4 KiB), and
// 3/4 of _STK_LIM (8 MiB) however large RLIMIT_STACK is.
constexpr qint64 kKernelFloorBytes = 128 * 1024;
constexpr qint64 kKernelCeilingBytes = 6 * 1024 * 1024;

qint64 stringBytes(const QString &s)
{
    return s.toUtf8().size() + 1; // QProcess passes arguments as UTF-8 (the local 8-bit encoding)
}

} // namespace

TaskLimits effectiveLimits(const SiteLimits &site, const TaskLimits &task)
{
    TaskLimits limits = task;
    limits.warnings.clear();
    if (!limits.timeoutSeconds)
        limits.timeoutSeconds = site.defaultTimeoutSeconds;
    if (!limits.graceSeconds)
        limits.graceSeconds = site.defaultGraceSeconds;
    const auto hold = [&limits](std::optional<double> &value, const std::optional<double> &maximum, const char *field, const char *maxKey) {
        if (!maximum)
            return;
        if (value && *value > *maximum)
            limits.warnings.append(QStringLiteral("execution.json: %1 %2 is above the administrator's %3 %4 (executor.conf); "
                                                  "the run is held to %4")
                                       .arg(QLatin1String(field), QString::number(*value, 'g', 15), QLatin1String(maxKey),
                                            QString::number(*maximum, 'g', 15)));
        if (!value || *value > *maximum)
            value = maximum; // a task that sets nothing gets the maximum, not "unlimited"
    };
    hold(limits.timeoutSeconds, site.maxTimeoutSeconds, "TimeoutSeconds", "MaxTimeoutSeconds");
    hold(limits.maxMemoryMB, site.maxMemoryMB, "MaxMemoryMB", "MaxMemoryMB");
    hold(limits.maxCpuSeconds, site.maxCpuSeconds, "MaxCpuSeconds", "MaxCpuSeconds");
    return limits;
}

qint64 execveBytes(const QStringList &strings)
{
    qint64 total = 0;
    for (const QString &s : strings)
        total += stringBytes(s) + kPointerBytes;
    return total;
}

ArgumentLimits ArgumentLimits::ofThisSystem()
{
    ArgumentLimits limits;
    limits.maxTotalBytes = kKernelFloorBytes;
    limits.maxArgumentBytes = kKernelFloorBytes;
#ifdef Q_OS_UNIX
    const long argMax = ::sysconf(_SC_ARG_MAX);
    if (argMax > 0)
        limits.maxTotalBytes = qBound(kKernelFloorBytes, qint64(argMax), kKernelCeilingBytes);
#endif
#ifdef Q_OS_LINUX
    const long page = ::sysconf(_SC_PAGESIZE);
    limits.maxArgumentBytes = 32 * qint64(page > 0 ? page : 4096); // MAX_ARG_STRLEN
#else
    limits.maxArgumentBytes = limits.maxTotalBytes;
#endif
    return limits;
}

std::optional<ArgumentLimits::Problem> ArgumentLimits::check(const QStringList &arguments, const QProcessEnvironment &environment,
                                                             const QString &field) const
{
    return check(arguments, environmentBytes(environment), field);
}

qint64 ArgumentLimits::environmentBytes(const QProcessEnvironment &environment)
{
    QStringList variables;
    const QStringList keys = environment.keys();
    for (const QString &key : keys)
        variables.append(key + u'=' + environment.value(key));
    return execveBytes(variables);
}

std::optional<ArgumentLimits::Problem> ArgumentLimits::check(const QStringList &arguments, qint64 environmentBytes, const QString &field) const
{
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const qint64 bytes = stringBytes(arguments.at(i));
        if (bytes > maxArgumentBytes)
            return Problem{QStringLiteral("%1[%2]").arg(field).arg(i),
                           QStringLiteral("is %1 bytes long; the OS passes at most %2 bytes in one argument "
                                          "(Linux's MAX_ARG_STRLEN, %3 with its NUL)")
                               .arg(bytes - 1).arg(maxArgumentBytes - 1).arg(maxArgumentBytes)};
    }
    const qint64 argumentBytes = execveBytes(arguments);
    if (argumentBytes + environmentBytes + reservedBytes > maxTotalBytes)
        return Problem{field,
                       QStringLiteral("%1 string(s) need %2 bytes; with the environment (%3 bytes) and %4 bytes kept for "
                                      "the executor's own paths and variables that is more than the %5 bytes the OS "
                                      "passes to a program (ARG_MAX)")
                           .arg(arguments.size()).arg(argumentBytes).arg(environmentBytes).arg(reservedBytes).arg(maxTotalBytes)};
    return std::nullopt;
}

} // namespace oa
