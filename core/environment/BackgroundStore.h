#pragma once

#include "DistributionStore.h"
#include "process/ChildProcess.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QThread>

#include <atomic>
#include <memory>

namespace oa {

class CacheLayout;
struct PythonInterpreter;

// Stores wheels in a thread of its own while the caller's thread does something else: a cold
// build stores the executor's pip (about 1,000 files to unpack and 480 to compile, 0.8 s of
// CPU) while pip's resolver runs, which keeps one core busy and leaves the other idle.
//
// Only a head start: finish() waits for it, and what it stored is found in the store by the
// caller's own DistributionStore, which marks it in use then; this object keeps its own marks
// until it is destroyed, so a folder is never unmarked in between. What it could not store the
// caller stores as if it had never started (its error is dropped: the caller's attempt reports
// it). Destroyed before finish(), it stops its children (a build that failed or was cancelled)
// and waits for them: nothing half stored is published.
class BackgroundStore {
public:
    // The thread's nice value, and its children's.
    static constexpr int kNice = 10;

    BackgroundStore(const CacheLayout &layout, const PythonInterpreter &python, const QList<PinnedWheel> &wheels, const QString &log);
    ~BackgroundStore();
    BackgroundStore(const BackgroundStore &) = delete;
    BackgroundStore &operator=(const BackgroundStore &) = delete;

    // Waits until it is done; then what it found wrong on the way (implausible folders), taken once.
    QStringList finish();

private:
    // The caller's stop reaches the thread's children only through this: RunControl::check()
    // is not thread-safe (ExecutionControl samples, writes status and counts deadlines in it).
    class StopRelay final : public RunControl {
    public:
        std::optional<StopRequest> check(qint64) override;
        qint64 graceMs() const override { return 2000; }
        std::atomic<bool> stop{false};
    };

    StopRelay m_relay;
    std::unique_ptr<DistributionStore> m_store;
    // A QThread, not a std::thread: ChildProcess waits in an event loop (its timer, the pidfd's
    // notifier), which Qt runs only in threads it started.
    std::unique_ptr<QThread> m_thread;
    QStringList m_warnings;
};

} // namespace oa
