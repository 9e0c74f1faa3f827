#include "LogLineParser.h"

#include "base/LocalTime.h"
#include "records/ExecutionLog.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

using oa::LogLineClassifier;

// A "line" that never ends (no newline in a megabyte) is shown in pieces rather than held back
// without bound.
constexpr qsizetype kMaxLineBytes = 1024 * 1024;

QString renderClef(const QJsonObject &event)
{
    const QString rendered = oa::ExecutionLog::render(event.value(QStringLiteral("@mt")).toString(), event.toVariantMap());
    const QString level = event.value(QStringLiteral("@l")).toString(QStringLiteral("Information"));
    const QDateTime t = QDateTime::fromString(event.value(QStringLiteral("@t")).toString(), Qt::ISODateWithMs);
    return QStringLiteral("%1 %2 [%3] %4")
        .arg(oa::LocalTime::logTime(t), level.left(4).toUpper(),
             event.value(QStringLiteral("SourceContext")).toString(), rendered);
}

// QTextCursor::insertText() starts a new block at each of these.
void keepOneBlock(QString &text)
{
    const qsizetype lastReturn = text.lastIndexOf(u'\r');
    if (lastReturn >= 0) // a progress bar redrawn in place: what the terminal shows last
        text = text.mid(lastReturn + 1);
    for (QChar &c : text) {
        if (c == u'\n')
            c = QChar::LineSeparator; // a multi-line CLEF message stays one entry
        else if (c == QChar::ParagraphSeparator || c == QChar(0xfdd0) || c == QChar(0xfdd1))
            c = u' ';
    }
}

} // namespace

LogLineParser::LogLineParser(Format format, int maxLines) : m_format(format), m_maxLines(qMax(1, maxLines)) {}

void LogLineParser::reset()
{
    m_classifier.reset();
    m_partial.clear();
    m_offset = -1;
}

ParsedLines LogLineParser::append(const QByteArray &data, qint64 offset)
{
    if (m_offset < 0)
        m_offset = offset;
    QByteArray buffer = m_partial + data;
    qsizetype cut = buffer.lastIndexOf('\n');
    const bool endsWithNewline = cut >= 0;
    if (cut < 0 && buffer.size() <= kMaxLineBytes) {
        m_partial = buffer;
        return {};
    }
    if (cut < 0)
        cut = buffer.size();
    m_partial = buffer.mid(cut + 1);
    buffer.truncate(cut);
    const qint64 start = m_offset;
    m_offset += buffer.size() + (endsWithNewline ? 1 : 0);
    return parse(buffer, endsWithNewline, start, m_classifier);
}

ParsedLines LogLineParser::page(const QByteArray &data, qint64 from) const
{
    QByteArray page = data;
    const bool endsWithNewline = page.endsWith('\n');
    if (endsWithNewline)
        page.chop(1);
    LogLineClassifier classifier;
    return parse(page, endsWithNewline, from, classifier);
}

ParsedLines LogLineParser::parse(const QByteArray &data, bool lastHasNewline, qint64 start, LogLineClassifier &classifier) const
{
    QList<QByteArray> raw = data.split('\n');
    qsizetype first = 0;
    if (raw.size() > m_maxLines) { // only the last maxLines can be shown: the rest is never decoded
        first = raw.size() - m_maxLines;
        for (qsizetype i = 0; i < first; ++i)
            start += raw[i].size() + 1;
        if (m_format == Format::Text)
            classifier.reset();
    }
    ParsedLines parsed;
    parsed.start = start;
    parsed.lines.reserve(raw.size() - first);
    for (qsizetype i = first; i < raw.size(); ++i) {
        ParsedLine line;
        line.bytes = int(raw[i].size()) + (i + 1 < raw.size() || lastHasNewline ? 1 : 0);
        line.text = textOf(raw[i], line.verdict, classifier);
        parsed.lines.append(std::move(line));
    }
    parsed.after = classifier;
    return parsed;
}

QString LogLineParser::textOf(const QByteArray &raw, LogLineClassifier::Verdict &verdict, LogLineClassifier &classifier) const
{
    QString text = QString::fromUtf8(raw);
    if (text.endsWith(u'\r'))
        text.chop(1);
    if (m_format == Format::ExecutorClef) {
        const QJsonObject event = QJsonDocument::fromJson(raw).object();
        if (!event.isEmpty()) {
            verdict = LogLineClassifier::clefEvent(event.value(QStringLiteral("@l")).toString());
            // "Task code ran as root" from a run with no run-as user configured (the event's
            // RunAsConfigured is false): the administrator's choice, shown as a warning line but
            // not counted as a problem. Any other warning, this one included without that
            // property, still marks the tab.
            if (verdict.severity == LogLineClassifier::Severity::Warning
                && event.value(QStringLiteral("RunAsConfigured")) == QJsonValue(false))
                verdict.newProblem = false;
            text = renderClef(event);
        }
        keepOneBlock(text);
        return text;
    }
    keepOneBlock(text);
    verdict = classifier.next(text);
    return text;
}
