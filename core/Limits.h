#pragma once

#include <QtGlobal>

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
} // namespace limits

} // namespace oa
