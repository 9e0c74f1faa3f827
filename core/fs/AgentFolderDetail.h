#pragma once

#include <dirent.h>

// Shared by the two halves of AgentFolder: AgentFolder.cpp walks and reads,
// AgentFolderChanges.cpp writes, renames, locks and removes. Not part of the interface.

#include "AgentFolder.h"

#include <sys/stat.h>

namespace oa::detail {

QByteArray encoded(const QString &name);
AgentFolder::Kind kindOfMode(mode_t mode);
// A short description of what is planted at a name, for warnings.
QString describe(const struct stat &st);
// A regular file with one name, owned by the executor's user: nothing planted.
bool isOwnRegularFile(const struct stat &st);
// A failure on the way to `path`, said so: the message names the file that was wanted too.
Error towards(Error failure, const QString &path);
// The names in the folder `dir` (a DIR stream over an open folder), "." and ".." left out: read
// whole before anything in the folder is changed.
QList<QByteArray> entryNames(DIR *dir);

} // namespace oa::detail
