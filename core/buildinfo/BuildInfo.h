#pragma once

#include <QString>

namespace oa {

// What --version prints after the program's name, for the executor and the monitor alike:
// "0.1.0 (commit 6079aae, Qt 6.4.2)". The commit is `git rev-parse --short HEAD` at build time,
// "unknown" outside a git checkout; the Qt version is the runtime's (qVersion()).
QString versionText();

} // namespace oa
