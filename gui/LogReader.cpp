#include "LogReader.h"

#include "fs/LogTail.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace {
// What the window inserts from one read: a burst of more lines shows its last 10,000 at once
// (tens of milliseconds of QTextDocument work, not half a second), and Load earlier pages back
// to the rest.
constexpr int kMaxLinesPerRead = 10000;
} // namespace

struct LogReader::Source {
    oa::LogTail tail;
    LogLineParser parser;
};

LogReader::LogReader(LogLineParser::Format format, int maxLines, QObject *parent)
    : QObject(parent), m_format(format), m_maxLines(maxLines)
{
}

// A read in flight is not waited for: it holds its own reference to its Source, and its
// watcher, a child of this object, goes with it, so its result is simply never delivered.
LogReader::~LogReader() = default;

void LogReader::setFile(const QString &path, qint64 initialTailBytes)
{
    m_path = path;
    ++m_generation;
    if (path.isEmpty())
        m_source = nullptr;
    else
        m_source = std::make_shared<Source>(
            Source{oa::LogTail(path, initialTailBytes), LogLineParser(m_format, qMin(m_maxLines, kMaxLinesPerRead))});
    m_reading = false; // a read of the old file may still run; it no longer counts
    m_pollWanted = false;
    m_earlierBefore = -1;
}

void LogReader::poll()
{
    if (!m_source)
        return;
    m_pollWanted = true;
    startNext();
}

void LogReader::loadEarlier(qint64 before, qint64 maxBytes)
{
    if (!m_source)
        return;
    m_earlierBefore = before;
    m_earlierBytes = maxBytes;
    startNext();
}

void LogReader::startNext()
{
    if (m_reading || (!m_pollWanted && m_earlierBefore < 0))
        return;
    // Polls first: when one finds the file replaced, a page asked for meanwhile is dropped
    // rather than read from the new file.
    const bool earlier = !m_pollWanted;
    const qint64 before = m_earlierBefore;
    const qint64 maxBytes = m_earlierBytes;
    if (earlier)
        m_earlierBefore = -1;
    else
        m_pollWanted = false;
    m_reading = true;

    auto *watcher = new QFutureWatcher<LogChunk>(this);
    const quint64 generation = m_generation;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation == m_generation)
            finished(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([source = m_source, earlier, before, maxBytes] {
        LogChunk chunk;
        chunk.earlier = earlier;
        oa::LogTail &tail = source->tail;
        if (earlier) {
            chunk.before = before;
            tail.forgetBefore(before);
            const QByteArray data = tail.loadEarlier(maxBytes);
            chunk.parsed = source->parser.page(data, tail.start());
        } else {
            const oa::LogTail::Update update = tail.poll();
            chunk.reset = update.reset;
            if (update.reset)
                source->parser.reset();
            if (!update.data.isEmpty())
                chunk.parsed = source->parser.append(update.data, tail.end() - update.data.size());
        }
        chunk.end = tail.end();
        return chunk;
    }));
}

void LogReader::finished(const LogChunk &chunk)
{
    m_reading = false;
    if (chunk.reset)
        m_earlierBefore = -1; // it was asked for a file that is gone
    emit chunkRead(chunk);
    startNext();
}
