#pragma once

#include "RunAsUser.h"

#include <QByteArray>
#include <QList>

#include <memory>

#include <sys/types.h>

namespace oa {

// What a new child does to itself between its fork and its execve(), whichever way it was
// started (QProcess's child modifier, or CgroupSpawn's clone3): join the cgroups it was not
// started in, take its own session and process group, drop to the run-as user's credentials,
// forbid new privileges, and die with the executor.
struct ChildConfinement {
    pid_t parent = 0;                   // the executor: the child checks it is still there
    QList<QByteArray> cgroupProcsFiles; // the child writes "0" into each, before any code of its own
    std::shared_ptr<const ProcessCredentials> credentials;

    // In the child, after its file descriptors and working directory are set. Raw system calls
    // only, no allocation, no Qt: it runs in a child of a multi-threaded process. Everything it
    // reads was made in the parent and is only read here, through const access, which never
    // detaches a Qt container. Returns when the child may run the program; else it _exit()s
    // (126 when the credentials cannot be taken, saying why on stderr; 127 when the executor died).
    void applyInChild() const noexcept;
};

} // namespace oa
