#pragma once

#include "LogLineParser.h"

#include <QTextCharFormat>

class QTextBlock;
class QTextCursor;
class QTextDocument;

// The lines a log view holds: one contiguous stretch of the file, at most `maxLines` long, each
// line (parsed and classified by LogLineParser) coloured by severity and shown or hidden by the
// level filter. Appending past the bound drops the oldest lines; prepending an earlier page
// past it drops the newest, after which the stretch no longer reaches the end of the file.
// It knows the file offset of its first line, so that a view can page back from there.
//
// Each block's QTextBlock::userState() packs what the document needs to know of that line
// again: its severity, whether it starts a problem, and its length in the file.
class LogDocument final {
    using LogLineClassifier = oa::LogLineClassifier;

public:
    enum class Filter { All, WarningsAndErrors, ErrorsOnly };

    LogDocument(QTextDocument *document, int maxLines);

    // Empties the document; the next lines start a new stretch.
    void clear();
    // Lines read at the end of the file. Returns how many shown lines the bound dropped at the
    // top, so that a view scrolled up can stay on the lines it shows.
    int append(const ParsedLines &parsed);
    // Lines read just before the first line. Returns how many shown lines it put above it.
    int prepend(const ParsedLines &parsed);

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
    int insert(QTextCursor &cursor, const QList<ParsedLine> &lines, int firstBlock);
    void setBlock(const QTextBlock &block, int state);
    void count(int state, int sign);
    bool passes(int state) const;
    void reclassifyFrom(int blockNumber, LogLineClassifier classifier);
    int dropFirst(int blocks);
    void dropLast(int blocks);

    QTextDocument *m_doc;
    int m_maxLines;
    Filter m_filter = Filter::All;
    bool m_hasLines = false;
    bool m_reachesEnd = true;
    qint64 m_start = -1;
    qint64 m_end = -1;
    int m_errors = 0;
    int m_warnings = 0;
    QTextCharFormat m_normal, m_warning, m_error;
};
