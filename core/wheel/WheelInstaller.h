#pragma once

#include "WheelArchive.h"
#include "WheelBounds.h"

#include "base/Error.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace oa {

// How installed files are pointed at their interpreter, and what the installer records.
struct WheelInstallOptions {
    QString python;        // absolute, no white space: the shebang of scripts and wrappers
    QString pythonVersion; // "3.11": lib/python3.11/site-packages, include/site/python3.11
    bool requested = false;  // writes REQUESTED (the user asked for it, not a dependency)
    QString directUrl;       // when set, writes direct_url.json with it and the wheel's sha256
};

// What one install wrote.
struct InstalledWheel {
    QString name;          // as the dist-info folder spells it
    QString version;
    QString target;        // the staging folder, absolute
    QString sitePackages;  // relative to target: "lib/python3.11/site-packages"
    QStringList files;     // every file written, relative to target, sorted
    qint64 bytes = 0;      // their sizes together
};

struct WheelInstallJob {
    QString wheel;  // the .whl file
    QString target; // a staging folder that does not exist yet
};

// Unpacks checked wheels (WheelArchive) into a fresh staging folder laid out like a venv's prefix,
// as pip's installer does (PEP 427, PEP 491):
//   the archive's root, .data/purelib, .data/platlib -> lib/pythonX.Y/site-packages/
//   .data/scripts -> bin/ (0755; a first line starting "#!python", "#!pythonw" included, becomes
//                    "#!<python>")
//   .data/headers -> include/site/pythonX.Y/<name>/
//   .data/data    -> the folder itself
// console_scripts and gui_scripts become wrappers in bin/ (EntryPoints). The dist-info folder gets
// INSTALLER ("openautomate"), REQUESTED and direct_url.json when asked, and a RECORD rewritten to
// list every installed file relative to site-packages, with its sha256 and size (RECORD's own
// row has neither); the wheel's RECORD signatures, which sign the old RECORD, are left out, as are
// folder entries (pip makes no empty folders either). Files are 0644, or 0755 when the archive
// marked them executable; folders 0755.
// Before anything is written, every destination is worked out: two members (or a member and a
// generated file) that would land on one path, or a file where a folder must go, are refused.
// Every file goes through StagingTree, so nothing is written outside the target; each member is
// held to its RECORD hash and size as it is unpacked, and on any failure the target is removed
// whole, so a refused wheel leaves the parent folder as it was.
class WheelInstaller {
public:
    explicit WheelInstaller(WheelInstallOptions options, WheelBounds bounds = {});

    // Installs into `target`, which must not exist; its parent must.
    Result<InstalledWheel> install(const WheelArchive &wheel, const QString &target) const;
    // Opens the wheel with this installer's bounds, then installs it.
    Result<InstalledWheel> install(const QString &wheelPath, const QString &target) const;
    // Each job in its own thread, at most `threads` at once (0: one per core): the wheels are
    // independent, each with its own archive and target. The results are in the jobs' order.
    QList<Result<InstalledWheel>> installAll(const QList<WheelInstallJob> &jobs, int threads = 0) const;

private:
    Status checkOptions() const;

    WheelInstallOptions m_options;
    WheelBounds m_bounds;
};

} // namespace oa
