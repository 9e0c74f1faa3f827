#pragma once

#include "base/Error.h"
#include "records/Provenance.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace oa {

class AgentFolder;

// pip's installation report: asked for, read back through the gatekeeper, and parsed. Qt Core
// only; nothing here fails a run: a report that is missing, too old a pip, or a report that is
// not what pip writes makes the provenance unavailable, with the reason.
class InstallReport {
public:
    // pip 22.2 introduced --report.
    static bool pipSupportsReport(const QString &pipVersion);
    // "--report FILE" for pip, or an Install error saying why `pipVersion` cannot write one.
    static Result<QStringList> pipArguments(const QString &pipVersion, const QString &reportFile);

    // The report's "install" list. A failure names what is wrong with the report.
    static Result<QList<InstalledDistribution>> parse(const QByteArray &json);

    // Reads `reportFile` through `folder` (a regular file, never through a link, never a FIFO,
    // at most kMaxReportBytes: with a run-as user, pip and the build code it ran could have put
    // anything at that name), parses it and fills in missing hashes (fillMissingHashes).
    // `outlivedBy`: ProcessExit::othersAliveAtExit of pip. Processes it started (build code,
    // most likely) that were alive when it exited could have rewritten the report since: then
    // it is not read, and the provenance is unavailable, saying why.
    static Provenance read(const AgentFolder &folder, const QString &reportFile,
                           const std::function<QStringList()> &allowedFolders, int outlivedBy = 0);
    static constexpr qint64 kMaxReportBytes = 32 * 1024 * 1024;

    // For a distribution pip gave no sha256 for: the sha256 of its local file, read now, when the
    // file lies directly in one of `allowedFolders` (the administrator's find-links folders).
    // Anything else stays unknown: the executor, often root, hashes no file a task merely names.
    static void fillMissingHashes(QList<InstalledDistribution> &installed, const QStringList &allowedFolders);

    // Where a file came from, by its URL: a local file's folder, or an index's scheme, host and
    // port. The host, not the URL's folder: an index serves files from its storage's paths
    // (PyPI's are files.pythonhosted.org/packages/ab/cd/<hash>/…), which name no index.
    static QString sourceOf(const QString &url);

    // PEP 503's normalized name: lower case, runs of "-", "_" and "." become one "-".
    static QString normalizeName(const QString &name);
    // The lowercase hex sha256 of what is left to read from `fd`; empty on a read error.
    static QString sha256OfOpenFile(int fd);
};

} // namespace oa
