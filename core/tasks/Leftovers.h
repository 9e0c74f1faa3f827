#pragma once

#include "fs/AgentPaths.h"
#include "base/Error.h"

#include <QDateTime>
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
    QDateTime modifiedAt; // the folder's own modification time (lstat): how long it has lain there
    bool held = false;    // a lock for its ID exists: listed by scan(WithHeld) only, never removed
    bool operator==(const Leftover &o) const
    {
        return kind == o.kind && executionId == o.executionId && path == o.path && sizeBytes == o.sizeBytes
               && modifiedAt == o.modifiedAt && held == o.held;
    }
};

class Leftovers {
public:
    explicit Leftovers(const AgentPaths &paths) : m_paths(paths) {}

    // WithHeld also lists the folders a lock holds (`held`), so that an operator sees what a
    // dead lock keeps from the cleanup instead of finding nothing.
    enum class Held { Left, WithHeld };
    QList<Leftover> scan(Held held = Held::Left) const;
    // Re-checks that the ID has no lock, then removes the folder through the gatekeeper (never
    // following a link).
    Status remove(const Leftover &leftover) const;


private:
    bool isLocked(const QString &id) const;
    AgentPaths m_paths; // a copy: cheap, and never dangles
};

} // namespace oa
