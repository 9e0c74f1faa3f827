#include "StoreFolder.h"

#include "fs/JsonFile.h"
#include "fs/OpenFolder.h"
#include "InstallReport.h"
#include "PythonInterpreter.h"
#include "wheel/DistInfoFiles.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cerrno>

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
const QString kStoreBytecode = QStringLiteral("Bytecode");
const QString kStoreCompiling = QStringLiteral("Compiling");
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
    QJsonObject json{{kStoreName, d.name},     {kStoreVersion, d.version},
                           {kStoreSha256, d.sha256}, {kStoreFile, d.file},
                           {kStoreUrl, d.url},       {kStoreSource, d.source},
                           {kStorePython, d.python}, {kStoreSitePackages, d.sitePackages.mid(d.dir.size() + 1)},
                           {kStoreSizeBytes, d.sizeBytes}, {kStoreBytecode, QJsonArray::fromStringList(d.bytecode)}};
    if (!d.compiling.isEmpty())
        json.insert(kStoreCompiling, d.compiling);
    return folder.writeAtomically(buildDir + u'/' + QLatin1String(kMarkerFile), QJsonDocument(json).toJson());
}

QString StoreFolder::foreignFolder(const OpenFolder &folder)
{
    struct stat st {};
    if (::fstat(folder.fd(), &st) != 0)
        return QStringLiteral("%1 cannot be examined").arg(folder.path());
    if (st.st_uid != ::geteuid())
        return QStringLiteral("%1 is owned by uid %2, not by the executor's user").arg(folder.path()).arg(st.st_uid);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return QStringLiteral("%1 may be written by its group or others (mode %2)").arg(folder.path()).arg(st.st_mode & 07777, 0, 8);
    return {};
}

std::optional<OpenFolder> StoreFolder::openStore(const AgentFolder &folder, const QString &storeDir, QString &problem)
{
    if (folder.kindOf(storeDir) == AgentFolder::Kind::Missing)
        return std::nullopt; // nothing stored yet
    auto store = OpenFolder::open(folder, storeDir);
    if (!store) {
        problem = store.error().message;
        return std::nullopt;
    }
    return std::move(store).value();
}

StoreFolder::Reading StoreFolder::read(const AgentFolder &folder, const QString &storeDir, const QString &name, const QString &version,
                                       const QString &sha256)
{
    Reading reading;
    const auto store = openStore(folder, storeDir, reading.problem);
    return store ? read(*store, name, version, sha256) : reading;
}

StoreFolder::Reading StoreFolder::readPublished(const AgentFolder &folder, const QString &storeDir, const QString &folderName)
{
    Reading reading;
    const auto store = openStore(folder, storeDir, reading.problem);
    return store ? readPublished(*store, folderName) : reading;
}

StoreFolder::Reading StoreFolder::read(const OpenFolder &store, const QString &name, const QString &version, const QString &sha256)
{
    // One open descriptor per folder, each name one openat(O_NOFOLLOW) below the last: a listing
    // or a prune reads every folder of the store, and a walk from the base per check costs ten
    // times as much.
    Reading reading;
    const auto implausible = [&](const QString &why) {
        reading.problem = why;
        return reading;
    };
    StoredDistribution d;
    d.folderName = nameFor(name, version, sha256);
    d.dir = store.pathOf(d.folderName);
    const AgentFolder::Kind kind = store.kindOf(d.folderName);
    if (kind == AgentFolder::Kind::Missing)
        return reading;
    if (kind != AgentFolder::Kind::Directory)
        return implausible(QStringLiteral("it is %1, not a folder").arg(AgentFolder::kindName(kind)));
    auto dir = store.folder(d.folderName);
    if (!dir)
        return dir.error().systemError == ENOENT ? reading : implausible(dir.error().message);
    if (const QString foreign = foreignFolder(*dir); !foreign.isEmpty())
        return implausible(foreign);
    // The marker comes last in a build: a folder without one was never finished.
    const auto bytes = dir->readOwnFile(QLatin1String(kMarkerFile), kMaxMarkerBytes);
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
    // lib/, pythonX.Y/, site-packages/ and the dist-info, each a real folder, never a link.
    std::optional<OpenFolder> inner = std::move(dir).value();
    QStringList steps = site.split(u'/');
    steps.append(d.name + u'-' + d.version + QStringLiteral(".dist-info"));
    for (qsizetype i = 0; i < steps.size(); ++i) {
        auto next = inner->folder(steps.at(i));
        if (!next)
            return implausible(QStringLiteral("%1 is not a folder").arg(inner->pathOf(steps.at(i))));
        inner = std::move(next).value();
        // The layout's own folders (lib/, pythonX.Y/) are the installer's; site-packages and the
        // dist-info decide what is imported and what metadata says.
        if (i >= 2)
            if (const QString foreign = foreignFolder(*inner); !foreign.isEmpty())
                return implausible(foreign);
    }
    const QString distInfo = inner->path();
    const auto metadataBytes = inner->readOwnFile(QStringLiteral("METADATA"), kMaxStoredMetadataBytes);
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
    // Cache tags only: they name files the next compile writes, and say what it may skip.
    if (json->contains(kStoreBytecode) && !json->value(kStoreBytecode).isArray())
        return implausible(QStringLiteral("its marker's %1 is not a list").arg(kStoreBytecode));
    for (const QJsonValue &tag : json->value(kStoreBytecode).toArray()) {
        if (!PythonInterpreter::isCacheTag(tag.toString()))
            return implausible(QStringLiteral("its marker's %1 lists \"%2\", which is not a cache tag").arg(kStoreBytecode, tag.toString()));
        d.bytecode.append(tag.toString());
    }
    if (json->contains(kStoreCompiling)) {
        d.compiling = json->value(kStoreCompiling).toString();
        if (!PythonInterpreter::isCacheTag(d.compiling))
            return implausible(QStringLiteral("its marker's %1 \"%2\" is not a cache tag").arg(kStoreCompiling, d.compiling));
    }
    d.reused = true;
    reading.distribution = d;
    return reading;
}

StoreFolder::Reading StoreFolder::readPublished(const OpenFolder &store, const QString &folderName)
{
    Reading reading;
    const AgentFolder::Kind kind = store.kindOf(folderName);
    if (kind == AgentFolder::Kind::Missing)
        return reading;
    if (kind != AgentFolder::Kind::Directory) {
        reading.problem = QStringLiteral("it is %1, not a folder").arg(AgentFolder::kindName(kind));
        return reading;
    }
    const auto dir = store.folder(folderName);
    const auto bytes = dir ? dir->readOwnFile(QLatin1String(kMarkerFile), kMaxMarkerBytes) : Result<QByteArray>(dir.error());
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
    return read(store, name, version, sha256);
}

} // namespace oa
