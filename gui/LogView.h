#pragma once

#include "LogDocument.h"
#include "LogReader.h"

#include <QTimer>
#include <QWidget>

class LogFindBar;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

// A live view of one log file. LogReader reads it on the thread pool, following appended data
// (never reloading the whole file), starting over when it is truncated or replaced, and
// opening only the tail of a huge file. LogDocument holds at most `maxLines` of it, coloured by
// what LogLineClassifier makes of each line, and counts the problems among them. Load earlier
// pages back; past the bound, that leaves the end of the file until Back to the end.
// A level filter shows all lines, warnings and errors, or errors only; Ctrl+F finds in the log.
class LogView final : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Text, ExecutorClef }; // script output and pip.log; the executor's CLEF lines
    using Filter = LogDocument::Filter;
    static constexpr int kDefaultMaxLines = 50000;

    explicit LogView(Kind kind, QWidget *parent = nullptr, int maxLines = kDefaultMaxLines);

    void setFile(const QString &path); // empty: show nothing
    QString file() const { return m_path; }
    QString text() const;        // every line held, the hidden ones included
    QString visibleText() const; // the lines the filter lets through
    int lineCount() const { return m_lines.lineCount(); }
    int errorCount() const { return m_lines.errors(); }     // problems, not lines: a traceback is one
    int warningCount() const { return m_lines.warnings(); }
    bool hasEarlier() const { return m_lines.startOffset() > 0; }
    bool isFollowing() const { return m_lines.reachesEnd(); }
    Filter filter() const { return m_lines.filter(); }
    void setFilter(Filter filter);
    QPlainTextEdit *textEdit() const { return m_text; }
    LogFindBar *findBar() const { return m_find; }

public slots:
    void poll();
    void loadEarlier();
    void followEnd(); // back to the end of the file after paging back past the bound

signals:
    void problemsChanged(int errors, int warnings);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void chunkRead(const LogChunk &chunk);
    void restart();
    void updateHeader();
    void reportProblems();

    QString m_path;
    QPlainTextEdit *m_text;
    LogDocument m_lines;
    LogReader m_reader;
    QLabel *m_header;
    QComboBox *m_filter;
    QPushButton *m_earlier;
    QPushButton *m_follow;
    LogFindBar *m_find;
    QTimer m_timer;
    qint64 m_fileEnd = -1;
    bool m_earlierWanted = false; // Load earlier was asked for and has not arrived yet
    int m_reportedErrors = 0;
    int m_reportedWarnings = 0;
};
