#pragma once

#include <QList>
#include <QtGlobal>

#include <mutex>

namespace oa {

// The children ChildProcess runs now, from any thread. A build runs pip's resolver beside the
// compile of the pip it stores (environment/BackgroundStore), so two may run at once, and
// neither may take the other's: ProcessTree reaps the executor's dead orphans only outside this
// list (each child here is reaped by its own ChildProcess, through its pidfd or Qt's forkfd, and
// a child reaped by somebody else would leave its ChildProcess waiting for ever), and what one
// leaves behind is counted without the other's tree.
class LiveChildren {
public:
    static LiveChildren &instance();

    // Held while a child starts and until add(): a child that dies at once is not reaped by
    // another thread before it is listed.
    std::unique_lock<std::mutex> lockForStart() { return std::unique_lock<std::mutex>(m_mutex); }
    void add(qint64 pid, std::unique_lock<std::mutex> &held);
    void remove(qint64 pid);
    // Every listed child but `pid`.
    QList<qint64> others(qint64 pid) const;
    // waitpid(pid, WNOHANG) for a dead child of the executor, unless it is listed.
    void reapUnlisted(qint64 pid);

private:
    LiveChildren() = default;
    mutable std::mutex m_mutex;
    QList<qint64> m_pids;
};

} // namespace oa
