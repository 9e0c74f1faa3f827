#include "LogDocument.h"

#include "ExecutionLog.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

namespace {

using Severity = oa::LogLineClassifier::Severity;

// A "line" that never ends (no newline in a megabyte) is shown in pieces rather than held back
// without bound.
constexpr qsizetype kMaxLineBytes = 1024 * 1024;

constexpr int kSeverityMask = 0x3;
constexpr int kProblemBit = 0x4;
constexpr int kBytesShift = 3; // a line is at most a poll (8 MiB) plus kMaxLineBytes: fits

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

QString renderClef(const QJsonObject &event)
{
    const QString rendered = oa::ExecutionLog::render(event.value(QStringLiteral("@mt")).toString(), event.toVariantMap());
    const QString level = event.value(QStringLiteral("@l")).toString(QStringLiteral("Information"));
    const QDateTime t = QDateTime::fromString(event.value(QStringLiteral("@t")).toString(), Qt::ISODateWithMs);
    return QStringLiteral("%1 %2 [%3] %4")
        .arg(t.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")), level.left(4).toUpper(),
             event.value(QStringLiteral("SourceContext")).toString(), rendered);
}

// Splits data into lines and the bytes each takes in the file (its newline included).
QList<QByteArray> splitLines(const QByteArray &data, bool lastHasNewline, QList<int> &bytes)
{
    QList<QByteArray> raw = data.split('\n');
    bytes.clear();
    for (const QByteArray &line : raw)
        bytes.append(int(line.size()) + 1);
    if (!lastHasNewline)
        bytes.last() -= 1;
    return raw;
}

} // namespace

LogDocument::LogDocument(QTextDocument *document, Format format, int maxLines)
    : m_doc(document), m_format(format), m_maxLines(qMax(1, maxLines))
{
    m_warning.setForeground(QColor(0xa0, 0x60, 0x00));
    m_error.setForeground(QColor(0xb0, 0x20, 0x20));
    m_error.setFontWeight(QFont::Bold);
}

void LogDocument::clear()
{
    m_doc->clear();
    m_classifier.reset();
    m_partial.clear();
    m_hasLines = false;
    m_reachesEnd = true;
    m_start = m_end = -1;
    m_errors = m_warnings = 0;
}

QList<LogDocument::Line> LogDocument::toLines(const QList<QByteArray> &raw, LogLineClassifier &classifier) const
{
    QList<Line> lines;
    lines.reserve(raw.size());
    for (const QByteArray &bytes : raw) {
        Line line;
        line.text = QString::fromUtf8(bytes);
        if (line.text.endsWith(u'\r'))
            line.text.chop(1);
        if (m_format == Format::ExecutorClef) {
            const QJsonObject event = QJsonDocument::fromJson(bytes).object();
            if (!event.isEmpty()) {
                line.verdict = LogLineClassifier::clefEvent(event.value(QStringLiteral("@l")).toString());
                line.text = renderClef(event);
            }
        } else {
            line.verdict = classifier.next(line.text);
        }
        lines.append(line);
    }
    return lines;
}

int LogDocument::append(const QByteArray &data, qint64 endOffset)
{
    if (!m_reachesEnd || data.isEmpty())
        return 0; // paged back: what follows the stretch is not read into it
    if (m_start < 0)
        m_start = m_end = endOffset - data.size();
    QByteArray buffer = m_partial + data;
    qsizetype cut = buffer.lastIndexOf('\n');
    const bool endsWithNewline = cut >= 0;
    if (cut < 0 && buffer.size() <= kMaxLineBytes) {
        m_partial = buffer;
        return 0;
    }
    if (cut < 0)
        cut = buffer.size();
    m_partial = buffer.mid(cut + 1);
    buffer.truncate(cut);

    QList<int> bytes;
    QList<QByteArray> raw = splitLines(buffer, endsWithNewline, bytes);
    const qint64 batchStart = m_end;
    for (int b : bytes)
        m_end += b;
    int dropped = 0;
    if (raw.size() >= m_maxLines) { // a burst larger than the bound: the older part is never shown
        const qsizetype skip = raw.size() - m_maxLines;
        qint64 skipped = 0;
        for (qsizetype i = 0; i < skip; ++i)
            skipped += bytes[i];
        raw.remove(0, skip);
        bytes.remove(0, skip);
        for (QTextBlock block = m_doc->firstBlock(); m_hasLines && block.isValid(); block = block.next())
            dropped += block.isVisible() ? 1 : 0;
        m_doc->clear();
        m_hasLines = false;
        m_errors = m_warnings = 0;
        m_classifier.reset();
        m_start = batchStart + skipped;
    }
    QList<Line> lines = toLines(raw, m_classifier);
    for (int i = 0; i < lines.size(); ++i)
        lines[i].bytes = bytes[i];

    QTextCursor cursor(m_doc);
    cursor.beginEditBlock();
    cursor.movePosition(QTextCursor::End);
    const int first = m_hasLines ? m_doc->blockCount() : 0;
    const int lastOld = m_hasLines ? m_doc->blockCount() - 1 : -1;
    const int lastOldState = lastOld >= 0 ? m_doc->lastBlock().userState() : 0;
    if (m_hasLines)
        cursor.insertBlock();
    insert(cursor, lines, first);
    if (lastOld >= 0) // which block keeps the state of the one split is Qt's business: set it again
        setBlock(m_doc->findBlockByNumber(lastOld), lastOldState);
    if (lineCount() > m_maxLines)
        dropped += dropFirst(lineCount() - m_maxLines);
    cursor.endEditBlock();
    return dropped;
}

