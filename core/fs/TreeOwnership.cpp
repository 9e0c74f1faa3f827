#include "TreeOwnership.h"

#include "AgentFolderDetail.h"

#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace oa {

using namespace detail;

namespace {

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

} // namespace oa
