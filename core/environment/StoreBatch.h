#pragma once

#include "CacheLayout.h"
#include "base/Error.h"
#include "PythonInterpreter.h"
#include "StoreFolder.h"

#include <QList>
#include <QString>

namespace oa {

class RunControl;
struct PinnedWheel;

// Stores the wheels of one build that are not in the store yet, together: each checked (the
// pinned sha256 of the very descriptor libzip reads, the pinned name and version) and unpacked
// by WheelInstaller in a thread of its own, at most one per core, into its own folder of one
// staging folder (staging/store.{pid}.{n}/{store folder}/); then all compiled by one compileall
// process with one worker pool over that staging folder (before, a compileall per wheel: pandas,
// numpy and ten small wheels took twelve interpreters and pools one after the other); then each
// marked, published by one rename and made immutable. A folder is published only when it is
// complete and compiled, so a wheel that fails costs the others nothing: they are published,
// it is not, and its result names its file. A stop (cancel, timeout) publishes nothing. The
// staging folder is removed before build() returns. The caller holds each wheel's lock
// throughout, and nothing may be at its store name.
class StoreBatch {
public:
    StoreBatch(const CacheLayout &layout, RunControl *control, const PythonInterpreter &python, const QString &log);

    // One result per wheel, in the same order.
    QList<Result<StoredDistribution>> build(const QList<PinnedWheel> &wheels);

    // Publishes the folders without compiling them, and so without the interpreter's cache tag:
    // their next user compiles them (StoreBytecode). A cold build's pip, stored while pip
    // resolves, leaves the core its resolver does not use to the wheels the set needs compiled
    // (BackgroundStore).
    void setWithoutBytecode(bool without) { m_withoutBytecode = without; }

private:
    // Checks and unpacks one wheel into {batch}/{its store folder name}.
    Result<StoredDistribution> unpack(const PinnedWheel &wheel, const QString &batch) const;
    // Compiles the site-packages of every unpacked folder below `batch` in one process; on a
    // failure, each folder again alone (what compiled already is skipped) to learn which failed.
    void compile(const QString &batch, QList<Result<StoredDistribution>> &unpacked);
    // One compileall run over `dir`, compiling only what lies below a site-packages of the
    // folders in it when `batchRoot`; nullopt when it succeeded. `stopped` is set when the
    // RunControl stopped it (cancel, timeout).
    std::optional<Error> runCompileall(const QString &dir, bool batchRoot, const QString &what, bool &stopped);
    // Marks, publishes and protects one compiled folder.
    Result<StoredDistribution> publish(StoredDistribution d, const QString &built);

    const CacheLayout &m_layout;
    RunControl *m_control;
    const PythonInterpreter &m_python;
    QString m_log;
    bool m_withoutBytecode = false;
};

} // namespace oa
