#include "CacheEntryFile.h"

#include "EnvironmentKey.h"
#include "fs/JsonFile.h"
#include "StoreFolder.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace oa {

namespace {

// The names in an entry's folder and the fields of its entry.json, for writer and reader alike.
const QString kMetadataFile = QStringLiteral("entry.json");
const QString kCompleteFile = QStringLiteral("COMPLETE");
const QString kSitePackages = QStringLiteral("site-packages");
const QString kUsedSuffix = QStringLiteral(".used");
const QString kKey = QStringLiteral("Key");
const QString kInputs = QStringLiteral("Inputs");
const QString kPipFreeze = QStringLiteral("PipFreeze");
const QString kCreatedAt = QStringLiteral("CreatedAt");
const QString kSizeBytes = QStringLiteral("SizeBytes");
const QString kInterpreter = QStringLiteral("Interpreter");
const QString kProvenance = QStringLiteral("Provenance");
const QString kProvenanceUnavailable = QStringLiteral("ProvenanceUnavailable");
const QString kStoreFolders = QStringLiteral("StoreFolders");
const QString kPip = QStringLiteral("Pip");
const QString kVersion = QStringLiteral("Version");
const QString kSha256 = QStringLiteral("Sha256");

QString timestamp(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

// pip's name in a freeze: "pip==23.0.1".
bool isPip(const QString &pinned)
{
    return pinned.section(QStringLiteral("=="), 0, 0).trimmed().compare(QLatin1String("pip"), Qt::CaseInsensitive) == 0;
}

} // namespace

QString CacheEntry::pipFolder() const
{
    return pipSha256.isEmpty() ? QString() : StoreFolder::nameFor(QStringLiteral("pip"), pipVersion, pipSha256);
}

QString CacheEntryFile::nameFor(const QString &key, const QDateTime &createdAt)
{
    return QStringLiteral("%1-%2").arg(key).arg(createdAt.toMSecsSinceEpoch());
}

QString CacheEntryFile::usedMarkerOf(const QString &entryDir)
{
    return entryDir + kUsedSuffix;
}

bool CacheEntryFile::isUsedMarker(const QString &fileName)
{
    return fileName.endsWith(kUsedSuffix);
}

CacheEntry CacheEntryFile::make(const QString &key, const QString &entriesDir)
{
    CacheEntry entry;
    entry.key = key;
    entry.createdAt = QDateTime::currentDateTimeUtc();
    entry.name = nameFor(key, entry.createdAt);
    entry.dir = entriesDir + u'/' + entry.name;
    entry.sitePackages = entry.dir + u'/' + kSitePackages;
    return entry;
}

Status CacheEntryFile::write(const AgentFolder &folder, const QString &buildDir, const CacheEntry &entry, const QString &interpreter)
{
    QJsonObject json{{kKey, entry.key},
                           {kInputs, entry.inputs},
                           {kPipFreeze, QJsonArray::fromStringList(entry.freeze)},
                           {kCreatedAt, timestamp(entry.createdAt)},
                           {kSizeBytes, entry.sizeBytes},
                           {kInterpreter, interpreter}};
    if (entry.provenance.unavailable.isEmpty())
        json.insert(kProvenance, entry.provenance.toJson());
    else
        json.insert(kProvenanceUnavailable, entry.provenance.unavailable);
    if (!entry.storeFolders.isEmpty())
        json.insert(kStoreFolders, QJsonArray::fromStringList(entry.storeFolders));
    if (!entry.pipSha256.isEmpty())
        json.insert(kPip, QJsonObject{{kVersion, entry.pipVersion}, {kSha256, entry.pipSha256}});
    if (Status written = folder.writeAtomically(buildDir + u'/' + kMetadataFile, QJsonDocument(json).toJson()); !written)
        return written;
    return folder.writeAtomically(buildDir + u'/' + kCompleteFile, timestamp(entry.createdAt).toUtf8());
}

CacheEntryFile::Reading CacheEntryFile::read(const AgentFolder &folder, const QString &entriesDir, const QString &name)
{
    // Anyone who can run a script may have written into entries/. An entry is used only if
    // everything about it is what a build writes: anything else could make every later run
    // load planted packages, or stay for ever.
    Reading reading;
    const auto implausible = [&](const QString &why) {
        reading.problem = why;
        return reading;
    };
    const QString dir = entriesDir + u'/' + name;
    const AgentFolder::Kind kind = folder.kindOf(dir);
    if (kind == AgentFolder::Kind::Missing)
        return reading; // evicted since the folder was listed
    if (kind != AgentFolder::Kind::Directory)
        return implausible(QStringLiteral("it is %1, not a folder").arg(AgentFolder::kindName(kind)));
    // Anchored at the true end: with '$', a planted folder "<key>-1\n" would pass.
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(QStringLiteral("([0-9a-f]{%1})-([0-9]{1,15})").arg(EnvironmentKey::kDigestLength)));
    const QRegularExpressionMatch parts = pattern.match(name);
    if (!parts.hasMatch())
        return implausible(QStringLiteral("its name is not {key}-{creation time in ms}"));
    if (const AgentFolder::Kind complete = folder.kindOf(dir + u'/' + kCompleteFile); complete != AgentFolder::Kind::Regular)
        return implausible(complete == AgentFolder::Kind::Missing ? QStringLiteral("it has no %1 marker").arg(kCompleteFile)
                                                                  : QStringLiteral("its %1 is %2").arg(kCompleteFile, AgentFolder::kindName(complete)));
    const auto json = readJsonObject(folder, dir + u'/' + kMetadataFile);
    if (!json)
        return implausible(QStringLiteral("%1: %2").arg(kMetadataFile, json.error().message));
    CacheEntry e;
    e.name = name;
    e.dir = dir;
    e.sitePackages = dir + u'/' + kSitePackages;
    e.key = json->value(kKey).toString();
    if (e.key != parts.captured(1))
        return implausible(QStringLiteral("its %1 \"%2\" is not the key in its name").arg(kKey, e.key));
    const QString created = json->value(kCreatedAt).toString();
    e.createdAt = QDateTime::fromString(created, Qt::ISODateWithMs);
    if (!e.createdAt.isValid() || e.createdAt.toMSecsSinceEpoch() != parts.captured(2).toLongLong())
        return implausible(QStringLiteral("its %1 \"%2\" is not the time in its name").arg(kCreatedAt, created));
    if (e.createdAt > QDateTime::currentDateTimeUtc().addSecs(kClockSkewSeconds))
        return implausible(QStringLiteral("its %1 %2 is in the future").arg(kCreatedAt, created));
    if (const AgentFolder::Kind site = folder.kindOf(e.sitePackages); site != AgentFolder::Kind::Directory)
        return implausible(QStringLiteral("its %1 is %2, not a folder").arg(kSitePackages, AgentFolder::kindName(site)));
    // An entry built before pip came from the store recorded its own unpacked pip: left out, as
    // pip freeze leaves it out of a venv of the executor's own.
    for (const QJsonValue &v : json->value(kPipFreeze).toArray())
        if (!isPip(v.toString()))
            e.freeze.append(v.toString());
    e.inputs = json->value(kInputs).toString();
    if (json->contains(kProvenance))
        e.provenance.installed = Provenance::fromJson(json->value(kProvenance).toArray());
    else if (json->contains(kProvenanceUnavailable))
        e.provenance.unavailable = json->value(kProvenanceUnavailable).toString();
    else // built by an executor that did not record it yet
        e.provenance.unavailable = QStringLiteral("the environment cache entry %1 was built before provenance was recorded").arg(name);
    for (const QJsonValue &v : json->value(kStoreFolders).toArray()) {
        // A name in store/, never a path: the sandbox gives the script each of them to read.
        const QString storeFolder = v.toString();
        if (storeFolder.isEmpty() || storeFolder.contains(u'/') || storeFolder.startsWith(u'.'))
            return implausible(QStringLiteral("its %1 names \"%2\", which is no store folder").arg(kStoreFolders, storeFolder));
        e.storeFolders.append(storeFolder);
    }
    if (json->contains(kPip)) {
        static const QRegularExpression sha256(QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{64}")));
        static const QRegularExpression version(QRegularExpression::anchoredPattern(QStringLiteral("[0-9A-Za-z.!+_-]{1,64}")));
        const QJsonObject pip = json->value(kPip).toObject();
        e.pipVersion = pip.value(kVersion).toString();
        e.pipSha256 = pip.value(kSha256).toString();
        if (!version.match(e.pipVersion).hasMatch() || !sha256.match(e.pipSha256).hasMatch() || !e.storeFolders.contains(e.pipFolder()))
            return implausible(QStringLiteral("its %1 names no store folder among its %2").arg(kPip, kStoreFolders));
    }
    e.sizeBytes = json->value(kSizeBytes).toInteger();
    e.lastUsed = folder.modificationTime(usedMarkerOf(dir));
    reading.entry = e;
    return reading;
}

} // namespace oa
