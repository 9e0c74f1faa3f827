#include "StoreBytecode.h"

#include "BytecodeCompiler.h"
#include "TestSuites.h"
#include "fs/FileProtection.h"
#include "fs/FolderSize.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

QString kindOf(mode_t mode)
{
    if (S_ISLNK(mode))
        return QStringLiteral("a link");
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    return QStringLiteral("a device");
}

// The first thing below the open folder `dirFd` (taken over), shown as `path`, that a build
// never publishes; empty when there is none. Each name is examined without following it, and a
// folder is entered through its own descriptor (O_NOFOLLOW), checked to be the one examined.
QString unsafeBelow(int dirFd, const QString &path)
{
    DIR *dir = ::fdopendir(dirFd);
    if (!dir) {
        ::close(dirFd);
        return QStringLiteral("%1 cannot be read").arg(path);
    }
    QString problem;
    while (problem.isEmpty()) {
        errno = 0;
        const dirent *entry = ::readdir(dir);
        if (!entry) {
            if (errno != 0)
                problem = QStringLiteral("%1 cannot be read").arg(path);
            break;
        }
        if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
            continue;
        const QString child = path + u'/' + QFile::decodeName(entry->d_name);
        struct stat st {};
        if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            problem = QStringLiteral("%1 cannot be examined").arg(child);
        } else if (st.st_uid != ::geteuid()) {
            problem = QStringLiteral("%1 is owned by uid %2, not by the executor's user").arg(child).arg(st.st_uid);
        } else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) {
            problem = QStringLiteral("%1 is %2, which a build never stores").arg(child, kindOf(st.st_mode));
        } else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
            problem = QStringLiteral("%1 may be written by its group or others").arg(child);
        } else if (S_ISREG(st.st_mode) && st.st_nlink != 1) {
            // Another name of the same file lies elsewhere: compiling it would publish, readable
            // by all, what that other file holds.
            problem = QStringLiteral("%1 has %2 names (hard links), which a build never stores").arg(child).arg(st.st_nlink);
        } else if (S_ISDIR(st.st_mode)) {
            const int fd = ::openat(::dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            struct stat opened {};
            if (fd < 0 || ::fstat(fd, &opened) != 0 || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino) {
                if (fd >= 0)
                    ::close(fd);
                problem = QStringLiteral("%1 changed while it was examined").arg(child);
            } else {
                problem = unsafeBelow(fd, child);
            }
        }
    }
    ::closedir(dir);
    return problem;
}

} // namespace

StoreBytecode::StoreBytecode(const CacheLayout &layout, RunControl *control, const PythonInterpreter &python, const QString &log)
    : m_layout(layout), m_control(control), m_python(python), m_log(log)
{
}

bool StoreBytecode::usableMeanwhile(const StoredDistribution &d, const PythonInterpreter &python)
{
    return python.cacheTag.isEmpty() || d.bytecode.contains(python.cacheTag);
}

bool StoreBytecode::lacks(const StoredDistribution &d, const PythonInterpreter &python)
{
    return !usableMeanwhile(d, python) || !d.compiling.isEmpty();
}

QString StoreBytecode::unsafeContent(const AgentFolder &folder, const QString &dir)
{
    auto opened = folder.openDir(dir); // no component below the cache's anchor may be a link
    if (!opened)
        return opened.error().message;
    return unsafeBelow(opened.value().release(), dir);
}

std::optional<Error> StoreBytecode::compile(const QList<StoredDistribution> &folders, bool &stopped, bool &yielded, bool mayYield)
{
    const QString yieldFlag = mayYield ? m_yieldFlag : QString();
    QStringList dirs;
    QStringList excludes;
    QStringList names;
    QStringList files;
    for (const StoredDistribution &d : folders) {
        dirs.append(d.sitePackages); // only site-packages, as StoreBatch compiles a folder
        excludes.append(testSuitesBelow(d.sitePackages));
        names.append(d.folderName);
        files.append(d.file);
    }
    const QString announce = QStringLiteral("Compiling for %1 the store folders %2").arg(m_python.cacheTag, names.join(QStringLiteral(", ")));
    const ProcessExit exit = ChildProcess::run(BytecodeCompiler::command(m_python, dirs, excludes.join(u'|'), m_log, announce, yieldFlag), m_control);
    if (auto stop = exit.stopError()) {
        stopped = true;
        return *stop;
    }
    if (!yieldFlag.isEmpty() && exit.started && exit.signal == 0 && exit.exitCode == BytecodeCompiler::kYielded) {
        yielded = true; // what it compiled stays; the tag is not recorded, so the next user compiles the rest
        return std::nullopt;
    }
    if (!exit.succeeded())
        return fail(ErrorKind::Install, QStringLiteral("compiling the stored %1 for %2 (%3) failed (%4); the output is in %5")
                                            .arg(files.join(QStringLiteral(", ")), m_python.cacheTag, m_python.executable, exit.exitMessage(), m_log));
    return std::nullopt;
}

