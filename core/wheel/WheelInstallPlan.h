#pragma once

// Where each file of one install goes, worked out before anything is written (WheelInstaller).
// Not part of the interface.

#include "EntryPoints.h"
#include "WheelArchive.h"

#include <QList>
#include <QString>

namespace oa {

struct PlannedFile {
    const WheelMember *member = nullptr; // nullptr for a file the installer generates
    QString destination;                 // relative to the staging folder
    bool script = false;                 // from .data/scripts: its shebang may be rewritten
};

struct WheelInstallPlan {
    QString sitePackages; // "lib/pythonX.Y/site-packages"
    QString distInfo;     // sitePackages + "/<name>-<version>.dist-info"
    QList<PlannedFile> files;
    QList<ScriptEntryPoint> wrappers; // each to bin/<name>
    bool requested = false;
    bool directUrl = false;

    // Maps every member of `wheel` and every generated file, refusing a .data subfolder that is
    // no scheme, a member directly in .data, and any two files on one path or a file on a folder.
    static Result<WheelInstallPlan> make(const WheelArchive &wheel, const QString &pythonVersion, bool requested, bool directUrl);
};

} // namespace oa
