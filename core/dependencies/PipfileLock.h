#pragma once

#include "base/Error.h"
#include "syntax/Requirement.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace oa {

// A Pipenv project's Pipfile.lock, read as data: the `default` packages, each pinned to one
// version with its hashes and environment markers, turned into a requirements file for pip's
// hash-checking mode. `develop` packages are never installed. The file is untrusted: every
// name, version, marker and hash is read by Requirement's grammar (a marker by PEP 508's marker
// grammar), and pip reads lines written from those fields, so that nothing in the lock can
// become a pip option or split a line.
struct PipfileLock {
    struct Package {
        QString name;
        QStringList extras;
        QString version;   // "==1.2.3", canonical
        QStringList hashes; // "sha256:…", lower case
        QString markers;   // canonical, may be empty
        // A "file", "path" or VCS key beside the version: a direct reference (PackagePolicy).
        // Never installed from: the package is installed by name and version, hash-checked.
        QString reference;

        // What pip installs: name[extras]==version ; markers, with the hashes.
        Requirement requirement() const;
    };
    QList<Package> packages; // sorted by name
    QString metaHash;        // _meta.hash.sha256: the Pipfile it was locked from
    QStringList sourceUrls;  // _meta.sources[].url: never used, only compared
    QString requiresPython;  // from _meta.requires: a specifier ("==3.11.*", "==3.11.4"), or empty

    // ErrorKind::InvalidTask naming `path`, the package and what is wrong with it.
    static Result<PipfileLock> parse(const QByteArray &json, const QString &path);

    // One line per package, Requirement::toLine() of each: "name[extras]==1.2.3 ; markers --hash=sha256:…".
    QByteArray toRequirements() const;
};

} // namespace oa
