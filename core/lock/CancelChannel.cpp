#include "CancelChannel.h"

#include "LockFiles.h"
#include "LockInspector.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUuid>

namespace oa {

CancelChannel::CancelChannel(const AgentPaths &paths, const QString &executionId)
    : m_paths(paths), m_id(executionId), m_token(QUuid::createUuid().toString(QUuid::Id128))
{
}

QString CancelChannel::requestPath() const
{
    return m_paths.cancelRequestFile(m_id, m_token);
}

Status CancelChannel::open(qint64 pid)
{
    m_open = true;
    // Requests addressed to earlier runs of this ID are void. Matched by exact, case-sensitive
    // prefix: a QDir name filter ignores case and would reach the requests of "JOB" too.
    const QString prefix = AgentPaths::cancelRequestPrefix(m_id);
    const AgentFolder folder = m_paths.folder();
    for (const AgentFolder::Entry &entry : folder.list(m_paths.locksDir())) {
        if (entry.name.startsWith(prefix))
            folder.removeFile(m_paths.locksDir() + u'/' + entry.name);
    }
    // Through the gatekeeper, never QSaveFile: that follows a symlink at the final name and
    // writes the target. A new file renamed into place replaces whatever was planted there.
    return lockfiles::writeReplacing(m_paths.runFile(m_id), QJsonDocument(QJsonObject{{QStringLiteral("Pid"), pid}, {QStringLiteral("RunToken"), m_token}})
                                         .toJson(QJsonDocument::Compact));
}

bool CancelChannel::requested() const
{
    return lockfiles::kindAt(requestPath()) != lockfiles::Kind::Missing;
}

void CancelChannel::acknowledge()
{
    m_paths.folder().removeFile(requestPath());
}

void CancelChannel::close()
{
    // Only the run that opened the channel (and so holds the lock) owns these files: a launch
    // refused with exit 2 must not remove the running execution's run file or its request.
    if (!m_open)
        return;
    m_open = false;
    m_paths.folder().removeFile(requestPath());
    m_paths.folder().removeFile(m_paths.runFile(m_id));
}

Result<QString> CancelChannel::request(const AgentPaths &paths, const QString &executionId)
{
    if (!AgentPaths::isValidExecutionId(executionId))
        return fail(ErrorKind::BadArgument, QStringLiteral("invalid execution ID \"%1\"").arg(executionId));
    const auto lock = LockInspector(paths).lock(executionId);
    if (!lock || lock->verdict == LockVerdict::Orphaned)
        return fail(ErrorKind::NotFound, QStringLiteral("%1 is not running").arg(executionId));
    if (lock->verdict != LockVerdict::Live)
        return fail(ErrorKind::Busy, QStringLiteral("%1 is locked by %2 on host \"%3\"; it can only be cancelled there")
                                                  .arg(executionId, QString::number(lock->info.pid), lock->info.hostName));
    const QString run = paths.runFile(executionId);
    // Read without blocking or following a symlink: a FIFO planted there must not hang --cancel.
    const auto runContent = lockfiles::readRegular(run, 64 * 1024);
    const QJsonDocument runDocument = runContent ? QJsonDocument::fromJson(runContent->data) : QJsonDocument();
    if (!runDocument.isObject())
        return fail(ErrorKind::NotFound, QStringLiteral("%1 is locked but not running an execution yet; try again").arg(executionId));
    const QJsonObject info = runDocument.object();
    const QString token = info.value(QStringLiteral("RunToken")).toString();
    // The token becomes part of a file name: only the form the executor writes is accepted, so a
    // planted @run file cannot aim the request anywhere else.
    static const QRegularExpression tokenForm(QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{32}"))); // '$' would let a final "\n" through
    if (info.value(QStringLiteral("Pid")).toInteger() != lock->info.pid || !tokenForm.match(token).hasMatch())
        return fail(ErrorKind::NotFound, QStringLiteral("%1: the lock holder (PID %2) is not the run that %3 describes")
                                                .arg(executionId).arg(lock->info.pid).arg(run));
    const QString path = paths.cancelRequestFile(executionId, token);
    if (Status written = lockfiles::writeReplacing(path, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8());
        !written)
        return written.error();
    return path;
}

} // namespace oa
