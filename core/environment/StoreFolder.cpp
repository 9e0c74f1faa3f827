#include "StoreFolder.h"

#include "fs/JsonFile.h"
#include "InstallReport.h"
#include "wheel/DistInfoFiles.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

const QString kStoreName = QStringLiteral("Name");
const QString kStoreVersion = QStringLiteral("Version");
const QString kStoreSha256 = QStringLiteral("Sha256");
const QString kStoreFile = QStringLiteral("File");
const QString kStoreUrl = QStringLiteral("Url");
const QString kStoreSource = QStringLiteral("Source");
const QString kStorePython = QStringLiteral("Python");
const QString kStoreSitePackages = QStringLiteral("SitePackages");
const QString kStoreSizeBytes = QStringLiteral("SizeBytes");
// A marker is a few hundred bytes; METADATA's headers come before its long description.
constexpr qint64 kMaxMarkerBytes = 64 * 1024;
constexpr qint64 kMaxStoredMetadataBytes = 16 * 1024 * 1024;

} // namespace

QString StoreFolder::nameFor(const QString &name, const QString &version, const QString &sha256)
{
    return QStringLiteral("%1-%2-%3").arg(InstallReport::normalizeName(name), version, sha256.left(16).toLower());
}

Status StoreFolder::writeMarker(const AgentFolder &folder, const QString &buildDir, const StoredDistribution &d)
{
    const QJsonObject json{{kStoreName, d.name},     {kStoreVersion, d.version},
                           {kStoreSha256, d.sha256}, {kStoreFile, d.file},
                           {kStoreUrl, d.url},       {kStoreSource, d.source},
                           {kStorePython, d.python}, {kStoreSitePackages, d.sitePackages.mid(d.dir.size() + 1)},
                           {kStoreSizeBytes, d.sizeBytes}};
    return folder.writeAtomically(buildDir + u'/' + QLatin1String(kMarkerFile), QJsonDocument(json).toJson());
}

QString StoreFolder::foreignFolder(const AgentFolder &folder, const QString &path)
{
    const auto fd = folder.openDir(path);
    if (!fd)
        return fd.error().message;
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0)
        return QStringLiteral("%1 cannot be examined").arg(path);
    if (st.st_uid != ::geteuid())
        return QStringLiteral("%1 is owned by uid %2, not by the executor's user").arg(path).arg(st.st_uid);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return QStringLiteral("%1 may be written by its group or others (mode %2)").arg(path).arg(st.st_mode & 07777, 0, 8);
    return {};
}

