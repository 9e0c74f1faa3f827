#pragma once

#include "base/Error.h"
#include "fs/AgentFolder.h"

#include <QSet>
#include <QString>
#include <QStringList>

namespace oa {

// What venvs kept after their run (--keep-venv, KeepVirtualEnvironment) still use of the cache.
//
// A kept venv reaches the cache through its .pth files: the entry it was linked to, that entry's
// store folders, the store folder of pip (a --no-env-cache venv). Its run's in-use markers go with
// the run, so without more a later prune evicts them and the kept venv, kept for inspection,
// imports nothing. The executor therefore leaves a record for it in the cache,
// in-use/kept/{execution ID}.{first 16 hex of the sha256 of the venv's path}.json, naming the venv
// (its path, and the device, inode and birth time of the folder there) and the names it uses.
// While a folder with that very identity is at that path, those names count as in use
// (CacheLayout::isInUse, StoreUse); once it is gone (removed, moved, or replaced by a later run of
// the same execution ID, which makes a new folder) the record is removed by the next look.
//
// The record is the executor's own file in the cache's own folder, written when the run ends: a
// task can keep its venv alive, and with it only what its run was given, never a folder it names.
// A record that is not the executor's regular file, or not one it writes, keeps nothing and is
// removed.
class KeptVenvs {
public:
    // `folder` is the cache's gatekeeper, `dir` its in-use/kept folder (CacheLayout::keptVenvsDir).
    KeptVenvs(const AgentFolder &folder, QString dir) : m_folder(folder), m_dir(std::move(dir)) {}

    // Records that the venv at `venvDir` (absolute, there now) uses `names` (cache entries and
    // store folders) for as long as it exists. Replaces an earlier record of the same venv.
    Status keep(const QString &venvDir, const QString &executionId, const QStringList &names) const;

    // The names that kept venvs which still exist use. Records of venvs that are gone, and
    // records that are not plausible, are removed on the way.
    QSet<QString> inUse() const;

private:
    const AgentFolder &m_folder;
    QString m_dir;
};

} // namespace oa
