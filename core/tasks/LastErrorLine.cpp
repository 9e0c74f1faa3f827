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

} // namespace

QString LastErrorLine::find(const QByteArray &text)
{
    QString found;
    bool inTraceback = false;
    const QList<QByteArray> lines = text.split('\n');
    for (const QByteArray &raw : lines) {
        QString line = QString::fromUtf8(raw);
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (line.trimmed().isEmpty())
            continue;
        if (line.startsWith(QLatin1String("Traceback (most recent call last):"))) {
            inTraceback = true;
            continue;
        }
        const bool indented = line.at(0).isSpace();
        if (inTraceback && !indented) {
            // The first line back at the margin ends the block: it names the exception.
            inTraceback = false;
            found = line.trimmed();
            continue;
        }
        if (!inTraceback && (isLevelLine(line) || isExceptionLine(line)))
            found = line.trimmed();
    }
    return found;
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
