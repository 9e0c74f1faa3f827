#include "DynamicUserLease.h"

#include "fs/TreeOwnership.h"
#include "process/ProcessTable.h"

#include <QCryptographicHash>
#include <QFile>

#include <cerrno>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace oa {

namespace {

const char *const kRuntimeDir = "/run/openautomate";
const char *const kRegistryName = "dynamic-users";
// systemd keeps the IDs its DynamicUser= services hold here, one name per ID: never take those.
const char *const kSystemdRegistry = "/run/systemd/dynamic-uid";

bool accountHas(qint64 id)
{
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd *pwFound = nullptr;
    if (::getpwuid_r(uid_t(id), &pw, buffer.data(), buffer.size(), &pwFound) == 0 && pwFound)
        return true;
    group gr{};
    group *grFound = nullptr;
    if (::getgrgid_r(gid_t(id), &gr, buffer.data(), buffer.size(), &grFound) == 0 && grFound)
        return true;
    struct stat st {};
    return ::lstat(QByteArray(kSystemdRegistry).append('/').append(QByteArray::number(id)).constData(), &st) == 0;
}

// A folder of root's that only root may write, made if missing, never followed through a link.
Result<UniqueFd> rootFolder(int parent, const char *name, mode_t mode, const QString &shown)
{
    if (::mkdirat(parent, name, mode) != 0 && errno != EEXIST)
        return systemFailure(QStringLiteral("cannot create %1").arg(shown), errno);
    UniqueFd fd(::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.isValid())
        return systemFailure(QStringLiteral("cannot open %1").arg(shown), errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || st.st_uid != 0 || (st.st_mode & 022) != 0)
        return fail(ErrorKind::System, QStringLiteral("refusing %1: it is not root's alone").arg(shown));
    return fd;
}

Result<UniqueFd> openRegistry()
{
    const UniqueFd run(::open("/run", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!run.isValid())
        return systemFailure(QStringLiteral("cannot open /run"), errno);
    auto runtime = rootFolder(run.get(), "openautomate", 0755, QString::fromLatin1(kRuntimeDir));
    if (!runtime)
        return runtime.error();
    return rootFolder(runtime->get(), kRegistryName, 0700, DynamicUserLease::registryDir());
}

// What the file of a lease says: the agent folder and execution ID of the run that may still
// have files of the ID (empty: clean).
std::pair<QString, QString> recordOf(int fd)
{
    QByteArray content(4096, '\0');
    const ssize_t n = ::pread(fd, content.data(), size_t(content.size()), 0);
    const QList<QByteArray> lines = content.left(n > 0 ? int(n) : 0).split('\n');
    if (lines.size() < 2)
        return {};
    return {QFile::decodeName(lines.at(0)), QString::fromUtf8(lines.at(1))};
}

// A crashed run's files of `id` in its agent folder are taken back before the ID is handed out
// again: its task folder (still shared with the ID's group) becomes root's 0750, its Temp/<id>
// and venv (the ID's) go to the quarantine. False when something of the ID could not be taken.
bool reclaimCrashedRun(const QString &base, const QString &executionId, qint64 id, QStringList *warnings)
{
    if (base.isEmpty() || !AgentPaths::isValidExecutionId(executionId))
        return true; // nothing that could be its
    const AgentPaths paths(base);
    const AgentFolder folder = paths.folder();
    bool whole = true;
    const QString task = paths.taskDir(executionId);
    if (const auto state = TreeOwnership::stateOf(folder, task); state && (qint64(state->gid) == id || qint64(state->uid) == id)) {
        const auto reclaimed = TreeOwnership::reclaimFolder(folder, task, TreeOwnership::FolderState{0, 0, 0750}, paths.quarantineDir());
        if (reclaimed)
            warnings->append(*reclaimed);
        else
            whole = false;
        warnings->append(QStringLiteral("the task folder %1 was still shared with the dynamic user %2 of a run whose executor died; "
                                        "it was taken back (root's, 0750) before the ID was handed out again").arg(task).arg(id));
    }
    for (const QString &own : {paths.tempDir(executionId), paths.venvDir(executionId)}) {
        const auto state = TreeOwnership::stateOf(folder, own);
        if (!state || qint64(state->uid) != id)
            continue;
        QString left;
        if (const Status moved = TreeOwnership::quarantine(folder, own, paths.quarantineDir(), &left); !moved)
            whole = false;
        warnings->append(QStringLiteral("%1 of the dynamic user %2, left by a run whose executor died, was moved into the quarantine%3")
                             .arg(own)
                             .arg(id)
                             .arg(left.isEmpty() ? QString() : QStringLiteral(" (%1 is left there)").arg(left)));
    }
    return whole;
}

} // namespace

QString DynamicUserLease::registryDir()
{
    return QStringLiteral("%1/%2").arg(QLatin1String(kRuntimeDir), QLatin1String(kRegistryName));
}

QString DynamicUserLease::registryFile() const
{
    return QStringLiteral("%1/%2").arg(registryDir()).arg(m_id);
}

Result<DynamicUserLease> DynamicUserLease::acquire(const AgentPaths &paths, qint64 first, qint64 last, const QString &executionId,
                                                   QStringList *warnings)
{
    if (first < 1 || last < first)
        return fail(ErrorKind::BadArgument, QStringLiteral("DynamicUserRange %1-%2 is empty").arg(first).arg(last));
    auto registry = openRegistry();
    if (!registry)
        return registry.error();
    const qint64 size = last - first + 1;
    const QByteArray digest = QCryptographicHash::hash(executionId.toUtf8(), QCryptographicHash::Sha256);
    quint64 spread = 0;
    for (int i = 0; i < 8; ++i)
        spread = (spread << 8) | quint8(digest.at(i));
    const qint64 start = qint64(spread % quint64(size));
    int held = 0, dirty = 0;
    for (qint64 step = 0; step < size; ++step) {
        const qint64 id = first + (start + step) % size;
        if (accountHas(id))
            continue;
        const QByteArray name = QByteArray::number(id);
        UniqueFd fd(::openat(registry->get(), name.constData(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd.isValid())
            return systemFailure(QStringLiteral("cannot open %1/%2").arg(registryDir()).arg(id), errno);
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
            ++held; // another execution's, on this host, for as long as it runs
            continue;
        }
        // A process that still has the ID outlived a run whose executor died (its guardian
        // kills the tree, but a process can escape that): skipped until it is gone, never shared.
        if (!ProcessTable::processesOfId(id).isEmpty()) {
            ++dirty;
            continue;
        }
        const auto [base, previous] = recordOf(fd.get());
        if (!reclaimCrashedRun(base, previous, id, warnings)) {
            ++dirty;
            continue;
        }
        const QByteArray record = QFile::encodeName(paths.baseDir()) + '\n' + executionId.toUtf8() + '\n';
        if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), record.constData(), size_t(record.size()), 0) != record.size()
            || ::fsync(fd.get()) != 0)
            return systemFailure(QStringLiteral("cannot write %1/%2").arg(registryDir()).arg(id), errno);
        DynamicUserLease lease;
        lease.m_fd = std::move(fd);
        lease.m_id = id;
        return lease;
    }
    return fail(ErrorKind::Environment, QStringLiteral("no user ID is free in DynamicUserRange %1-%2: %3 held by running executions "
                                                       "on this host, %4 left in use by runs whose executor died, the others taken by "
                                                       "accounts")
                                            .arg(first)
                                            .arg(last)
                                            .arg(held)
                                            .arg(dirty));
}

void DynamicUserLease::markClean()
{
    if (m_fd.isValid() && ::ftruncate(m_fd.get(), 0) == 0)
        ::fsync(m_fd.get());
}

} // namespace oa
