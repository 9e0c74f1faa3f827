#pragma once

#include "LogLineClassifier.h"

#include <QByteArray>
#include <QTextCharFormat>

class QTextBlock;
class QTextCursor;
class QTextDocument;

// The lines a log view holds: one contiguous stretch of the file, at most `maxLines` long, each
// line classified (oa::LogLineClassifier), coloured by severity and shown or hidden by the
// level filter. Appending past the bound drops the oldest lines; prepending an earlier page
// past it drops the newest, after which the stretch no longer reaches the end of the file.
// It knows the file offset of its first line, so that a view can page back from there.
//
// Each block's QTextBlock::userState() packs what the document needs to know of that line
// again: its severity, whether it starts a problem, and its length in the file.
class LogDocument final {
    using LogLineClassifier = oa::LogLineClassifier;

public:
    enum class Format { Text, ExecutorClef };
    enum class Filter { All, WarningsAndErrors, ErrorsOnly };

    LogDocument(QTextDocument *document, Format format, int maxLines);

    // Empties the document; the next data starts a new stretch.
    void clear();
    // Data read at the end of the file (`endOffset`: the file offset just after it). A line
    // without its newline waits for the rest. Returns how many shown lines the bound dropped
    // at the top, so that a view scrolled up can stay on the lines it shows.
    int append(const QByteArray &data, qint64 endOffset);
    // Data read just before the first line, which starts at file offset `from`. Returns how
    // many shown lines it put above the old first line.
    int prepend(const QByteArray &data, qint64 from);

    void setFilter(Filter filter);
    Filter filter() const { return m_filter; }

    int lineCount() const;
    bool isEmpty() const { return !m_hasLines; }
    qint64 startOffset() const { return m_start; } // file offset of the first line; -1 when empty
    qint64 endOffset() const { return m_end; }     // just after the last line held
    bool reachesEnd() const { return m_reachesEnd; }
    int errors() const { return m_errors; }        // problems held, by severity
    int warnings() const { return m_warnings; }
    QString visibleText() const; // the lines the filter shows

private:
    struct Line {
        QString text;
        LogLineClassifier::Verdict verdict;
        int bytes = 0;
    };

    QList<Line> toLines(const QList<QByteArray> &raw, LogLineClassifier &classifier) const;
    int insert(QTextCursor &cursor, const QList<Line> &lines, int firstBlock);
    void setBlock(const QTextBlock &block, int state);
    void count(int state, int sign);
    bool passes(int state) const;
    void reclassifyFrom(int blockNumber, LogLineClassifier classifier);
    int dropFirst(int blocks);
    void dropLast(int blocks);

    QTextDocument *m_doc;
    Format m_format;
    int m_maxLines;
    Filter m_filter = Filter::All;
    LogLineClassifier m_classifier; // where the last line appended left off
    QByteArray m_partial;           // a last line without its newline yet
    bool m_hasLines = false;
    bool m_reachesEnd = true;
    qint64 m_start = -1;
    qint64 m_end = -1;
    int m_errors = 0;
    int m_warnings = 0;
    QTextCharFormat m_normal, m_warning, m_error;
};
