#include "LogFindBar.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QTextDocument>
#include <QToolButton>

#include <algorithm>

namespace {

// Marking every match of a one-letter search in 50,000 lines would cost more than it tells.
constexpr int kMaxMarked = 1000;
constexpr int kRehighlightMs = 200;

QString keyName(const QKeySequence &keys)
{
    return keys.toString(QKeySequence::NativeText);
}

} // namespace

LogFindBar::LogFindBar(QPlainTextEdit *target, QWidget *parent) : QWidget(parent), m_target(target)
{
    m_field = new QLineEdit(this);
    m_field->setPlaceholderText(tr("Find in log"));
    m_field->setClearButtonEnabled(true);
    m_field->installEventFilter(this);
    auto *previous = new QToolButton(this);
    previous->setText(tr("Previous"));
    previous->setToolTip(tr("Previous match (%1)").arg(keyName(QKeySequence(Qt::SHIFT | Qt::Key_F3))));
    auto *next = new QToolButton(this);
    next->setText(tr("Next"));
    next->setToolTip(tr("Next match (%1)").arg(keyName(QKeySequence(Qt::Key_F3))));
    m_status = new QLabel(this);
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Close (%1)").arg(keyName(QKeySequence(Qt::Key_Escape))));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);
    layout->addWidget(m_field, 1);
    layout->addWidget(previous);
    layout->addWidget(next);
    layout->addWidget(m_status, 1);
    layout->addWidget(close);

    connect(previous, &QToolButton::clicked, this, &LogFindBar::findPrevious);
    connect(next, &QToolButton::clicked, this, &LogFindBar::findNext);
    connect(close, &QToolButton::clicked, this, &LogFindBar::close);
    // As you type, the current match may grow in place: search on from where it starts.
    connect(m_field, &QLineEdit::textEdited, this, [this] { find(false, true); });
    m_rehighlight.setSingleShot(true);
    m_rehighlight.setInterval(kRehighlightMs);
    connect(&m_rehighlight, &QTimer::timeout, this, &LogFindBar::refresh);
    // New lines of a live log may match, and dropped ones shift every position.
    connect(m_target->document(), &QTextDocument::contentsChanged, this, [this] {
        if (!isHidden())
            m_rehighlight.start();
    });
    hide();
}

bool LogFindBar::isFindKey(const QKeyEvent *event) const
{
    if (event->matches(QKeySequence::Find))
        return true;
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    if (event->key() == Qt::Key_F3 && (modifiers == Qt::NoModifier || modifiers == Qt::ShiftModifier))
        return true;
    return event->key() == Qt::Key_Escape && !isHidden();
}

void LogFindBar::handleKey(const QKeyEvent *event)
{
    if (event->matches(QKeySequence::Find)) {
        open();
    } else if (event->key() == Qt::Key_Escape) {
        close();
    } else if (event->key() == Qt::Key_F3) {
        if (m_field->text().isEmpty()) {
            open();
            return;
        }
        show();
        if (event->modifiers() & Qt::ShiftModifier)
            findPrevious();
        else
            findNext();
    }
}

bool LogFindBar::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_field || (event->type() != QEvent::ShortcutOverride && event->type() != QEvent::KeyPress))
        return QWidget::eventFilter(watched, event);
    const auto *key = static_cast<QKeyEvent *>(event);
    const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
    if (!enter && !isFindKey(key))
        return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::ShortcutOverride) { // ours, not the window's Ctrl+F or a button's
        event->accept();
        return true;
    }
    if (enter && (key->modifiers() & Qt::ShiftModifier))
        findPrevious();
    else if (enter)
        findNext();
    else if (key->matches(QKeySequence::Find))
        m_field->selectAll();
    else
        handleKey(key);
    return true;
}

void LogFindBar::open()
{
    const QString selected = m_target->textCursor().selectedText();
    if (!selected.isEmpty() && !selected.contains(QChar::ParagraphSeparator))
        m_field->setText(selected);
    show();
    m_field->setFocus(Qt::ShortcutFocusReason);
    m_field->selectAll();
    refresh();
}

