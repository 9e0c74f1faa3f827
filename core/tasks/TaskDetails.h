#pragma once

#include "AgentPaths.h"

#include <QList>
#include <QString>

#include <utility>

namespace oa {

// What the monitor's detail pane shows of one task, read from execution.json and result.json
// as label/value rows, so that no widget reads a file itself.
struct TaskDetails {
    using Rows = QList<std::pair<QString, QString>>;
    Rows execution;   // execution.json's fields, or one row saying why it cannot be read
    Rows result;      // result.json's fields, stage timings flattened as "Stage: Run"
    bool hasResult = false;

    // With Generation::Previous, `result` is the previous run's (Tasks/{id}/previous/result.json);
    // execution.json is the task's own either way.
    static TaskDetails load(const AgentPaths &paths, const QString &id, AgentPaths::Generation generation = AgentPaths::Generation::Current);
};

} // namespace oa
