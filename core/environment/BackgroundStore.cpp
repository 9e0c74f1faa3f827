#include "BackgroundStore.h"

#include "CacheLayout.h"
#include "PythonInterpreter.h"
#include "StorePlan.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRandomGenerator>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#endif

namespace oa {

BackgroundStore::BackgroundStore(const CacheLayout &layout, const PythonInterpreter &python, const std::optional<PinnedWheel> &pip,
                                 const QList<PinnedWheel> &guesses, const QString &log)
    : m_layout(layout),
      m_yieldFlag(layout.stagingDir() + QStringLiteral("/yield.%1.%2").arg(QCoreApplication::applicationPid()).arg(QRandomGenerator::global()->generate())),
      m_store(std::make_unique<DistributionStore>(layout, &m_relay))
{
    // Copies: the thread must not read the caller's objects, which may change meanwhile.
    m_thread.reset(QThread::create([this, store = m_store.get(), python, pip, guesses, log, flag = m_yieldFlag] {
#ifdef Q_OS_LINUX
        // Lower priority for this thread and every process it starts (on Linux the nice value is
        // a thread's, and children inherit it): the head start takes only the CPU the caller's
        // work leaves idle, and never slows the resolver it runs beside.
        ::setpriority(PRIO_PROCESS, 0, kNice);
#endif
        // 1. pip, unpacked and published at once (0.07 s), its bytecode left for step 3.
        bool pipStored = false;
        if (pip) {
            store->setWithoutBytecode(true);
            pipStored = store->ensureAll({*pip}, python, log).ok();
            store->setWithoutBytecode(false);
        }
        // 2. The guessed wheels, each whole (the set needs them compiled) and each alone, so that
        //    the caller waits only for the one it needs and a stop comes between two.
        for (const PinnedWheel &guess : guesses) {
            if (m_relay.stop)
                return;
            // Hashed here, off the caller's thread; the store checks the very file it unpacks again.
            PinnedWheel wheel = guess;
            wheel.sha256 = LocalWheels::sha256Of(guess.path);
            if (wheel.sha256.isEmpty()) // unreadable: the caller's own store reports it, if pip picks it
                continue;
            if (const auto stored = store->ensureAll({wheel}, python, log); stored && !stored->first().reused)
                m_storedAhead.append(stored->first().file);
        }
        // 3. pip's bytecode, in place, until the caller's own store starts. Never stopped by
        //    the relay: killed between a .pyc's write and its rename, the compile would leave a
        //    temporary file in a published folder; the yield flag stops it after that file.
        //    Only on a folder step 1 found or stored: here a store of pip would compile it whole.
        if (pipStored && !m_relay.stop && !QFileInfo::exists(flag)) {
            m_relay.inPlace = true;
            store->setCompileYieldFlag(flag);
            (void)store->ensureAll({*pip}, python, log);
            m_relay.inPlace = false;
        }
    }));
    m_thread->start();
}

BackgroundStore::~BackgroundStore()
{
    (void)finish();
}

void BackgroundStore::yieldCompile()
{
    // Only a folder's existence is looked at; a failure to make it costs time, nothing else.
    (void)m_layout.folder().ensureDir(m_yieldFlag);
}

QStringList BackgroundStore::finish()
{
    if (m_thread) {
        yieldCompile();
        m_relay.stop = true;
        m_thread->wait();
        m_thread.reset();
        m_warnings += m_store->takeWarnings();
        m_layout.folder().removeTree(m_yieldFlag);
    }
    return std::exchange(m_warnings, {});
}

std::optional<StopRequest> BackgroundStore::StopRelay::check(qint64 processGroup)
{
    // Step 3's compile (a child, processGroup > 0) stops at the yield flag instead; a wait for
    // pip's lock in step 3 (no child) stops at once.
    if (!stop || (inPlace && processGroup > 0))
        return std::nullopt;
    return StopRequest{ErrorKind::Cancelled, QStringLiteral("the build no longer needed the store's head start"), true};
}

} // namespace oa
