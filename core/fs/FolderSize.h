#pragma once

#include <QString>

namespace oa {

// The bytes of every file below `path`, links not followed (a link counts as nothing): what a
// task folder, a venv or a cache entry takes on disk, for Leftovers and the environment cache.
qint64 folderSize(const QString &path);

} // namespace oa
