#include "Sandbox.h"

#include "ChildProcess.h"

#include <QDir>
#include <QFileInfo>

namespace oa {

QString sandboxMechanismName(SandboxMechanism mechanism)
{
    return mechanism == SandboxMechanism::Bubblewrap ? QStringLiteral("bubblewrap") : QStringLiteral("none");
}

QString networkAccessName(NetworkAccess network)
{
    return network == NetworkAccess::None ? QStringLiteral("none") : QStringLiteral("host");
}

QStringList systemReadOnlyPaths()
{
    // /etc for the loader's cache, resolv.conf, certificates and passwd (getpwuid); /opt where
    // site interpreters live. Not /home, /root, /var, /srv, /run or /tmp: nothing of the agent
    // folder, of other users or of the services' sockets.
    QStringList paths;
    for (const char *path : {"/usr", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/opt"})
        if (QFileInfo(QString::fromLatin1(path)).exists())
            paths.append(QString::fromLatin1(path));
    // Name resolution: /etc/resolv.conf is often a link into /run (systemd-resolved,
    // resolvconf), which is not bound; its target alone is.
    const QString resolver = QFileInfo(QStringLiteral("/etc/resolv.conf")).canonicalFilePath();
    bool covered = resolver.isEmpty();
    for (const QString &path : std::as_const(paths))
        covered = covered || resolver.startsWith(path + u'/');
    if (!covered)
        paths.append(resolver);
    return paths;
}

QStringList bubblewrapArguments(const SandboxSpec &spec, const QString &program, const QStringList &arguments)
{
    QStringList args;
    // The task's own processes only, no System V IPC with the host, its own host name; bwrap's
    // sandboxed child dies with bwrap. No --new-session: bwrap is already the leader of a session
    // of its own without a controlling terminal (ChildProcess's setsid, stdin the null device), so
    // there is no terminal to inject into (TIOCSTI), and staying in that session and process group
    // keeps the whole sandboxed tree within the group stop, its SIGTERM grace and escape notes.
    args << QStringLiteral("--unshare-pid") << QStringLiteral("--unshare-ipc") << QStringLiteral("--unshare-uts")
         << QStringLiteral("--die-with-parent");
    // Without a run-as user bwrap runs as root and would leave the sandbox's root every
    // capability (CAP_SYS_ADMIN: mount the host's disks, leave the sandbox); as a user it keeps
    // none anyway.
    args << QStringLiteral("--cap-drop") << QStringLiteral("ALL");
    if (spec.network == NetworkAccess::None)
        args << QStringLiteral("--unshare-net"); // loopback only
    args << QStringLiteral("--tmpfs") << QStringLiteral("/tmp");
    for (const QString &path : systemReadOnlyPaths()) {
        const QFileInfo info(path);
        if (info.isSymLink())
            args << QStringLiteral("--symlink") << info.symLinkTarget() << path;
        else
            args << QStringLiteral("--ro-bind") << path << path;
    }
    args << QStringLiteral("--proc") << QStringLiteral("/proc") << QStringLiteral("--dev") << QStringLiteral("/dev");
    for (const QString &path : spec.readOnly)
        args << QStringLiteral("--ro-bind") << path << path;
    for (const QString &path : spec.writable)
        args << QStringLiteral("--bind") << path << path;
    if (!spec.workingDirectory.isEmpty())
        args << QStringLiteral("--chdir") << spec.workingDirectory;
    args << QStringLiteral("--") << program << arguments;
    return args;
}

Status probeBubblewrap(const QString &bubblewrap, const std::shared_ptr<const ProcessCredentials> &credentials)
{
    const QString what = QStringLiteral("Sandbox = bubblewrap, but %1 cannot be used").arg(bubblewrap);
    const QFileInfo info(bubblewrap);
    if (!info.exists())
        return fail(ErrorKind::Environment, QStringLiteral("%1: it does not exist (install Debian's bubblewrap package, or set BubblewrapPath)").arg(what));
    if (!info.isFile() || !info.isExecutable())
        return fail(ErrorKind::Environment, QStringLiteral("%1: it is not an executable file").arg(what));
    ProcessSpec spec;
    spec.program = bubblewrap;
    spec.arguments = bubblewrapArguments(SandboxSpec{}, QStringLiteral("/bin/true"), {});
    spec.credentials = credentials;
    spec.captureStderr = true;
    const ProcessExit exit = ChildProcess::run(spec);
    if (exit.result() != ProcessResult::Succeeded)
        return fail(ErrorKind::Environment, QStringLiteral("%1: a trivial sandboxed /bin/true failed (%2): %3")
                                                .arg(what, exit.exitMessage(), QString::fromLocal8Bit(exit.capturedStdout).trimmed()));
    return ok();
}

} // namespace oa
