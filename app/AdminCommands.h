#pragma once

#include "fs/AgentPaths.h"
#include "environment/EnvironmentCache.h"

#include <QString>

// The executor's headless lock and task tools (--list, --locks, --clear-orphaned-locks,
// --clear-lock). The logic is core's (TaskScanner, LockInspector); this only prints it, as a
// table for people or as JSON (--json) for the service and scripts. Each returns the exit code.
namespace AdminCommands {

int listTasks(const oa::AgentPaths &paths, bool json);
int listLocks(const oa::AgentPaths &paths, bool json);
int clearOrphanedLocks(const oa::AgentPaths &paths, bool json);
int clearLock(const oa::AgentPaths &paths, const QString &executionId, bool force, bool json);
// Asks the executor running `executionId` to stop (CancelChannel); returns once it accepted,
// or with `wait` once it has stopped.
int cancel(const oa::AgentPaths &paths, const QString &executionId, bool wait, bool json);
int listEnvironmentCache(const oa::EnvironmentCache::Settings &settings, bool json);
int pruneEnvironmentCache(const oa::EnvironmentCache::Settings &settings, bool json);
// --clear-env-cache: every entry no execution uses goes, whatever its age, then every store
// folder nothing needs.
int clearEnvironmentCache(const oa::EnvironmentCache::Settings &settings, bool json);
// --which-runs PACKAGE[==VERSION]: the executions that installed it (PackageRuns); 0 also when
// none did, 1 for a spec that is not PACKAGE[==VERSION].
int whichRuns(const oa::AgentPaths &paths, const QString &spec, bool json);
// --history ID: the runs of one execution ID, newest first (RunHistory); 1 for an invalid ID,
// 3 when the ID has no task folder.
int history(const oa::AgentPaths &paths, const QString &executionId, bool json);

} // namespace AdminCommands