Status StoreBytecode::settle(const StoredDistribution &d)
{
    const AgentFolder &folder = m_layout.folder();
    Status marked = StoreFolder::writeMarker(folder, d.dir, d);
    FileProtection::protectTree(folder, d.dir);
    if (!marked)
        return CacheLayout::unusable(QStringLiteral("cannot record the bytecode of the store folder %1").arg(d.dir), marked.error());
    return ok();
}

QList<Result<StoredDistribution>> StoreBytecode::add(const QList<StoredDistribution> &folders)
{
    const AgentFolder &folder = m_layout.folder();
    const QString tag = m_python.cacheTag;
    QList<StoredDistribution> state = folders;
    QList<std::optional<Error>> errors(folders.size());
    QList<bool> lifted(folders.size(), false);
    QList<qint64> before(folders.size(), 0);
    QList<qsizetype> compiling;
    for (qsizetype i = 0; i < state.size(); ++i) {
        StoredDistribution &d = state[i];
        const bool compile = !tag.isEmpty() && !d.bytecode.contains(tag);
        // The mark before anything else is lifted: whoever finds the folder lifted finds it.
        // Only the folder itself and its marker first (a death before the mark is written
        // leaves the rest immutable); a folder only repaired keeps the dead compile's mark.
        FileProtection::unprotectFolder(folder, d.dir, {QLatin1String(StoreFolder::kMarkerFile)});
        if (compile)
            d.compiling = tag;
        if (Status marked = StoreFolder::writeMarker(folder, d.dir, d); !marked) {
            FileProtection::protectTree(folder, d.dir);
            errors[i] = CacheLayout::unusable(QStringLiteral("cannot mark the store folder %1 for compiling").arg(d.dir), marked.error());
            continue;
        }
        lifted[i] = true;
        FileProtection::unprotectTree(folder, d.dir);
        if (compile) {
            compiling.append(i);
            before[i] = folderSize(d.dir);
        }
    }

    QList<StoredDistribution> batch;
    for (qsizetype i : std::as_const(compiling))
        batch.append(state.at(i));
    bool stopped = false;
    bool yielded = false;
    const std::optional<Error> failed = batch.isEmpty() ? std::nullopt : compile(batch, stopped, yielded, true);
    QList<std::optional<Error>> failures(batch.size(), failed);
    if (failed && !stopped && batch.size() > 1) {
        // Each alone (what compiled already is skipped) to learn which failed; whole, without
        // the yield flag, so that a failure is never hidden by a yield.
        for (qsizetype k = 0; k < batch.size(); ++k) {
            bool wholeAnyway = false; // never set: this compile does not look at the flag
            failures[k] = compile({batch.at(k)}, stopped, wholeAnyway, false);
            if (stopped) { // nothing more is compiled, and nothing is recorded as compiled
                failures.fill(failures.at(k));
                break;
            }
        }
    }
    for (qsizetype k = 0; k < compiling.size(); ++k) {
        StoredDistribution &d = state[compiling.at(k)];
        // What the pruner and listing count: the .pyc files written stay, whatever happened.
        d.sizeBytes += qMax<qint64>(0, folderSize(d.dir) - before.at(compiling.at(k)));
        if (failures.at(k)) {
            errors[compiling.at(k)] = failures.at(k);
            continue;
        }
        if (!yielded)
            d.bytecode.append(tag);
    }

    QList<Result<StoredDistribution>> results;
    for (qsizetype i = 0; i < state.size(); ++i) {
        StoredDistribution &d = state[i];
        if (lifted.at(i)) {
            d.compiling.clear();
            if (Status settled = settle(d); !settled && !errors.at(i))
                errors[i] = settled.error();
        }
        results.append(errors.at(i) ? Result<StoredDistribution>(*errors.at(i)) : Result<StoredDistribution>(d));
    }
    return results;
}

} // namespace oa
