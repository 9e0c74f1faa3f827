#include "ThrowawayUser.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oatest {

namespace {

QString runTool(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return QStringLiteral("%1 %2 failed: %3%4")
            .arg(program, arguments.join(u' '), process.errorString(), QString::fromLocal8Bit(process.readAllStandardError()));
    return {};
}

} // namespace

ThrowawayUser::ThrowawayUser()
{
    if (::geteuid() != 0) {
        m_why = QStringLiteral("making a throwaway user needs root");
        return;
    }
    const QString suffix = QString::number(QCoreApplication::applicationPid());
    m_name = QStringLiteral("oa-run-") + suffix;
    m_group = QStringLiteral("oa-extra-") + suffix;
    m_why = runTool(QStringLiteral("groupadd"), {QStringLiteral("--system"), m_group});
    if (m_why.isEmpty())
        m_why = runTool(QStringLiteral("useradd"), {QStringLiteral("--system"), QStringLiteral("--user-group"), QStringLiteral("--no-create-home"),
                                                    QStringLiteral("--home-dir"), home(), QStringLiteral("--shell"),
                                                    QStringLiteral("/usr/sbin/nologin"), QStringLiteral("--groups"), m_group, m_name});
    if (!m_why.isEmpty())
        return;
    const QByteArray user = m_name.toLocal8Bit();
    const QByteArray group = m_group.toLocal8Bit();
    const passwd *entry = ::getpwnam(user.constData());
    const struct group *extra = ::getgrnam(group.constData());
    if (!entry || !extra) {
        m_why = QStringLiteral("useradd made %1, but it cannot be looked up").arg(m_name);
        return;
    }
    m_uid = entry->pw_uid;
    m_gid = entry->pw_gid;
    m_supplementaryGid = extra->gr_gid;
}

ThrowawayUser::~ThrowawayUser()
{
    if (m_name.isEmpty() || ::geteuid() != 0)
        return;
    runTool(QStringLiteral("userdel"), {m_name});
    runTool(QStringLiteral("groupdel"), {m_group});
}

void openToOthers(const QString &dir)
{
    for (QString at = QDir::cleanPath(dir); at != QStringLiteral("/") && !at.isEmpty(); at = QFileInfo(at).path()) {
        struct stat st;
        const QByteArray path = QFile::encodeName(at);
        if (::stat(path.constData(), &st) == 0 && (st.st_mode & S_IXOTH) == 0)
            ::chmod(path.constData(), (st.st_mode & 07777) | S_IXOTH | S_IROTH);
    }
}

} // namespace oatest
