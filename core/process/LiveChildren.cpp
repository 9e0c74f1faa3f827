#include "LiveChildren.h"

#ifdef Q_OS_LINUX
#include <sys/wait.h>
#endif

namespace oa {

LiveChildren &LiveChildren::instance()
{
    static LiveChildren children;
    return children;
}

void LiveChildren::add(qint64 pid, std::unique_lock<std::mutex> &held)
{
    Q_ASSERT(held.owns_lock() && held.mutex() == &m_mutex);
    m_pids.append(pid);
    held.unlock();
}

void LiveChildren::remove(qint64 pid)
{
    const std::lock_guard<std::mutex> guard(m_mutex);
    m_pids.removeOne(pid);
}

QList<qint64> LiveChildren::others(qint64 pid) const
{
    const std::lock_guard<std::mutex> guard(m_mutex);
    QList<qint64> others = m_pids;
    others.removeAll(pid);
    return others;
}

void LiveChildren::reapUnlisted(qint64 pid)
{
#ifdef Q_OS_LINUX
    const std::lock_guard<std::mutex> guard(m_mutex);
    if (!m_pids.contains(pid))
        ::waitpid(pid_t(pid), nullptr, WNOHANG);
#else
    Q_UNUSED(pid)
#endif
}

} // namespace oa
