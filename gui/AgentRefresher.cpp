#include "AgentRefresher.h"


#include <QDir>
#include <QtConcurrent/QtConcurrentRun>

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>

namespace {
constexpr int kMinPollMs = 2000;
constexpr int kDebounceMs = 150;
} // namespace

AgentRefresher::AgentRefresher(QObject *parent) : QObject(parent)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &AgentRefresher::startScan);
    m_poll.setInterval(kMinPollMs);
    connect(&m_poll, &QTimer::timeout, this, &AgentRefresher::startScan);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &AgentRefresher::requestSoon);
    connect(&m_future, &QFutureWatcher<AgentSnapshot>::finished, this, &AgentRefresher::finished);
}

AgentRefresher::~AgentRefresher()
{
    m_future.waitForFinished();
}

FolderProblem FolderProblem::of(const QString &baseDir)
{
    // The base folder must be there; Tasks/ may not be yet (the service creates it with the
    // first task), but if it is there it must be a folder the monitor can list.
    const QString tasks = oa::AgentPaths(baseDir).tasksDir();
    for (const QString &path : {baseDir, tasks}) {
        struct stat st {};
        if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
            if (errno == ENOENT && path == tasks)
                return {};
            if (errno == ENOENT)
                return {Kind::Missing, path, QString()};
            return {Kind::Unreadable, path, qt_error_string(errno)};
        }
        if (!S_ISDIR(st.st_mode))
            return {Kind::NotAFolder, path, QString()};
        DIR *dir = ::opendir(QFile::encodeName(path).constData());
        if (!dir)
            return {Kind::Unreadable, path, qt_error_string(errno)};
        ::closedir(dir);
    }
    return {};
}

AgentSnapshot AgentRefresher::scan(const QString &baseDir, bool withLeftovers, const QString &cacheDir, oa::TaskRescanner *rescanner,
                                   oa::CacheSummarizer *summarizer)
{
    QElapsedTimer timer;
    timer.start();
    const oa::AgentPaths paths(baseDir);
    AgentSnapshot snapshot;
    snapshot.baseDir = baseDir;
    snapshot.startedAt = QDateTime::currentDateTimeUtc();
    snapshot.problem = FolderProblem::of(baseDir);
    oa::TaskRescanner once;
    oa::TaskRescanner::Snapshot read = (rescanner ? rescanner : &once)->refresh(paths);
    snapshot.tasks = std::move(read.tasks);
    snapshot.locks = std::move(read.locks);
    oa::CacheSummarizer afresh;
    const oa::EnvironmentCache::Summary cache =
        (summarizer ? summarizer : &afresh)->summarize(cacheDir.isEmpty() ? baseDir + QStringLiteral("/EnvCache") : cacheDir, baseDir);
    snapshot.cacheEntries = cache.entries;
    snapshot.cacheDistributions = cache.distributions;
    snapshot.cacheBytes = cache.bytes;
    if (withLeftovers) {
        snapshot.leftovers = oa::Leftovers(paths).scan(oa::Leftovers::Held::WithHeld); // held ones say why they stay
        snapshot.hasLeftovers = true;
    }
    snapshot.scanMs = timer.elapsed();
    return snapshot;
}

void AgentRefresher::setBaseDir(const QString &baseDir)
{
    m_rescanner->clear(); // under its own lock: a scan still running elsewhere only reads again
    m_baseDir = baseDir;
    rewatch();
    m_poll.start();
    refreshNow();
}

void AgentRefresher::setLeftoversWanted(bool wanted)
{
    m_leftoversWanted = wanted;
    if (wanted)
        refreshNow();
}

void AgentRefresher::rewatch()
{
    if (!m_watcher.directories().isEmpty())
        m_watcher.removePaths(m_watcher.directories());
    const oa::AgentPaths paths(m_baseDir);
    QStringList dirs;
    for (const QString &dir : {m_baseDir, paths.tasksDir(), paths.locksDir(), paths.venvsDir(), paths.tempRootDir()})
        if (QFileInfo(dir).isDir())
            dirs.append(dir);
    if (!dirs.isEmpty())
        m_watcher.addPaths(dirs);
}

void AgentRefresher::refreshNow()
{
    m_debounce.stop();
    startScan();
}

void AgentRefresher::requestSoon()
{
    m_debounce.start();
}

void AgentRefresher::startScan()
{
    if (m_baseDir.isEmpty())
        return;
    if (m_future.isRunning()) {
        m_pending = true; // one more pass once this one is done
        return;
    }
    m_future.setFuture(QtConcurrent::run(&AgentRefresher::scan, m_baseDir, m_leftoversWanted, m_cacheDir, m_rescanner.get(), m_summarizer.get()));
}

void AgentRefresher::finished()
{
    const AgentSnapshot snapshot = m_future.result();
    // A folder created since (Locks/ appears with the first run) is watched from now on.
    if (m_watcher.directories().size() < 5)
        rewatch();
    m_poll.setInterval(qMax<qint64>(kMinPollMs, snapshot.scanMs * 5));
    if (snapshot.baseDir == m_baseDir)
        emit scanned(snapshot);
    if (m_pending) {
        m_pending = false;
        startScan();
    }
}
