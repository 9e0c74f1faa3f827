#pragma once
// What the run-as tests share (tst_run_as, tst_run_as_build): the interpreter a run-as user can
// reach, the executor's arguments for a run as that user, and what the script reported.
#include "TestSupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <sys/stat.h>

namespace oatest {

// A system interpreter: pyenv's lives under /root, which the run-as user cannot enter.
inline const QString kSystemPython = QStringLiteral("/usr/bin/python3");

inline QStringList runAsArgs(const Agent &agent, const QString &id, const QString &user, const QStringList &extra = {})
{
    return executorArgs(agent, id, QStringList{QStringLiteral("--python"), kSystemPython, QStringLiteral("--run-as"), user} + extra);
}

inline QJsonObject report(const Agent &agent, const QString &id)
{
    return QJsonDocument::fromJson(readFile(agent.taskFile(id, QStringLiteral("report.json")))).object();
}

inline struct stat statOf(const QString &path)
{
    struct stat st = {};
    const QByteArray encoded = QFile::encodeName(path);
    ::lstat(encoded.constData(), &st);
    return st;
}

} // namespace oatest
