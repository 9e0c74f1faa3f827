#include "TreeOwnership.h"

#include "AgentFolderDetail.h"

#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace oa {

using namespace detail;

namespace {

// Deeper than any real package: copyAsOwn (a staged build, two descriptors a level) refuses a
// deeper tree rather than run out of descriptors. The other walks have no bound (walkTree).
constexpr int kMaxDepth = 128;

bool copyFileData(int from, int to, int *error);
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
        if (!S_ISREG(st.st_mode))
            return; // links, FIFOs, sockets and devices stay as they are
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

bool copyFileData(int from, int to, int *error)
{
    std::vector<char> buffer(1 << 20);
    for (;;) {
        const ssize_t n = ::read(from, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *error = errno;
            return false;
        }
        if (n == 0)
            return true;
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(to, buffer.data() + done, size_t(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                *error = w < 0 ? errno : ENOSPC;
                return false;
            }
            done += w;
        }
    }
}

// Setuid, setgid and sticky bits go, and every write bit but the owner's.
mode_t ownMode(mode_t mode)
{
    return mode & 0755;
}

bool copyContents(int fromDir, int toDir, int depth, QString *problem, int *error)
{
    if (depth > kMaxDepth) {
        *problem = QStringLiteral("a tree deeper than %1 folders").arg(kMaxDepth);
        return false;
    }
    for (const QByteArray &name : namesIn(fromDir)) {
        struct stat st;
        if (::fstatat(fromDir, name.constData(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            *error = errno;
            *problem = QFile::decodeName(name);
            return false;
        }
        if (S_ISDIR(st.st_mode)) {
            const UniqueFd source(::openat(fromDir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!source.isValid() || ::mkdirat(toDir, name.constData(), 0700) != 0) {
                *error = errno;
                *problem = QFile::decodeName(name);
                return false;
            }
            const UniqueFd target(::openat(toDir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!target.isValid() || !copyContents(source.get(), target.get(), depth + 1, problem, error)
                || ::fchmod(target.get(), ownMode(st.st_mode) | S_IRWXU) != 0) {
                if (*error == 0)
                    *error = errno;
                *problem = QFile::decodeName(name) + u'/' + *problem;
                return false;
            }
        } else if (S_ISREG(st.st_mode)) {
            const UniqueFd source(::openat(fromDir, name.constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
            struct stat now;
            const UniqueFd target(::openat(toDir, name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
            if (!source.isValid() || ::fstat(source.get(), &now) != 0 || !S_ISREG(now.st_mode) || !target.isValid()
                || !copyFileData(source.get(), target.get(), error) || ::fchmod(target.get(), ownMode(now.st_mode)) != 0) {
                if (*error == 0)
                    *error = errno ? errno : EIO;
                *problem = QFile::decodeName(name);
                return false;
            }
        } else {
            // Links too: pip never installs one from a wheel, and the root steps that follow
            // (compileall, unpacking pip) would write and read through it, outside the tree.
            *problem = QStringLiteral("%1, which is %2").arg(QFile::decodeName(name), describe(st));
            *error = EPERM;
            return false;
        }
    }
    return true;
}

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

Status TreeOwnership::copyAsOwn(const AgentFolder &folder, const QString &from, const QString &to)
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
    const UniqueFd target(::openat(targetParent->get(), name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    QString problem;
    int error = 0;
    if (!target.isValid() || !copyContents(source->get(), target.get(), 0, &problem, &error) || ::fchmod(target.get(), 0755) != 0) {
        const QString where = problem.isEmpty() ? from : from + u'/' + problem;
        return fileFailure(QStringLiteral("cannot copy %1 into %2: at").arg(from, to), where, error ? error : errno);
    }
    return ok();
}

} // namespace oa
