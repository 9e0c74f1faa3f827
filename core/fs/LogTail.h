#pragma once

#include <QByteArray>
#include <QString>

namespace oa {

// Follows a growing log file the way `tail -F` does, without ever reading it whole:
//  - the first poll returns only the last `initialTailBytes` (cut at a line start), so a 1 GiB
//    log opens at once;
//  - each later poll returns just what was appended since;
//  - a file that shrank (truncated) or was replaced (rotated: another inode) starts over;
//  - loadEarlier() pages backwards through what was skipped, on demand.
class LogTail {
public:
    explicit LogTail(QString path, qint64 initialTailBytes = 256 * 1024);

    struct Update {
        QByteArray data;      // new complete-or-partial text to append
        bool reset = false;   // discard what was shown before: the file was truncated or replaced
    };
    Update poll();

    // Up to `maxBytes` before what has been read so far (cut at a line start); empty at the top.
    QByteArray loadEarlier(qint64 maxBytes = 256 * 1024);
    // The reader no longer holds what lies before `offset` (a view that keeps a bounded number
    // of lines dropped it), so the next loadEarlier() pages back from there. Only moves forward,
    // and never past what has been read.
    void forgetBefore(qint64 offset);
    bool hasEarlier() const { return m_start > 0; }
    qint64 start() const { return m_start; }
    qint64 end() const { return m_end; }
    QString path() const { return m_path; }

private:
    QString m_path;
    qint64 m_initialTail;
    qint64 m_start = 0;    // first byte shown
    qint64 m_end = -1;     // one past the last byte shown; -1 before the first poll
    quint64 m_identity = 0; // inode, to notice a rotated file
};

} // namespace oa
