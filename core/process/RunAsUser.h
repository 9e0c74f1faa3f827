#pragma once

#include "base/Error.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

#include <sys/types.h>

#include <memory>
#include <vector>

namespace oa {

// What a child process becomes before it runs any code of its own: plain numbers and bytes,
// prepared in the parent, because the child modifier runs in a vfork-like child where nothing
// may allocate (see ChildProcess).
struct ProcessCredentials {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups; // supplementary groups, the primary one included
    QString userName;
    QString home;
};

// The unprivileged user that task code runs as (--run-as, OPENAUTOMATE_RUN_AS). Only the
// executor's own settings name it: execution.json never does, since a task must not choose
// its own privileges. Resolved once, before anything is touched, so that a bad value is exit 1.
class RunAsUser {
public:
    // The account `name` (or a numeric uid), with its primary group, supplementary groups and
    // home. Fails with ErrorKind::BadArgument, naming the user, when the account does not
    // exist, is root, or the executor is not root (only root can become someone else).
    static Result<RunAsUser> resolve(const QString &name);
    // A user that no account names (RunAsUser = dynamic): uid and gid `id`, no supplementary
    // group, USER and LOGNAME "oa-<id>", HOME `home` (a private folder of the run). The caller
    // holds the ID for the run (lock/DynamicUserLease), so that no other execution has it.
    static RunAsUser dynamic(qint64 id, const QString &home);
    bool isDynamic() const { return m_dynamic; }

    QString name() const { return m_credentials->userName; }
    qint64 uid() const { return m_credentials->uid; }
    qint64 gid() const { return m_credentials->gid; }
    QString home() const { return m_credentials->home; }
    std::shared_ptr<const ProcessCredentials> credentials() const { return m_credentials; }

    // Whether this user may access `path` with `mode` (R_OK, W_OK, X_OK), asked the kernel
    // itself: a forked child takes the user's credentials and calls access(2). 0 when it may,
    // else the errno it got.
    int access(const QString &path, int mode) const;
    // access(X_OK) on `dir` and every folder above it: the first that the user cannot enter,
    // as an InvalidArguments failure naming both, or ok.
    Status checkCanEnter(const QString &dir) const;

private:
    std::shared_ptr<const ProcessCredentials> m_credentials;
    bool m_dynamic = false;
};

// True when the executor itself runs as root: task code without a run-as user then runs as root.
bool executorIsRoot();

// The executor's own user, for result.json when no run-as user is set.
struct CurrentUser {
    QString name; // the uid as text when the account has no name
    qint64 uid = -1;
    qint64 gid = -1;
    static CurrentUser get();
};

} // namespace oa
