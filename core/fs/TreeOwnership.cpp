#include "TreeOwnership.h"

#include "AgentFolderDetail.h"

#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace oa {

using namespace detail;

namespace {

mode_t ownMode(mode_t mode);

// What the walks of give() and reclaimFolder() do to each name. `takeBack`: taking a tree back
// for the executor's own uid, where nothing is handed out: every file and folder then loses its
// setuid, setgid, sticky and group or other write bits (ownMode), and another user's file with
// more than one name is removed, with a warning.
struct Handover {
    Handover(uid_t owner, gid_t group, bool back = false) : uid(owner), gid(group), takeBack(back) {}

    uid_t uid;
    gid_t gid;
    bool takeBack;
    QSet<QString> keep; // names directly in the top folder left alone
    int error = 0;
    bool failed = false;
    QStringList removedLinks;

    void failure()
    {
        if (error == 0)
            error = errno;
        failed = true;
    }

    void file(int dir, const QByteArray &name, const struct stat &st, int depth)
    {
        if (depth == 0 && keep.contains(QFile::decodeName(name)))
            return;
        if (!S_ISREG(st.st_mode)) {
            // A FIFO, socket or link the user made: the executor's by name, with chown that
            // neither follows nor opens it (opening a FIFO could block, and a link leads
            // anywhere), so that no entry of the user's ID is left; nothing is copied. Device
            // nodes need a privilege that the user has not; handing out, all stay as they are.
            if (takeBack && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISLNK(st.st_mode)) && (st.st_uid != uid || st.st_gid != gid)
                && ::fchownat(dir, name.constData(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0 && errno != ENOENT)
                failure();
            return;
        }
        if (st.st_nlink == 1) {
            const UniqueFd file(::openat(dir, name.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
            struct stat now;
            // Checked again on the descriptor: the name may have been swapped since fstatat.
            // Taken back, it keeps none of the modes the user gave it: a file that stayed
            // world-writable (or setgid) would let any local user change what the next run,
            // perhaps as root, reads or imports.
            if (file.isValid() && ::fstat(file.get(), &now) == 0 && S_ISREG(now.st_mode) && now.st_nlink == 1
                && (::fchown(file.get(), uid, gid) != 0 || (takeBack && ::fchmod(file.get(), ownMode(now.st_mode)) != 0)))
                failure();
        } else if (takeBack && st.st_uid != uid) {
            // Another user's hard link: its other name would reach it after the hand-back. It
            // is removed, never copied (a sparse 64 GiB file would fill the disk as root). One
            // of the executor's own (the service made it) reaches nothing the user owns.
            if (::unlinkat(dir, name.constData(), 0) == 0 || errno == ENOENT)
                removedLinks.append(QFile::decodeName(name));
            else
                failure();
        }
        // Hard-linked files are not handed out.
    }

    bool enter(int self, const struct stat &st)
    {
        if (::fchown(self, uid, gid) != 0 || (takeBack && ::fchmod(self, ownMode(st.st_mode) | S_IRWXU) != 0)) {
            failure();
            return takeBack; // taking back goes on below; handing out stops
        }
        return true;
    }

    // Walks the open folder `top`; false when anything in it could not be done.
    bool walk(int top)
    {
        TreeVisit visit;
        visit.file = [this](int dir, const QByteArray &name, const struct stat &st, int depth) { file(dir, name, st, depth); };
        visit.enter = [this](int, const QByteArray &name, int self, const struct stat &st, int depth) {
            if (depth == 0 && keep.contains(QFile::decodeName(name)))
                return false;
            return enter(self, st);
        };
        int walkError = 0;
        if (!walkTree(top, visit, &walkError)) {
            if (error == 0)
                error = walkError;
            failed = true;
        }
        return !failed;
    }
};

// Setuid, setgid and sticky bits go, and every write bit but the owner's.
mode_t ownMode(mode_t mode)
{
    return mode & 0755;
}

// What a copy may still write: root is bound by no quota, so a tenant's tree (a sparse 1 TiB
// file, or just many files) must not make it fill the disk.
struct CopyBudget {
    qint64 limit = 0;
    qint64 used = 0;
    bool exceeded = false;

    bool allows(qint64 more)
    {
        if (more > limit - used)
            exceeded = true;
        return !exceeded;
    }
};

bool allZero(const char *data, size_t size)
{
    for (size_t i = 0; i < size; ++i) {
        if (data[i] != 0)
            return false;
    }
    return true;
}

// Copies the regular file `from` (with `blocks` bytes allocated) into the new empty file `to`
// and keeps its holes: only the data segments (SEEK_DATA/SEEK_HOLE) are read, and a block of
// zeros in them is skipped too (a filesystem without SEEK_DATA calls the whole file data), so
// root writes no more than the tenant stored. What is read counts against `budget`, the blocks
// too: a file that grows meanwhile is bounded as well.
bool copyFileData(int from, int to, qint64 blocks, CopyBudget &budget, int *error)
{
    if (!budget.allows(blocks)) {
        *error = EFBIG;
        return false;
    }
    std::vector<char> buffer(1 << 20);
    qint64 read = 0;
    off_t offset = 0;
    for (;;) {
        off_t data = ::lseek(from, offset, SEEK_DATA);
        if (data < 0 && errno == ENXIO)
            break; // no data after `offset`: the rest is a hole, or the end
        off_t hole = data < 0 ? -1 : ::lseek(from, data, SEEK_HOLE);
        if (data < 0 || hole < 0) {
            *error = errno;
            return false;
        }
        for (off_t at = data; at < hole;) {
            const size_t want = size_t(std::min<off_t>(off_t(buffer.size()), hole - at));
            if (!budget.allows(std::max(blocks, read + qint64(want)))) {
                *error = EFBIG;
                return false;
            }
            const ssize_t n = ::pread(from, buffer.data(), want, at);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                *error = errno;
                return false;
            }
            if (n == 0) {
                hole = at; // shrunk meanwhile
                break;
            }
            read += n;
            if (!allZero(buffer.data(), size_t(n))) {
                for (ssize_t done = 0; done < n;) {
                    const ssize_t w = ::pwrite(to, buffer.data() + done, size_t(n - done), at + done);
                    if (w < 0 && errno == EINTR)
                        continue;
                    if (w <= 0) {
                        *error = w < 0 ? errno : ENOSPC;
                        return false;
                    }
                    done += w;
                }
            }
            at += n;
        }
        offset = hole;
    }
    // The size as it is now: the holes after the last data, without a byte written for them.
    struct stat now;
    if (::fstat(from, &now) != 0 || ::ftruncate(to, now.st_size) != 0) {
        *error = errno;
        return false;
    }
    budget.used += std::max(blocks, read);
    return true;
}

// copyAsOwn's walk: walkTree goes down the staged tree with its two descriptors, and this
// keeps one more, the matching folder of the copy, moved down and up along with it (up
// through "..", checked against the folder it came from: the copy is the executor's alone).
// The first failure stops the copy; the walk then only runs out.
struct TreeCopy {
    CopyBudget budget;
    UniqueFd target;
    std::vector<std::pair<dev_t, ino_t>> levels; // the copy's folders, top first
    QList<QByteArray> names;                     // the way from the top, for messages
    QString problem;
    int error = 0;
    bool failed = false;

    void fail(const QByteArray &name, int why, const QString &what = {})
    {
        if (failed)
            return;
        failed = true;
        error = why ? why : EIO;
        QStringList way;
        for (const QByteArray &step : std::as_const(names))
            way.append(QFile::decodeName(step));
        way.append(QFile::decodeName(name));
        problem = way.join(u'/') + what;
    }

    void file(int dir, const QByteArray &name, const struct stat &st)
    {
        if (failed)
            return;
        if (!S_ISREG(st.st_mode)) {
            // Links too: pip never installs one from a wheel, and the root steps that follow
            // (compileall, unpacking pip) would write and read through it, outside the tree.
            fail(name, EPERM, QStringLiteral(", which is %1").arg(describe(st)));
            return;
        }
        const UniqueFd source(::openat(dir, name.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
        struct stat now;
        if (!source.isValid() || ::fstat(source.get(), &now) != 0) {
            fail(name, errno);
            return;
        }
        if (!S_ISREG(now.st_mode)) {
            fail(name, EPERM, QStringLiteral(", which is %1").arg(describe(now)));
            return;
        }
        const UniqueFd copy(::openat(target.get(), name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        int why = 0;
        if (!copy.isValid() || !copyFileData(source.get(), copy.get(), qint64(now.st_blocks) * 512, budget, &why)
            || ::fchmod(copy.get(), ownMode(now.st_mode)) != 0)
            fail(name, why ? why : errno);
    }

    bool enter(const QByteArray &name, const struct stat &st)
    {
        if (failed)
            return false;
        // A folder's blocks count too: a million empty folders are disk as well.
        if (!budget.allows(qint64(st.st_blocks) * 512)) {
            fail(name, EFBIG);
            return false;
        }
        budget.used += qint64(st.st_blocks) * 512;
        UniqueFd next;
        struct stat made;
        if (::mkdirat(target.get(), name.constData(), 0700) != 0
            || !(next = UniqueFd(::openat(target.get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))).isValid()
            || ::fstat(next.get(), &made) != 0 || ::fchmod(next.get(), ownMode(st.st_mode) | S_IRWXU) != 0) {
            fail(name, errno);
            return false;
        }
        levels.emplace_back(made.st_dev, made.st_ino);
        names.append(name);
        target = std::move(next);
        return true;
    }

    void leave()
    {
        if (failed)
            return;
        const QByteArray name = names.takeLast();
        levels.pop_back();
        UniqueFd parent(::openat(target.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        struct stat st;
        if (!parent.isValid() || ::fstat(parent.get(), &st) != 0 || st.st_dev != levels.back().first || st.st_ino != levels.back().second) {
            fail(name, parent.isValid() ? ESTALE : errno);
            return;
        }
        target = std::move(parent);
    }
};

} // namespace

Result<TreeOwnership::FolderState> TreeOwnership::stateOf(const AgentFolder &folder, const QString &path)
{
    const auto dir = folder.openDir(path);
    if (!dir)
        return dir.error();
    struct stat st;
    if (::fstat(dir->get(), &st) != 0)
        return fileFailure(QStringLiteral("cannot read the owner of"), path, errno);
    return FolderState{st.st_uid, st.st_gid, mode_t(st.st_mode & 07777)};
}

Status TreeOwnership::give(const AgentFolder &folder, const QString &path, uid_t uid, gid_t gid, const QSet<QString> &keep)
{
    const auto dir = folder.openDir(path);
    if (!dir)
        return dir.error();
    Handover handover(uid, gid);
    handover.keep = keep;
    // The top first 0700, so that no one else enters while the tree changes hands.
    if (::fchmod(dir->get(), 0700) != 0 || ::fchown(dir->get(), uid, gid) != 0 || !handover.walk(dir->get()))
        return fileFailure(QStringLiteral("cannot hand over to uid %1 the folder").arg(uid), path,
                           handover.error ? handover.error : errno);
    return ok();
}

Status TreeOwnership::shareFolder(const AgentFolder &folder, const QString &path, gid_t gid)
{
    const auto dir = folder.openDir(path);
    if (!dir)
        return dir.error();
    if (::fchmod(dir->get(), 0700) != 0 || ::fchown(dir->get(), ::geteuid(), gid) != 0 || ::fchmod(dir->get(), S_ISVTX | 0770) != 0)
        return fileFailure(QStringLiteral("cannot share with group %1 the folder").arg(gid), path, errno);
    return ok();
}

Result<QStringList> TreeOwnership::reclaimFolder(const AgentFolder &folder, const QString &path, const FolderState &original,
                                                 const QString &quarantineDir)
{
    const auto dir = folder.openDir(path);
    if (!dir)
        return dir.error();
    // Closed first: from here on only the executor enters it.
    if (::fchmod(dir->get(), 0700) != 0 || ::fchown(dir->get(), ::geteuid(), ::getegid()) != 0)
        return fileFailure(QStringLiteral("cannot take back from the run-as user the folder"), path, errno);
    QStringList warnings;
    for (const QByteArray &name : namesIn(dir->get())) {
        struct stat st;
        if (::fstatat(dir->get(), name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        const QString entry = path + u'/' + QFile::decodeName(name);
        Handover handover(::geteuid(), ::getegid(), true);
        bool whole = true;
        if (S_ISDIR(st.st_mode)) {
            const UniqueFd child(::openat(dir->get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            struct stat now;
            whole = child.isValid() && ::fstat(child.get(), &now) == 0 && now.st_ino == st.st_ino && handover.enter(child.get(), now)
                    && handover.walk(child.get());
        } else {
            handover.file(dir->get(), name, st, 1);
            whole = !handover.failed;
        }
        for (const QString &link : std::as_const(handover.removedLinks))
            warnings.append(QStringLiteral("%1 (in %2) was a file of another user's with more than one name; it was removed, never "
                                           "copied, since its other name would still reach it")
                                .arg(link, entry));
        if (whole)
            continue;
        QString left;
        const Status moved = quarantine(folder, entry, quarantineDir, &left);
        const QString why = QString::fromLocal8Bit(std::strerror(handover.error ? handover.error : EIO));
        if (!moved)
            warnings.append(QStringLiteral("%1 cannot be taken back from the run-as user (%2) nor moved out of the task folder: %3")
                                .arg(entry, why, moved.error().message));
        else
            warnings.append(QStringLiteral("%1 could not be taken back from the run-as user (%2); it was moved out of the task folder%3")
                                .arg(entry, why,
                                     left.isEmpty() ? QStringLiteral(" and removed")
                                                    : QStringLiteral(" to %1, where it could not be removed").arg(left)));
    }
    if (::fchown(dir->get(), original.uid, original.gid) != 0 || ::fchmod(dir->get(), original.mode) != 0)
        return fileFailure(QStringLiteral("cannot give back its owner and mode to the folder"), path, errno);
    return warnings;
}

Status TreeOwnership::quarantine(const AgentFolder &folder, const QString &path, const QString &quarantineDir, QString *left)
{
    const auto parent = folder.openDir(QFileInfo(path).path());
    if (!parent)
        return parent.error();
    const auto aside = folder.openDir(quarantineDir, true);
    if (!aside)
        return aside.error();
    if (::fchown(aside->get(), ::geteuid(), ::getegid()) != 0 || ::fchmod(aside->get(), 0700) != 0)
        return fileFailure(QStringLiteral("cannot make the executor's alone the quarantine"), quarantineDir, errno);
    const QByteArray target = QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    const QByteArray name = QFile::encodeName(QFileInfo(path).fileName());
    if (::renameat(parent->get(), name.constData(), aside->get(), target.constData()) != 0)
        return fileFailure(QStringLiteral("cannot move into %1").arg(quarantineDir), path, errno);
    const QString moved = quarantineDir + u'/' + QString::fromLatin1(target);
    if (!folder.removeTree(moved) && left)
        *left = moved;
    return ok();
}

Status TreeOwnership::copyAsOwn(const AgentFolder &folder, const QString &from, const QString &to, qint64 maxBytes)
{
    const auto source = folder.openDir(from);
    if (!source)
        return source.error();
    const QString parent = QFileInfo(to).path();
    const auto targetParent = folder.openDir(parent);
    if (!targetParent)
        return targetParent.error();
    const QByteArray name = QFile::encodeName(QFileInfo(to).fileName());
    if (::mkdirat(targetParent->get(), name.constData(), 0700) != 0)
        return fileFailure(QStringLiteral("cannot create"), to, errno);
    TreeCopy copy;
    copy.target = UniqueFd(::openat(targetParent->get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    struct stat top;
    struct statvfs space = {};
    if (!copy.target.isValid() || ::fstat(copy.target.get(), &top) != 0 || ::fstatvfs(copy.target.get(), &space) != 0)
        copy.fail({}, errno);
    else
        copy.levels.emplace_back(top.st_dev, top.st_ino);
    // The free space is what users may still take (root's reserve left out), less a margin.
    const qint64 available = qint64(space.f_bavail) * qint64(space.f_frsize);
    copy.budget.limit = std::min(maxBytes, std::max<qint64>(0, available - kCopyFreeMargin));
    if (!copy.failed) {
        TreeVisit visit;
        visit.file = [&copy](int dir, const QByteArray &entry, const struct stat &st, int) { copy.file(dir, entry, st); };
        visit.enter = [&copy](int, const QByteArray &entry, int, const struct stat &st, int) { return copy.enter(entry, st); };
        visit.leave = [&copy](int, const QByteArray &, int) { copy.leave(); };
        int walkError = 0;
        if (!walkTree(source->get(), visit, &walkError))
            copy.fail({}, walkError ? walkError : ESTALE);
        else if (!copy.failed && ::fchmod(copy.target.get(), 0755) != 0)
            copy.fail({}, errno);
    }
    if (!copy.failed)
        return ok();
    // Nothing half-copied is left for anyone to publish.
    copy.target = UniqueFd();
    (void)folder.removeTree(to);
    const QString where = copy.problem.isEmpty() ? from : from + u'/' + copy.problem;
    if (copy.budget.exceeded)
        return fail(ErrorKind::System,
                    QStringLiteral("cannot copy %1 into %2: its files would take more than %3 bytes of disk, the bound for a copy "
                                   "(%4 bytes, or the free space on its filesystem less %5 bytes when that is less); refused at %6")
                        .arg(from, to)
                        .arg(copy.budget.limit)
                        .arg(maxBytes)
                        .arg(kCopyFreeMargin)
                        .arg(where));
    return fileFailure(QStringLiteral("cannot copy %1 into %2: at").arg(from, to), where, copy.error);
}

} // namespace oa
