#include "ProgressReader.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace oa {

ProgressReader::ProgressReader(const QString &path) : m_tail(path, std::numeric_limits<qint64>::max()) {}

bool ProgressReader::apply(const QByteArray &line)
{
    const QJsonObject object = QJsonDocument::fromJson(line).object();
    const QJsonValue percent = object.value(QStringLiteral("percent"));
    const QJsonValue message = object.value(QStringLiteral("message"));
    const bool percentOk = percent.isUndefined() || (percent.isDouble() && percent.toDouble() >= 0 && percent.toDouble() <= 100);
    const bool messageOk = message.isUndefined() || message.isString();
    if (object.isEmpty() || !percentOk || !messageOk || (percent.isUndefined() && message.isUndefined()))
        return false;
    if (!percent.isUndefined())
        m_progress.percent = percent.toDouble();
    if (!message.isUndefined())
        m_progress.message = message.toString().left(500);
    ++m_progress.updates;
    return true;
}

bool ProgressReader::poll()
{
    const LogTail::Update update = m_tail.poll();
    if (update.reset)
        m_partial.clear();
    if (update.data.isEmpty())
        return false;
    QByteArray buffer = m_partial + update.data;
    const qsizetype last = buffer.lastIndexOf('\n');
    if (last < 0) {
        m_partial = buffer.right(64 * 1024); // a runaway line without newline stays bounded
        return false;
    }
    m_partial = buffer.mid(last + 1);
    buffer.truncate(last);
    bool changed = false;
    for (const QByteArray &line : buffer.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        if (apply(line))
            changed = true;
        else
            ++m_progress.badLines;
    }
    return changed;
}

} // namespace oa
