#include "EnvironmentFolders.h"

#include "RunAsGrants.h"
#include "environment/PythonEnvironment.h"
#include "environment/StoredPip.h"
#include "fs/TreeOwnership.h"

namespace oa {

EnvironmentFolders::EnvironmentFolders(const AgentPaths &paths, QString executionId)
    : m_paths(paths), m_id(std::move(executionId))
{
}

Status EnvironmentFolders::makeFresh(const QString &dir)
{
    const AgentFolder folder = m_paths.folder();
    if (const Status removed = folder.removeTree(dir); !removed) {
        // Left by an earlier run and not removable where it is (a script made it so): moved
        // aside, so that it never makes this execution ID unusable.
        QString left;
        if (const Status moved = TreeOwnership::quarantine(folder, dir, m_paths.quarantineDir(), &left); !moved)
            return removed;
        m_warnings.append(QStringLiteral("%1 could not be removed (%2); it was moved aside into %3%4")
                              .arg(dir, removed.error().message, m_paths.quarantineDir(),
                                   left.isEmpty() ? QStringLiteral(" and removed there")
                                                  : QStringLiteral(", where it could not be removed either")));
    }
    return m_paths.ensureDir(dir);
}

Status EnvironmentFolders::makeTemp()
{
    if (Status s = makeFresh(tempDir()); !s)
        return s;
    m_ownsTemp = true;
    return ok();
}

Status EnvironmentFolders::makeVenv(const PythonInterpreter &interpreter, bool withPip, RunControl *control, RunAsGrants &grants,
                                    const StoredPip *storedPip)
{
    if (Status s = makeFresh(venvDir()); !s)
        return s;
    m_ownsVenv = true;
    const PythonEnvironment venv(interpreter, venvDir());
    if (Status s = venv.create(withPip && !storedPip, control); !s)
        return s;
    // pip's store folder through the venv's openautomate-store.pth, its scripts in bin/: written
    // by root before the venv is given away, like everything else root puts in.
    if (storedPip)
        if (Status s = storedPip->compose(m_paths.folder(), venv.sitePackages(), venv.binDirectory(), venv.pythonExecutable()); !s)
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
    for (const QString &target : std::as_const(targets)) {
        const Status removed = m_paths.folder().removeTree(target);
        if (removed)
            continue;
        // Out of the way at least, so that the next run of this ID starts clean.
        QString left;
        if (const Status moved = TreeOwnership::quarantine(m_paths.folder(), target, m_paths.quarantineDir(), &left); !moved)
            warnings.append(removed.error().message);
        else
            warnings.append(QStringLiteral("%1 could not be removed (%2); it was moved aside into %3%4")
                                .arg(target, removed.error().message, m_paths.quarantineDir(),
                                     left.isEmpty() ? QStringLiteral(" and removed there")
                                                    : QStringLiteral(", where it could not be removed either")));
    }
    return warnings;
}

} // namespace oa
