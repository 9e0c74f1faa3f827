#include "ResolvedSet.h"

#include "wheel/WheelNames.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>

namespace oa {

ResolvedSet ResolvedSet::fromReport(const Provenance &report, const QStringList &wheelFolders)
{
    ResolvedSet set;
    const auto refuse = [&set](const QString &why) {
        set.wheels.clear();
        set.sdists.clear();
        set.notStorable = why;
        return set;
    };
    if (!report.unavailable.isEmpty())
        return refuse(QStringLiteral("pip's report of the resolution is not believed: %1").arg(report.unavailable));
    if (report.installed.isEmpty())
        return refuse(QStringLiteral("pip resolved the set to nothing"));
    QStringList folders;
    for (const QString &folder : wheelFolders)
        folders.append(QDir::cleanPath(folder));
    for (const InstalledDistribution &d : report.installed) {
        const QString what = QStringLiteral("%1 %2").arg(d.name, d.version);
        if (d.direct)
            return refuse(QStringLiteral("%1 is a direct reference (%2)").arg(what, d.url));
        if (d.file.isEmpty())
            return refuse(QStringLiteral("%1 is a project folder or a checkout (%2), which pip builds").arg(what, d.url));
        const auto wheel = WheelFileName::parse(d.file);
        const bool sdist = !wheel && isSdistName(d.file);
        if (!wheel && !sdist)
            return refuse(QStringLiteral("%1 resolves to %2, neither a wheel nor a source distribution the store builds "
                                         "(.tar.gz or .zip), which pip installs")
                              .arg(what, d.file));
        if (wheel && (canonicalProjectName(wheel->name) != canonicalProjectName(d.name) || wheel->version != d.version))
            return refuse(QStringLiteral("%1 resolves to the wheel %2 of another name or version").arg(what, d.file));
        // Where the file is: the same rules for a wheel and an sdist.
        const QUrl url(d.url);
        QString path;
        if (url.isLocalFile()) {
            path = QDir::cleanPath(url.toLocalFile());
            if (!folders.contains(QFileInfo(path).path()))
                return refuse(QStringLiteral("%1 comes from %2, which is in no configured wheel folder").arg(what, path));
            if (d.sha256.isEmpty())
                return refuse(QStringLiteral("the sha256 of %1 is not known").arg(path));
        } else if (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http")) {
            if (d.sha256.isEmpty())
                return refuse(QStringLiteral("pip's report gives no sha256 for %1 (%2), so a download could not be checked").arg(what, d.url));
        } else {
            return refuse(QStringLiteral("%1 comes from %2, which the store does not download").arg(what, d.url));
        }
        if (sdist)
            set.sdists.append(ResolvedSdist{d.name, d.version, d.sha256, path, d.url, d.file});
        else
            set.wheels.append(PinnedWheel{d.name, d.version, d.sha256, path, d.url});
    }
    set.provenance = report.installed;
    return set;
}

bool ResolvedSet::needsDownload() const
{
    return std::any_of(wheels.cbegin(), wheels.cend(), [](const PinnedWheel &w) { return w.path.isEmpty(); });
}

QByteArray ResolvedSet::downloadRequirements() const
{
    QByteArray text;
    for (const PinnedWheel &w : wheels)
        if (w.path.isEmpty())
            text += QStringLiteral("%1==%2 --hash=sha256:%3\n").arg(canonicalProjectName(w.name), w.version, w.sha256).toUtf8();
    return text;
}

bool ResolvedSet::isSdistName(const QString &fileName)
{
    // The forms pip builds that PEP 625 and its predecessors name; no path, and a name before
    // the extension.
    if (fileName.contains(u'/') || fileName.startsWith(u'.'))
        return false;
    return fileName.endsWith(QLatin1String(".tar.gz")) || fileName.endsWith(QLatin1String(".zip"));
}

QString ResolvedSet::downloadedName(const PinnedWheel &wheel)
{
    return QFileInfo(QUrl(wheel.url).path(QUrl::FullyDecoded)).fileName();
}

} // namespace oa
