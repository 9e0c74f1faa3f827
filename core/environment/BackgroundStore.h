#pragma once

#include "DistributionStore.h"
#include "process/ChildProcess.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QThread>

#include <atomic>
#include <memory>
#include <optional>

namespace oa {

class CacheLayout;
struct PythonInterpreter;

// The store's head start while pip resolves a cold build's set: pip's resolver keeps one core
// busy and leaves the other idle for 0.5 s or more. A thread of its own, at nice 10, stores on it:
//   1. the executor's pip (about 1,000 files), unpacked and published at once without bytecode;
//   2. the wheels pip is all but sure to pick (WheelGuess: pandas==1.5.3 from a wheel folder),
//      unpacked and compiled whole, as the set needs them;
//   3. pip's bytecode, compiled in place (StoreBytecode) until the caller's own store starts
//      (yieldCompile()): the compile then stops after the files it is compiling, and pip keeps
//      what it has, without the interpreter's tag. The cold build's venv uses pip so (its
//      DistributionStore accepts it), and the next build that uses pip compiles the rest, once.
// Measured on the pandas workload (six alternating pairs of cold runs): median 2.16 s against
// 2.80 s when pip was compiled in this thread and nothing was guessed.
//
// When step 2 outlasts the resolve (a big guess), step 3 does not run: pip's bytecode waits for
// a later build, whose head start reaches step 3 once its guesses are stored (step 2 is then a
// hash and a look), or a hash-pinned or --no-env-cache build, which compiles what lacks.
//
// Only a head start: the caller stores the set as if this did not exist, and finds in the store
// what this stored; a wheel this is still storing it waits for (the wheel's lock). This object
// keeps its folders marked in use until it is destroyed, so a folder is never unmarked in
// between. What it could not store the caller stores itself (its errors are dropped: the
// caller's attempt reports them). finish() stops what is left and waits for it: pip's compile at
// its yield flag, a guess pip did not pick between two guesses or at its compile (nothing half
// stored is published; a wheel being unpacked is unpacked first).
class BackgroundStore {
public:
    // The thread's nice value, and its children's.
    static constexpr int kNice = 10;

    // `pip` when the store lacks it or its bytecode; `guesses` with their paths (WheelGuess).
    BackgroundStore(const CacheLayout &layout, const PythonInterpreter &python, const std::optional<PinnedWheel> &pip,
                    const QList<PinnedWheel> &guesses, const QString &log);
    ~BackgroundStore();
    BackgroundStore(const BackgroundStore &) = delete;
    BackgroundStore &operator=(const BackgroundStore &) = delete;

    // The caller's own store starts: pip's compile stops after the files it is compiling
    // (BytecodeCompiler's yield flag), or never starts.
    void yieldCompile();
    // Stops what is left and waits for it; then what it found wrong on the way (implausible
    // folders), taken once.
    QStringList finish();
    // The wheel files of the guesses it stored itself (not found stored); read after finish().
    QStringList storedAhead() const { return m_storedAhead; }

private:
    // The caller's stop reaches the thread's children only through this: RunControl::check()
    // is not thread-safe (ExecutionControl samples, writes status and counts deadlines in it).
    class StopRelay final : public RunControl {
    public:
        std::optional<StopRequest> check(qint64 processGroup) override;
        qint64 graceMs() const override { return 2000; }
        std::atomic<bool> stop{false};
        std::atomic<bool> inPlace{false}; // step 3: its compile is stopped by the yield flag only
    };

    const CacheLayout &m_layout;
    // staging/yield.{pid}.{n}, a folder made by yieldCompile() and removed by finish() (the
    // pruner removes one whose process died, as it does store.{pid}.{n}).
    QString m_yieldFlag;
    StopRelay m_relay;
    std::unique_ptr<DistributionStore> m_store;
    // A QThread, not a std::thread: ChildProcess waits in an event loop (its timer, the pidfd's
    // notifier), which Qt runs only in threads it started.
    std::unique_ptr<QThread> m_thread;
    QStringList m_warnings;
    QStringList m_storedAhead; // written by the thread, read after it ended
};

} // namespace oa
