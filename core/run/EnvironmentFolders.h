#pragma once

#include "base/Error.h"
#include "fs/AgentPaths.h"

#include <QString>
#include <QStringList>

#include <utility>

namespace oa {

class RunAsGrants;
class RunControl;
struct PythonInterpreter;
class StoredPip;

// The two folders the Environment stage makes for one execution, Temp/<id> and venvs/<id>.
// Each is made new: one left by an earlier run (kept, or a crash) was writable by that run's
// script, so it is removed, never reused, and nothing planted in it survives into this run.
// Only what this run made is removed at cleanup.
class EnvironmentFolders {
public:
    EnvironmentFolders(const AgentPaths &paths, QString executionId);

    QString tempDir() const { return m_paths.tempDir(m_id); }
    QString venvDir() const { return m_paths.venvDir(m_id); }
    bool ownsTemp() const { return m_ownsTemp; }
    bool ownsVenv() const { return m_ownsVenv; }

    // Temp/<id>, empty and root's: a lock's hash-pinned requirements and pip's sandbox go there
    // before the script (whose TMPDIR it is) gets it.
    Status makeTemp();
    // venvs/<id> from `interpreter`, with pip when `withPip`, and the helper module; then, since
    // everything root writes into it is in it, given to the run-as user. With `storedPip` (already
    // acquired), the venv is made without pip and pip is composed in from the store instead.
    Status makeVenv(const PythonInterpreter &interpreter, bool withPip, RunControl *control, RunAsGrants &grants,
                    const StoredPip *storedPip = nullptr);

    // Removes what this run made, the venv unless `keepVenv`. Returns the warnings.
    QStringList remove(bool keepVenv) const;

    // What makeTemp() and makeVenv() had to say, once: a folder left by an earlier run that
    // could not be removed was moved aside into the quarantine instead.
    QStringList takeWarnings() { return std::exchange(m_warnings, {}); }

private:
    Status makeFresh(const QString &dir);

    AgentPaths m_paths;
    QString m_id;
    bool m_ownsTemp = false;
    bool m_ownsVenv = false;
    QStringList m_warnings;
};

} // namespace oa
