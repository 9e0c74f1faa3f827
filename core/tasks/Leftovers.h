#pragma once

#include "fs/AgentPaths.h"
#include "base/Error.h"

#include <QList>
#include <QString>

namespace oa {

// venvs/{id} and Temp/{id} folders that no execution owns: what a crash or --keep-venv left
// behind. Owned means: any lock for that ID, Live, Orphaned, Foreign or Unreadable. The folder
// may be shared with other hosts, and only the lock's owner (or an operator who cleared the
// lock) knows that the run is over.
struct Leftover {
    enum class Kind { Venv, Temp };
    Kind kind = Kind::Venv;
    QString executionId;
    QString path;
    qint64 sizeBytes = 0;
    bool operator==(const Leftover &o) const
    {
        return kind == o.kind && executionId == o.executionId && path == o.path && sizeBytes == o.sizeBytes;
    }
};

class Leftovers {
public:
    explicit Leftovers(const AgentPaths &paths) : m_paths(paths) {}

    QList<Leftover> scan() const;
    // Re-checks that the ID has no lock, then removes the folder through the gatekeeper (never
    // following a link).
    Status remove(const Leftover &leftover) const;


private:
    bool isLocked(const QString &id) const;
    AgentPaths m_paths; // a copy: cheap, and never dangles
};

} // namespace oa
