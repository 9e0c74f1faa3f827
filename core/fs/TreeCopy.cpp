#include "TreeOwnership.h"

#include "AgentFolderDetail.h"

#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <vector>

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

// TreeOwnership::copyAsOwn: the bounded, hole-keeping copy of a tree a tenant staged, made the
// executor's own. Apart from the hand-out and take-back walks in TreeOwnership.cpp because it
// shares nothing with them but the walk and ownMode.
namespace oa {

using namespace detail;

namespace {


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
