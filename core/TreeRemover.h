#pragma once

#include "AgentPaths.h"

#include <QString>

namespace oa {

// Removes the executor's own folders (venvs/{id}, Temp/{id}) and nothing else. A path that
// resolves outside the agent folder is refused; a symlink is removed as a link, never followed.
class TreeRemover {
public:
    explicit TreeRemover(const AgentPaths &paths) : m_paths(paths) {}

    // ok() when the path is gone afterwards (or never existed).
    Status remove(const QString &path) const;

private:
    AgentPaths m_paths; // a copy: cheap, and never dangles
};

} // namespace oa
