#include "ErrorSummary.h"

#include "base/PrintableText.h"
#include "fs/AgentFolder.h"
#include "fs/LogTail.h"
#include "LastErrorLine.h"

#include <cerrno>

namespace oa {

namespace {

bool isSummaryHexDigit(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

// How many characters the escape printableText() wrote at `i` takes (1: no escape), so that a
// cut never leaves half of one ("\x1" would read as something else).
qsizetype escapeLengthAt(const QString &text, qsizetype i)
{
    if (text.at(i) != u'\\' || i + 1 >= text.size())
        return text.at(i).isHighSurrogate() && i + 1 < text.size() ? 2 : 1;
    const QChar next = text.at(i + 1);
    const auto hexRun = [&](qsizetype digits) {
        if (i + 2 + digits > text.size())
            return qsizetype(1);
        for (qsizetype k = i + 2; k < i + 2 + digits; ++k)
            if (!isSummaryHexDigit(text.at(k)))
                return qsizetype(1);
        return 2 + digits;
    };
    if (next == u'\\' || next == u'n' || next == u'r' || next == u't')
        return 2;
    if (next == u'x')
        return hexRun(2);
    if (next == u'u')
        return hexRun(4);
    if (next == u'U')
        return hexRun(8);
    return 1;
}

} // namespace

QString ErrorSummary::oneLine(QStringView text)
{
    const QString escaped = printableText(text.trimmed());
    if (escaped.size() <= kMaxChars)
        return escaped;
    qsizetype keep = 0;
    for (qsizetype i = 0; i < escaped.size();) {
        const qsizetype length = escapeLengthAt(escaped, i);
        if (i + length > kMaxChars - 1)
            break;
        i += length;
        keep = i;
    }
    return escaped.left(keep) + QChar(0x2026);
}

QString ErrorSummary::ofMessage(const QString &message)
{
    // A message is one sentence; a line break in it (a task's text quoted in it) is escaped.
    return oneLine(message);
}

QString ErrorSummary::ofScript(const QByteArray &stderrTail, int exitCode, bool killedBySignal, const QString &howItEnded)
{
    const LastErrorLine::Findings found = LastErrorLine::scan(stderrTail);
    if (!found.tracebackException.isEmpty())
        return oneLine(found.tracebackException);
    if (!killedBySignal && exitCode == 1 && !found.lastLine.isEmpty() && !found.lastLineHasLevel)
        return oneLine(found.lastLine);
    if (!found.levelLine.isEmpty())
        return oneLine(found.levelLine);
    if (!killedBySignal && !found.lastLine.isEmpty())
        return oneLine(found.lastLine);
    if (found.lastLine.isEmpty())
        return oneLine(QStringLiteral("%1 and wrote nothing to stderr").arg(howItEnded));
    return oneLine(howItEnded);
}

QString ErrorSummary::ofScriptLog(const QString &stderrPath, int exitCode, bool killedBySignal, const QString &howItEnded)
{
    // LogTail says nothing about a file it will not read: asked here first, so that a FIFO or a
    // link in stderr.log's place is named rather than read as "nothing on stderr".
    if (const auto opened = AgentFolder::openRegularFile(stderrPath); !opened && opened.error().systemError != ENOENT)
        return oneLine(QStringLiteral("%1; its stderr cannot be read: %2").arg(howItEnded, opened.error().message));
    LogTail tail(stderrPath, kTailBytes);
    return ofScript(tail.poll().data, exitCode, killedBySignal, howItEnded);
}

} // namespace oa
