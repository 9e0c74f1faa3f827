#pragma once

#include "base/Error.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

#include <sys/stat.h>

namespace oa {

// A file descriptor that closes itself. Move-only.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    ~UniqueFd();
    UniqueFd(UniqueFd &&other) noexcept : m_fd(other.release()) {}
    UniqueFd &operator=(UniqueFd &&other) noexcept;
    UniqueFd(const UniqueFd &) = delete;
    UniqueFd &operator=(const UniqueFd &) = delete;

    int get() const { return m_fd; }
    bool isValid() const { return m_fd >= 0; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd = -1;
};

// The one gatekeeper for the agent's base folder: every read, create, replace and delete below
// it goes through here, in the executor, the lock tools, the scanner, the cache and the monitor.
//
// Everything below the base is untrusted: a task author, or a script while it runs, may put a
// symlink, a FIFO, a device, a hard link or a huge file anywhere in it. So:
//  - paths are walked one component at a time from the base with openat(O_NOFOLLOW): a symlink
//    in any component below the base is refused (the base itself is the administrator's and
//    may be a link);
//  - a file is read only if it is a regular file, opened non-blocking, and only up to a bound;
//  - a file the executor writes is never written through: a planted symlink, FIFO, hard link or
//    other non-regular file at its name is unlinked where it stands and replaced, and the
//    caller is told (`replaced`) so that it can warn;
//  - whole files are replaced atomically (temporary file, every write checked, fsync, rename,
//    fsync of the folder): the previous file stays intact when anything fails, a full disk
//    included (QSaveFile in Qt 6.4.2 can report success after a short write);
//  - trees are removed without ever following a link.
// Paths are absolute paths inside the base, as AgentPaths builds them, or relative to it.
// Failures carry ErrorKind::System, the errno in `systemError`, and a message that names
// the path; callers re-map the code to their stage's.
class AgentFolder {
public:
    explicit AgentFolder(const QString &baseDir);
    QString base() const { return m_base; }

    // True when `path` lies lexically inside the base (or is the base).
    bool contains(const QString &path) const;

    // The folder at `path`, every component below the base a real folder. With `create`,
    // missing components are made (0755).
    Result<UniqueFd> openDir(const QString &path, bool create = false) const;
    Status ensureDir(const QString &path) const;

    // What is at `path`, without following a final symlink; Missing when nothing is, or when a
    // component on the way is missing, a link or not a folder.
    enum class Kind { Missing, Regular, Directory, Symlink, Fifo, Socket, Device, Other };
    static QString kindName(Kind kind);
    Kind kindOf(const QString &path) const;
    // The same for a caller that must tell the two Missings apart: the error of the way there
    // when a component on the way is missing, a link or not a folder; Missing only when the
    // last name is not there.
    Result<Kind> kindAt(const QString &path) const;
    // What was planted at a name the executor writes, for a warning: empty when nothing is
    // there or a regular file with no other name is.
    QString plantedAt(const QString &path) const;
    // What is at `path` when it is not a regular file of the executor's own with one name ("a
    // symbolic link", "a FIFO", "a file owned by uid 1000 (another user)", ...); empty when
    // nothing is there or such a file is.
    QString foreignEntryAt(const QString &path) const;
    // Stricter, readOwnFile()'s rule by name: also a file its group or others may write ("a file
    // its group or others may write (mode 666)"). For a record that decides what a person
    // believes (result.json kept as the previous run); empty when nothing is there.
    QString forgeableRecordAt(const QString &path) const;

    // A regular file's content, at most `maxBytes` (more is an error, not a silent cut).
    // A missing file fails with systemError ENOENT.
    Result<QByteArray> readFile(const QString &path, qint64 maxBytes) const;
    // The same, only from a file the executor could alone have written: its own regular file
    // with one name and no group or other write bit. A record task code could have forged (a
    // run-as user's file, a hard link, a file a group may write) fails naming what it is.
    Result<QByteArray> readOwnFile(const QString &path, qint64 maxBytes) const;
    // A regular file opened for reading, non-blocking, never through a link.
    Result<UniqueFd> openForReading(const QString &path) const;
    // The same checks on the last component only, for a path that may lie anywhere (a log the
    // monitor tails, a file in a cache folder the administrator placed elsewhere).
    static Result<UniqueFd> openRegularFile(const QString &path);
    static Result<QByteArray> readRegularFile(const QString &path, qint64 maxBytes);

    // Opens `path` for writing as a regular file that only this name links to: truncated, or
    // appended to. Something else planted at the name is unlinked first and described in
    // `replaced`. The parent folder must exist.
    enum class WriteMode { Truncate, Append };
    Result<UniqueFd> openForWriting(const QString &path, WriteMode mode, QString *replaced = nullptr) const;

    // Replaces `path` with exactly `data`, atomically; see above. Transient files that a power
    // loss may leave old or empty (status.json: its run's result.json is the record) skip both
    // fsyncs: readers still see the whole old file or the whole new one, and a hello-world run
    // saves ten fsyncs.
    enum class Durability { Flushed, AtomicOnly };
    Status writeAtomically(const QString &path, const QByteArray &data, QString *replaced = nullptr,
                           Durability durability = Durability::Flushed) const;

    // Renames `from` to `to` (both below the base) without ever replacing what is at `to`
    // (EEXIST then), and flushes the folder that received it. A link is moved itself, never
    // followed: this is how a built cache entry is published, and how an evicted one is hidden.
    Status rename(const QString &from, const QString &to) const;

    // Creates `path` as an empty regular file if it is missing (something planted there is
    // replaced, as by openForWriting) and sets its modification time to now. Every step is
    // checked: a marker that was not written is reported, never assumed.
    Status touch(const QString &path, QString *replaced = nullptr) const;
    // The modification time of the regular file at `path`; invalid when there is none.
    QDateTime modificationTime(const QString &path) const;

    // An exclusive flock(2) on the regular file at `path`, taken without waiting; the file is
    // created when missing, and something planted at the name is replaced. The descriptor holds
    // the lock until it is closed (or the process dies: a dead holder never blocks anyone). An
    // invalid descriptor means that another open file holds it. The lock is taken on the file
    // the name still leads to: one unlinked under us is taken again.
    Result<UniqueFd> tryLock(const QString &path, QString *replaced = nullptr) const;

    // Removes a file or a link (never what it points to). Missing is fine.
    Status removeFile(const QString &path) const;
    // Removes a folder and everything in it, never following a link; a link or file at `path`
    // is removed itself. Missing is fine.
    Status removeTree(const QString &path) const;

    // The names in a folder, with their kinds (links not followed), sorted. Empty if unreadable.
    struct Entry {
        QString name;
        Kind kind = Kind::Other;
    };
    QList<Entry> list(const QString &dir) const;

private:
    // lstat of the entry at `path`, through the gatekeeper's walk to its folder; nullopt when absent or unreachable.
    std::optional<struct stat> entryAt(const QString &path) const;
    // Splits `path` into the folder that holds it and its last component.
    Result<QStringList> components(const QString &path) const;
    Result<UniqueFd> walk(const QStringList &parts, qsizetype count, bool create) const;
    // The folder that holds `path`, walked to, and the last component; `verb` says what was
    // refused when `path` is the base itself ("write", "remove").
    struct Parent {
        UniqueFd dir;
        QByteArray name;
    };
    Result<Parent> parentOf(const QString &path, const QString &verb) const;

    QString m_base;
};

// A failure that names `path` and errno `error`.
Error fileFailure(const QString &what, const QString &path, int error);

} // namespace oa
