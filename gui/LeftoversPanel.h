#pragma once

#include "lock/LockInspector.h"
#include "tasks/Leftovers.h"
#include "LeftoversCleaner.h"

#include <QWidget>

#include <functional>

class LeftoverTableModel;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

// The Leftovers tab: venvs/ and Temp/ folders that belong to no running task, with their
// sizes, and a confirmed cleanup of the selected ones (or all); and clearing the environment
// cache, whose immutable files an administrator's rm -rf cannot remove. Both run on the thread
// pool (LeftoversCleaner): a progress bar says what is being deleted, and both buttons stay
// disabled until the job is done.
class LeftoversPanel final : public QWidget {
    Q_OBJECT
public:
    explicit LeftoversPanel(QWidget *parent = nullptr);

    void setLeftovers(const QString &baseDir, const QList<oa::Leftover> &leftovers);
    // The environment cache under the agent folder, as the last scan found it: its entries, its
    // size, and the distributions in its store (clearable even when no entry is left).
    void setCache(int entries, qint64 bytes, int distributions = 0);
    // The scan's locks: what holds each held folder (a live task, a dead lock, …).
    void setLocks(const QList<oa::LockRecord> &locks);
    QLabel *totalLabel() const { return m_total; }
    // executor.conf's EnvironmentCache/Dir when it names one; empty: <base>/EnvCache, following
    // the base folder (as AgentRefresher::setCacheDir).
    void setCacheDir(const QString &cacheDir) { m_cacheDir = cacheDir; }
    QString cacheDir() const;
    LeftoverTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPushButton *cleanUpButton() const { return m_clean; }
    QPushButton *clearCacheButton() const { return m_clearCache; }
    QProgressBar *progressBar() const { return m_progress; }
    QLabel *progressLabel() const { return m_progressText; }
    LeftoversCleaner *cleaner() { return &m_cleaner; }
    bool isBusy() const { return m_cleaner.isBusy(); }

    std::function<bool(const QString &title, const QString &text)> confirm;

public slots:
    void cleanUp();
    // Removes every cached environment no running task uses (EnvironmentCache::clear).
    void clearEnvironmentCache();

signals:
    void leftoversChanged();
    void message(const QString &text);

private:
    void updateButtons();
    void updateTotal();
    void showDeleting(int done, int total, const QString &path);
    void showClearing(const QString &cacheDir);
    void showProgress(const QString &text);
    QString shownPath(const QString &path) const;
    void jobFinished(const CleanupReport &report);
    QString clearQuestion() const;

    QString m_baseDir;
    QString m_cacheDir;
    LeftoverTableModel *m_model;
    QTableView *m_view;
    QLabel *m_total;
    QLabel *m_progressText;
    QProgressBar *m_progress;
    QPushButton *m_clean;
    QPushButton *m_clearCache;

    int m_cacheEntries = 0;
    int m_cacheDistributions = 0;
    qint64 m_cacheBytes = 0;
    // Last, so that it goes first: its destructor waits for a running job while the widgets it
    // reports to still exist.
    LeftoversCleaner m_cleaner;
};
