#pragma once

#include "AgentFolder.h"

namespace oa {

// A folder below the base that AgentFolder has already walked to and checked, held open, for a
// caller that reads many files in it or in its subfolders (the scanner, --list, --which-runs).
// AgentFolder walks from the base for every path, a dozen system calls per file; here each
// name is one openat(O_NOFOLLOW) relative to the open descriptor, with the same checks and the
// same messages: a subfolder that is a link is refused, only regular files are read, non-blocking
// and bounded, and readOwnFile keeps its rule. The folder is the one that was opened: one renamed
// meanwhile is still read where it now is, one replaced by a link is never followed.
class OpenFolder {
public:
    // The folder at `path`, walked from the base as AgentFolder::openDir does.
    static Result<OpenFolder> open(const AgentFolder &folder, const QString &path);

    QString path() const { return m_path; }
    int fd() const { return m_fd.get(); }
    // `path()/name`, for messages.
    QString pathOf(const QString &name) const { return m_path + u'/' + name; }

    // The folder `name` in this one, never through a link.
    Result<OpenFolder> folder(const QString &name) const;
    // What is at `name`, without following a link; Missing when nothing is.
    AgentFolder::Kind kindOf(const QString &name) const;
    // lstat of `name` (one fstatat, no link followed); nullopt when nothing is there.
    std::optional<struct stat> statOf(const QByteArray &name) const;
    // The names in this folder with their kinds (links not followed), sorted as AgentFolder::list
    // sorts them. The kind comes from the directory entry itself where the file system gives it
    // (one getdents for many names), else from one fstatat.
    QList<AgentFolder::Entry> entries() const;
    // The same with the names as the file system spells them (no decoding), sorted bytewise: for
    // a scan that keeps what it saw by name (for the ASCII names of execution IDs, the order of
    // entries()).
    struct RawEntry {
        QByteArray name;
        AgentFolder::Kind kind = AgentFolder::Kind::Other;
    };
    QList<RawEntry> rawEntries() const;
    // AgentFolder::readFile and readOwnFile for `name` in this folder: fstatat, openat, fstat and,
    // for a small file, one read. `read`, when given, receives the descriptor's fstat (the file
    // that was read, for its time or a stamp).
    // With Missing::Quiet, a missing file fails with ENOENT and no message (JsonFile's "missing").
    enum class Missing { Described, Quiet };
    Result<QByteArray> readFile(const QString &name, qint64 maxBytes, struct stat *read = nullptr, Missing missing = Missing::Described) const;
    Result<QByteArray> readOwnFile(const QString &name, qint64 maxBytes, Missing missing = Missing::Described) const;

    // `dir/relative` when `relative` is plain names (no ".", "..", trailing "/") leading through
    // real folders, none a link, to a regular file: a path that realpath() would give back
    // unchanged below `dir`, found with one openat per folder instead of a readlink per component
    // from the root. nullopt for anything else, which the caller then resolves the long way.
    static std::optional<QString> plainFileBelow(const QString &dir, const QString &relative);
    // The same from `dirFd`, the folder `dir` already open: no path is resolved from the root.
    static std::optional<QString> plainFileBelow(int dirFd, const QString &dir, const QString &relative);

private:
    OpenFolder(UniqueFd fd, QString path) : m_fd(std::move(fd)), m_path(std::move(path)) {}
    UniqueFd m_fd;
    QString m_path;
};

} // namespace oa
