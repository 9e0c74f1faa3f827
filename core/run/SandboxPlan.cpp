#include "SandboxPlan.h"

#include <QDir>
#include <QFileInfo>
#include <QMap>
#include <QRegularExpression>
#include <QUrl>

namespace oa {

SandboxPlan::SandboxPlan(SandboxMechanism mechanism, NetworkAccess network, QString bubblewrap)
    : m_mechanism(mechanism), m_network(network), m_bubblewrap(std::move(bubblewrap))
{
}

QString SandboxPlan::applyTaskNetwork(const QString &asked)
{
    if (asked == u"none") {
        m_network = NetworkAccess::None;
        return {};
    }
    if (asked == u"host" && m_network == NetworkAccess::None)
        return QStringLiteral("execution.json: Network \"host\" is more than the administrator's Network = none (executor.conf) "
                              "allows; the script runs without network");
    return {};
}

Status SandboxPlan::check(const std::shared_ptr<const ProcessCredentials> &credentials)
{
    if (m_mechanism == SandboxMechanism::None)
        return ok();
    return probeBubblewrap(m_bubblewrap, credentials);
}

QStringList SandboxPlan::interpreterPaths(const QString &executable)
{
    const QString real = QFileInfo(executable).canonicalFilePath();
    if (real.isEmpty())
        return {};
    QDir prefix = QFileInfo(real).absoluteDir(); // <prefix>/bin
    if (!prefix.cdUp())
        return {};
    const QString path = prefix.absolutePath();
    for (const QString &system : systemReadOnlyPaths())
        if (path == system || path.startsWith(system + u'/'))
            return {};
    return {path};
}

namespace {

QStringList existing(const QStringList &paths)
{
    QStringList result;
    for (const QString &path : paths)
        if (!path.isEmpty() && QFileInfo::exists(path) && !result.contains(path))
            result.append(path);
    return result;
}

} // namespace

std::optional<SandboxSpec> SandboxPlan::forScript(const QStringList &readOnly, const QStringList &writable, const QString &workingDirectory) const
{
    if (m_mechanism == SandboxMechanism::None)
        return std::nullopt;
    SandboxSpec spec;
    spec.bubblewrap = m_bubblewrap;
    spec.readOnly = existing(readOnly);
    spec.writable = existing(writable);
    spec.network = m_network;
    spec.workingDirectory = workingDirectory;
    return spec;
}

std::optional<SandboxSpec> SandboxPlan::forPip(const QStringList &readOnly, const QStringList &writable, const QString &workingDirectory) const
{
    std::optional<SandboxSpec> spec = forScript(readOnly, writable, workingDirectory);
    if (spec)
        spec->network = NetworkAccess::Host;
    return spec;
}

QStringList SandboxPlan::pathsNamedIn(const QMap<QString, QString> &variables)
{
    QStringList paths;
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    for (const QString &value : variables)
        for (QString word : value.split(separators, Qt::SkipEmptyParts)) {
            if (word.startsWith(QLatin1String("file:")))
                word = QUrl(word).toLocalFile();
            if (QDir::isAbsolutePath(word) && QFileInfo::exists(word))
                paths.append(QDir::cleanPath(word));
        }
    return existing(paths);
}

} // namespace oa
