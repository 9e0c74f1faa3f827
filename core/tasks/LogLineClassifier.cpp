#include "LogLineClassifier.h"

#include <QRegularExpression>

namespace oa {

namespace {

using Severity = LogLineClassifier::Severity;

// Only the head of a line can hold its level: a long message is never scanned through.
constexpr qsizetype kLevelScanChars = 512;

const QRegularExpression &levelPattern()
{
    // Upper-case level names only, as Python's logging writes them: "error" in a message is
    // prose, not a level. The first layout that matches decides; each names the level before
    // the message, so an INFO line that mentions " - ERROR - " stays INFO.
    static const QRegularExpression pattern(QStringLiteral(
        "^(?:"
        "(?<colon>%1):"                                          // LEVEL:name:msg (basicConfig), pip's "ERROR: ..."
        "|[\\[(]?(?<first>%1)[\\])]?\\s"                         // "[ERROR] msg", "ERROR    msg"
        "|\\[?\\d[-\\d:T.,/ +Z]*\\]?\\s*[|\\[]?\\s*(?<stamped>%1)\\b" // a timestamp, then the level (loguru's "| ERROR |" too)
        "|.*? - (?<dashed>%1) - "                                // "asctime - name - LEVEL - message"
        "|.+?:\\d+: (?<warning>[A-Z]\\w*Warning): "              // the warnings module: "file.py:3: DeprecationWarning: ..."
        ")")
                                                .arg(QStringLiteral("CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET")));
    return pattern;
}

Severity severityOfName(QStringView name)
{
    if (name == u"CRITICAL" || name == u"FATAL" || name == u"ERROR")
        return Severity::Error;
    if (name.startsWith(u"WARN") || name.endsWith(u"Warning"))
        return Severity::Warning;
    return Severity::Normal;
}

bool startsTraceback(QStringView trimmed)
{
    // "  + Exception Group Traceback …" and the "| Traceback …" lines inside a group end the same way.
    return trimmed.endsWith(u"Traceback (most recent call last):");
}

bool chainsTracebacks(QStringView trimmed)
{
    return trimmed == u"During handling of the above exception, another exception occurred:"
        || trimmed == u"The above exception was the direct cause of the following exception:";
}

} // namespace

Severity LogLineClassifier::levelOf(QStringView line)
{
    const QRegularExpressionMatch match = levelPattern().match(line.left(kLevelScanChars));
    if (!match.hasMatch())
        return Severity::Normal;
    for (const QString &group : levelPattern().namedCaptureGroups()) {
        if (!group.isEmpty() && match.hasCaptured(group))
            return severityOfName(match.capturedView(group));
    }
    return Severity::Normal;
}

LogLineClassifier::Verdict LogLineClassifier::clefEvent(QStringView level)
{
    if (level == u"Error" || level == u"Fatal")
        return {Severity::Error, true};
    if (level == u"Warning")
        return {Severity::Warning, true};
    return {};
}

LogLineClassifier::Verdict LogLineClassifier::next(QStringView line)
{
    const QStringView trimmed = line.trimmed();
    const bool indented = !line.isEmpty() && line.front().isSpace();
    constexpr Verdict continues{Severity::Error, false};

    switch (m_state) {
    case State::InGroup:
        if (indented)
            return continues;
        break; // the first line that is not indented is no longer the group's
    case State::InTraceback:
        if (trimmed.isEmpty()) // a traceback cut short (the process died): it ends here
            break;
        if (!indented && startsTraceback(trimmed))
            break; // another one without an exception line before it: a new problem
        if (!indented)
            m_state = State::AfterTraceback; // the exception line ends the traceback
        return continues;
    case State::AfterTraceback:
    case State::Chained:
        if (trimmed.isEmpty())
            return {};
        if (chainsTracebacks(trimmed)) {
            m_state = State::Chained;
            return continues;
        }
        if (m_state == State::Chained && startsTraceback(trimmed)) {
            m_state = State::InTraceback;
            return continues;
        }
        break;
    case State::AfterErrorLine:
        if (startsTraceback(trimmed)) { // logger.exception(): the traceback of that ERROR line
            m_state = State::InTraceback;
            return continues;
        }
        break;
    case State::Idle:
        break;
    }

    m_state = State::Idle;
    if (startsTraceback(trimmed)) {
        m_state = trimmed.startsWith(u'+') ? State::InGroup : State::InTraceback;
        return {Severity::Error, true};
    }
    const Severity level = levelOf(line);
    if (level == Severity::Error) {
        m_state = State::AfterErrorLine;
        return {Severity::Error, true};
    }
    return {level, false};
}

} // namespace oa
