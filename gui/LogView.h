#pragma once

#include "LogTail.h"

#include <QPlainTextEdit>
#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;

// A live view of one log file. It follows appended data through oa::LogTail (never reloading
// the whole file), copes with truncation and rotation, opens only the tail of a huge file and
// pages backwards on demand. Errors stand out: every line of an error log, and the Warning and
// Error events of the executor's CLEF log, which is shown as readable lines.
class LogView final : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Plain, Errors, ExecutorClef };

    explicit LogView(Kind kind, QWidget *parent = nullptr);

    void setFile(const QString &path); // empty: show nothing
    QString file() const { return m_path; }
    QString text() const { return m_text->toPlainText(); }
    int errorLineCount() const { return m_errorLines; }

public slots:
    void poll();
    void loadEarlier();

signals:
    void errorLinesChanged(int count);

private:
    void appendLines(const QByteArray &data);
    void insertLines(QTextCursor &cursor, const QList<QByteArray> &lines, bool prepend);
    void updateHeader();

    Kind m_kind;
    QString m_path;
    std::unique_ptr<oa::LogTail> m_tail;
    QByteArray m_partial; // a last line without its newline yet
    int m_errorLines = 0;
    bool m_hasLines = false;
    QPlainTextEdit *m_text;
    QLabel *m_header;
    QPushButton *m_earlier;
    QTimer m_timer;
};
