#pragma once

#include "base/Error.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace oa {

struct ProcessCredentials;

// Which sandbox task code runs in (executor.conf's Sandbox) and what network it gets (Network).
enum class SandboxMechanism { None, Bubblewrap };
enum class NetworkAccess { Host, None };

QString sandboxMechanismName(SandboxMechanism mechanism); // "none", "bubblewrap"
QString networkAccessName(NetworkAccess network);         // "host", "none"

// What one sandboxed child sees of the file system, besides the system's read-only folders
// (systemReadOnlyPaths): every other path of the host is simply absent. Paths are bound at the
// same path inside, so that the venv's absolute paths, pyvenv.cfg and TMPDIR keep working.
struct SandboxSpec {
    QString bubblewrap = QStringLiteral("/usr/bin/bwrap");
    QStringList readOnly;  // the interpreter's prefixes, the cache entry the run uses, pip's wheel folders
    QStringList writable;  // the task folder, the venv, Temp/<id>
    NetworkAccess network = NetworkAccess::Host;
    QString workingDirectory; // inside; empty: bwrap's default
};

// The host's folders every sandbox sees read-only: the ones a Python interpreter and the
// programs a script starts need (/usr, /etc, the /lib* and /bin, /sbin links, /opt), those of
// them that exist, and the target of /etc/resolv.conf where it lies elsewhere (/run). A
// symbolic link (merged /usr: /bin -> usr/bin) stays a link.
QStringList systemReadOnlyPaths();

// bwrap's whole argument list to run `program` with `arguments` under `spec`. Order matters:
// /tmp is a fresh tmpfs first, so that binds below it (an agent folder under /tmp) land on it.
QStringList bubblewrapArguments(const SandboxSpec &spec, const QString &program, const QStringList &arguments);

// Whether bubblewrap can make its namespaces here, as `credentials` (null: as this process):
// a trivial sandboxed /bin/true, run once. ErrorKind::Environment naming the reason when not.
Status probeBubblewrap(const QString &bubblewrap, const std::shared_ptr<const ProcessCredentials> &credentials);

} // namespace oa
