#pragma once

#include "fs/AgentPaths.h"
#include "base/Error.h"

#include <QString>

namespace oa {

// How `openautomate-executor --cancel ID` reaches the executor that runs ID, and only that one.
//
// The running executor writes Locks/{id}@run (its PID and a random run token) after it takes the
// lock. A cancel request is the file Locks/{id}@cancel-{token}; the executor looks for exactly
// that name on every tick, deletes it to say "accepted", and stops. A later execution that
// reuses the ID gets a new token, so an old or late request can never hit it; and a request is
// only written when the lock is held by a live process whose PID matches the @run file.
class CancelChannel {
public:
    CancelChannel(const AgentPaths &paths, const QString &executionId);

    // Executor side.
    Status open(qint64 pid);         // writes the @run file and clears stale requests
    bool requested() const;          // a request for this run exists
    void acknowledge();              // deletes it: the requester sees "accepted"
    void close();                    // after open(): removes the @run file and any request
    QString token() const { return m_token; }

    // Requester side. AlreadyRunning when the lock is not this host's, TaskNotFound when the
    // execution is not running; on success, the request file's path.
    static Result<QString> request(const AgentPaths &paths, const QString &executionId);

private:
    QString requestPath() const;
    AgentPaths m_paths;
    QString m_id;
    QString m_token;
    bool m_open = false;
};

} // namespace oa
