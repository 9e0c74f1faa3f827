#include "DistributionStore.h"

#include "fs/FileProtection.h"
#include "StoreBatch.h"
#include "StoreBytecode.h"
#include "StoreUse.h"
#include "process/ChildProcess.h" // RunControl

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QThread>

namespace oa {

namespace {

constexpr int kStoreWaitStepMs = 100;

} // namespace

DistributionStore::DistributionStore(const CacheLayout &layout, RunControl *control, qint64 waitMs)
    : m_layout(layout), m_control(control), m_waitMs(waitMs)
{
}

DistributionStore::~DistributionStore()
{
    release();
}

void DistributionStore::release()
{
    for (const QString &marker : std::as_const(m_markers))
        m_layout.folder().removeFile(marker);
    m_markers.clear();
    m_marked.clear();
}

Status DistributionStore::markInUse(const QString &folderName)
{
    if (m_marked.contains(folderName))
        return ok();
    const QString marker = m_layout.storeInUseMarker(folderName, QRandomGenerator::global()->generate());
    if (Status touched = m_layout.folder().touch(marker); !touched)
        return CacheLayout::unusable(QStringLiteral("cannot mark the store folder %1 in use").arg(folderName), touched.error());
    m_markers.append(marker);
    m_marked.append(folderName);
    return ok();
}

QString DistributionStore::stagingName() const
{
    // {store}.{pid}.{n}: the pruner removes a staging folder whose PID (the second part) died.
    return m_layout.stagingDir()
           + QStringLiteral("/store.%1.%2").arg(QCoreApplication::applicationPid()).arg(QRandomGenerator::global()->generate());
}

std::optional<StoredDistribution> DistributionStore::find(const PinnedWheel &wheel)
{
    StoreFolder::Reading reading = StoreFolder::read(m_layout.folder(), m_layout.storeDir(), wheel.name, wheel.version, wheel.sha256);
    if (!reading.problem.isEmpty())
        m_warnings.append(QStringLiteral("the store folder %1 is not used: %2")
                              .arg(m_layout.storeDir() + u'/' + StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256), reading.problem));
    return reading.distribution;
}

Status DistributionStore::evict(const QString &folderName, const QString &why)
{
    // Out of sight first, so that nobody finds it half removed; an immutable folder cannot be
    // renamed, so the attribute goes first. Nothing in it is ever followed (FileProtection,
    // AgentFolder::removeTree).
    const AgentFolder &folder = m_layout.folder();
    const QString dir = m_layout.storeDir() + u'/' + folderName;
    FileProtection::unprotectTree(folder, dir);
    const QString trash = stagingName() + QStringLiteral(".evicted");
    if (Status moved = folder.rename(dir, trash); !moved)
        return CacheLayout::unusable(QStringLiteral("cannot move the implausible store folder %1 aside").arg(dir), moved.error());
    m_warnings.append(QStringLiteral("moved the implausible store folder %1 aside and stored the wheel again: %2").arg(dir, why));
    FileProtection::unprotectTree(folder, trash);
    if (Status removed = folder.removeTree(trash); !removed)
        m_warnings.append(removed.error().message); // out of sight; the next prune tries again
    return ok();
}

Result<StoredDistribution> DistributionStore::ensure(const PinnedWheel &wheel, const PythonInterpreter &python, const QString &log)
{
    auto stored = ensureAll({wheel}, python, log);
    if (!stored)
        return stored.error();
    return stored->first();
}

