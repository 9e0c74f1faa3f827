#pragma once

#include "CacheLayout.h"
#include "base/Error.h"
#include "process/ChildProcess.h"
#include "PythonInterpreter.h"
#include "StoreFolder.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

class RunControl;

// Bytecode for each interpreter version that uses a store folder. A folder is compiled by the
// interpreter that stores it (StoreBatch), and its marker lists that interpreter's cache tag
// ("cpython-311"). A pure wheel is shared by every version, but a published folder is
// immutable: a run of another version would compile what it imports in memory, every time. So
// the first build of another version that reuses the folder adds its bytecode (add()): under
// the wheel's store lock, with the same compileall options, its protection lifted and put back,
// and the tag recorded in the marker, which is all the next reuse reads (no walk).
//
// While a folder is lifted, its marker says so (Compiling: the tag). The lock is held
// throughout, so a process that gets the lock and still finds that mark knows the one that set
// it died: it compiles and protects the folder again. A run of a version the folder already has
// keeps using it meanwhile: compileall writes each new .pyc atomically under a name only the
// new version reads, and leaves the sources and the other versions' files as they were.
class StoreBytecode {
public:
    StoreBytecode(const CacheLayout &layout, RunControl *control, const PythonInterpreter &python, const QString &log);

    // True when `d` must be compiled for `python` before it is used: its marker does not list
    // python's cache tag, or a compile that died left it lifted. False for an interpreter that
    // writes no bytecode.
    static bool lacks(const StoredDistribution &d, const PythonInterpreter &python);
    // True when a run of `python` may use `d` while another process holds its lock: it has
    // python's bytecode (the holder may be adding another version's).
    static bool usableMeanwhile(const StoredDistribution &d, const PythonInterpreter &python);

    // Why the published folder `dir` must not be compiled in place, or empty. A build never
    // publishes a link, a FIFO, a device, a socket, a hard link, or anything not owned by the
    // executor's user or writable by others; compileall would follow a link (a planted
    // __pycache__ pointing elsewhere gets root's .pyc files). Walks the whole folder through
    // descriptors (O_NOFOLLOW), so only for a folder about to be compiled.
    static QString unsafeContent(const AgentFolder &folder, const QString &dir);

    // Adds `python`'s bytecode to each folder, which the caller read as plausible and
    // unsafeContent()-free under its lock, and holds that lock until this returns. One
    // compileall process over all of them; on a failure, each again alone to learn which. One
    // result per folder, in the same order: the folder as its marker now says (the tag added,
    // SizeBytes counting the new files), or an Install error naming its wheel file, or the
    // RunControl's stop. In every case each folder ends protected and without the lifted mark.
    QList<Result<StoredDistribution>> add(const QList<StoredDistribution> &folders);

    // Has add()'s compile stop once `path` exists (BytecodeCompiler's yield flag): the folders
    // then keep the .pyc files written so far, protected again, without the tag, and their next
    // user compiles the rest.
    void setYieldFlag(const QString &path) { m_yieldFlag = path; }

private:
    // One compileall over the site-packages of `folders`; nullopt when it succeeded, or when it
    // stopped at the yield flag (`yielded`; only when `mayYield`).
    std::optional<Error> compile(const QList<StoredDistribution> &folders, bool &stopped, bool &yielded, bool mayYield);
    // Writes the marker (`d` as it now is) and protects the folder again.
    Status settle(const StoredDistribution &d);

    const CacheLayout &m_layout;
    RunControl *m_control;
    const PythonInterpreter &m_python;
    QString m_log;
    QString m_yieldFlag;
};

} // namespace oa
