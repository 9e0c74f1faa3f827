#pragma once

#include "FileStamp.h"
#include "TaskScanner.h"
#include "lock/LockInspector.h"

#include <QList>
#include <QMutex>
#include <QString>

#include <atomic>
#include <vector>

namespace oa {

// The monitor's scan: every row TaskScanner would give (with its Requirements column), kept
// from one refresh to the next, and read again only for a task whose stamps changed.
//
// A kept row is still right when nothing it was read from changed. Each refresh therefore takes
// one fstatat per task folder (a file that appears, goes or is renamed in it changes the
// folder's times: result.json and status.json are renamed into place) and one per record
// file that exists and matters (execution.json; result.json; status.json while the task holds a
// lock or has no result; the files its dependency preview read, and the subfolders they are in).
// A stamp is times to the nanosecond, size and inode (FileStamp). A stamp taken less than
// kSettleMs after its file changed proves nothing (file times have the kernel's tick) and its row
// is read again on the next refresh.
//
// Locks are read every refresh (they are few): LockInspector judges each holder again, so a
// holder that died, which changes no file, turns its row Orphaned or Interrupted at once.
// Reads go through the gatekeeper exactly as TaskScanner's: each task folder one
// openat(O_NOFOLLOW) in one open Tasks/, a linked task folder refused. Stamps only decide
// whether to read; what is shown is always what was read. Safe to call from the scan thread
// while another thread calls clear().
class TaskRescanner {
public:
    static constexpr qint64 kSettleMs = 50;

    struct Snapshot {
        QList<TaskSummary> tasks; // sorted by ID
        QList<LockRecord> locks;  // sorted by ID
    };
    Snapshot refresh(const AgentPaths &paths);
    // Forgets every kept row: the next refresh reads every folder. Returns at once, also while a
    // refresh runs on another thread (the monitor's UI thread switching agent folders).
    void clear();
    // Task folders read (not kept) since construction, for the tests.
    int reads() const;

private:
    struct Stamped {
        QByteArray path; // relative to Tasks/, or absolute for a file outside it
        FileStamp stamp;
    };
    struct Kept {
        QByteArray name; // the folder's name as the file system spells it
        bool linked = false; // a link where a task folder should be: refused, nothing read
        TaskSummary row;
        FileStamp folder;
        QList<Stamped> inputs;
        bool settled = false;
    };
    bool unchanged(int tasksFd, const Kept &kept) const;
    Kept read(const TaskScanner &scanner, const OpenFolder &tasks, const QString &id, const FileStamp &folder,
              const std::optional<LockRecord> &lock, qint64 nowNs) const;

    mutable QMutex m_mutex;
    QString m_base;
    std::vector<Kept> m_kept;  // sorted by name
    QList<TaskSummary> m_rows; // the rows of m_kept, as last handed out
    int m_reads = 0;
    std::atomic<bool> m_clearAsked{false};
};

} // namespace oa
