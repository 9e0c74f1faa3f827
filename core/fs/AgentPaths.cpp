#include "AgentPaths.h"

#include <QDir>
#include <QFileInfo>
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
QString AgentPaths::quarantineDir() const { return tempRootDir() + QStringLiteral("/@quarantine"); }

QString AgentPaths::lockFile(const QString &id) const { return locksDir() + u'/' + id + QStringLiteral(".lock"); }
QString AgentPaths::runFile(const QString &id) const { return locksDir() + u'/' + id + QStringLiteral("@run"); }
QString AgentPaths::cancelRequestFile(const QString &id, const QString &token) const { return locksDir() + u'/' + cancelRequestPrefix(id) + token; }
QString AgentPaths::cancelRequestPrefix(const QString &id) { return id + QStringLiteral("@cancel-"); }

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
namespace {
const QString kResult = QStringLiteral("result.json");
const QString kStatus = QStringLiteral("status.json");
const QString kExecutorLog = QStringLiteral("executor.log");
const QString kOutputLog = QStringLiteral("output.log");
const QString kErrorLog = QStringLiteral("error.log");
const QString kPipLog = QStringLiteral("pip.log");
} // namespace

QString AgentPaths::previousDir(const QString &id) const { return taskDir(id) + QStringLiteral("/previous"); }

QString AgentPaths::runFolderName(int generation)
{
    if (generation <= 0)
        return {};
    return generation == 1 ? QStringLiteral("previous") : QStringLiteral("previous.%1").arg(generation);
}

int AgentPaths::generationOfName(const QString &name)
{
    if (name == QLatin1String("previous"))
        return 1;
    if (!name.startsWith(QLatin1String("previous.")) || name.size() < 10 || name.size() > 12)
        return 0;
    const QStringView digits = QStringView(name).mid(9);
    if (digits.front() == u'0')
        return 0;
    for (const QChar c : digits)
        if (c < u'0' || c > u'9')
            return 0;
    const int generation = digits.toInt();
    return generation >= 2 ? generation : 0;
}

QString AgentPaths::runDir(const QString &id, int generation) const
{
    return generation <= 0 ? taskDir(id) : taskDir(id) + u'/' + runFolderName(generation);
}

QStringList AgentPaths::runOutputNames() { return {kOutputLog, kErrorLog, kPipLog, kExecutorLog, kStatus, kResult}; }

QString AgentPaths::generationFile(const QString &id, const QString &name, Generation generation) const
{
    return runDir(id, int(generation)) + u'/' + name;
}

QString AgentPaths::resultFile(const QString &id, Generation g) const { return generationFile(id, kResult, g); }
QString AgentPaths::statusFile(const QString &id, Generation g) const { return generationFile(id, kStatus, g); }
QString AgentPaths::executorLogFile(const QString &id, Generation g) const { return generationFile(id, kExecutorLog, g); }
QString AgentPaths::outputLogFile(const QString &id, Generation g) const { return generationFile(id, kOutputLog, g); }
QString AgentPaths::errorLogFile(const QString &id, Generation g) const { return generationFile(id, kErrorLog, g); }
QString AgentPaths::pipLogFile(const QString &id, Generation g) const { return generationFile(id, kPipLog, g); }

Status AgentPaths::ensureDir(const QString &dir) const
{
    return folder().ensureDir(dir);
}

} // namespace oa
