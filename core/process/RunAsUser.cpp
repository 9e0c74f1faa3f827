#include "RunAsUser.h"

#include "PrivilegeDrop.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>

#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace oa {

namespace {

// getpwnam_r / getpwuid_r with a buffer that grows until the entry fits.
bool lookUp(const QString &name, passwd &entry, std::vector<char> &buffer)
{
    bool numeric = false;
    const uint uid = name.toUInt(&numeric);
    const QByteArray encoded = name.toLocal8Bit();
    buffer.assign(16 * 1024, '\0');
    for (;;) {
        passwd *found = nullptr;
        const int error = numeric ? ::getpwuid_r(uid_t(uid), &entry, buffer.data(), buffer.size(), &found)
                                  : ::getpwnam_r(encoded.constData(), &entry, buffer.data(), buffer.size(), &found);
        if (error == ERANGE && buffer.size() < (1u << 24)) {
            buffer.resize(buffer.size() * 4);
            continue;
        }
        return error == 0 && found != nullptr;
    }
}

std::vector<gid_t> groupsOf(const char *user, gid_t primary)
{
    int count = 32;
    std::vector<gid_t> groups(static_cast<size_t>(count));
    while (::getgrouplist(user, primary, groups.data(), &count) < 0)
        groups.resize(size_t(count)); // count now says how many there are
    groups.resize(size_t(count));
    return groups;
}

Error invalid(const QString &message)
{
    return fail(ErrorKind::BadArgument, message);
}

} // namespace

bool executorIsRoot()
{
    return ::geteuid() == 0;
}

CurrentUser CurrentUser::get()
{
    CurrentUser self;
    self.uid = ::geteuid();
    self.gid = ::getegid();
    self.name = QString::number(self.uid);
    passwd entry{};
    std::vector<char> buffer;
    if (lookUp(self.name, entry, buffer))
        self.name = QString::fromLocal8Bit(entry.pw_name);
    return self;
}

Result<RunAsUser> RunAsUser::resolve(const QString &name)
{
    if (name.isEmpty())
        return invalid(QStringLiteral("run-as user: the name is empty"));
    passwd entry{};
    std::vector<char> buffer;
    if (!lookUp(name, entry, buffer))
        return invalid(QStringLiteral("run-as user \"%1\": no such user on this machine").arg(name));
    if (entry.pw_uid == 0)
        return invalid(QStringLiteral("run-as user \"%1\" is root (uid 0): a run-as user must be unprivileged; leave it unset to run "
                                      "task code as the executor's own user").arg(name));
    if (!executorIsRoot())
        return invalid(QStringLiteral("run-as user \"%1\": the executor runs as uid %2, not as root, and only root can run task code "
                                      "as another user").arg(name).arg(::geteuid()));
    auto credentials = std::make_shared<ProcessCredentials>();
    credentials->uid = entry.pw_uid;
    credentials->gid = entry.pw_gid;
    credentials->groups = groupsOf(entry.pw_name, entry.pw_gid);
    credentials->userName = QString::fromLocal8Bit(entry.pw_name);
    credentials->home = QString::fromLocal8Bit(entry.pw_dir);
    RunAsUser user;
    user.m_credentials = std::move(credentials);
    return user;
}

RunAsUser RunAsUser::dynamic(qint64 id, const QString &home)
{
    auto credentials = std::make_shared<ProcessCredentials>();
    credentials->uid = uid_t(id);
    credentials->gid = gid_t(id);
    credentials->groups = {gid_t(id)}; // setgroups() to exactly its own group: none of root's
    credentials->userName = QStringLiteral("oa-%1").arg(id);
    credentials->home = home;
    RunAsUser user;
    user.m_credentials = std::move(credentials);
    user.m_dynamic = true;
    return user;
}

int RunAsUser::access(const QString &path, int mode) const
{
    // Everything the child needs is ready before fork(): after it, only raw syscalls.
    const QByteArray encoded = QFile::encodeName(path);
    const ProcessCredentials &c = *m_credentials;
    const pid_t child = ::fork();
    if (child < 0)
        return errno;
    if (child == 0) {
        if (!dropPrivileges(c.uid, c.gid, c.groups.data(), c.groups.size()).ok())
            ::_exit(255);
        ::_exit(::access(encoded.constData(), mode) == 0 ? 0 : (errno & 0xff));
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0) {
        if (errno != EINTR)
            return errno;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 255)
        return EPERM; // the child could not take the user's credentials
    return WEXITSTATUS(status);
}

Status RunAsUser::checkCanEnter(const QString &dir) const
{
    const QString clean = QDir::cleanPath(QDir(dir).absolutePath());
    // From the top down, so that the message names the first folder that stops the user.
    QStringList chain;
    for (QString at = clean; !at.isEmpty(); at = (at == QStringLiteral("/") ? QString() : QFileInfo(at).path()))
        chain.prepend(at);
    for (const QString &folder : std::as_const(chain)) {
        if (const int error = access(folder, X_OK); error != 0)
            return invalid(QStringLiteral("run-as user \"%1\" (uid %2) cannot enter %3 on the way to the agent folder %4: %5; "
                                          "give it search permission (chmod o+x, or a group it is in)")
                               .arg(name()).arg(uid()).arg(folder, clean, qt_error_string(error)));
    }
    return ok();
}

} // namespace oa
