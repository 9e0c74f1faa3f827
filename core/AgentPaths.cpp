#include "AgentPaths.h"

#include <QDir>
#include <QFileInfo>
#include <QUuid>
#include <QtGlobal>

namespace oa {

QString AgentPaths::platformDefaultBaseDir()
{
#ifdef Q_OS_WIN
    QString programData = qEnvironmentVariable("ProgramData");
    if (programData.isEmpty())
        programData = QStringLiteral("C:/ProgramData");
    return QDir::cleanPath(QDir::fromNativeSeparators(programData) + QStringLiteral("/OpenAutomate/BotAgent"));
#else
    return QStringLiteral("/var/lib/openautomate/botagent");
#endif
}

QString AgentPaths::resolveBaseDir(const QString &commandLineValue)
{
    QString dir = commandLineValue;
    if (dir.isEmpty())
        dir = qEnvironmentVariable("OPENAUTOMATE_BOTAGENT_DIR");
    if (dir.isEmpty())
        dir = platformDefaultBaseDir();
    return QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
}

bool AgentPaths::isValidExecutionId(const QString &id)
{
    if (id.isEmpty() || id.size() > 128 || id == QLatin1String(".") || id == QLatin1String(".."))
        return false;
    for (const QChar c : id) {
        const char16_t u = c.unicode();
        const bool allowed = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
                             || u == '-' || u == '_' || u == '.';
        if (!allowed)
            return false;
    }
    return true;
}

AgentPaths::AgentPaths(const QString &baseDir) : m_base(QDir::cleanPath(baseDir)) {}

QString AgentPaths::locksDir() const { return m_base + QStringLiteral("/Locks"); }
QString AgentPaths::tasksDir() const { return m_base + QStringLiteral("/Tasks"); }
QString AgentPaths::venvsDir() const { return m_base + QStringLiteral("/venvs"); }
QString AgentPaths::tempRootDir() const { return m_base + QStringLiteral("/Temp"); }

QString AgentPaths::lockFile(const QString &id) const { return locksDir() + u'/' + id + QStringLiteral(".lock"); }
QString AgentPaths::runFile(const QString &id) const { return locksDir() + u'/' + id + QStringLiteral("@run"); }
QString AgentPaths::cancelRequestFile(const QString &id, const QString &token) const { return locksDir() + u'/' + cancelRequestPrefix(id) + token; }
QString AgentPaths::cancelRequestPrefix(const QString &id) { return id + QStringLiteral("@cancel-"); }
QString AgentPaths::scratchFile(const QString &id) const
{
    return locksDir() + u'/' + id + QStringLiteral("@tmp-") + QUuid::createUuid().toString(QUuid::Id128);
}

QString AgentPaths::executionIdOfLockFileName(const QString &name)
{
    if (!name.endsWith(QLatin1String(".lock")))
        return {};
    const QString id = name.chopped(5);
    return isValidExecutionId(id) ? id : QString();
}

QString AgentPaths::taskDir(const QString &id) const { return tasksDir() + u'/' + id; }
QString AgentPaths::venvDir(const QString &id) const { return venvsDir() + u'/' + id; }
QString AgentPaths::tempDir(const QString &id) const { return tempRootDir() + u'/' + id; }
QString AgentPaths::executionFile(const QString &id) const { return taskDir(id) + QStringLiteral("/execution.json"); }
QString AgentPaths::resultFile(const QString &id) const { return taskDir(id) + QStringLiteral("/result.json"); }
QString AgentPaths::executorLogFile(const QString &id) const { return taskDir(id) + QStringLiteral("/executor.log"); }
QString AgentPaths::outputLogFile(const QString &id) const { return taskDir(id) + QStringLiteral("/output.log"); }
QString AgentPaths::errorLogFile(const QString &id) const { return taskDir(id) + QStringLiteral("/error.log"); }
QString AgentPaths::pipLogFile(const QString &id) const { return taskDir(id) + QStringLiteral("/pip.log"); }

// Resolves the longest existing prefix of `path` through symlinks and appends the rest, so that
// a path that does not exist yet is judged by where its existing parent really is.
static QString resolveExistingPrefix(const QString &path)
{
    QString existing = QDir::cleanPath(path);
    QString rest;
    while (!existing.isEmpty()) {
        const QFileInfo info(existing);
        if (info.exists() || info.isSymLink()) {
            const QString canonical = info.canonicalFilePath();
            if (canonical.isEmpty())
                return QString(); // dangling symlink: cannot vouch for it
            return rest.isEmpty() ? canonical : canonical + u'/' + rest;
        }
        const qsizetype slash = existing.lastIndexOf(u'/');
        if (slash <= 0)
            return QDir::cleanPath(path);
        rest = rest.isEmpty() ? existing.mid(slash + 1) : existing.mid(slash + 1) + u'/' + rest;
        existing.truncate(slash);
    }
    return QString();
}

bool AgentPaths::isInside(const QString &path) const
{
    const QString base = resolveExistingPrefix(m_base);
    const QString target = resolveExistingPrefix(path);
    if (base.isEmpty() || target.isEmpty())
        return false;
    const QString prefix = base.endsWith(u'/') ? base : base + u'/';
    return target.startsWith(prefix) && target.size() > prefix.size();
}

Status AgentPaths::ensureDir(const QString &dir, ExitCode code) const
{
    if (!isInside(dir))
        return fail(code,
                    QStringLiteral("refusing to create %1: it resolves outside the agent folder %2").arg(dir, m_base));
    if (!QDir().mkpath(dir))
        return fail(code, QStringLiteral("cannot create folder %1").arg(dir));
    return ok();
}

} // namespace oa