void LogFindBar::close()
{
    hide();
    m_rehighlight.stop();
    m_matches.clear();
    m_target->setExtraSelections({});
    m_target->setFocus(Qt::OtherFocusReason);
}

void LogFindBar::findNext()
{
    find(false);
}

void LogFindBar::findPrevious()
{
    find(true);
}

void LogFindBar::refresh()
{
    if (isHidden())
        return;
    highlightAll();
    showStatus(false);
}

QString LogFindBar::status() const
{
    return m_status->text();
}

QTextCursor LogFindBar::search(const QTextCursor &from, bool backward) const
{
    const QTextDocument::FindFlags flags = backward ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    QTextCursor at = from;
    for (;;) {
        const QTextCursor hit = m_target->document()->find(m_field->text(), at, flags);
        if (hit.isNull() || hit.block().isVisible())
            return hit;
        // A line the filter hides: go on past it.
        const QTextBlock block = hit.block();
        at = QTextCursor(m_target->document());
        at.setPosition(backward ? block.position() : block.position() + block.length() - 1);
    }
}

void LogFindBar::find(bool backward, bool fromSelectionStart)
{
    if (m_field->text().isEmpty()) {
        highlightAll();
        m_status->clear();
        return;
    }
    QTextCursor from = m_target->textCursor();
    if (fromSelectionStart)
        from.setPosition(from.selectionStart());
    QTextCursor hit = search(from, backward);
    bool wrapped = false;
    if (hit.isNull()) {
        QTextCursor edge(m_target->document());
        edge.movePosition(backward ? QTextCursor::End : QTextCursor::Start);
        hit = search(edge, backward);
        wrapped = !hit.isNull();
    }
    if (!hit.isNull()) {
        m_target->setTextCursor(hit);
    } else {
        QTextCursor none = m_target->textCursor();
        none.clearSelection();
        m_target->setTextCursor(none);
    }
    highlightAll();
    showStatus(wrapped);
}

void LogFindBar::highlightAll()
{
    m_matches.clear();
    m_capped = false;
    QList<QTextEdit::ExtraSelection> marks;
    if (!isHidden() && !m_field->text().isEmpty()) {
        QTextCharFormat mark;
        mark.setBackground(QColor(0xff, 0xe0, 0x80));
        for (QTextCursor at = search(QTextCursor(m_target->document()), false); !at.isNull(); at = search(at, false)) {
            if (m_matches.size() == kMaxMarked) {
                m_capped = true;
                break;
            }
            m_matches.append(at.selectionStart());
            marks.append({at, mark});
        }
    }
    m_target->setExtraSelections(marks);
}

void LogFindBar::showStatus(bool wrapped)
{
    const bool none = m_matches.isEmpty() && !m_field->text().isEmpty();
    m_field->setStyleSheet(none ? QStringLiteral("QLineEdit { background: #f6d0d0; }") : QString());
    if (m_field->text().isEmpty()) {
        m_status->clear();
        return;
    }
    if (none) {
        m_status->setText(tr("Not found"));
        return;
    }
    QString text;
    const QTextCursor selection = m_target->textCursor();
    const auto current = std::lower_bound(m_matches.cbegin(), m_matches.cend(), selection.selectionStart());
    const bool onMatch = selection.hasSelection() && current != m_matches.cend() && *current == selection.selectionStart();
    if (m_capped)
        text = tr("More than %1 matches").arg(kMaxMarked);
    else if (onMatch)
        text = tr("%1 of %2").arg(current - m_matches.cbegin() + 1).arg(m_matches.size());
    else
        text = m_matches.size() == 1 ? tr("1 match") : tr("%1 matches").arg(m_matches.size());
    m_status->setText(wrapped ? tr("%1, wrapped around").arg(text) : text);
}
