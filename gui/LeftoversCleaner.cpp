#include "LeftoversCleaner.h"

#include "environment/EnvironmentCache.h"

LeftoversCleaner::LeftoversCleaner(QObject *parent) : QObject(parent) {}

LeftoversCleaner::~LeftoversCleaner()
{
    // Now, while this object is whole: the job emits its signals until it stops.
    m_job.stopAndWait();
}

void LeftoversCleaner::removeFolders(const QString &baseDir, const QList<oa::Leftover> &targets)
{
    m_job.start(QString(), [this, baseDir, targets] {
        CleanupReport report;
        const oa::Leftovers leftovers{oa::AgentPaths(baseDir)};
        for (int i = 0; i < targets.size() && !m_job.stopRequested(); ++i) {
            const oa::Leftover &target = targets.at(i);
            emit deleting(i, int(targets.size()), target.path);
            const oa::Status done = leftovers.remove(target);
            if (done)
                ++report.removed;
            else
                report.failures.append(done.error().text());
        }
        return report;
    }, [this](const CleanupReport &report) { emit finished(report); });
}

void LeftoversCleaner::clearCache(const QString &cacheDir, const QString &baseDir)
{
    m_job.start(QString(), [this, cacheDir, baseDir] {
        CleanupReport report;
        report.job = CleanupReport::Job::Cache;
        emit clearing(cacheDir);
        oa::EnvironmentCache::Settings settings;
        settings.dir = cacheDir;
        settings.agentBase = baseDir;
        const auto cleared = oa::EnvironmentCache(settings).clear();
        if (!cleared) {
            report.failures.append(cleared.error().text());
            return report;
        }
        report.removed = int(cleared->removed.size());
        report.keptInUse = int(cleared->keptInUse.size());
        report.warnings = cleared->warnings;
        return report;
    }, [this](const CleanupReport &report) { emit finished(report); });
}
