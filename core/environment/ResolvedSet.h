#pragma once

#include "DistributionStore.h"
#include "records/Provenance.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace oa {

// An sdist pip's resolver chose: SdistWheelBuild has pip build it into a wheel, which is then
// stored like any other.
struct ResolvedSdist {
    QString name;
    QString version;
    QString sha256; // the sdist's, as pip's report gives it (lower-case hex)
    QString path;   // a local sdist in a configured wheel folder; empty: from the index
    QString url;    // pip's report's
    QString file;   // its file name
};

// What pip's resolver chose for a set that is not hash-pinned (`pip install --dry-run
// --ignore-installed --report`), as files the store of distributions can take. Only files pip
// would use as they are: a local one lying directly in a configured wheel folder (the
// administrator's: the executor, often root, reads no file a task merely names), or one from
// an index whose sha256 pip's report gives, to be downloaded by pip and checked against it.
// A wheel is stored as it is; an sdist (.tar.gz or .zip) is built into a wheel first.
// Anything else (a direct reference, a project folder or VCS checkout, another kind of
// archive, a report that is not believed) leaves the whole set to pip, and notStorable says why.
struct ResolvedSet {
    QList<PinnedWheel> wheels;               // path empty: to be downloaded
    QList<ResolvedSdist> sdists;             // to be built into wheels, which join `wheels`
    QList<InstalledDistribution> provenance; // the report's, which pip install records for the same set
    QString notStorable;                     // empty when `wheels` is the whole set

    // `report` as InstallReport::read gives it (missing hashes of local wheels in `wheelFolders`
    // already filled in).
    static ResolvedSet fromReport(const Provenance &report, const QStringList &wheelFolders);
    // Whether any wheel must be downloaded first.
    bool needsDownload() const;
    // The requirements file for `pip download --no-deps --require-hashes`: one line
    // "name==version --hash=sha256:…" per wheel to download, so that pip takes from the agent's
    // index exactly the file it resolved, and checks its hash itself.
    QByteArray downloadRequirements() const;
    // The file name pip downloads `wheel` as (its URL's last part, decoded).
    static QString downloadedName(const PinnedWheel &wheel);
    // Whether `fileName` is an sdist the store builds: a .tar.gz (PEP 625) or a .zip.
    static bool isSdistName(const QString &fileName);
};

} // namespace oa
