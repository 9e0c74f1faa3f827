#include "LogTail.h"

#include "AgentFolder.h"

#include <QFile>

#include <sys/stat.h>

namespace oa {

namespace {

constexpr qint64 kMaxPollBytes = 8 * 1024 * 1024; // a burst larger than this is read over several polls

quint64 identityOf(const QFile &file)
{
    struct stat st;
    if (::fstat(file.handle(), &st) == 0)
        return (quint64(st.st_dev) << 32) ^ quint64(st.st_ino);
    return 0;
}

// Moves `offset` forward to just after the next newline, so a view never starts mid-line.
qint64 alignToLineStart(QFile &file, qint64 offset)
{
    if (offset <= 0)
        return 0;
    if (!file.seek(offset - 1))
        return offset;
    const QByteArray probe = file.read(64 * 1024);
    const qsizetype newline = probe.indexOf('\n');
    return newline < 0 ? offset : offset + newline;
}

// Logs are written by task code: only a regular file is followed, opened non-blocking and not
// through a final link, so that a FIFO planted as a log never hangs the reader.
bool openRegular(QFile &file, const QString &path)
{
    auto fd = AgentFolder::openRegularFile(path);
    if (!fd || !file.open(fd->get(), QIODevice::ReadOnly, QFileDevice::AutoCloseHandle))
        return false;
    fd.value().release();
    return true;
}

} // namespace

LogTail::LogTail(QString path, qint64 initialTailBytes) : m_path(std::move(path)), m_initialTail(initialTailBytes) {}

LogTail::Update LogTail::poll()
{
    Update update;
    QFile file;
    if (!openRegular(file, m_path)) {
        if (m_end > 0) { // the file disappeared: what was shown is gone
            update.reset = true;
            m_start = 0;
            m_end = -1;
        }
        return update;
    }
    const qint64 size = file.size();
    const quint64 identity = identityOf(file);
    if (m_end >= 0 && (size < m_end || identity != m_identity)) {
        update.reset = true;
        m_end = -1;
    }
    m_identity = identity;
    if (m_end < 0) {
        m_start = alignToLineStart(file, qMax<qint64>(0, size - m_initialTail));
        m_end = m_start;
    }
    if (size > m_end && file.seek(m_end)) {
        update.data = file.read(qMin(size - m_end, kMaxPollBytes));
        m_end += update.data.size();
    }
    return update;
}

QByteArray LogTail::loadEarlier(qint64 maxBytes)
{
    if (m_start <= 0)
        return {};
    QFile file;
    if (!openRegular(file, m_path))
        return {};
    const qint64 unaligned = qMax<qint64>(0, m_start - maxBytes);
    qint64 from = alignToLineStart(file, unaligned);
    if (from >= m_start) // one line longer than maxBytes: show part of it rather than nothing
        from = unaligned;
    if (!file.seek(from))
        return {};
    const QByteArray data = file.read(m_start - from);
    m_start = from;
    return data;
}

void LogTail::forgetBefore(qint64 offset)
{
    m_start = qBound(m_start, offset, qMax(m_start, m_end));
}

} // namespace oa
