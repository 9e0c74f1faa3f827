#pragma once

#include <QList>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace oa {

// `work(i)` for every i in [0, count), on up to `threads` threads (<= 0: one per core), the
// calling thread one of them; the results in index order. Each call must share nothing writable
// with the others: this hands out indices, nothing else.
template <typename T, typename Work>
QList<T> parallelMap(qsizetype count, int threads, const Work &work)
{
    std::vector<std::optional<T>> outcomes(static_cast<size_t>(count));
    std::atomic<qsizetype> next{0};
    const auto drain = [&] {
        for (qsizetype i = next++; i < count; i = next++)
            outcomes[size_t(i)].emplace(work(i));
    };
    const qsizetype used = std::min<qsizetype>(count, threads > 0 ? threads : std::max(1, QThread::idealThreadCount()));
    std::vector<std::thread> workers;
    for (qsizetype i = 1; i < used; ++i)
        workers.emplace_back(drain);
    drain();
    for (std::thread &worker : workers)
        worker.join();
    QList<T> results;
    results.reserve(count);
    for (auto &outcome : outcomes)
        results.append(std::move(*outcome));
    return results;
}

} // namespace oa
