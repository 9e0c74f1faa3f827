#include "LogDocument.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

namespace {

using Severity = oa::LogLineClassifier::Severity;

constexpr int kSeverityMask = 0x3;
constexpr int kProblemBit = 0x4;
constexpr int kBytesShift = 3; // a line is at most a poll (8 MiB) plus LogLineParser's 1 MiB: fits

int pack(const oa::LogLineClassifier::Verdict &verdict, int bytes)
{
    return int(verdict.severity) | (verdict.newProblem ? kProblemBit : 0) | (bytes << kBytesShift);
}

Severity severityOf(int state)
{
    return Severity(state & kSeverityMask);
}

int bytesOf(int state)
{
    return state >> kBytesShift;
}

} // namespace

LogDocument::LogDocument(QTextDocument *document, int maxLines) : m_doc(document), m_maxLines(qMax(1, maxLines))
{
    m_warning.setForeground(QColor(0xa0, 0x60, 0x00));
    m_error.setForeground(QColor(0xb0, 0x20, 0x20));
    m_error.setFontWeight(QFont::Bold);
}

void LogDocument::clear()
{
    m_doc->clear();
    m_hasLines = false;
    m_reachesEnd = true;
    m_start = m_end = -1;
    m_errors = m_warnings = 0;
}

int LogDocument::append(const ParsedLines &parsed)
{
    if (!m_reachesEnd || parsed.lines.isEmpty())
        return 0; // paged back: what follows the stretch is not read into it
    int dropped = 0;
    // A batch that fills the bound by itself, or does not follow on (the parser passed over
    // the older part of a burst), replaces everything.
    if (m_hasLines && (parsed.lines.size() >= m_maxLines || parsed.start != m_end)) {
        for (QTextBlock block = m_doc->firstBlock(); block.isValid(); block = block.next())
            dropped += block.isVisible() ? 1 : 0;
        clear();
    }
    if (!m_hasLines)
        m_start = m_end = parsed.start;
    for (const ParsedLine &line : parsed.lines)
        m_end += line.bytes;

    QTextCursor cursor(m_doc);
    cursor.beginEditBlock();
    cursor.movePosition(QTextCursor::End);
    const int first = m_hasLines ? m_doc->blockCount() : 0;
    const int lastOld = first - 1;
    const int lastOldState = lastOld >= 0 ? m_doc->lastBlock().userState() : 0;
    if (m_hasLines)
        cursor.insertBlock();
    insert(cursor, parsed.lines, first);
    if (lastOld >= 0) // which block keeps the state of the one split is Qt's business: set it again
        setBlock(m_doc->findBlockByNumber(lastOld), lastOldState);
    if (lineCount() > m_maxLines)
        dropped += dropFirst(lineCount() - m_maxLines);
    cursor.endEditBlock();
    return dropped;
}

int LogDocument::prepend(const ParsedLines &parsed)
{
    if (parsed.lines.isEmpty() || m_start < 0 || parsed.start >= m_start)
        return 0;
    QTextCursor cursor(m_doc);
    cursor.beginEditBlock();
    const int firstOldState = m_hasLines ? m_doc->firstBlock().userState() : 0;
    const bool hadLines = m_hasLines;
    if (hadLines) {
        cursor.insertBlock();
        cursor.movePosition(QTextCursor::Start);
    }
    const int inserted = insert(cursor, parsed.lines, 0);
    const int oldFirst = int(parsed.lines.size());
    if (hadLines) {
        setBlock(m_doc->findBlockByNumber(oldFirst), firstOldState);
        reclassifyFrom(oldFirst, parsed.after);
    }
    m_start = parsed.start;
    if (lineCount() > m_maxLines) {
        dropLast(lineCount() - m_maxLines);
        m_reachesEnd = false;
    }
    cursor.endEditBlock();
    return inserted;
}

