#pragma once

#include "base/Error.h"
#include "fs/AgentPaths.h"
#include "fs/TreeOwnership.h"
#include "process/RunAsUser.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <utility>

namespace oa {

// What the run-as user is given of the agent folder for one execution, and what is taken back
// when task code is over. Without a run-as user every call is a no-op: task code then runs as
// the executor's own user, which owns everything already.
class RunAsGrants {
public:
    RunAsGrants(const AgentPaths &paths, QString executionId, std::optional<RunAsUser> user);

    bool active() const { return m_user.has_value(); }
    const std::optional<RunAsUser> &user() const { return m_user; }
    // What every child running task code takes (null: the executor's own user).
    std::shared_ptr<const ProcessCredentials> credentials() const;

    // Lets the user write `dir` and everything in it (Temp/<id>, the venv, pip's cache and
    // report folders). ErrorKind::Environment, naming the user, when it cannot be handed over.
    Status give(const QString &dir);
    // Shares the task folder with the user alone: root's, the user's group, 1770 (no one else
    // may enter it). The user may add files, and its input files become its own, but what the
    // executor writes (its run output, execution.json, previous/) stays the executor's. The
    // folder's owner, group and mode are remembered first, and the share even after a partial
    // grant, so that takeBack() restores them. A group the user shares with another account
    // is a warning (takeWarnings()): its members could enter the folder.
    Status shareTaskFolder();
    bool taskFolderShared() const { return m_taskShared; }

    // After task code is over: whatever task code left at one of the executor's names, or a
    // previous/ it made, is removed, and the task folder becomes the executor's again, so that
    // another task of the same user cannot change it while it is idle. Returns the warnings.
    QStringList takeBack();

    // Warnings of shareTaskFolder(), once.
    QStringList takeWarnings() { return std::exchange(m_warnings, {}); }

private:
    void removeForgedRunFiles(QStringList &warnings) const;
    QString sharedGroup() const;

    AgentPaths m_paths;
    QString m_id;
    std::optional<RunAsUser> m_user;
    bool m_taskShared = false;
    TreeOwnership::FolderState m_taskOriginal;
    QStringList m_warnings;
};

} // namespace oa
