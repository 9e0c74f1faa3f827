#pragma once

#include "fs/AgentFolder.h"
#include "base/Error.h"
#include "StoreFolder.h"

#include <QList>
#include <QString>

namespace oa {

// A venv made of store folders: nothing is copied or linked but the scripts.
//  - One file, {site-packages}/openautomate-store.pth, whose one line calls site.addsitedir on
//    each folder's site-packages (absolute): unlike a bare path line, that processes the .pth
//    files a distribution ships, as a flat site-packages would. The venv's own site-packages
//    stays first on sys.path, so what a script pip-installs wins. Namespace packages spread
//    over several folders work as they do over several sys.path entries (PEP 420).
//  - Each folder's bin/ (console_scripts and gui_scripts wrappers, .data/scripts) copied into the
//    venv's bin/, 0755, with a first line "#!{the python it was stored with}" pointed at the
//    venv's python, so that a script runs with the venv's packages.
class StoreComposition {
public:
    static constexpr const char *kPthFile = "openautomate-store.pth";

    // `store` reads the store folders (the cache's gatekeeper); `venv` writes into the venv
    // (the agent folder's). A script name the venv already has (its python) is refused, never
    // replaced. ErrorKind::Environment naming the file when something cannot be written whole.
    // `durability`: the .pth's (AgentFolder::writeAtomically); a venv that lives for one run
    // needs no fsync.
    static Status compose(const AgentFolder &store, const AgentFolder &venv, const QList<StoredDistribution> &distributions,
                          const QString &venvSitePackages, const QString &venvBin, const QString &venvPython,
                          AgentFolder::Durability durability = AgentFolder::Durability::Flushed);

    // compose()'s two halves: the .pth naming `distributions`, and their scripts. A cache entry
    // names the executor's pip in its .pth but takes no scripts of it (CacheBuilder).
    static Status writePth(const AgentFolder &venv, const QList<StoredDistribution> &distributions, const QString &venvSitePackages,
                           AgentFolder::Durability durability = AgentFolder::Durability::Flushed);
    static Status copyScripts(const AgentFolder &store, const AgentFolder &venv, const QList<StoredDistribution> &distributions,
                              const QString &venvBin, const QString &venvPython);

    // The .pth line for `distributions`.
    static QByteArray pthLine(const QList<StoredDistribution> &distributions);

private:
    static Status copyScript(const AgentFolder &venv, const QString &to, const QByteArray &content);
};

} // namespace oa
