#include "BackgroundStore.h"

#include "PythonInterpreter.h"

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#endif

namespace oa {

BackgroundStore::BackgroundStore(const CacheLayout &layout, const PythonInterpreter &python, const QList<PinnedWheel> &wheels, const QString &log)
    : m_store(std::make_unique<DistributionStore>(layout, &m_relay))
{
    // Copies: the thread must not read the caller's objects, which may change meanwhile.
    m_thread.reset(QThread::create([store = m_store.get(), python, wheels, log] {
#ifdef Q_OS_LINUX
        // Lower priority for this thread and every process it starts (on Linux the nice value is
        // a thread's, and children inherit it): the head start takes only the CPU the caller's
        // work leaves idle, and never slows the resolver it runs beside.
        ::setpriority(PRIO_PROCESS, 0, kNice);
#endif
        (void)store->ensureAll(wheels, python, log);
    }));
    m_thread->start();
}

BackgroundStore::~BackgroundStore()
{
    if (m_thread) {
        m_relay.stop = true;
        m_thread->wait();
    }
}

QStringList BackgroundStore::finish()
{
    if (m_thread) {
        m_thread->wait();
        m_thread.reset();
        m_warnings += m_store->takeWarnings();
    }
    return std::exchange(m_warnings, {});
}

std::optional<StopRequest> BackgroundStore::StopRelay::check(qint64)
{
    if (!stop)
        return std::nullopt;
    return StopRequest{ErrorKind::Cancelled, QStringLiteral("the build stopped before the store had its head start"), true};
}

} // namespace oa
