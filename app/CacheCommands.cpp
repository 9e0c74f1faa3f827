#include "AdminCommands.h"

#include "CommandOutput.h"
#include "run/ExitCodes.h"
#include "tasks/PackageRuns.h"

#include <QJsonArray>
#include <QJsonObject>

// The environment cache's and the package records' commands: --env-cache [--prune|--clear],
// --which-runs. The lock and task commands are in AdminCommands.cpp.
namespace AdminCommands {

using namespace CommandOutput;

int listEnvironmentCache(const oa::EnvironmentCache::Settings &settings, bool json)
{
    const oa::EnvironmentCache::Listing listing = oa::EnvironmentCache(settings).list();
    const QList<oa::CacheEntry> &entries = listing.entries;
    // Each file once: a composed entry holds a .pth and pip, its packages are the store's.
    qint64 total = 0;
    for (const oa::CacheEntry &e : entries)
        total += e.sizeBytes;
    qint64 storeBytes = 0;
    for (const oa::StoreFolderUse &u : listing.store)
        storeBytes += u.distribution.sizeBytes;
    total += storeBytes;
    if (json) {
        QJsonArray array;
        for (const oa::CacheEntry &e : entries) {
            // Each distribution as name and version, for scripts that look for one package.
            QJsonArray packages;
            for (const QString &pinned : e.freeze)
                packages.append(QJsonObject{{QStringLiteral("Name"), pinned.section(QStringLiteral("=="), 0, 0)},
                                            {QStringLiteral("Version"), pinned.section(QStringLiteral("=="), 1)}});
            array.append(QJsonObject{{QStringLiteral("Key"), e.key},
                                     {QStringLiteral("Entry"), e.name},
                                     {QStringLiteral("Inputs"), e.inputs},
                                     {QStringLiteral("PipFreeze"), QJsonArray::fromStringList(e.freeze)},
                                     {QStringLiteral("Packages"), packages},
                                     {QStringLiteral("SizeBytes"), e.sizeBytes},
                                     {QStringLiteral("CreatedAt"), iso(e.createdAt)},
                                     {QStringLiteral("LastUsed"), iso(e.lastUsed)},
                                     {QStringLiteral("InUse"), e.inUse},
                                     {QStringLiteral("Expired"), e.expired},
                                     // What pip installed, from which file and where, as result.json records it.
                                     {QStringLiteral("Provenance"), e.provenance.unavailable.isEmpty() ? QJsonValue(e.provenance.toJson()) : QJsonValue()},
                                     {QStringLiteral("ProvenanceUnavailable"), e.provenance.unavailable.isEmpty() ? QJsonValue() : QJsonValue(e.provenance.unavailable)}});
        }
        QJsonArray implausible;
        for (const auto &[name, why] : listing.implausible)
            implausible.append(QJsonObject{{QStringLiteral("Entry"), name}, {QStringLiteral("Problem"), why}});
        // The store of distributions: one row per folder, with how many entries name it.
        QJsonArray store;
        for (const oa::StoreFolderUse &u : listing.store)
            store.append(QJsonObject{{QStringLiteral("Distribution"), u.distribution.name},
                                     {QStringLiteral("Version"), u.distribution.version},
                                     {QStringLiteral("Sha256"), u.distribution.sha256},
                                     {QStringLiteral("Folder"), u.distribution.folderName},
                                     {QStringLiteral("SizeBytes"), u.distribution.sizeBytes},
                                     {QStringLiteral("UsedBySets"), u.usedBySets},
                                     {QStringLiteral("InUse"), u.inUse},
                                     {QStringLiteral("LastUsed"), iso(u.lastUsed)}});
        QJsonArray implausibleStore;
        for (const auto &[name, why] : listing.implausibleStore)
            implausibleStore.append(QJsonObject{{QStringLiteral("Folder"), name}, {QStringLiteral("Problem"), why}});
        printJson({{QStringLiteral("CacheDir"), settings.dir},
                   {QStringLiteral("TotalBytes"), total},
                   {QStringLiteral("Entries"), array},
                   {QStringLiteral("Implausible"), implausible},
                   {QStringLiteral("Problems"), QJsonArray::fromStringList(listing.problems)},
                   {QStringLiteral("Store"), store},
                   {QStringLiteral("StoreBytes"), storeBytes},
                   {QStringLiteral("StoreImplausible"), implausibleStore}});
        return 0;
    }
    QList<QStringList> rows{{QStringLiteral("KEY"), QStringLiteral("SIZE"), QStringLiteral("LAST USE"), QStringLiteral("IN USE"),
                             QStringLiteral("REQUIREMENTS")}};
    for (const oa::CacheEntry &e : entries) {
        const QString requirements = e.inputs.section(u'\n', 1, 1).section(u' ', 1);
        rows.append({e.key.left(12) + (e.expired ? QStringLiteral(" (expired)") : QString()),
                     QStringLiteral("%1 MiB").arg(double(e.sizeBytes) / 1048576.0, 0, 'f', 1), iso(e.lastUsed),
                     e.inUse ? QStringLiteral("yes") : QStringLiteral("no"), requirements});
    }
    printTable(rows);
    out() << count(entries.size(), "environment", "environments") << ", " << QString::number(double(total) / 1048576.0, 'f', 1) << " MiB in " << settings.dir << '\n';
    // Never used, and removed by the next prune.
    for (const auto &[name, why] : listing.implausible)
        out() << "implausible, never used: " << shown(name) << ": " << shown(why) << '\n';
    for (const QString &problem : listing.problems)
        out() << shown(problem) << '\n';
    // The store of distributions (the total above counts it): what composed entries are made of.
    if (!listing.store.isEmpty()) {
        out() << '\n';
        QList<QStringList> stored{{QStringLiteral("DISTRIBUTION"), QStringLiteral("VERSION"), QStringLiteral("SIZE"), QStringLiteral("SETS"),
                                   QStringLiteral("LAST USE"), QStringLiteral("IN USE"), QStringLiteral("SHA256")}};
        for (const oa::StoreFolderUse &u : listing.store)
            stored.append({u.distribution.name, u.distribution.version, QStringLiteral("%1 MiB").arg(double(u.distribution.sizeBytes) / 1048576.0, 0, 'f', 1),
                           QString::number(u.usedBySets), iso(u.lastUsed), u.inUse ? QStringLiteral("yes") : QStringLiteral("no"),
                           u.distribution.sha256.left(16)});
        printTable(stored);
    }
    out() << "store: " << listing.store.size() << (listing.store.size() == 1 ? " distribution, " : " distributions, ")
          << QString::number(double(storeBytes) / 1048576.0, 'f', 1) << " MiB in " << settings.dir << "/store\n";
    for (const auto &[name, why] : listing.implausibleStore)
        out() << "implausible store folder, never used: " << shown(name) << ": " << shown(why) << '\n';
    out().flush();
    return 0;
}

namespace {

int reportCacheRemoval(const oa::Result<oa::EnvironmentCache::PruneReport> &pruned, bool json)
{
    if (!pruned) {
        err() << shown(pruned.error().message) << '\n';
        err().flush();
        return int(oa::exitCodeFor(pruned.error()));
    }
    const oa::EnvironmentCache::PruneReport &report = pruned.value();
    if (json) {
        printJson({{QStringLiteral("Removed"), QJsonArray::fromStringList(report.removed)},
                   {QStringLiteral("FreedBytes"), report.freedBytes},
                   {QStringLiteral("KeptInUse"), QJsonArray::fromStringList(report.keptInUse)},
                   {QStringLiteral("StoreKeptInUse"), QJsonArray::fromStringList(report.storeKeptInUse)},
                   {QStringLiteral("Warnings"), QJsonArray::fromStringList(report.warnings)}});
    } else {
        for (const QString &warning : report.warnings)
            err() << shown(warning) << '\n';
        err().flush();
        for (const QString &name : report.removed)
            out() << "removed " << shown(name) << '\n';
        for (const QString &name : report.keptInUse)
            out() << "kept " << shown(name) << " (in use)\n";
        for (const QString &name : report.storeKeptInUse)
            out() << "kept store/" << shown(name) << " (in use)\n";
        out() << report.removed.size() << " removed, " << QString::number(double(report.freedBytes) / 1048576.0, 'f', 1) << " MiB freed";
        if (!report.keptInUse.isEmpty())
            out() << ", " << report.keptInUse.size() << " kept in use";
        if (!report.storeKeptInUse.isEmpty())
            out() << ", " << report.storeKeptInUse.size() << " store " << (report.storeKeptInUse.size() == 1 ? "folder" : "folders") << " kept in use";
        out() << '\n';
        out().flush();
    }
    return 0;
}

} // namespace

int pruneEnvironmentCache(const oa::EnvironmentCache::Settings &settings, bool json)
{
    return reportCacheRemoval(oa::EnvironmentCache(settings).prune(), json);
}

int clearEnvironmentCache(const oa::EnvironmentCache::Settings &settings, bool json)
{
    return reportCacheRemoval(oa::EnvironmentCache(settings).clear(), json);
}

int whichRuns(const oa::AgentPaths &paths, const QString &spec, bool json)
{
    const auto query = oa::PackageRuns::parse(spec);
    if (!query) {
        err() << shown(query.error().message) << '\n';
        return int(oa::ExitCode::InvalidArguments);
    }
    const oa::PackageRuns::Found found = oa::PackageRuns::find(paths, query.value());
    if (json) {
        QJsonArray runs;
        for (const oa::PackageRuns::Run &run : found.runs) {
            QJsonObject row = run.installed.toJson();
            row.insert(QStringLiteral("ExecutionId"), run.executionId);
            // Which of the ID's runs: null for the last, else the kept run's folder ("previous.2").
            row.insert(QStringLiteral("Run"), run.run.isEmpty() ? QJsonValue() : QJsonValue(run.run));
            row.insert(QStringLiteral("Outcome"), run.outcome);
            row.insert(QStringLiteral("FinishedAt"), iso(run.finishedAt));
            runs.append(row);
        }
        printJson({{QStringLiteral("Package"), query->name},
                   {QStringLiteral("Version"), query->version.isEmpty() ? QJsonValue() : QJsonValue(query->version)},
                   {QStringLiteral("Runs"), runs},
                   {QStringLiteral("Notes"), QJsonArray::fromStringList(found.notes)}});
    } else if (found.runs.isEmpty()) {
        out() << "no execution installed " << query->text() << " (by the Provenance of the result.json files in " << paths.tasksDir() << ")\n";
    } else {
        QList<QStringList> rows{{QStringLiteral("EXECUTION"), QStringLiteral("RUN"), QStringLiteral("OUTCOME"), QStringLiteral("FINISHED"), QStringLiteral("VERSION"),
                                 QStringLiteral("FILE"), QStringLiteral("SHA256"), QStringLiteral("SOURCE")}};
        for (const oa::PackageRuns::Run &run : found.runs)
            rows.append({run.executionId, run.run.isEmpty() ? QStringLiteral("last") : run.run, run.outcome, iso(run.finishedAt), run.installed.version, run.installed.file,
                         run.installed.sha256.isEmpty() ? QStringLiteral("-") : run.installed.sha256, run.installed.source});
        printTable(rows);
    }
    out().flush();
    // The notes go to stderr, so that the table stays a table (and, with --json, in Notes too).
    for (const QString &note : found.notes)
        err() << shown(note) << '\n';
    err().flush();
    return 0;
}

} // namespace AdminCommands
