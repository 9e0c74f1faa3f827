#pragma once

#include <QByteArray>
#include <QObject>

#include <memory>

namespace oa {
class LogTail;
}

// What one read of a log returned.
struct LogChunk {
    QByteArray data;
    bool reset = false;   // a poll found the file truncated, replaced or gone: start over
    bool earlier = false; // from loadEarlier(): `data` goes before what is shown
    qint64 before = 0;    // loadEarlier()'s `before`
    qint64 start = 0;     // what the reader has read of the file, after this read
    qint64 end = -1;      // -1: no file (yet)
};

// Reads one log file on the thread pool, so that a slow disk or a huge burst never stops the
// window. The oa::LogTail it reads through keeps its protections (regular files only, never
// blocking, only the tail of a huge file) and is only ever used by one read at a time: reads
// run one after another, a poll asked for during a read is merged into one, and results of a
// file that was replaced by setFile() are dropped.
class LogReader final : public QObject {
    Q_OBJECT
public:
    explicit LogReader(QObject *parent = nullptr);
    ~LogReader() override;

    // Starts over with another file (empty: none). `initialTailBytes`: how much of its end the
    // first poll reads.
    void setFile(const QString &path, qint64 initialTailBytes = 256 * 1024);
    QString file() const { return m_path; }
    bool isReading() const { return m_reading; }

    void poll();
    // Up to `maxBytes` just before file offset `before`, the first byte a view still shows.
    // Dropped when a poll finds the file replaced in the meantime.
    void loadEarlier(qint64 before, qint64 maxBytes = 256 * 1024);

signals:
    void chunkRead(const LogChunk &chunk);

private:
    void startNext();
    void finished(const LogChunk &chunk);

    QString m_path;
    std::shared_ptr<oa::LogTail> m_tail; // shared with the read in flight, which may outlive a setFile()
    quint64 m_generation = 0;
    bool m_reading = false;
    bool m_pollWanted = false;
    qint64 m_earlierBefore = -1; // a loadEarlier() waiting for its turn
    qint64 m_earlierBytes = 0;
};
