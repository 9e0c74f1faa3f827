// The Executor's sandbox (Sandbox = bubblewrap): chosen and probed in the Environment stage,
// before any task code runs, and the view of the file system pip and the script get.
#include "Executor.h"

#include "environment/PythonEnvironment.h"

namespace oa {

Status Executor::prepareSandbox()
{
    if (m_info)
        warn(m_sandbox.applyTaskNetwork(m_info->network), lcProcess);
    m_record.sandboxMechanism = sandboxMechanismName(m_sandbox.mechanism());
    m_record.sandboxNetwork = networkAccessName(m_sandbox.network());
    if (m_sandbox.mechanism() == SandboxMechanism::None)
        return ok();
    // As the user task code runs as: bwrap runs unprivileged, in a user namespace of its own.
    if (Status usable = m_sandbox.check(m_grants.credentials()); !usable)
        return usable;
    m_log.info(lcProcess, QStringLiteral("Task code runs under bubblewrap ({Bubblewrap}), network {Network}"),
               {{QStringLiteral("Bubblewrap"), m_options.bubblewrapPath}, {QStringLiteral("Network"), m_record.sandboxNetwork}});
    return ok();
}

std::optional<SandboxSpec> Executor::scriptSandbox() const
{
    const QString id = m_options.executionId;
    QStringList readOnly = m_interpreter ? SandboxPlan::interpreterPaths(m_interpreter->executable) : QStringList();
    if (!m_cacheEntryDir.isEmpty())
        readOnly.append(m_cacheEntryDir);
    if (m_cache) // an entry composed from the store names its store folders, and only those
        readOnly += m_cache->storeFoldersInUse();
    if (m_storedPip) // the venv's own .pth names pip's store folder
        readOnly.append(m_storedPip->folder());
    return m_sandbox.forScript(readOnly, {m_paths.taskDir(id), m_paths.venvDir(id), m_paths.tempDir(id)}, m_paths.taskDir(id));
}

std::optional<SandboxSpec> Executor::pipSandbox(const QStringList &writable) const
{
    QStringList readOnly = m_interpreter ? SandboxPlan::interpreterPaths(m_interpreter->executable) : QStringList();
    // The wheel folders, certificates and constraint files the site's or the service's pip
    // variables name (PIP_FIND_LINKS, PIP_CERT, SSL_CERT_FILE, …).
    const QProcessEnvironment environment = m_pip.environment();
    QMap<QString, QString> pipVariables;
    for (const QString &name : environment.keys())
        if (name.startsWith(QLatin1String("PIP_")) || name.contains(QLatin1String("CERT")) || name.endsWith(QLatin1String("CA_BUNDLE")))
            pipVariables.insert(name, environment.value(name));
    readOnly += SandboxPlan::pathsNamedIn(pipVariables);
    // pip reads the task's requirements.txt (and what it includes) from the task folder.
    readOnly.append(m_paths.taskDir(m_options.executionId));
    if (m_storedPip) // pip itself, in the venv through its .pth
        readOnly.append(m_storedPip->folder());
    return m_sandbox.forPip(readOnly, writable, m_pip.workingDirectory());
}

} // namespace oa
