#include "LogView.h"

#include "LogFindBar.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

namespace {

constexpr int kPollMs = 500;

QPlainTextEdit *makeText(QWidget *parent)
{
    auto *text = new QPlainTextEdit(parent);
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setUndoRedoEnabled(false);
    return text;
}

} // namespace

LogView::LogView(Kind kind, QWidget *parent, int maxLines)
    : QWidget(parent),
      m_text(makeText(this)),
      m_lines(m_text->document(), maxLines),
      m_reader(kind == Kind::ExecutorClef ? LogLineParser::Format::ExecutorClef : LogLineParser::Format::Text, maxLines)
{
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("header"));
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_filter = new QComboBox(this);
    m_filter->setObjectName(QStringLiteral("levelFilter"));
    m_filter->addItem(tr("All lines"), int(Filter::All));
    m_filter->addItem(tr("Warnings and errors"), int(Filter::WarningsAndErrors));
    m_filter->addItem(tr("Errors only"), int(Filter::ErrorsOnly));
    m_filter->setToolTip(tr("Which lines to show: errors are ERROR and CRITICAL lines and whole tracebacks"));
    m_earlier = new QPushButton(tr("Load earlier"), this);
    m_earlier->setObjectName(QStringLiteral("loadEarlier"));
    m_earlier->setToolTip(tr("Only the end of a large log is loaded at first"));
    m_follow = new QPushButton(tr("Back to the end"), this);
    m_follow->setObjectName(QStringLiteral("backToTheEnd"));
    m_follow->setToolTip(tr("Show the end of the log again and follow new lines"));
    m_follow->hide();
    m_find = new LogFindBar(m_text, this);
    m_text->installEventFilter(this);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_header, 1);
    top->addWidget(m_filter);
    top->addWidget(m_earlier);
    top->addWidget(m_follow);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_find);

    connect(m_filter, &QComboBox::currentIndexChanged, this, [this] { setFilter(Filter(m_filter->currentData().toInt())); });
    connect(m_earlier, &QPushButton::clicked, this, &LogView::loadEarlier);
    connect(m_follow, &QPushButton::clicked, this, &LogView::followEnd);
    connect(&m_reader, &LogReader::chunkRead, this, &LogView::chunkRead);
    m_timer.setInterval(kPollMs);
    connect(&m_timer, &QTimer::timeout, this, &LogView::poll);
    updateHeader();
}

QString LogView::text() const
{
    return m_text->toPlainText();
}

QString LogView::visibleText() const
{
    return m_lines.visibleText();
}

void LogView::setFile(const QString &path)
{
    if (path == m_path)
        return;
    m_path = path;
    restart();
}

// Reads the file from its end again, with nothing shown yet.
void LogView::restart()
{
    m_lines.clear();
    m_reader.setFile(m_path);
    m_fileEnd = -1;
    m_earlierWanted = false;
    if (m_path.isEmpty()) {
        m_timer.stop();
    } else {
        poll();
        m_timer.start();
    }
    reportProblems();
    updateHeader();
}

void LogView::poll()
{
    m_reader.poll();
}

void LogView::loadEarlier()
{
    if (!hasEarlier())
        return;
    m_earlierWanted = true;
    m_reader.loadEarlier(m_lines.startOffset());
    updateHeader();
}

void LogView::followEnd()
{
    restart();
}

void LogView::setFilter(Filter filter)
{
    m_lines.setFilter(filter);
    const int index = m_filter->findData(int(filter));
    if (m_filter->currentIndex() != index)
        m_filter->setCurrentIndex(index);
    m_find->refresh();
}

void LogView::chunkRead(const LogChunk &chunk)
{
    QScrollBar *bar = m_text->verticalScrollBar();
    if (chunk.earlier) {
        if (chunk.before != m_lines.startOffset()) { // lines were dropped at the top meanwhile: ask again from there
            m_earlierWanted = m_earlierWanted && hasEarlier();
            if (m_earlierWanted)
                m_reader.loadEarlier(m_lines.startOffset());
            updateHeader();
            return;
        }
        m_earlierWanted = false;
        const int value = bar->value();
        const int above = m_lines.prepend(chunk.parsed);
        bar->setValue(value + above); // the lines in view stay where they were
        if (!m_lines.reachesEnd())
            m_timer.stop(); // the view left the end of the file: appending would leave a gap
    } else {
        m_fileEnd = chunk.end;
        if (chunk.reset) {
            m_lines.clear();
            m_earlierWanted = false;
        }
        if (!chunk.parsed.lines.isEmpty() && m_lines.reachesEnd()) {
            const int value = bar->value();
            const bool following = value >= bar->maximum() - 2; // stay put if the user scrolled up
            const int dropped = m_lines.append(chunk.parsed);
            bar->setValue(following ? bar->maximum() : value - dropped);
        }
    }
    reportProblems();
    updateHeader();
}

void LogView::reportProblems()
{
    if (m_lines.errors() == m_reportedErrors && m_lines.warnings() == m_reportedWarnings)
        return;
    m_reportedErrors = m_lines.errors();
    m_reportedWarnings = m_lines.warnings();
    emit problemsChanged(m_reportedErrors, m_reportedWarnings);
}

bool LogView::eventFilter(QObject *watched, QEvent *event)
{
    // Ctrl+F, F3 and Escape in the text belong to the find bar, not to the window's Ctrl+F
    // (the task search): a ShortcutOverride accepted here turns them into key presses.
    if (watched == m_text && (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (m_find->isFindKey(key)) {
            if (event->type() == QEvent::KeyPress)
                m_find->handleKey(key);
            event->accept();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LogView::updateHeader()
{
    const QLocale locale;
    m_follow->setVisible(!m_lines.reachesEnd());
    m_earlier->setEnabled(hasEarlier() && !m_earlierWanted);
    if (m_path.isEmpty())
        m_header->setText(tr("No log"));
    else if (m_fileEnd < 0)
        m_header->setText(tr("%1 (not written yet)").arg(m_path));
    else if (!m_lines.reachesEnd())
        m_header->setText(tr("%1: paged back, showing %2 of %3; new lines are not followed")
                              .arg(m_path, locale.formattedDataSize(m_lines.endOffset() - m_lines.startOffset()),
                                   locale.formattedDataSize(m_fileEnd)));
    else if (hasEarlier())
        m_header->setText(tr("%1: showing the last %2 of %3")
                              .arg(m_path, locale.formattedDataSize(m_fileEnd - m_lines.startOffset()), locale.formattedDataSize(m_fileEnd)));
    else
        m_header->setText(tr("%1 (%2)").arg(m_path, locale.formattedDataSize(qMax<qint64>(0, m_fileEnd))));
}
