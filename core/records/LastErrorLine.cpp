#include "LastErrorLine.h"

#include "fs/AgentFolder.h"

#include <QRegularExpression>

#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

bool isLevelLine(const QString &line)
{
    // Upper case only: "ERROR:root:…", "2026-… ERROR …", "[CRITICAL] …"; a word like "errors"
    // in a normal message is not a level.
    static const QRegularExpression level(QStringLiteral("\\b(ERROR|CRITICAL|FATAL)\\b"));
    return level.match(line).hasMatch();
}

bool isExceptionLine(const QString &line)
{
    // "ValueError: bad invoice", "requests.exceptions.HTTPError: 500", "KeyboardInterrupt".
    static const QRegularExpression exception(QStringLiteral("^[A-Za-z_][\\w.]*(Error|Exception|Interrupt|Exit)(:\\s.*)?$"));
    return exception.match(line).hasMatch();
}

bool namesAnyLevel(const QString &line)
{
    // A logging layout's level word, whatever the level: such a line is the log's, not a
    // message the script ended with (sys.exit("...") prints its text bare).
    static const QRegularExpression level(QStringLiteral("\\b(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL)\\b"));
    return level.match(line).hasMatch();
}

} // namespace

LastErrorLine::Findings LastErrorLine::scan(const QByteArray &text)
{
    Findings found;
    bool inTraceback = false;
    const QList<QByteArray> lines = text.split('\n');
    for (const QByteArray &raw : lines) {
        QString line = QString::fromUtf8(raw);
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        found.lastLine = line.trimmed();
        found.lastLineHasLevel = namesAnyLevel(line);
        if (line.startsWith(QLatin1String("Traceback (most recent call last):"))) {
            inTraceback = true;
            continue;
        }
        const bool indented = line.at(0).isSpace();
        if (inTraceback && !indented) {
            // The first line back at the margin ends the block: it names the exception.
            inTraceback = false;
            found.tracebackException = found.lastProblem = line.trimmed();
            continue;
        }
        if (inTraceback)
            continue;
        if (isLevelLine(line))
            found.levelLine = found.lastProblem = line.trimmed();
        else if (isExceptionLine(line))
            found.lastProblem = line.trimmed();
    }
    return found;
}

QString LastErrorLine::find(const QByteArray &text)
{
    return scan(text).lastProblem;
}

QString LastErrorLine::read(const AgentFolder &folder, const QString &path, qint64 tailBytes)
{
    auto fd = folder.openForReading(path);
    if (!fd)
        return {};
    struct stat st;
    if (::fstat(fd->get(), &st) != 0)
        return {};
    const qint64 size = qint64(st.st_size);
    const qint64 start = qMax<qint64>(0, size - tailBytes);
    QByteArray data(size - start, Qt::Uninitialized);
    qint64 got = 0;
    while (got < data.size()) {
        const ssize_t n = ::pread(fd->get(), data.data() + got, size_t(data.size() - got), off_t(start + got));
        if (n <= 0)
            break;
        got += n;
    }
    data.truncate(got);
    if (start > 0) { // cut the partial first line
        const qsizetype newline = data.indexOf('\n');
        data = newline < 0 ? QByteArray() : data.mid(newline + 1);
    }
    return find(data);
}

} // namespace oa
