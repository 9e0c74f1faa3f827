#include "RunAsGrants.h"

#include "fs/TreeOwnership.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <vector>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

QString groupName(gid_t gid)
{
    std::vector<char> buffer(1 << 16);
    struct group entry {};
    struct group *found = nullptr;
    if (::getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found)
        return QString::fromLocal8Bit(found->gr_name);
    return QString::number(gid);
}

} // namespace

// Who else is in the user's primary group, said for a warning ("has the members x, y", "is the
// primary group of z"); empty when it is the user's alone.
QString RunAsGrants::sharedGroup() const
{
    const gid_t gid = gid_t(m_user->gid());
    const QByteArray self = m_user->name().toLocal8Bit();
    QStringList members;
    std::vector<char> buffer(1 << 16);
    struct group entry {};
    struct group *found = nullptr;
    if (::getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found && found->gr_mem)
        for (char **member = found->gr_mem; *member; ++member)
            if (self != *member)
                members.append(QString::fromLocal8Bit(*member));
    QStringList primaryOf;
    ::setpwent();
    while (const struct passwd *account = ::getpwent())
        if (account->pw_gid == gid && account->pw_uid != uid_t(m_user->uid()))
            primaryOf.append(QString::fromLocal8Bit(account->pw_name));
    ::endpwent();
    QStringList said;
    if (!members.isEmpty())
        said.append(QStringLiteral("has the members %1").arg(members.join(QStringLiteral(", "))));
    if (!primaryOf.isEmpty())
        said.append(QStringLiteral("is the primary group of %1").arg(primaryOf.join(QStringLiteral(", "))));
    return said.join(QStringLiteral(" and "));
}

RunAsGrants::RunAsGrants(const AgentPaths &paths, QString executionId, std::optional<RunAsUser> user)
    : m_paths(paths), m_id(std::move(executionId)), m_user(std::move(user))
{
}

std::shared_ptr<const ProcessCredentials> RunAsGrants::credentials() const
{
    return m_user ? m_user->credentials() : nullptr;
}

Status RunAsGrants::give(const QString &dir)
{
    if (!m_user)
        return ok();
    const Status granted = TreeOwnership::give(m_paths.folder(), dir, uid_t(m_user->uid()), gid_t(m_user->gid()));
    if (!granted)
        return fail(ErrorKind::Environment,
                    QStringLiteral("cannot let the run-as user %1 write %2: %3").arg(m_user->name(), dir, granted.error().message));
    return ok();
}

Status RunAsGrants::shareTaskFolder()
{
    if (!m_user)
        return ok();
    const QString dir = m_paths.taskDir(m_id);
    // What the executor writes, execution.json and the previous run stay its own; the rest is
    // the task's.
    QSet<QString> executorFiles;
    executorFiles.insert(QFileInfo(m_paths.executionFile(m_id)).fileName());
    // Every kept run (previous/, previous.2/, …), whatever KeepRuns is now: one kept under a
    // larger KeepRuns is still the executor's until a run removes it.
    for (int generation = 1; generation <= 999; ++generation)
        executorFiles.insert(AgentPaths::runFolderName(generation));
    for (const QString &name : AgentPaths::runOutputNames())
        executorFiles.insert(name);
    const AgentFolder folder = m_paths.folder();
    const auto original = TreeOwnership::stateOf(folder, dir);
    if (!original)
        return fail(ErrorKind::Environment,
                    QStringLiteral("cannot let the run-as user %1 write %2: %3").arg(m_user->name(), dir, original.error().message));
    m_taskOriginal = *original;
    if (m_taskOriginal.mode & S_ISVTX) {
        // Still shared: a run that ended without taking it back (killed). Its mode before
        // is lost; it becomes the executor's and private, never wider than a task folder.
        m_taskOriginal = {::geteuid(), ::getegid(), 0750};
    }
    m_taskShared = true; // reclaimed at cleanup, even after a partial grant
    if (const QString shared = sharedGroup(); !shared.isEmpty())
        m_warnings.append(QStringLiteral("the run-as user %1's group %2 %3, who can then enter the task folder %4 while it runs; give each "
                                         "run-as user a group of its own")
                              .arg(m_user->name(), groupName(gid_t(m_user->gid())), shared, dir));
    Status granted = TreeOwnership::give(folder, dir, uid_t(m_user->uid()), gid_t(m_user->gid()), executorFiles);
    if (granted)
        granted = TreeOwnership::shareFolder(folder, dir, gid_t(m_user->gid()));
    if (!granted)
        return fail(ErrorKind::Environment,
                    QStringLiteral("cannot let the run-as user %1 write %2: %3").arg(m_user->name(), dir, granted.error().message));
    return ok();
}

QStringList RunAsGrants::takeBack()
{
    QStringList warnings;
    if (!m_user || !m_taskShared)
        return warnings;
    removeForgedRunFiles(warnings);
    const auto reclaimed = TreeOwnership::reclaimFolder(m_paths.folder(), m_paths.taskDir(m_id), m_taskOriginal, m_paths.quarantineDir());
    if (!reclaimed)
        warnings.append(reclaimed.error().message);
    else
        warnings.append(*reclaimed);
    return warnings;
}

void RunAsGrants::removeForgedRunFiles(QStringList &warnings) const
{
    // The sticky task folder kept the user from replacing what the executor wrote, but not from
    // making a name the executor did not write this run (pip.log in a run without packages):
    // the hand-back would make it the executor's, and the next run would keep it in previous/.
    const AgentFolder folder = m_paths.folder();
    for (const QString &name : AgentPaths::runOutputNames()) {
        const QString path = m_paths.taskDir(m_id) + u'/' + name;
        const QString what = folder.foreignEntryAt(path);
        if (what.isEmpty())
            continue;
        if (const Status removed = folder.removeTree(path); !removed)
            warnings.append(QStringLiteral("%1 is %2, which task code left at a name of the executor's, and cannot be removed: %3")
                                .arg(path, what, removed.error().message));
        else
            warnings.append(QStringLiteral("%1 was %2, which task code left at a name of the executor's; it was removed, so that it "
                                           "is never taken for the executor's record").arg(path, what));
    }
    // previous/ and the older kept runs are the executor's only when it made them (root's, not
    // writable by the user); one the task made on a first run (or as previous.3/ beside the
    // real ones) would pass for an earlier run once the hand-back made it root's.
    for (const AgentFolder::Entry &entry : folder.list(m_paths.taskDir(m_id))) {
        if (AgentPaths::generationOfName(entry.name) == 0)
            continue;
        const QString kept = m_paths.taskDir(m_id) + u'/' + entry.name;
        struct stat st {};
        if (::lstat(QFile::encodeName(kept).constData(), &st) != 0 || (S_ISDIR(st.st_mode) && st.st_uid == ::geteuid()))
            continue;
        if (const Status removed = folder.removeTree(kept); !removed)
            warnings.append(QStringLiteral("%1 was made by task code (uid %2), not by the executor, and cannot be removed: %3")
                                .arg(kept).arg(st.st_uid).arg(removed.error().message));
        else
            warnings.append(QStringLiteral("%1 was made by task code (uid %2), not by the executor; it was removed, so that it is never "
                                           "taken for an earlier run").arg(kept).arg(st.st_uid));
    }
}

} // namespace oa
