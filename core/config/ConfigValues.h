#pragma once

#include "base/Error.h"

#include <QString>
#include <QVariant>

namespace oa {

// How each setting's text becomes a value, the same for the command line, the environment
// and the configuration file, so that "--timeout 1e10", "TimeoutSeconds = 1e10" and the like
// are refused with the same reason wherever they come from.
namespace config {

enum class Kind {
    Path,          // an absolute path (made absolute on the command line and in the environment)
    Text,          // any non-empty text: an interpreter name or path, a user name
    Seconds,       // a number of seconds > 0, at most limits::kMaxSeconds
    SecondsOrZero, // the same, 0 allowed
    MegaBytes,     // a number of megabytes > 0, at most limits::kMaxMemoryMB
    Age,           // a duration such as 7d, 12h or 3600, at most limits::kMaxCacheAgeSeconds
    Size,          // a size such as 10G or 500M, at most limits::kMaxCacheSizeBytes
    Switch,        // on/off, true/false, yes/no, 1/0
    List,          // comma-separated, non-empty entries: interpreter names or paths
    IdRange,       // "first-last": user and group IDs for dynamic users, never 0, first <= last
    Sandbox,       // none or bubblewrap
    Network,       // host or none
    RunCount,      // a whole number of runs, 1 to limits::kMaxKeepRuns
};

// `text` parsed as `kind`: a QString (Path, Text), a QStringList (List), the lower-case word (Sandbox, Network), double (the seconds and megabytes), qint64
// (Age in seconds, Size in bytes), bool (Switch), int (RunCount) or a QVariantList of two qint64 (IdRange). Otherwise BadArgument, whose message starts
// with the quoted text: "\"abc\" is not a positive number of seconds …" (the caller says where).
// `relativeBase`: the folder a relative Path is taken against; empty refuses relative paths.
Result<QVariant> parse(Kind kind, const QString &text, const QString &relativeBase = QString());

// How a parsed value is shown by --show-config and the monitor: seconds without a trailing
// ".0", ages and sizes in the largest whole unit (604800 -> "7d", 10 GiB -> "10G").
QString display(Kind kind, const QVariant &value);

} // namespace config
} // namespace oa
