#include "InstallReport.h"

#include "base/Digest.h"
#include "fs/AgentFolder.h"
#include "fs/JsonFile.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>
#include <QVersionNumber>

#include <algorithm>
#include <utility>
#include <cerrno>

#include <unistd.h>

namespace oa {

namespace {

bool isSha256(const QString &hex)
{
    // anchoredPattern, not ^…$: in QRegularExpression '$' also matches before a final "\n".
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{64}")));
    return pattern.match(hex).hasMatch();
}

// pip ≥ 23.0 gives "hashes": {"sha256": …}; 22.2 to 23.0 only "hash": "sha256=…" (and only when
// it knew one). Another algorithm alone is no sha256.
QString sha256Of(const QJsonObject &archiveInfo)
{
    const QString fromHashes = archiveInfo.value(QStringLiteral("hashes")).toObject().value(QStringLiteral("sha256")).toString().toLower();
    if (isSha256(fromHashes))
        return fromHashes;
    const QString hash = archiveInfo.value(QStringLiteral("hash")).toString();
    if (hash.startsWith(QLatin1String("sha256=")) && isSha256(hash.mid(7).toLower()))
        return hash.mid(7).toLower();
    return {};
}


} // namespace


bool InstallReport::pipSupportsReport(const QString &pipVersion)
{
    const QVersionNumber version = QVersionNumber::fromString(pipVersion);
    return !version.isNull() && version >= QVersionNumber(22, 2);
}

Result<QStringList> InstallReport::pipArguments(const QString &pipVersion, const QString &reportFile)
{
    if (pipSupportsReport(pipVersion))
        return QStringList{QStringLiteral("--report"), reportFile};
    return fail(ErrorKind::Install,
                pipVersion.isEmpty() ? QStringLiteral("the version of pip is not known, and only pip 22.2 or later writes an installation report")
                                     : QStringLiteral("pip %1 is older than 22.2, the first pip that writes an installation report (--report)").arg(pipVersion));
}

QString InstallReport::normalizeName(const QString &name)
{
    static const QRegularExpression separators(QStringLiteral("[-_.]+"));
    return name.trimmed().toLower().replace(separators, QStringLiteral("-"));
}

QString InstallReport::sourceOf(const QString &url)
{
    const QUrl parsed(url);
    if (parsed.isLocalFile())
        return QFileInfo(parsed.toLocalFile()).path();
    if (parsed.scheme().startsWith(QLatin1String("http")))
        return parsed.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
    return parsed.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

Result<QList<InstalledDistribution>> InstallReport::parse(const QByteArray &json)
{
    const auto root = parseJsonObject(json);
    if (!root)
        return fail(ErrorKind::Install, QStringLiteral("the report is not a JSON object: %1").arg(root.error().message));
    const QString version = root->value(QStringLiteral("version")).toString();
    // Version 0 was 22.2's experimental format and 1 the stable one since 23.0; the fields read
    // here are the same in both. A later major version may have moved them.
    if (version != QLatin1String("0") && version != QLatin1String("1"))
        return fail(ErrorKind::Install, QStringLiteral("the report's version \"%1\" is not 0 or 1").arg(version));
    const QJsonValue install = root->value(QStringLiteral("install"));
    if (!install.isArray())
        return fail(ErrorKind::Install, QStringLiteral("the report has no \"install\" list"));
    QList<InstalledDistribution> installed;
    const QJsonArray items = install.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject item = items.at(i).toObject();
        const QJsonObject metadata = item.value(QStringLiteral("metadata")).toObject();
        const QJsonObject download = item.value(QStringLiteral("download_info")).toObject();
        InstalledDistribution d;
        d.name = metadata.value(QStringLiteral("name")).toString();
        d.version = metadata.value(QStringLiteral("version")).toString();
        if (d.name.isEmpty() || d.version.isEmpty())
            return fail(ErrorKind::Install, QStringLiteral("install[%1] has no metadata name and version").arg(i));
        // pip redacts credentials itself; removed here again, since they must never reach a record.
        d.url = QUrl(download.value(QStringLiteral("url")).toString()).adjusted(QUrl::RemoveUserInfo).toString();
        if (d.url.isEmpty())
            return fail(ErrorKind::Install, QStringLiteral("install[%1] (%2) has no download_info url").arg(i).arg(d.name));
        d.requested = item.value(QStringLiteral("requested")).toBool();
        d.direct = item.value(QStringLiteral("is_direct")).toBool();
        d.source = sourceOf(d.url);
        if (download.contains(QStringLiteral("vcs_info"))) {
            // A checkout: the commit is what was installed, and it belongs with the URL.
            const QString commit = download.value(QStringLiteral("vcs_info")).toObject().value(QStringLiteral("commit_id")).toString();
            d.source = commit.isEmpty() ? d.url : d.url + u'@' + commit;
        } else if (download.contains(QStringLiteral("dir_info"))) {
            d.source = QUrl(d.url).isLocalFile() ? QUrl(d.url).toLocalFile() : d.url; // a project folder: no archive, no hash
        } else {
            d.file = QFileInfo(QUrl(d.url).path()).fileName();
            d.sha256 = sha256Of(download.value(QStringLiteral("archive_info")).toObject());
        }
        installed.append(d);
    }
    return installed;
}

void InstallReport::fillMissingHashes(QList<InstalledDistribution> &installed, const QStringList &allowedFolders)
{
    for (InstalledDistribution &d : installed) {
        const QUrl url(d.url);
        if (!d.sha256.isEmpty() || d.file.isEmpty() || !url.isLocalFile())
            continue;
        const QString folderPath = QDir::cleanPath(QFileInfo(url.toLocalFile()).path());
        if (!allowedFolders.contains(folderPath))
            continue;
        // Walked from the folder with O_NOFOLLOW: the file itself must be a regular file there,
        // never a link to elsewhere, never a FIFO. It is the file as it is now; pip read it a
        // moment ago, and a wheel folder is the administrator's.
        const auto fd = AgentFolder(folderPath).openForReading(folderPath + u'/' + d.file);
        if (fd)
            d.sha256 = sha256OfOpenFile(fd->get());
    }
}

Provenance InstallReport::read(const AgentFolder &folder, const QString &reportFile, const std::function<QStringList()> &allowedFolders,
                                int outlivedBy)
{
    Provenance provenance;
    if (outlivedBy > 0) {
        provenance.unavailable = QStringLiteral("%1 process(es) that pip started (build code, most likely) were still running when "
                                                "pip exited, and could have rewritten its installation report before it was read; "
                                                "what it says is not taken for what was installed").arg(outlivedBy);
        return provenance;
    }
    const auto content = folder.readFile(reportFile, kMaxReportBytes);
    if (!content) {
        provenance.unavailable = QStringLiteral("pip's installation report cannot be read: %1").arg(content.error().message);
        return provenance;
    }
    auto parsed = parse(content.value());
    if (!parsed) {
        provenance.unavailable = QStringLiteral("pip's installation report %1 is not usable: %2").arg(reportFile, parsed.error().message);
        return provenance;
    }
    provenance.installed = std::move(parsed).value();
    const bool missing = std::any_of(provenance.installed.cbegin(), provenance.installed.cend(),
                                     [](const InstalledDistribution &d) { return d.sha256.isEmpty() && !d.file.isEmpty(); });
    if (missing && allowedFolders)
        fillMissingHashes(provenance.installed, allowedFolders());
    return provenance;
}

QString InstallReport::sha256OfOpenFile(int fd)
{
    Digest hash(QCryptographicHash::Sha256);
    QByteArray buffer(1024 * 1024, Qt::Uninitialized);
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), size_t(buffer.size()));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return {};
        if (n == 0)
            break;
        hash.addData(QByteArrayView(buffer.constData(), n));
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace oa
