#include "LeftoversCleaner.h"

#include "environment/EnvironmentCache.h"

#include <QtConcurrent/QtConcurrentRun>

LeftoversCleaner::LeftoversCleaner(QObject *parent) : QObject(parent)
{
    connect(&m_future, &QFutureWatcher<CleanupReport>::finished, this, [this] { emit finished(m_future.result()); });
}

LeftoversCleaner::~LeftoversCleaner()
{
    m_stop = true;
    m_future.waitForFinished();
}

void LeftoversCleaner::removeFolders(const QString &baseDir, const QList<oa::Leftover> &targets)
{
    if (isBusy())
        return;
    m_stop = false;
    m_future.setFuture(QtConcurrent::run([this, baseDir, targets] {
        CleanupReport report;
        const oa::Leftovers leftovers{oa::AgentPaths(baseDir)};
        for (int i = 0; i < targets.size() && !m_stop; ++i) {
            const oa::Leftover &target = targets.at(i);
            emit deleting(i, int(targets.size()), target.path);
            const oa::Status done = leftovers.remove(target);
            if (done)
                ++report.removed;
            else
                report.failures.append(done.failure().message);
        }
        return report;
    }));
}

void LeftoversCleaner::clearCache(const QString &cacheDir, const QString &baseDir)
{
    if (isBusy())
        return;
    m_stop = false;
    m_future.setFuture(QtConcurrent::run([this, cacheDir, baseDir] {
        CleanupReport report;
        report.job = CleanupReport::Job::Cache;
        emit clearing(cacheDir);
        oa::EnvironmentCache::Settings settings;
        settings.dir = cacheDir;
        settings.agentBase = baseDir;
        const auto cleared = oa::EnvironmentCache(settings).clear();
        if (!cleared) {
            report.failures.append(cleared.failure().message);
            return report;
        }
        report.removed = int(cleared->removed.size());
        report.keptInUse = int(cleared->keptInUse.size());
        report.warnings = cleared->warnings;
        return report;
    }));
}
