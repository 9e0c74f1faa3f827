#include "DynamicUserLease.h"

#include "process/ProcessTable.h"

#include <QCryptographicHash>

#include <grp.h>
#include <pwd.h>

#include <vector>

namespace oa {

namespace {

bool accountHas(qint64 id)
{
    // The reentrant lookups: the monitor and tests call this from other threads too.
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd *pwFound = nullptr;
    if (::getpwuid_r(uid_t(id), &pw, buffer.data(), buffer.size(), &pwFound) == 0 && pwFound)
        return true;
    group gr{};
    group *grFound = nullptr;
    return ::getgrgid_r(gid_t(id), &gr, buffer.data(), buffer.size(), &grFound) == 0 && grFound;
}

} // namespace

bool DynamicUserLease::inUseOutsideLeases(qint64 id)
{
    return accountHas(id) || !ProcessTable::processesOfId(id).isEmpty();
}

Result<DynamicUserLease> DynamicUserLease::acquire(const AgentPaths &paths, qint64 first, qint64 last, const QString &executionId)
{
    if (first < 1 || last < first)
        return fail(ErrorKind::BadArgument, QStringLiteral("DynamicUserRange %1-%2 is empty").arg(first).arg(last));
    if (Status made = paths.ensureDir(paths.locksDir()); !made)
        return made.error();
    const AgentFolder folder = paths.folder();
    const qint64 size = last - first + 1;
    const QByteArray digest = QCryptographicHash::hash(executionId.toUtf8(), QCryptographicHash::Sha256);
    quint64 spread = 0;
    for (int i = 0; i < 8; ++i)
        spread = (spread << 8) | quint8(digest.at(i));
    const qint64 start = qint64(spread % quint64(size));
    int held = 0;
    for (qint64 step = 0; step < size; ++step) {
        const qint64 id = first + (start + step) % size;
        if (accountHas(id))
            continue;
        const QString path = paths.locksDir() + QStringLiteral("/@uid-%1").arg(id);
        auto fd = folder.tryLock(path);
        if (!fd)
            return fd.error();
        if (!fd->isValid()) {
            ++held; // another execution's, for as long as it runs
            continue;
        }
        // Held now, so no other executor can hand it out; a process that still has it is a
        // leftover of a run whose executor died (its guardian kills the tree, but a process can
        // outlive that): the ID is skipped until it is gone, never shared.
        if (!ProcessTable::processesOfId(id).isEmpty())
            continue;
        DynamicUserLease lease;
        lease.m_fd = std::move(fd).value();
        lease.m_id = id;
        lease.m_path = path;
        return lease;
    }
    return fail(ErrorKind::Environment, QStringLiteral("no user ID is free in DynamicUserRange %1-%2: %3 held by running executions, "
                                                       "the others taken by accounts or by processes")
                                            .arg(first)
                                            .arg(last)
                                            .arg(held));
}

} // namespace oa
