#pragma once

#include "FileStamp.h"
#include "environment/EnvironmentCache.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QString>

#include <vector>

namespace oa {

// The monitor's status line count of an environment cache (EnvironmentCache::Summary: entries,
// the store's plausible distributions, their bytes), kept from one refresh to the next, the way
// TaskRescanner keeps task rows: a store folder is read again (StoreFolder::readPublished, its
// marker and METADATA) only when one of the stamps it was counted from changed.
//
// A store folder is immutable once published, but it is untrusted input: what decided that it
// counts may be changed in place by anyone who runs as root. So a counted folder is stamped at
// every step its reading depended on: the folder, its marker, lib/, lib/pythonX.Y/, site-packages/,
// the dist-info folder and its METADATA (a link swapped in anywhere changes the stamp of the
// folder it is in; a chmod or chown changes the change time). Seven fstatat relative to the one
// open store/ per folder, where a reading costs a dozen openat, two reads and two parses. A
// folder that did not count (implausible) is read on every refresh, as is one whose stamps are
// younger than kSettleMs when taken (FileStamp::settledBefore: file times have the kernel's tick).
// Stamps only decide whether to read; what is counted is always what was read. The entries
// (CacheLayout::scan) are read every time: they are few.
//
// One summarizer belongs to one caller (the monitor's refresher); a call with another cache
// folder starts afresh.
class CacheSummarizer {
public:
    static constexpr qint64 kSettleMs = 50;

    // With `agentBase` (the cache inside an agent folder), nothing is read through a link
    // anywhere below the base, EnvCache itself included. Creates nothing.
    EnvironmentCache::Summary summarize(const QString &cacheDir, const QString &agentBase = QString());
    // Store folders read (not kept) since construction, for the tests and the benchmark.
    int reads() const;

private:
    struct Kept {
        QByteArray name;         // in store/, as the file system spells it
        QList<QByteArray> paths; // relative to store/, the folder's first
        QList<FileStamp> stamps; // of `paths`
        // Every stamp older than the margin before the clock was read, which was before the
        // reading: nothing changed between the stamp and what was counted.
        qint64 sizeBytes = 0;
        bool counted = false;
        bool settled = false;
    };
    static bool unchanged(int storeFd, const Kept &kept);
    static Kept read(const OpenFolder &store, const QByteArray &name, qint64 nowNs);

    mutable QMutex m_mutex;
    QString m_dir;
    QString m_base;
    std::vector<Kept> m_kept; // sorted by name
    int m_reads = 0;
};

} // namespace oa
