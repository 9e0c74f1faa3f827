#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

// One piece of blocking work at a time on the thread pool, its result handed back on the UI
// thread. Every write the monitor makes goes through one: clearing locks (LockInspector::clear
// polls the Locks/ guard for up to 10 s while another process holds it), a cancel request
// (written and fsynced), starting the executor, deleting leftovers. The window keeps painting
// meanwhile; its owner disables what started the job while isBusy().
//
// The work runs on another thread, so it gets copies of what it needs and touches no widget and
// no member of its owner; `done` runs on the owner's thread and may touch both.
class BackgroundJob final : public QObject {
    Q_OBJECT
public:
    explicit BackgroundJob(QObject *parent = nullptr);
    // Waits for a running job (see stopAndWait): the window may close in the middle of one, and
    // the work must not outlive what it reports to. Its `done` is not called then.
    ~BackgroundJob() override;

    // From start() until `done` has run: a job that has returned but not yet been heard of on
    // the UI thread still counts, so that a second one cannot slip in between.
    bool isBusy() const { return m_busy; }
    // What the running job does, in the words given to start(); empty when idle.
    QString description() const { return m_description; }
    // Set while the owner goes away: long work checks it between its steps and stops early.
    bool stopRequested() const { return m_stop; }
    // Asks the running job to stop and waits for it. Owners whose work emits their own signals
    // call it first thing in their destructor, while they are still whole.
    void stopAndWait();

    // Runs `work()` on the thread pool, then `done(result)` on this object's thread; while it
    // runs, `description` says what happens (for the status bar). Returns false, and runs
    // nothing, while another job runs.
    template <typename Work, typename Done>
    bool start(const QString &description, Work work, Done done)
    {
        using Value = std::invoke_result_t<Work &>;
        auto result = std::make_shared<std::optional<Value>>();
        return launch(description, [result, work = std::move(work)]() mutable { result->emplace(work()); },
                      [result, done = std::move(done)]() mutable { done(std::move(**result)); });
    }

signals:
    // On the UI thread: a job has started, with its description; it has ended, after its `done`.
    void started(const QString &description);
    void finished();
    // On the job's own thread, right before its work. Nothing in the monitor listens; tests do,
    // through a direct connection, to hold the job there and see the window go on meanwhile.
    void running(const QString &description);

private:
    bool launch(const QString &description, std::function<void()> work, std::function<void()> done);
    void jobEnded();

    QFutureWatcher<void> m_watcher;
    std::function<void()> m_done;
    QString m_description;
    bool m_busy = false;
    std::atomic_bool m_stop{false};
};
