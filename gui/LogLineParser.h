#pragma once

#include "tasks/LogLineClassifier.h"

#include <QByteArray>
#include <QList>
#include <QString>

// One line of a log, ready to show.
struct ParsedLine {
    QString text;
    oa::LogLineClassifier::Verdict verdict;
    int bytes = 0; // what it takes in the file, its newline included
};

struct ParsedLines {
    QList<ParsedLine> lines;
    qint64 start = -1; // file offset of the first line
    oa::LogLineClassifier after; // where classification stands after the last line
};

// Turns what oa::LogTail read into lines for a LogDocument: split at newlines (a line still
// being written waits for its end), decoded, classified by oa::LogLineClassifier, and the
// executor's CLEF events rendered readable. LogReader runs it next to the read, on the thread
// pool, so that a burst of megabytes costs the window only the insertion.
//
// Every line becomes exactly one text block: a carriage return inside a line keeps what a
// terminal would show (the text after it), and characters QTextDocument takes as block
// separators are replaced.
class LogLineParser {
public:
    enum class Format { Text, ExecutorClef };

    LogLineParser(Format format, int maxLines);

    // Data read at the end of the file, starting at file offset `offset`, continuing where the
    // last call left off. Of a burst longer than maxLines, only the last maxLines lines.
    ParsedLines append(const QByteArray &data, qint64 offset);
    void reset(); // the file starts over
    // A page read just before the lines shown, starting at file offset `from`, on its own.
    ParsedLines page(const QByteArray &data, qint64 from) const;

private:
    ParsedLines parse(const QByteArray &data, bool lastHasNewline, qint64 start, oa::LogLineClassifier &classifier) const;
    QString textOf(const QByteArray &raw, oa::LogLineClassifier::Verdict &verdict, oa::LogLineClassifier &classifier) const;

    Format m_format;
    int m_maxLines;
    oa::LogLineClassifier m_classifier;
    QByteArray m_partial; // a last line without its newline yet
    qint64 m_offset = -1; // file offset of the first byte not yet made a line
};
