#pragma once

#include "tasks/CacheSummarizer.h"
#include "tasks/Leftovers.h"
#include "lock/LockInspector.h"
#include "tasks/TaskRescanner.h"
#include "tasks/TaskScanner.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

// Why an agent folder shows no tasks when that is not because it has none: the folder (or its
// Tasks/) is missing, is no folder, or cannot be read. The monitor shows it as a banner.
struct FolderProblem {
    enum class Kind { None, Missing, NotAFolder, Unreadable };
    Kind kind = Kind::None;
    QString path;
    QString reason; // the system's words, for Unreadable
    static FolderProblem of(const QString &baseDir);
};

// Everything the monitor shows of an agent folder, read in one background pass.
struct AgentSnapshot {
    QString baseDir;
    FolderProblem problem;
    QDateTime startedAt; // when the scan began: a re-read asked for later is not answered by it
    QList<oa::TaskSummary> tasks;
    QList<oa::LockRecord> locks;
    QList<oa::Leftover> leftovers;
    bool hasLeftovers = false;
    int cacheEntries = 0;      // the environment cache under the agent folder
    int cacheDistributions = 0; // the folders of its store of distributions
    qint64 cacheBytes = 0;     // entries and store, each file once
    qint64 scanMs = 0;
};

// Keeps the monitor current without ever blocking the UI: scans run on the thread pool, one at
// a time. A QFileSystemWatcher on Tasks/, Locks/, venvs/ and Temp/ asks for a scan when entries
// come or go; a poll catches what the watcher cannot see (files changing inside a task folder,
// network shares, a lock holder that died). A scan reads only the task folders whose stamps
// changed (oa::TaskRescanner). The poll interval grows with the scan's cost, so a huge agent
// folder is not scanned back to back.
class AgentRefresher final : public QObject {
    Q_OBJECT
public:
    explicit AgentRefresher(QObject *parent = nullptr);
    ~AgentRefresher() override;

    void setBaseDir(const QString &baseDir);
    QString baseDir() const { return m_baseDir; }
    // Leftover sizes cost a walk through every venv: only while someone looks at them.
    void setLeftoversWanted(bool wanted);

    // The environment cache the status bar sizes: executor.conf's EnvironmentCache/Dir when it
    // sets one; empty: <base>/EnvCache, following the base folder.
    void setCacheDir(const QString &cacheDir) { m_cacheDir = cacheDir; }

    // `rescanner`, when given, keeps the rows between scans and reads again only the task
    // folders whose stamps changed (oa::TaskRescanner); without one, every folder is read. The
    // same for the store folders the status line counts and `summarizer` (oa::CacheSummarizer).
    static AgentSnapshot scan(const QString &baseDir, bool withLeftovers, const QString &cacheDir = QString(),
                              oa::TaskRescanner *rescanner = nullptr, oa::CacheSummarizer *summarizer = nullptr);
    oa::TaskRescanner *rescanner() { return m_rescanner.get(); }
    oa::CacheSummarizer *summarizer() { return m_summarizer.get(); }

public slots:
    void refreshNow();

signals:
    void scanned(const AgentSnapshot &snapshot);

private:
    void requestSoon();
    void startScan();
    void finished();
    void rewatch();

    QString m_baseDir;
    QString m_cacheDir;
    bool m_leftoversWanted = false;
    bool m_pending = false;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QTimer m_poll;
    QFutureWatcher<AgentSnapshot> m_future;
    // Shared with the scan thread (it locks itself); the destructor waits for the scan before it goes.
    std::unique_ptr<oa::TaskRescanner> m_rescanner = std::make_unique<oa::TaskRescanner>();
    // Used by the scan thread only (one scan at a time); starts afresh for another cache folder.
    std::unique_ptr<oa::CacheSummarizer> m_summarizer = std::make_unique<oa::CacheSummarizer>();
};
