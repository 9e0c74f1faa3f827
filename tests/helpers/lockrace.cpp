// Test helper for tst_lock_race: one contender in a race between taking over a dead lock and
// clearing it, through the same core code the executor and the lock tools use.
//   oa-test-lockrace take LOCKFILE       oa::TaskLock::tryAcquire(), as the executor takes its lock
//   oa-test-lockrace clear BASEDIR ID    oa::LockInspector::clear(), as --clear-orphaned-locks
//                                        (mode 0) and --clear-lock (mode 1) call it
// It stays up for many rounds (starting a process per round would cost more than the race), and
// reads one command per line from stdin:
//   go START_NS DELAY_US MODE   spins until CLOCK_MONOTONIC reaches START_NS + DELAY_US, so that
//                               the contenders start within microseconds of each other, then acts
//                               and answers "held"/"refused" (take) or "removed"/"kept" (clear)
//   release                     releases a held lock and answers "released"
#include "lock/LockInspector.h"
#include "lock/TaskLock.h"

#include <QCoreApplication>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

namespace {

qint64 monotonicNs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

void answer(const char *word)
{
    std::printf("%s\n", word);
    std::fflush(stdout);
}

bool clearAsTheTools(const oa::LockInspector &inspector, const QString &id, int mode)
{
    if (mode == 1)
        return inspector.clear(id, false).ok();
    bool removed = false;
    for (const oa::LockRecord &lock : inspector.locks()) {
        if (lock.verdict == oa::LockVerdict::Orphaned)
            removed = inspector.clear(lock.executionId, false, lock).ok() || removed;
    }
    return removed;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const bool take = args.size() == 3 && args.at(1) == QLatin1String("take");
    const bool clear = args.size() == 4 && args.at(1) == QLatin1String("clear");
    if (!take && !clear)
        return 2;
    std::unique_ptr<oa::TaskLock> lock;
    std::string line;
    while (std::getline(std::cin, line)) {
        const QStringList words = QString::fromStdString(line).split(u' ');
        if (words.at(0) == QLatin1String("go") && words.size() == 4) {
            const qint64 start = words.at(1).toLongLong() + words.at(2).toLongLong() * 1000;
            while (monotonicNs() < start) {
            }
            if (take) {
                lock = std::make_unique<oa::TaskLock>(args.at(2));
                answer(lock->tryAcquire() ? "held" : "refused");
            } else {
                const oa::LockInspector inspector{oa::AgentPaths(args.at(2))};
                answer(clearAsTheTools(inspector, args.at(3), words.at(3).toInt()) ? "removed" : "kept");
            }
        } else if (words.at(0) == QLatin1String("release")) {
            lock.reset();
            answer("released");
        } else {
            answer("unknown command");
        }
    }
    return 0;
}