Result<QList<StoredDistribution>> DistributionStore::ensureAll(const QList<PinnedWheel> &wheels, const PythonInterpreter &python, const QString &log)
{
    // Each folder is marked before the first look: a pruner that moved it aside before this sees
    // it missing below and waits for the wheel's lock; one that moves it after finds the marker
    // when it checks for users again, and puts it back (StorePruner). Without the lock first: a
    // stored wheel that has this interpreter's bytecode is only read.
    QList<std::optional<StoredDistribution>> found(wheels.size());
    QList<qsizetype> missing;
    // Used as it is: it has python's bytecode, or the caller takes it without (and nobody has
    // its protection lifted).
    const auto usable = [&](const StoredDistribution &d, const PinnedWheel &wheel) {
        return !StoreBytecode::lacks(d, python)
               || (d.compiling.isEmpty() && (m_withoutBytecodeStoring || m_withoutBytecode.contains(wheel.sha256.toLower())));
    };
    for (qsizetype i = 0; i < wheels.size(); ++i) {
        const PinnedWheel &wheel = wheels.at(i);
        if (Status marked = markInUse(StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256)); !marked)
            return marked.error();
        found[i] = StoreFolder::read(m_layout.folder(), m_layout.storeDir(), wheel.name, wheel.version, wheel.sha256).distribution;
        if (!found[i] || !usable(*found[i], wheel)) {
            found[i].reset();
            missing.append(i);
        }
    }
    // The missing ones are stored together, as many at a time as this process can lock, and the
    // stored ones without this interpreter's bytecode compiled for it together. It never waits
    // while it holds a lock (only try-locks, then works on what it holds), so two builds of
    // overlapping sets cannot wait for each other; a wheel another process is storing is looked
    // at again once that one is done, and reused.
    QElapsedTimer waited;
    waited.start();
    while (!missing.isEmpty()) {
        QList<qsizetype> building;
        QList<PinnedWheel> batch;
        QList<qsizetype> compiling;
        QList<StoredDistribution> uncompiled;
        std::vector<UniqueFd> held;
        QList<qsizetype> waiting;
        for (qsizetype i : std::as_const(missing)) {
            const PinnedWheel &wheel = wheels.at(i);
            auto taken = m_layout.folder().tryLock(m_layout.storeLockFile(wheel.sha256));
            if (!taken)
                return CacheLayout::unusable(QStringLiteral("cannot take the store lock of %1 %2").arg(wheel.name, wheel.version), taken.error());
            if (!taken->isValid()) { // a live holder: the kernel drops a dead one's flock
                // A folder with this interpreter's bytecode is used while the holder compiles it
                // for another version; else the holder's work is waited for.
                auto meanwhile = StoreFolder::read(m_layout.folder(), m_layout.storeDir(), wheel.name, wheel.version, wheel.sha256).distribution;
                if (meanwhile && (StoreBytecode::usableMeanwhile(*meanwhile, python) || usable(*meanwhile, wheel)))
                    found[i] = meanwhile;
                else
                    waiting.append(i);
                continue;
            }
            // Under the lock: another process may have stored or compiled it meanwhile; an
            // implausible folder is moved aside, and so is one that may not be compiled in place.
            StoreFolder::Reading reading = StoreFolder::read(m_layout.folder(), m_layout.storeDir(), wheel.name, wheel.version, wheel.sha256);
            if (reading.distribution && usable(*reading.distribution, wheel)) {
                found[i] = reading.distribution;
                continue;
            }
            if (reading.distribution) {
                reading.problem = StoreBytecode::unsafeContent(m_layout.folder(), reading.distribution->dir);
                if (reading.problem.isEmpty()) {
                    compiling.append(i);
                    uncompiled.append(*reading.distribution);
                    held.push_back(std::move(taken).value());
                    continue;
                }
            }
            if (!reading.problem.isEmpty())
                if (Status evicted = evict(StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256), reading.problem); !evicted)
                    return evicted.error();
            building.append(i);
            batch.append(wheel);
            held.push_back(std::move(taken).value());
        }
        QList<Result<StoredDistribution>> built;
        if (!batch.isEmpty()) {
            StoreBatch storing(m_layout, m_control, python, log);
            storing.setWithoutBytecode(m_withoutBytecodeStoring);
            built = storing.build(batch);
        }
        QList<Result<StoredDistribution>> compiled;
        if (!uncompiled.isEmpty()) {
            StoreBytecode compiler(m_layout, m_control, python, log);
            compiler.setYieldFlag(m_yieldFlag);
            compiled = compiler.add(uncompiled);
        }
        held.clear(); // published, compiled or removed: the locks go
        // The first failure in the set's order.
        QList<const Result<StoredDistribution> *> results(wheels.size(), nullptr);
        for (qsizetype b = 0; b < built.size(); ++b)
            results[building.at(b)] = &built.at(b);
        for (qsizetype c = 0; c < compiled.size(); ++c)
            results[compiling.at(c)] = &compiled.at(c);
        for (const Result<StoredDistribution> *result : std::as_const(results))
            if (result && !*result)
                return result->error();
        for (qsizetype i = 0; i < wheels.size(); ++i)
            if (results.at(i))
                found[i] = results.at(i)->value();
        if (!batch.isEmpty() || !uncompiled.isEmpty()) {
            waited.restart();
        } else if (!waiting.isEmpty()) {
            if (m_control)
                if (auto stop = m_control->check(0))
                    return fail(stop->kind, stop->message);
            if (waited.elapsed() > m_waitMs)
                return fail(ErrorKind::Environment, QStringLiteral("waited %1 s for another execution to store %2 %3")
                                                             .arg(waited.elapsed() / 1000)
                                                             .arg(wheels.at(waiting.first()).name, wheels.at(waiting.first()).version));
            QThread::msleep(kStoreWaitStepMs);
        }
        missing = waiting;
    }
    QList<StoredDistribution> stored;
    for (qsizetype i = 0; i < wheels.size(); ++i) {
        if (!StoreUse::recordUse(m_layout, found.at(i)->folderName))
            m_warnings.append(QStringLiteral("cannot record the use of the store folder %1").arg(found.at(i)->dir));
        stored.append(*found.at(i));
    }
    return stored;
}

} // namespace oa
