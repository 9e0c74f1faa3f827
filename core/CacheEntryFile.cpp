#include "CacheEntryFile.h"

#include "JsonFile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

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

QString timestamp(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

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
    const QJsonObject json{{kKey, entry.key},
                           {kInputs, entry.inputs},
                           {kPipFreeze, QJsonArray::fromStringList(entry.freeze)},
                           {kCreatedAt, timestamp(entry.createdAt)},
                           {kSizeBytes, entry.sizeBytes},
                           {kInterpreter, interpreter}};
    if (Status written = folder.writeAtomically(buildDir + u'/' + kMetadataFile, QJsonDocument(json).toJson()); !written)
        return written;
    return folder.writeAtomically(buildDir + u'/' + kCompleteFile, timestamp(entry.createdAt).toUtf8());
}

CacheEntryFile::Reading CacheEntryFile::read(const AgentFolder &folder, const QString &entriesDir, const QString &name)
{
    Reading reading;
    const QString dir = entriesDir + u'/' + name;
    if (folder.kindOf(dir) == AgentFolder::Kind::Missing)
        return reading; // evicted since the folder was listed
    if (folder.kindOf(dir + u'/' + kCompleteFile) != AgentFolder::Kind::Regular) {
        reading.problem = QStringLiteral("it has no %1 marker").arg(kCompleteFile);
        return reading;
    }
    QString problem;
    const auto json = readJsonObject(folder, dir + u'/' + kMetadataFile, &problem);
    if (!json) {
        reading.problem = QStringLiteral("%1: %2").arg(kMetadataFile, problem);
        return reading;
    }
    CacheEntry e;
    e.name = name;
    e.dir = dir;
    e.sitePackages = dir + u'/' + kSitePackages;
    e.key = json->value(kKey).toString();
    for (const QJsonValue &v : json->value(kPipFreeze).toArray())
        e.freeze.append(v.toString());
    e.inputs = json->value(kInputs).toString();
    e.createdAt = QDateTime::fromString(json->value(kCreatedAt).toString(), Qt::ISODateWithMs);
    e.sizeBytes = json->value(kSizeBytes).toInteger();
    e.lastUsed = folder.modificationTime(usedMarkerOf(dir));
    reading.entry = e;
    return reading;
}

} // namespace oa
