// The Executor's Requirements stage: packages into the execution's own venv, or a shared entry
// of the environment cache linked into it. Split from Executor.cpp, which sequences the stages.
#include "Executor.h"

#include "environment/InstallReport.h"
#include "environment/PythonEnvironment.h"

namespace oa {

Status Executor::installRequirements()
{
    const QString id = m_options.executionId;
    const ResolvedDependencies &deps = m_deps.resolved();
    PythonEnvironment venv(*m_interpreter, m_paths.venvDir(id));
    venv.setRunAs(m_grants.credentials());
    m_pip.applyTo(venv);
    venv.setPipSandbox(pipSandbox({m_paths.venvDir(id), m_paths.tempDir(id)}));
    const QString pipLog = m_paths.pipLogFile(id);
    if (!m_pipLogFresh) // pip.log describes this run only (storing pip may have begun it)
        if (Status fresh = freshLog(pipLog); !fresh)
            return fresh;
    // pip's installation report goes into a folder of Temp/<id> that pip's user may write, and
    // is read back through the gatekeeper and removed before the script (whose TMP it is) runs.
    const QString reportDir = m_pip.reportDirectory();
    if (Status s = m_pip.prepareReportDirectory(m_grants); !s)
        return s;
    const QString report = reportDir + QStringLiteral("/report.json");
    Provenance provenance;
    // The venv's pip is the store's (its own site-packages has none), or its own.
    const Result<QStringList> reportArguments = InstallReport::pipArguments(m_storedPip ? m_storedPip->version() : venv.pipVersion(), report);
    if (!reportArguments)
        provenance.unavailable = reportArguments.error().message;
    venv.setInstallReportArguments(reportArguments ? reportArguments.value() : QStringList());
    m_log.info(lcPip, QStringLiteral("Installing requirements; pip's output goes to {PipLog}"),
               {{QStringLiteral("PipLog"), pipLog}});
    int othersAlive = 0;
    if (Status s = venv.install(deps.requirements, deps.requirementsFile, pipLog, &m_control, &othersAlive); !s)
        return s;
    if (reportArguments)
        provenance = InstallReport::read(m_paths.folder(), report, [this] {
            return EnvironmentKey::build(m_interpreter->executable, m_interpreter->version, {}, {}, m_pip.environment()).configuredFindLinks();
        }, othersAlive);
    if (Status removed = m_paths.folder().removeTree(reportDir); !removed)
        warn(removed.error().message, lcPip);
    recordProvenance(provenance);
    m_record.pipFreeze = venv.freeze(&m_control);
    m_log.info(lcPip, QStringLiteral("Installed {Packages}"), {{QStringLiteral("Packages"), m_record.pipFreeze.join(QStringLiteral(", "))}});
    return ok();
}

Status Executor::linkCachedEnvironment()
{
    const QString id = m_options.executionId;
    EnvironmentCache::Settings settings;
    settings.dir = cacheDir();
    settings.agentBase = m_paths.baseDir();
    if (m_options.envCacheMaxAgeSeconds)
        settings.maxAgeSeconds = *m_options.envCacheMaxAgeSeconds;
    if (m_options.envCacheMaxSizeBytes)
        settings.maxSizeBytes = *m_options.envCacheMaxSizeBytes;
    settings.buildAs = m_grants.credentials();
    m_pip.applyTo(settings);
    settings.pipSandbox = pipSandbox({m_paths.tempDir(id)});
    m_cache = std::make_unique<EnvironmentCache>(settings);
    const ResolvedDependencies &deps = m_deps.resolved();

    QByteArray requirementsTxt;
    if (!deps.requirementsFile.isEmpty()) {
        auto content = m_paths.folder().readFile(deps.requirementsFile, ExecutionInfo::kMaxFileBytes);
        if (!content)
            return Error{ErrorKind::InvalidTask, content.error().message, content.error().systemError}; // the task's file, not pip's

        requirementsTxt = std::move(content).value();
    }
    // The key sees what pip will see.
    const EnvironmentKey key = EnvironmentKey::build(m_interpreter->executable, m_interpreter->version,
                                                     deps.requirements, requirementsTxt, m_pip.environment(), deps.requirementsFile,
                                                     m_pip.checkedRequirementsDir());
    const QString pipLog = m_paths.pipLogFile(id);
    if (Status fresh = freshLog(pipLog); !fresh)
        return fresh;
    auto entry = m_cache->acquire(key, *m_interpreter, deps.requirements, deps.requirementsFile, id,
                                  pipLog, m_log, &m_control);
    for (const QString &warning : m_cache->takeWarnings())
        warn(warning);
    if (!entry)
        return entry.error();
    const PythonEnvironment venv(*m_interpreter, m_paths.venvDir(id));
    if (Status linked = EnvironmentCache::link(m_paths.folder(), entry.value(), venv.sitePackages()); !linked)
        return linked;
    m_cacheEntryDir = entry->dir; // the script's sandbox sees this entry, read-only, and no other
    m_record.pipFreeze = entry->freeze;
    recordProvenance(entry->provenance);
    m_record.cacheKey = entry->key;
    m_record.cacheEntry = entry->name;
    m_record.cacheReused = entry->reused;
    // "from the store": composed from the store of distributions, with no pip (CacheBuilder).
    const QString use = (entry->reused ? QStringLiteral("reused") : QStringLiteral("built now"))
                        + (entry->composedFromStore() ? QStringLiteral(", from the store") : QString());
    m_log.info(lcVenv, QStringLiteral("Using cached environment {EnvEntry} ({CacheUse}); versions: {Packages}"),
               {{QStringLiteral("EnvEntry"), entry->name},
                {QStringLiteral("CacheUse"), use},
                {QStringLiteral("Packages"), entry->freeze.join(QStringLiteral(", "))}});
    return ok();
}

void Executor::recordProvenance(const Provenance &provenance)
{
    m_record.provenance = provenance;
    if (!provenance.unavailable.isEmpty())
        warn(QStringLiteral("which files were installed, and from where, is not recorded: %1").arg(provenance.unavailable), lcPip);
}

} // namespace oa
