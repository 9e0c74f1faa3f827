#pragma once

#include "CacheLayout.h"
#include "base/Error.h"
#include "PythonInterpreter.h"
#include "StoreFolder.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <utility>

namespace oa {

class RunControl;

// One wheel a set pins: by name, version and sha256, and where its file is (empty when it is
// expected in the store already).
struct PinnedWheel {
    QString name;
    QString version;
    QString sha256; // lower-case hex
    QString path;   // the .whl, absolute; its sha256 is checked before a byte is unpacked
    QString url = {}; // where it came from, when not `path` (an index: pip downloaded it to `path`)
};

// The store of distributions (EnvCache/store/): each wheel unpacked once by WheelInstaller into a
// staging folder of the cache, compiled once with the interpreter's compileall (StoreBatch), its marker
// written last, published by one rename that never replaces anything, and then made read-only
// and immutable like cache entries (FileProtection). One lock per wheel (locks/store-{sha16}.lock,
// an flock as the build locks are) makes a second build of the same wheel wait and reuse the
// first's. A folder already in store/ is untrusted: used only when StoreFolder::read finds it
// plausible, else moved out of sight, removed and built again. A stored folder that lacks the
// bytecode of the interpreter reusing it gets it under the same lock (StoreBytecode).
class DistributionStore {
public:
    // Waits for another process's unpack at most this long (the build wait of the cache).
    static constexpr qint64 kDefaultWaitMs = 30 * 60 * 1000;

    DistributionStore(const CacheLayout &layout, RunControl *control = nullptr, qint64 waitMs = kDefaultWaitMs);
    // Releases the folders it handed out (release()).
    ~DistributionStore();
    DistributionStore(const DistributionStore &) = delete;
    DistributionStore &operator=(const DistributionStore &) = delete;

    // The plausible folder of `wheel` in the store, without waiting or writing; nullopt when
    // there is none (an implausible one becomes a warning).
    std::optional<StoredDistribution> find(const PinnedWheel &wheel);

    // `wheel` in the store: the plausible folder there, or unpacked now from wheel.path (which
    // must then be set). The folder is marked in use (in-use/{folder}@store-{n}.{pid}) before it
    // is even looked at, and stays so until release() or this object's end: the pruner never
    // evicts it meanwhile (StoreUse). So keep this object for as long as a venv composed from
    // what it returned is used: a build until its entry is published (which names the folders
    // from then on), a run whose own venv is composed from the store until the run ends. Its
    // last use (store/{folder}.used) is recorded as now. A stored folder without `python`'s
    // bytecode (its marker does not list python's cache tag) is compiled for it first, under the
    // wheel's lock; one whose content a build never publishes (a link, say) is stored again.
    // The compile step's output is appended to `log`. Fails with ErrorKind::Install naming the wheel file (a refused wheel, a RECORD
    // mismatch, a sha256 that is not the pinned one, a compile failure) or the cache path; or
    // with the RunControl's stop.
    Result<StoredDistribution> ensure(const PinnedWheel &wheel, const PythonInterpreter &python, const QString &log);
    // ensure() for each, the results in the same order. The wheels not stored yet are stored
    // together (StoreBatch): unpacked in parallel and compiled by one compileall process, each
    // published only complete and compiled; the stored ones that lack python's bytecode are
    // compiled for it together too (StoreBytecode::add), while runs of the versions they have
    // keep using them. A wheel another process is storing is waited for
    // without holding any lock, and reused. When one fails, the others of its batch are still
    // published (each is complete and independent), and the first failure in the set's order is
    // returned, naming its wheel file.
    Result<QList<StoredDistribution>> ensureAll(const QList<PinnedWheel> &wheels, const PythonInterpreter &python, const QString &log);

    // Removes this object's in-use markers: the folders it handed out may be evicted once no
    // entry names them.
    void release();

    // From now on the wheels this object stores are published without bytecode (StoreBatch::
    // setWithoutBytecode), and stored folders without the interpreter's are used as they are.
    void setWithoutBytecode(bool without) { m_withoutBytecodeStoring = without; }
    // The bytecode this object adds to stored folders (StoreBytecode) stops once `path` exists.
    void setCompileYieldFlag(const QString &path) { m_yieldFlag = path; }
    // The stored folder of the wheel with this sha256 is used as it is even when it lacks the
    // interpreter's bytecode (not while another process has its protection lifted): the cold
    // build's own pip, stored without it while pip resolves (BackgroundStore). Its next user
    // compiles it.
    void acceptWithoutBytecode(const QString &sha256) { m_withoutBytecode.insert(sha256.toLower()); }

    // What was found wrong on the way (implausible folders moved aside), for executor.log and
    // result.json; taken once.
    QStringList takeWarnings() { return std::exchange(m_warnings, {}); }

private:
    // Moves an implausible folder out of sight and removes it.
    Status evict(const QString &folderName, const QString &why);
    QString stagingName() const;
    // Marks the folder of `wheel` in use (once per object and folder).
    Status markInUse(const QString &folderName);

    const CacheLayout &m_layout;
    RunControl *m_control;
    qint64 m_waitMs;
    QStringList m_warnings;
    QStringList m_markers; // our in-use markers, removed by release()
    QStringList m_marked;  // the folder names they mark
    QString m_yieldFlag;
    bool m_withoutBytecodeStoring = false;
    QSet<QString> m_withoutBytecode; // sha256s
};

} // namespace oa