StoreFolder::Reading StoreFolder::read(const AgentFolder &folder, const QString &storeDir, const QString &name, const QString &version,
                                       const QString &sha256)
{
    Reading reading;
    const auto implausible = [&](const QString &why) {
        reading.problem = why;
        return reading;
    };
    StoredDistribution d;
    d.folderName = nameFor(name, version, sha256);
    d.dir = storeDir + u'/' + d.folderName;
    const AgentFolder::Kind kind = folder.kindOf(d.dir);
    if (kind == AgentFolder::Kind::Missing)
        return reading;
    if (kind != AgentFolder::Kind::Directory)
        return implausible(QStringLiteral("it is %1, not a folder").arg(AgentFolder::kindName(kind)));
    if (const QString foreign = foreignFolder(folder, d.dir); !foreign.isEmpty())
        return implausible(foreign);
    // The marker comes last in a build: a folder without one was never finished.
    const QString markerPath = d.dir + u'/' + QLatin1String(kMarkerFile);
    const auto bytes = folder.readOwnFile(markerPath, kMaxMarkerBytes);
    if (!bytes)
        return implausible(QStringLiteral("its marker %1: %2").arg(QLatin1String(kMarkerFile), bytes.error().message));
    const auto json = parseJsonObject(*bytes);
    if (!json)
        return implausible(QStringLiteral("its marker %1: %2").arg(QLatin1String(kMarkerFile), json.error().message));
    d.name = json->value(kStoreName).toString();
    d.version = json->value(kStoreVersion).toString();
    d.sha256 = json->value(kStoreSha256).toString();
    if (d.sha256 != sha256.toLower())
        return implausible(QStringLiteral("its marker names the wheel sha256 %1, not %2").arg(d.sha256, sha256.toLower()));
    if (InstallReport::normalizeName(d.name) != InstallReport::normalizeName(name) || d.version != version)
        return implausible(QStringLiteral("its marker names %1 %2, not %3 %4").arg(d.name, d.version, name, version));
    // Anchored at the true end, and nothing a marker says may lead anywhere else.
    static const QRegularExpression layout(QRegularExpression::anchoredPattern(QStringLiteral("lib/python[0-9]{1,2}\\.[0-9]{1,3}/site-packages")));
    const QString site = json->value(kStoreSitePackages).toString();
    if (!layout.match(site).hasMatch())
        return implausible(QStringLiteral("its marker's %1 \"%2\" is not lib/pythonX.Y/site-packages").arg(kStoreSitePackages, site));
    d.sitePackages = d.dir + u'/' + site;
    const QString distInfo = d.sitePackages + u'/' + d.name + u'-' + d.version + QStringLiteral(".dist-info");
    for (const QString &inner : {d.sitePackages, distInfo}) {
        if (folder.kindOf(inner) != AgentFolder::Kind::Directory)
            return implausible(QStringLiteral("%1 is not a folder").arg(inner));
        if (const QString foreign = foreignFolder(folder, inner); !foreign.isEmpty())
            return implausible(foreign);
    }
    const auto metadataBytes = folder.readOwnFile(distInfo + QStringLiteral("/METADATA"), kMaxStoredMetadataBytes);
    if (!metadataBytes)
        return implausible(metadataBytes.error().message);
    const auto metadata = MetadataFile::parse(*metadataBytes, distInfo + QStringLiteral("/METADATA"));
    if (!metadata)
        return implausible(metadata.error().message);
    if (InstallReport::normalizeName(metadata->name) != InstallReport::normalizeName(name) || metadata->version != version)
        return implausible(QStringLiteral("its METADATA names %1 %2, not %3 %4").arg(metadata->name, metadata->version, name, version));
    d.file = json->value(kStoreFile).toString();
    d.url = json->value(kStoreUrl).toString();
    d.source = json->value(kStoreSource).toString();
    d.python = json->value(kStorePython).toString();
    d.sizeBytes = json->value(kStoreSizeBytes).toInteger();
    d.reused = true;
    reading.distribution = d;
    return reading;
}

StoreFolder::Reading StoreFolder::readPublished(const AgentFolder &folder, const QString &storeDir, const QString &folderName)
{
    Reading reading;
    const QString dir = storeDir + u'/' + folderName;
    const AgentFolder::Kind kind = folder.kindOf(dir);
    if (kind == AgentFolder::Kind::Missing)
        return reading;
    if (kind != AgentFolder::Kind::Directory) {
        reading.problem = QStringLiteral("it is %1, not a folder").arg(AgentFolder::kindName(kind));
        return reading;
    }
    const auto bytes = folder.readOwnFile(dir + u'/' + QLatin1String(kMarkerFile), kMaxMarkerBytes);
    const auto json = bytes ? parseJsonObject(*bytes) : Result<QJsonObject>(bytes.error());
    if (!json) {
        reading.problem = QStringLiteral("its marker %1: %2").arg(QLatin1String(kMarkerFile), json.error().message);
        return reading;
    }
    const QString name = json->value(kStoreName).toString();
    const QString version = json->value(kStoreVersion).toString();
    const QString sha256 = json->value(kStoreSha256).toString();
    if (name.isEmpty() || version.isEmpty() || sha256.size() != 64 || nameFor(name, version, sha256) != folderName) {
        reading.problem = QStringLiteral("its marker names %1 %2 (sha256 %3), whose folder is not %4").arg(name, version, sha256, folderName);
        return reading;
    }
    return read(folder, storeDir, name, version, sha256);
}

} // namespace oa
