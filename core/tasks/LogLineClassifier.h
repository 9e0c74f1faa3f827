#pragma once

#include <QString>
#include <QStringView>

namespace oa {

// Tells the real problems in a log from its noise, one line at a time.
//
// A script's stderr is not a list of errors: Python's logging writes every level there, INFO
// included. So a text line is a problem only when it is at ERROR or CRITICAL level in one of
// the usual logging layouts, or belongs to a traceback, which is one problem from its
// "Traceback (most recent call last):" through the exception line (chained tracebacks and
// the one logger.exception() prints under its ERROR line included). WARNING lines, and the
// warnings module's "file:line: SomethingWarning:" lines, are warnings: shown, but not counted.
// In the executor's CLEF log, each Warning, Error or Fatal event is one problem.
//
// Tracebacks span lines, so a classifier keeps state: feed it the lines of one stretch of the
// log in order. It has no widgets, so that the rules are tested without a display.
class LogLineClassifier {
public:
    enum class Severity : quint8 { Normal, Warning, Error };

    struct Verdict {
        Severity severity = Severity::Normal;
        bool newProblem = false; // the first line of a problem, for counting problems, not lines
    };

    // One line of a text log (stdout, stderr, pip.log), without its newline.
    Verdict next(QStringView line);
    // Whether the next line may still continue a problem block (a traceback, or the gap before
    // a chained one), i.e. whether its verdict depends on what came before.
    bool inBlock() const { return m_state != State::Idle; }
    void reset() { m_state = State::Idle; }

    // The level a logging layout puts in the line (Normal when it names none).
    static Severity levelOf(QStringView line);
    // An executor.log event by its "@l" (absent: Information).
    static Verdict clefEvent(QStringView level);

private:
    enum class State : quint8 {
        Idle,
        AfterErrorLine,  // an ERROR line: logger.exception() prints its traceback next
        InTraceback,     // "File ..." and code lines, until the exception line
        InGroup,         // an exception group's traceback: every line of it is indented
        AfterTraceback,  // blank lines, then maybe "During handling of the above exception..."
        Chained,         // after that sentence: the next traceback is the same problem
    };
    State m_state = State::Idle;
};

} // namespace oa
