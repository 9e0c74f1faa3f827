// RunAsUser = dynamic: the Executor's part. The ID is leased at the start of the Environment
// stage (nothing before it runs task code), held until the executor exits, and whatever still
// runs with it after the script's tree was stopped is killed in Cleanup; once the clean-up has
// taken everything of the ID back, the lease's record is emptied. Split from Executor.cpp.
#include "Executor.h"

#include "fs/TreeOwnership.h"
#include "process/ProcessTable.h"

#include <QDeadlineTimer>
#include <QThread>

#include <signal.h>
#include <unistd.h>

namespace oa {

Status Executor::leaseDynamicUser()
{
    const auto [first, last] = *m_options.dynamicUserRange;
    QStringList reclaimed;
    auto lease = DynamicUserLease::acquire(m_paths, first, last, m_options.executionId, &reclaimed);
    warn(reclaimed, lcExecutor);
    if (!lease)
        return lease.error();
    m_lease = std::move(lease).value();
    const RunAsUser user = RunAsUser::dynamic(m_lease.id(), m_paths.tempDir(m_options.executionId) + QStringLiteral("/home"));
    m_options.runAs = user;
    m_grants = RunAsGrants(m_paths, m_options.executionId, user);
    m_interpreters.setRunAs(user);
    recordRunAs();
    m_log.info(lcExecutor, QStringLiteral("Task code runs as the dynamic user {RunAsUser} (uid and gid {RunAsUid}), held by {LeaseFile}"),
               {{QStringLiteral("RunAsUser"), user.name()},
                {QStringLiteral("RunAsUid"), user.uid()},
                {QStringLiteral("LeaseFile"), m_lease.registryFile()}});
    return ok();
}

void Executor::stopDynamicUserProcesses()
{
    if (!m_lease.held())
        return;
    QList<qint64> left = ProcessTable::processesOfId(m_lease.id());
    if (left.isEmpty())
        return;
    QStringList pids;
    for (const qint64 pid : left) {
        pids.append(QString::number(pid));
        ::kill(pid_t(pid), SIGKILL);
    }
    // Killed processes still hold the ID until they are reaped (the subreaper does that): a
    // bounded wait, and what is left is said, never waited on.
    for (QDeadlineTimer deadline(2000); !left.isEmpty() && !deadline.hasExpired(); left = ProcessTable::processesOfId(m_lease.id()))
        QThread::msleep(20);
    warn(QStringLiteral("%1 process(es) of the dynamic user %2 outlived the run and were killed: PID %3%4")
             .arg(pids.size())
             .arg(m_lease.id())
             .arg(pids.join(QStringLiteral(", ")), left.isEmpty() ? QString() : QStringLiteral(" (%1 not gone yet)").arg(left.size())),
         lcCleanup);
}

void Executor::reclaimKeptVenvFromDynamicUser()
{
    if (!m_lease.held() || !m_folders.ownsVenv())
        return;
    const TreeOwnership::FolderState roots{::geteuid(), ::getegid(), 0755};
    const auto reclaimed = TreeOwnership::reclaimFolder(m_paths.folder(), m_folders.venvDir(), roots, m_paths.quarantineDir());
    warn(reclaimed ? *reclaimed : QStringList{reclaimed.error().message}, lcCleanup);
}

} // namespace oa
