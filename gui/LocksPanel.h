#pragma once

#include "fs/AgentPaths.h"
#include "lock/LockInspector.h"
#include "BackgroundJob.h"

#include <QWidget>

#include <functional>

class LockTableModel;
class QPushButton;
class QTableView;

// The Locks tab: every lock with its verdict, and the two ways to clear one. Orphaned locks are
// cleared after a confirmation that lists them; a lock from another host, or an unreadable
// one, needs its own confirmation that spells out the risk. A live lock cannot be cleared here.
// Clearing runs on the thread pool (LockInspector::clear may wait up to 10 s for the Locks/
// guard): both buttons stay disabled until it is done, and then `message` says what happened.
class LocksPanel final : public QWidget {
    Q_OBJECT
public:
    explicit LocksPanel(QWidget *parent = nullptr);

    void setLocks(const QString &baseDir, const QList<oa::LockRecord> &locks);
    LockTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPushButton *clearButton() const { return m_clear; }
    QPushButton *forceButton() const { return m_force; }
    // The clearing job: its `started` says what is being cleared, for the status bar.
    BackgroundJob *job() { return &m_job; }
    bool isBusy() const { return m_job.isBusy(); }

    // Asks the operator; replaced by tests. Returns true to go ahead.
    std::function<bool(const QString &title, const QString &text)> confirm;

public slots:
    // The selected orphaned locks, or all of them when none is selected.
    void clearOrphaned();
    void forceClearSelected();

signals:
    void locksChanged();
    void message(const QString &text);

private:
    QList<oa::LockRecord> selected() const;
    void updateButtons();
    void cleared(const QString &text);

    QString m_baseDir;
    LockTableModel *m_model;
    QTableView *m_view;
    QPushButton *m_clear;
    QPushButton *m_force;
    // Last, so that it goes first: its destructor waits for a clear in flight while the panel it
    // reports to is still whole.
    BackgroundJob m_job;
};
