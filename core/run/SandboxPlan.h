#pragma once

#include "base/Error.h"
#include "process/RunAsUser.h"
#include "process/Sandbox.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace oa {

// Which sandbox one run's task code gets, and what each sandboxed child sees: executor.conf's
// Sandbox, Network and BubblewrapPath, execution.json's Network (it may ask for less network,
// never more), and the paths the run knows. With Sandbox = bubblewrap, check() probes bwrap once;
// a run whose bwrap cannot be used never starts pip or the script unsandboxed.
class SandboxPlan {
public:
    SandboxPlan() = default;
    SandboxPlan(SandboxMechanism mechanism, NetworkAccess network, QString bubblewrap);

    SandboxMechanism mechanism() const { return m_mechanism; }
    NetworkAccess network() const { return m_network; } // the script's, after the task's wish

    // execution.json's Network ("none", "host" or empty): "none" narrows the script's network;
    // "host" beyond the configuration's "none" is refused with the warning returned.
    QString applyTaskNetwork(const QString &asked);

    // With Sandbox = bubblewrap: bwrap exists and makes its namespaces as `credentials` (a
    // trivial /bin/true). ErrorKind::Environment naming the reason, otherwise. Once per run.
    Status check(const std::shared_ptr<const ProcessCredentials> &credentials);

    // The folders an interpreter needs beyond the system's: its installation prefix (the parent
    // of its real executable's bin/), when that is not below one of systemReadOnlyPaths().
    static QStringList interpreterPaths(const QString &executable);

    // What the script sees: the system and `readOnly` (interpreter, cache entry) read-only; its
    // task folder, venv and Temp/<id> writable at their own paths; the script's network.
    std::optional<SandboxSpec> forScript(const QStringList &readOnly, const QStringList &writable, const QString &workingDirectory) const;
    // What pip sees: the same, with the host's network (pip fetches from the site's index), and
    // `readOnly` including the wheel folders and files the site's [PipEnvironment] names.
    std::optional<SandboxSpec> forPip(const QStringList &readOnly, const QStringList &writable, const QString &workingDirectory) const;

    // Absolute paths (or file: URLs) that exist, named in pip's variables (PIP_FIND_LINKS,
    // PIP_CERT, PIP_CONSTRAINT, SSL_CERT_FILE, …): pip must still read them in the sandbox.
    static QStringList pathsNamedIn(const QMap<QString, QString> &variables);

private:
    SandboxMechanism m_mechanism = SandboxMechanism::None;
    NetworkAccess m_network = NetworkAccess::Host;
    QString m_bubblewrap;
};

} // namespace oa
