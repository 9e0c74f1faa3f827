#pragma once

#include "CacheLayout.h"
#include "DistributionStore.h"
#include "base/Error.h"
#include "PythonInterpreter.h"
#include "StoreFolder.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <utility>

namespace oa {

class RunControl;

// pip for an execution's own venv (the path without a cache entry): the interpreter's bundled
// pip wheel (ensurepip's, or Debian's /usr/share/python-wheels), kept in the store of
// distributions like any other wheel (hash-checked, unpacked once, compiled once, immutable) and
// composed into the venv through the store's .pth. The venv itself is made without pip, in a
// millisecond, instead of `python -m venv` running ensurepip (about 10 s here) or unpacking the
// wheel into every venv (0.2 s, and a pip whose every module is compiled again on its first use).
//
// While held, an in-use marker in-use/{store folder}@{execution}.{pid} says that a live run's
// venv names that store folder, as in-use/{entry}@… does for a cache entry (CacheLayout::isInUse
// answers for either name): eviction must leave the folder alone. The marker is made before the
// folder is looked up, so an eviction either sees it or has moved the folder away before the
// lookup, which then stores the wheel again.
class StoredPip {
public:
    StoredPip(const QString &cacheDir, const QString &agentBase, QString executionId);
    ~StoredPip(); // releases the marker
    StoredPip(const StoredPip &) = delete;
    StoredPip &operator=(const StoredPip &) = delete;

    // The interpreter's bundled pip wheel as a pinned wheel: name "pip", the version its file name
    // says, the sha256 of the file as read now (or, with `known`, the one recorded for the file
    // while its identity is unchanged: see acquire()). ErrorKind::Environment when it has none or
    // it cannot be read. `fingerprint` gets the file's identity: device, inode, size, and its
    // modification and change times to the nanosecond.
    static Result<PinnedWheel> bundledWheel(const PythonInterpreter &python, QString *fingerprint = nullptr,
                                            const QJsonObject &known = {});
    // {cache}/bundled-pip.json: per bundled wheel path, the fingerprint and sha256 last hashed.
    static constexpr const char *kHashesFile = "bundled-pip.json";

    // `python`'s bundled pip wheel with its sha256, for acquire() and for a cache entry's build
    // (CacheBuilder), which stores it with the set's other wheels. Hashing the 2 MB wheel costs
    // about 13 ms here, so the sha256 recorded in kHashesFile is taken while the file's
    // fingerprint is unchanged, but only when `store` holds a plausible folder of that sha256
    // whose marker says it was stored from this very file (a folder stored from a task's wheel
    // named pip never qualifies): `recorded` is then true. Else the file is hashed now, and
    // remember() records it once the wheel is stored. ErrorKind::Environment when there is no
    // bundled wheel or it cannot be read.
    struct Located {
        PinnedWheel wheel;
        QString fingerprint;
        bool recorded = false;
        QJsonObject known; // kHashesFile as read
    };
    static Result<Located> locate(const CacheLayout &layout, const PythonInterpreter &python, DistributionStore &store);
    // Records a wheel locate() hashed, under its fingerprint; nothing for a recorded one. A
    // failure only costs a hash next time.
    static void remember(const CacheLayout &layout, const Located &located);

    // Marks the store folder of `python`'s bundled pip (locate()) in use and finds it in the
    // store, or stores the wheel now (its compile output appended to `log`, which may be empty:
    // then it is dropped). ErrorKind::Environment when there is no bundled wheel; the store's
    // errors (DistributionStore::ensure) otherwise, or the RunControl's stop. The marker is
    // released on any failure.
    Result<StoredDistribution> acquire(const PythonInterpreter &python, const QString &log, RunControl *control);

    // Writes the venv's openautomate-store.pth naming the stored pip, and its scripts (pip,
    // pip3, pip3.X) into the venv's bin/ pointed at the venv's python (StoreComposition), without
    // fsyncs: the venv lives for one run; `venvFolder` is the gatekeeper of the folder the venv
    // lies in.
    Status compose(const AgentFolder &venvFolder, const QString &venvSitePackages, const QString &venvBin,
                   const QString &venvPython) const;

    // The stored pip's folder (absolute), for the sandboxes' read-only paths; empty before acquire().
    QString folder() const { return m_stored ? m_stored->dir : QString(); }
    QString version() const { return m_stored ? m_stored->version : QString(); }
    void release();

    // What the store found wrong on the way (an implausible folder moved aside); taken once.
    QStringList takeWarnings() { return std::exchange(m_warnings, {}); }

private:
    Result<StoredDistribution> ensure(const PinnedWheel &wheel, const PythonInterpreter &python, const QString &log, RunControl *control);

    CacheLayout m_layout;
    QString m_executionId;
    QString m_marker;
    // Kept while the venv uses what it handed out: DistributionStore marks each folder it hands
    // out (in-use/{folder}@store-{n}.{pid}) for as long as it lives; our own marker beside it
    // names the execution, for whoever looks at in-use/.
    std::unique_ptr<DistributionStore> m_store;
    std::optional<StoredDistribution> m_stored;
    QStringList m_warnings;
};

} // namespace oa