int LogDocument::prepend(const QByteArray &data, qint64 from)
{
    if (data.isEmpty() || m_start < 0 || from >= m_start)
        return 0;
    QList<int> bytes;
    QByteArray page = data;
    const bool endsWithNewline = page.endsWith('\n');
    if (endsWithNewline)
        page.chop(1);
    QList<QByteArray> raw = splitLines(page, endsWithNewline, bytes);
    LogLineClassifier classifier;
    QList<Line> lines = toLines(raw, classifier);
    for (int i = 0; i < lines.size(); ++i)
        lines[i].bytes = bytes[i];
    if (lines.size() > m_maxLines) { // keep the part of the page next to what is shown
        const qsizetype skip = lines.size() - m_maxLines;
        for (qsizetype i = 0; i < skip; ++i)
            from += lines[i].bytes;
        lines.remove(0, skip);
    }

    QTextCursor cursor(m_doc);
    cursor.beginEditBlock();
    const int firstOldState = m_hasLines ? m_doc->firstBlock().userState() : 0;
    const bool hadLines = m_hasLines;
    if (hadLines) {
        cursor.insertBlock();
        cursor.movePosition(QTextCursor::Start);
    }
    const int inserted = insert(cursor, lines, 0);
    if (hadLines) {
        setBlock(m_doc->findBlockByNumber(int(lines.size())), firstOldState);
        reclassifyFrom(int(lines.size()), classifier);
    }
    m_start = from;
    if (lineCount() > m_maxLines) {
        dropLast(lineCount() - m_maxLines);
        m_reachesEnd = false;
        m_partial.clear();
    }
    cursor.endEditBlock();
    return inserted;
}

// Inserts at the cursor, which sits in an empty block numbered `firstBlock`; returns how many
// of the lines the filter shows.
int LogDocument::insert(QTextCursor &cursor, const QList<Line> &lines, int firstBlock)
{
    for (int i = 0; i < lines.size(); ++i) {
        if (i > 0)
            cursor.insertBlock();
        const Severity severity = lines[i].verdict.severity;
        cursor.insertText(lines[i].text, severity == Severity::Error ? m_error : severity == Severity::Warning ? m_warning : m_normal);
    }
    const QTextBlock first = m_doc->findBlockByNumber(firstBlock);
    QTextBlock block = first;
    int shown = 0;
    for (int i = 0; i < lines.size() && block.isValid(); ++i, block = block.next()) {
        setBlock(block, pack(lines[i].verdict, lines[i].bytes));
        count(block.userState(), +1);
        shown += block.isVisible() ? 1 : 0;
    }
    if (!lines.isEmpty())
        m_hasLines = true;
    if (m_filter != Filter::All) // hidden from the start, not first laid out and then hidden
        m_doc->markContentsDirty(first.position(), cursor.position() - first.position());
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
// until the classifier is back outside any block.
void LogDocument::reclassifyFrom(int blockNumber, LogLineClassifier classifier)
{
    if (m_format != Format::Text)
        return;
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
    if (!block.isValid() && m_reachesEnd)
        m_classifier = classifier; // it ran through the whole stretch
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