// Inserts at the cursor, which sits in an empty block numbered `firstBlock`, in one go (a
// block per line would cost ten times as much); returns how many of the lines the filter shows.
int LogDocument::insert(QTextCursor &cursor, const QList<ParsedLine> &lines, int firstBlock)
{
    qsizetype length = 0;
    for (const ParsedLine &line : lines)
        length += line.text.size() + 1;
    QString text;
    text.reserve(length);
    for (int i = 0; i < lines.size(); ++i) {
        if (i > 0)
            text += u'\n';
        text += lines[i].text;
    }
    const int from = cursor.position();
    cursor.insertText(text, m_normal);

    int shown = 0;
    QTextBlock block = m_doc->findBlockByNumber(firstBlock);
    for (int i = 0; i < lines.size() && block.isValid(); ++i, block = block.next()) {
        setBlock(block, pack(lines[i].verdict, lines[i].bytes));
        count(block.userState(), +1);
        shown += block.isVisible() ? 1 : 0;
        if (lines[i].verdict.severity != Severity::Normal && block.length() > 1) {
            QTextCursor line(block);
            line.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
            line.setCharFormat(lines[i].verdict.severity == Severity::Error ? m_error : m_warning);
        }
    }
    if (!lines.isEmpty())
        m_hasLines = true;
    if (m_filter != Filter::All) // hidden from the start, not laid out first and hidden after
        m_doc->markContentsDirty(from, cursor.position() - from);
    return shown;
}

void LogDocument::setBlock(const QTextBlock &block, int state)
{
    QTextBlock writable = block;
    writable.setUserState(state);
    writable.setVisible(passes(state));
}

void LogDocument::count(int state, int sign)
{
    if (!(state & kProblemBit))
        return;
    if (severityOf(state) == Severity::Error)
        m_errors += sign;
    else if (severityOf(state) == Severity::Warning)
        m_warnings += sign;
}

bool LogDocument::passes(int state) const
{
    switch (m_filter) {
    case Filter::All:
        return true;
    case Filter::WarningsAndErrors:
        return severityOf(state) != Severity::Normal;
    case Filter::ErrorsOnly:
        return severityOf(state) == Severity::Error;
    }
    return true;
}

// An earlier page can open a traceback that the lines after it continue: classify those again
// until the classifier is back outside any block. (Executor lines need none: a page of them
// leaves the classifier idle.)
void LogDocument::reclassifyFrom(int blockNumber, LogLineClassifier classifier)
{
    QTextBlock block = m_doc->findBlockByNumber(blockNumber);
    for (; block.isValid() && classifier.inBlock(); block = block.next()) {
        const int old = block.userState();
        const LogLineClassifier::Verdict verdict = classifier.next(block.text());
        if (pack(verdict, bytesOf(old)) == old)
            continue;
        count(old, -1);
        setBlock(block, pack(verdict, bytesOf(old)));
        count(block.userState(), +1);
        QTextCursor line(block);
        line.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        line.setCharFormat(verdict.severity == Severity::Error ? m_error : verdict.severity == Severity::Warning ? m_warning : m_normal);
        m_doc->markContentsDirty(block.position(), block.length());
    }
}

int LogDocument::dropFirst(int blocks)
{
    QTextBlock block = m_doc->firstBlock();
    int shown = 0;
    for (int i = 0; i < blocks && block.isValid(); ++i, block = block.next()) {
        count(block.userState(), -1);
        m_start += bytesOf(block.userState());
        shown += block.isVisible() ? 1 : 0;
    }
    QTextCursor cursor(m_doc);
    cursor.setPosition(block.position(), QTextCursor::KeepAnchor);
    cursor.removeSelectedText();
    return shown;
}

void LogDocument::dropLast(int blocks)
{
    const QTextBlock keep = m_doc->findBlockByNumber(m_doc->blockCount() - blocks - 1);
    for (QTextBlock block = keep.next(); block.isValid(); block = block.next()) {
        count(block.userState(), -1);
        m_end -= bytesOf(block.userState());
    }
    QTextCursor cursor(m_doc);
    cursor.setPosition(keep.position() + keep.length() - 1);
    cursor.movePosition(QTextCursor::End, QTextCursor::KeepAnchor);
    cursor.removeSelectedText();
}

void LogDocument::setFilter(Filter filter)
{
    m_filter = filter;
    if (!m_hasLines)
        return;
    for (QTextBlock block = m_doc->firstBlock(); block.isValid(); block = block.next())
        block.setVisible(passes(block.userState()));
    m_doc->markContentsDirty(0, m_doc->characterCount());
}

int LogDocument::lineCount() const
{
    return m_hasLines ? m_doc->blockCount() : 0;
}

QString LogDocument::visibleText() const
{
    QStringList lines;
    if (m_hasLines) {
        for (QTextBlock block = m_doc->firstBlock(); block.isValid(); block = block.next())
            if (block.isVisible())
                lines.append(block.text());
    }
    return lines.join(u'\n');
}
