#pragma once

#include "DistributionStore.h"
#include "records/Provenance.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace oa {

// What pip's resolver chose for a set that is not hash-pinned (`pip install --dry-run
// --ignore-installed --report`), as wheels the store of distributions can take. Only wheels pip
// would install as they are: a local one lying directly in a configured wheel folder (the
// administrator's: the executor, often root, reads no file a task merely names), or one from
// an index whose sha256 pip's report gives, to be downloaded by pip and checked against it.
// Anything else (an sdist pip would build, a direct reference, a project folder or VCS
// checkout, a report that is not believed) leaves the whole set to pip, and notStorable says why.
struct ResolvedSet {
    QList<PinnedWheel> wheels;               // in the report's order; path empty: to be downloaded
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
};

} // namespace oa
