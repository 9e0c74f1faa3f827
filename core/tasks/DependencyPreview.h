#pragma once

#include "fs/AgentPaths.h"
#include "fs/OpenFolder.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// Where a task's packages come from and which they are, for the monitor's Requirements column.
// A finished task says it in result.json (DependencySource); for one that has not run (or runs
// now) the folder is read the way the executor's Validate stage reads it
// (DependencyResolver::select: files only, through the gatekeeper, no interpreter).
struct DependencyPreview {
    QString source;       // "execution.json", "requirements.txt", "Pipfile.lock", "script", "none"; empty: unknown
    QString file;         // the file the packages are read from, if any
    QStringList packages;
    bool counted = true;  // false: the packages could not be listed, so there is no count
    QString problem;      // why the source is unknown, or why the packages could not be listed

    bool operator==(const DependencyPreview &o) const
    {
        return source == o.source && file == o.file && packages == o.packages && counted == o.counted && problem == o.problem;
    }
    bool operator!=(const DependencyPreview &o) const { return !(*this == o); }

    // `finished`: take the source from result.json (the run's own word) when it names one.
    // `inputs` receives the files whose content the answer depends on and the folders whose
    // names it depends on (a file that is missing appears in its folder), for a scan to stamp.
    // `task`: the task's folder, already open (a scan's), to read execution.json and result.json in.
    static DependencyPreview read(const AgentPaths &paths, const QString &id, bool finished, QStringList *inputs = nullptr,
                                  const OpenFolder *task = nullptr);

    // What a scan has already read of a task, so that nothing is read or parsed twice.
    struct Records {
        const OpenFolder *task = nullptr;       // the task folder, open
        Result<QByteArray> executionBytes{QByteArray()};
        Result<QJsonObject> execution{QJsonObject()}; // executionBytes parsed
        std::optional<QJsonObject> result;      // result.json, when the run finished and it was read
    };
    static DependencyPreview fromRecords(const AgentPaths &paths, const QString &id, const Records &records, QStringList *inputs = nullptr);
};

} // namespace oa
