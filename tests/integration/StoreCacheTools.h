#pragma once

// What the tests of the store's eviction share: a Pipfile.lock of local wheels, the store's
// folders, the executor's cache commands in JSON and what they removed.
#include "TestSupport.h"
#include "WheelBuilder.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace oatest {

// A Pipfile.lock entry pinning the wheel at `path` by version and sha256.
inline QJsonObject pinned(const QString &path, const QString &version)
{
    return {{QStringLiteral("version"), QStringLiteral("==") + version},
            {QStringLiteral("hashes"), QJsonArray{QStringLiteral("sha256:") + WheelBuilder::sha256Of(path)}}};
}

inline QByteArray lockJson(const QJsonObject &defaults)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("_meta"), QJsonObject{{QStringLiteral("pipfile-spec"), 6}}},
                                     {QStringLiteral("default"), defaults}})
        .toJson();
}

inline QString storeDir(const Agent &agent)
{
    return agent.base() + QStringLiteral("/EnvCache/store");
}

// The store's folders (not its stamps), sorted.
inline QStringList storeFolders(const Agent &agent)
{
    return QDir(storeDir(agent)).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
}

// The executor's answer to `tool` (--env-cache, --prune-env-cache ...) with --json.
inline QJsonObject toolJson(const Agent &agent, const QStringList &tool)
{
    const Run run = runExecutor(QStringList{QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--json")} + tool);
    if (run.exitCode != 0)
        qWarning("%s: %s", qPrintable(tool.join(u' ')), run.err.constData());
    return QJsonDocument::fromJson(run.out).object();
}

// The Store rows of --env-cache --json, by folder name.
inline QMap<QString, QJsonObject> storeRows(const Agent &agent)
{
    QMap<QString, QJsonObject> rows;
    for (const QJsonValue &v : toolJson(agent, {QStringLiteral("--env-cache")}).value("Store").toArray())
        rows.insert(v.toObject().value("Folder").toString(), v.toObject());
    return rows;
}

// The store folders a prune or clear report lists as removed ("store/{folder}"), sorted.
inline QStringList removedStoreFolders(const QJsonObject &report)
{
    QStringList removed;
    for (const QJsonValue &v : report.value("Removed").toArray())
        if (v.toString().startsWith(QLatin1String("store/")))
            removed.append(v.toString().mid(6));
    removed.sort();
    return removed;
}

} // namespace oatest
