#include "LogView.h"

#include "ExecutionLog.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>
#include <QVBoxLayout>

namespace {

constexpr int kPollMs = 500;

struct Line {
    QString text;
    int severity = 0; // 0 normal, 1 warning, 2 error
};

QString renderClef(const QJsonObject &event)
{
    const QString rendered = oa::ExecutionLog::render(event.value(QStringLiteral("@mt")).toString(), event.toVariantMap());
    const QString level = event.value(QStringLiteral("@l")).toString(QStringLiteral("Information"));
    const QDateTime t = QDateTime::fromString(event.value(QStringLiteral("@t")).toString(), Qt::ISODateWithMs);
    return QStringLiteral("%1 %2 [%3] %4")
        .arg(t.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")), level.left(4).toUpper(),
             event.value(QStringLiteral("SourceContext")).toString(), rendered);
}

Line toLine(LogView::Kind kind, const QByteArray &raw)
{
    Line line{QString::fromUtf8(raw), 0};
    if (line.text.endsWith(u'\r'))
        line.text.chop(1);
    if (kind == LogView::Kind::Errors) {
        line.severity = line.text.trimmed().isEmpty() ? 0 : 2;
    } else if (kind == LogView::Kind::ExecutorClef) {
        const QJsonObject event = QJsonDocument::fromJson(raw).object();
        if (!event.isEmpty()) {
            const QString level = event.value(QStringLiteral("@l")).toString();
            line.severity = level == QLatin1String("Error") || level == QLatin1String("Fatal") ? 2 : level == QLatin1String("Warning") ? 1 : 0;
            line.text = renderClef(event);
        }
    }
    return line;
}

} // namespace

LogView::LogView(Kind kind, QWidget *parent) : QWidget(parent), m_kind(kind)
{
    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setUndoRedoEnabled(false);
    m_header = new QLabel(this);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_earlier = new QPushButton(tr("Load earlier"), this);
    m_earlier->setToolTip(tr("Only the end of a large log is loaded at first"));
    connect(m_earlier, &QPushButton::clicked, this, &LogView::loadEarlier);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_header, 1);
    top->addWidget(m_earlier);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_text, 1);

    m_timer.setInterval(kPollMs);
    connect(&m_timer, &QTimer::timeout, this, &LogView::poll);
    updateHeader();
}

void LogView::setFile(const QString &path)
{
    if (path == m_path)
        return;
    m_path = path;
    m_text->clear();
    m_partial.clear();
    m_hasLines = false;
    m_errorLines = 0;
    emit errorLinesChanged(0);
    m_tail = path.isEmpty() ? nullptr : std::make_unique<oa::LogTail>(path);
    if (m_tail) {
        poll();
        m_timer.start();
    } else {
        m_timer.stop();
    }
    updateHeader();
}

void LogView::poll()
{
    if (!m_tail)
        return;
    const oa::LogTail::Update update = m_tail->poll();
    if (update.reset) {
        m_text->clear();
        m_partial.clear();
        m_hasLines = false;
        m_errorLines = 0;
        emit errorLinesChanged(0);
    }
    if (!update.data.isEmpty())
        appendLines(update.data);
    if (update.reset || !update.data.isEmpty())
        updateHeader();
}

void LogView::insertLines(QTextCursor &cursor, const QList<QByteArray> &lines, bool prepend)
{
    QTextCharFormat normal;
    QTextCharFormat warning;
    warning.setForeground(QColor(0xa0, 0x60, 0x00));
    QTextCharFormat error;
    error.setForeground(QColor(0xb0, 0x20, 0x20));
    error.setFontWeight(QFont::Bold);
    for (const QByteArray &raw : lines) {
        const Line line = toLine(m_kind, raw);
        if (line.severity == 2)
            ++m_errorLines;
        const QTextCharFormat &format = line.severity == 2 ? error : line.severity == 1 ? warning : normal;
        if (prepend) { // cursor stays just before the old first line
            cursor.insertText(line.text, format);
            cursor.insertBlock(QTextBlockFormat(), normal);
        } else {
            if (m_hasLines)
                cursor.insertBlock(QTextBlockFormat(), normal);
            cursor.insertText(line.text, format);
        }
        m_hasLines = true;
    }
}

void LogView::appendLines(const QByteArray &data)
{
    QByteArray buffer = m_partial + data;
    const qsizetype lastNewline = buffer.lastIndexOf('\n');
    if (lastNewline < 0) {
        m_partial = buffer;
        return;
    }
    m_partial = buffer.mid(lastNewline + 1);
    buffer.truncate(lastNewline);

    QScrollBar *bar = m_text->verticalScrollBar();
    const bool following = bar->value() >= bar->maximum() - 2; // stay put if the user scrolled up
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    const int before = m_errorLines;
    cursor.beginEditBlock();
    insertLines(cursor, buffer.split('\n'), false);
    cursor.endEditBlock();
    if (following)
        bar->setValue(bar->maximum());
    if (m_errorLines != before)
        emit errorLinesChanged(m_errorLines);
}

void LogView::loadEarlier()
{
    if (!m_tail || !m_tail->hasEarlier())
        return;
    QByteArray data = m_tail->loadEarlier();
    if (data.endsWith('\n'))
        data.chop(1);
    QScrollBar *bar = m_text->verticalScrollBar();
    const int fromBottom = bar->maximum() - bar->value();
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::Start);
    const int before = m_errorLines;
    cursor.beginEditBlock();
    const bool hadLines = m_hasLines;
    insertLines(cursor, data.split('\n'), hadLines);
    cursor.endEditBlock();
    bar->setValue(bar->maximum() - fromBottom);
    if (m_errorLines != before)
        emit errorLinesChanged(m_errorLines);
    updateHeader();
}

void LogView::updateHeader()
{
    if (!m_tail) {
        m_header->setText(tr("No log"));
        m_earlier->setEnabled(false);
        return;
    }
    if (m_tail->end() < 0) {
        m_header->setText(tr("%1 (not written yet)").arg(m_path));
    } else if (m_tail->hasEarlier()) {
        m_header->setText(tr("%1: showing the last %2 of %3").arg(m_path, QLocale().formattedDataSize(m_tail->end() - m_tail->start()),
                                                                   QLocale().formattedDataSize(m_tail->end())));
    } else {
        m_header->setText(tr("%1 (%2)").arg(m_path, QLocale().formattedDataSize(m_tail->end())));
    }
    m_earlier->setEnabled(m_tail->hasEarlier());
}
