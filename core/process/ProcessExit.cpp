#include "ProcessExit.h"

#include <string.h> // sigabbrev_np (glibc 2.32)

namespace oa {

ProcessResult ProcessExit::result() const
{
    if (!started)
        return ProcessResult::StartFailed;
    if (stopped)
        return ProcessResult::Stopped;
    if (signal != 0)
        return ProcessResult::Crashed;
    return exitCode == 0 ? ProcessResult::Succeeded : ProcessResult::FailedExit;
}

QString ProcessExit::exitMessage() const
{
    switch (result()) {
    case ProcessResult::StartFailed:
        return startError.isEmpty() ? QStringLiteral("it did not start") : startError;
    case ProcessResult::Stopped:
        return stopped->message;
    case ProcessResult::Crashed: {
        const char *abbrev = sigabbrev_np(signal);
        return abbrev ? QStringLiteral("killed by signal %1 (SIG%2)").arg(signal).arg(QString::fromLatin1(abbrev))
                      : QStringLiteral("killed by signal %1").arg(signal);
    }
    case ProcessResult::FailedExit:
    case ProcessResult::Succeeded:
        return QStringLiteral("exit code %1").arg(exitCode);
    }
    return QString();
}

std::optional<Error> ProcessExit::stopError() const
{
    if (!stopped)
        return std::nullopt;
    return fail(stopped->kind, stopped->message);
}

} // namespace oa
