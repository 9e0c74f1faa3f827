#include "EnvironmentFolders.h"

#include "RunAsGrants.h"
#include "environment/PythonEnvironment.h"

namespace oa {

EnvironmentFolders::EnvironmentFolders(const AgentPaths &paths, QString executionId)
    : m_paths(paths), m_id(std::move(executionId))
{
}

Status EnvironmentFolders::makeFresh(const QString &dir) const
{
    if (Status s = m_paths.folder().removeTree(dir); !s)
        return s;
    return m_paths.ensureDir(dir);
}

Status EnvironmentFolders::makeTemp()
{
    if (Status s = makeFresh(tempDir()); !s)
        return s;
    m_ownsTemp = true;
    return ok();
}

Status EnvironmentFolders::makeVenv(const PythonInterpreter &interpreter, bool withPip, RunControl *control, RunAsGrants &grants)
{
    if (Status s = makeFresh(venvDir()); !s)
        return s;
    m_ownsVenv = true;
    const PythonEnvironment venv(interpreter, venvDir());
    if (Status s = venv.create(withPip, control); !s)
        return s;
    if (Status s = venv.installHelpers(); !s)
        return s;
    return grants.give(venv.directory());
}

QStringList EnvironmentFolders::remove(bool keepVenv) const
{
    QStringList targets;
    if (m_ownsTemp)
        targets << tempDir();
    if (m_ownsVenv && !keepVenv)
        targets << venvDir();
    QStringList warnings;
    for (const QString &target : std::as_const(targets))
        if (const Status removed = m_paths.folder().removeTree(target); !removed)
            warnings.append(removed.error().message);
    return warnings;
}

} // namespace oa
