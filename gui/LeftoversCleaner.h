#pragma once

#include "tasks/Leftovers.h"
#include "BackgroundJob.h"

#include <QObject>
#include <QStringList>

// What one cleanup job did, for the message the panel shows afterwards.
struct CleanupReport {
    enum class Job { Folders, Cache };
    Job job = Job::Folders;
    int removed = 0;   // folders deleted, or cache entries removed
    int keptInUse = 0; // cache entries a running task uses
    QStringList failures; // one line each: why a folder was not deleted, or why the cache could not be used
    QStringList warnings; // what the cache clear had to say besides
};

// Deletes leftover folders and clears the environment cache on the thread pool, one job at a
// time (a BackgroundJob), so that the UI thread never waits for the disk (a venv holds thousands
// of files, and the cache may be on a network share). Progress is emitted from the job's own
// thread, before each folder; the panel hears it through a queued connection.
class LeftoversCleaner final : public QObject {
    Q_OBJECT
public:
    explicit LeftoversCleaner(QObject *parent = nullptr);
    // A job still running is asked to stop after the folder it is deleting, and waited for: the
    // window may close in the middle of a cleanup, and a half-deleted folder is only a
    // leftover the next cleanup finds again.
    ~LeftoversCleaner() override;

    bool isBusy() const { return m_job.isBusy(); }
    // The window is closing: the job stops after the folder it is deleting.
    bool stopRequested() const { return m_job.stopRequested(); }
    // Each folder through Leftovers::remove, in order. Ignored while a job runs.
    void removeFolders(const QString &baseDir, const QList<oa::Leftover> &targets);
    // EnvironmentCache::clear() of `cacheDir`, inside the agent folder `baseDir`. Ignored while a job runs.
    void clearCache(const QString &cacheDir, const QString &baseDir);

signals:
    // `done` folders are deleted (or failed) of `total`; `path` is the one being deleted now.
    void deleting(int done, int total, const QString &path);
    // The cache clear has started: one call, with no steps to count.
    void clearing(const QString &cacheDir);
    void finished(const CleanupReport &report);

private:
    BackgroundJob m_job;
};
