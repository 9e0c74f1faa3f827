#include "BackgroundJob.h"

#include <QtConcurrent/QtConcurrentRun>

#include <utility>

BackgroundJob::BackgroundJob(QObject *parent) : QObject(parent)
{
    // Delivered through this object's event loop, so `done` always runs on the owner's thread.
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &BackgroundJob::jobEnded);
}

BackgroundJob::~BackgroundJob()
{
    stopAndWait();
}

void BackgroundJob::stopAndWait()
{
    m_stop = true;
    m_watcher.waitForFinished();
}

bool BackgroundJob::launch(const QString &description, std::function<void()> work, std::function<void()> done)
{
    if (m_busy)
        return false;
    m_busy = true;
    m_stop = false;
    m_description = description;
    m_done = std::move(done);
    m_watcher.setFuture(QtConcurrent::run([this, description, work = std::move(work)]() mutable {
        emit running(description);
        work();
    }));
    emit started(description);
    return true;
}

void BackgroundJob::jobEnded()
{
    // Idle before `done` runs: it may update buttons that ask isBusy(), or start the next job.
    m_busy = false;
    m_description.clear();
    const std::function<void()> done = std::exchange(m_done, {});
    if (done)
        done();
    emit finished();
}
