#pragma once

#include "LogLineParser.h"

#include <QObject>

#include <memory>

// What one read of a log returned.
struct LogChunk {
    ParsedLines parsed;
    bool reset = false;   // a poll found the file truncated, replaced or gone: start over
    bool earlier = false; // from loadEarlier(): the lines go before what is shown
    qint64 before = 0;    // loadEarlier()'s `before`
    qint64 end = -1;      // the size of the file as read; -1: no file (yet)
};

// Reads one log file on the thread pool, so that a slow disk or a huge burst never stops the
// window: the read and LogLineParser's work both happen there. The oa::LogTail it reads
// through keeps its protections (regular files only, never blocking, only the tail of a huge
// file). A file's tail and parser are only ever used by one read at a time: reads run one
// after another, a poll asked for during a read is merged into one, and results of a file that
// setFile() replaced are dropped.
class LogReader final : public QObject {
    Q_OBJECT
public:
    LogReader(LogLineParser::Format format, int maxLines, QObject *parent = nullptr);
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

    struct Source;
    LogLineParser::Format m_format;
    int m_maxLines;
    QString m_path;
    std::shared_ptr<Source> m_source; // shared with the read in flight, which may outlive a setFile()
    quint64 m_generation = 0;
    bool m_reading = false;
    bool m_pollWanted = false;
    qint64 m_earlierBefore = -1; // a loadEarlier() waiting for its turn
    qint64 m_earlierBytes = 0;
};
