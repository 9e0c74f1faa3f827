#pragma once

#include <QTextCursor>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;

// Find in a log view: the bar under the text with a search field, next and previous, and what
// it found. Typing searches as you type; Enter or F3 goes to the next match, Shift+Enter or
// Shift+F3 to the previous one, wrapping at either end; Escape closes the bar. Every match
// stands out, the current one as the selection. Lines the level filter hides are skipped.
class LogFindBar final : public QWidget {
    Q_OBJECT
public:
    explicit LogFindBar(QPlainTextEdit *target, QWidget *parent = nullptr);

    QLineEdit *field() const { return m_field; }
    QString status() const; // "Not found", "2 of 5", …

    // Whether `event` (a key press or shortcut override) is one the bar handles for the view
    // and the field: Ctrl+F, F3, Shift+F3, and Escape while the bar is open.
    bool isFindKey(const QKeyEvent *event) const;
    void handleKey(const QKeyEvent *event);

public slots:
    void open();
    void close();
    void findNext();
    void findPrevious();
    void refresh(); // the text or the filter changed: mark the matches again

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void find(bool backward, bool fromSelectionStart = false);
    QTextCursor search(const QTextCursor &from, bool backward) const;
    void highlightAll();
    void showStatus(bool wrapped);

    QPlainTextEdit *m_target;
    QLineEdit *m_field;
    QLabel *m_status;
    QList<int> m_matches; // start positions of the marked matches
    bool m_capped = false;
    QTimer m_rehighlight;
};
