#pragma once

#include "CacheLayout.h"
#include "process/ChildProcess.h"
#include "EnvironmentKey.h"
#include "base/Error.h"
#include "InstallReport.h"
#include "PythonInterpreter.h"
#include "StoreFolder.h"
#include "StoredPip.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace oa {

class DistributionStore;
class ExecutionLog;
struct ResolvedSet;
struct StorePlan;
struct StoredDistribution;

// Builds one cache entry. A set StorePlan finds wholly at hand (hash-pinned wheels in the wheel
// folders or the store) is composed from the store of distributions, with no pip process: the
// entry's site-packages holds one .pth naming the store folders. Otherwise pip installs into a
// staging folder and the packages are compiled once. Either way the .pth also names the store
// folder of the executor's pip (the interpreter's bundled wheel, stored and compiled once for
// every entry), entry.json and COMPLETE are written, and one rename publishes it;
// then it is made immutable. Anything that fails before the rename leaves nothing behind, and
// nothing is ever published half built. Run only with the key's build lock held.
class CacheBuilder {
public:
    // With `buildAs`, pip runs as that user into a folder it owns, and the executor copies the
    // result into the entry (see TreeOwnership::copyAsOwn).
    // `pipEnvironment` is set over the executor's environment for the pip step only.
    CacheBuilder(const CacheLayout &layout, ExecutionLog &log, RunControl *control,
                 std::shared_ptr<const ProcessCredentials> buildAs = nullptr, QMap<QString, QString> pipEnvironment = {},
                 QString pipWorkingDirectory = {}, QString pipHome = {});

    // pip's output, and that of the other steps, goes to `pipLog`. Fails with
    // RequirementsFailed (pip, a failed step, the cache), or the RunControl's stop.
    // The pip step runs in this sandbox, its staging folder added to the writable folders.
    void setPipSandbox(std::optional<SandboxSpec> sandbox) { m_pipSandbox = std::move(sandbox); }

    Result<CacheEntry> build(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                             const QString &requirementsFile, const QString &pipLog);

private:
    // Removes what builders of `key` that died left in staging.
    void removeDeadBuilds(const QString &key);
    // Runs one step of the build with its output appended to `pipLog`, in `workingDirectory`
    // (default "/"); a stop is a failure.
    std::optional<Error> run(const QStringList &command, const QString &pipLog, ProcessExit &exit,
                               const std::shared_ptr<const ProcessCredentials> &as = nullptr, const QString &tempDir = {},
                               const QMap<QString, QString> &variables = {}, const QString &workingDirectory = {},
                               const std::optional<SandboxSpec> &sandbox = std::nullopt);
    // pip install into `site`: directly, or as the build user into a folder of its own that is
    // then copied into `site` (which must not exist yet in that case). What pip's installation
    // report says it installed goes to `provenance`.
    std::optional<Error> install(const PythonInterpreter &python, const EnvironmentKey &key, const QStringList &requirements,
                                   const QString &requirementsFile, const QString &staging, const QString &site, const QString &pipLog,
                                   Provenance &provenance);
    // Steps 1 and 2 of a pip build: install, then compile.
    std::optional<Error> installWithPip(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                                          const QString &requirementsFile, const QString &staging, const QString &site,
                                          const QString &pipLog, Provenance &provenance);
    // Steps 1 and 2 from the store: the plan's wheels stored (or found there) and composed into
    // `site`; the provenance as pip's report would give it for the same wheels.
    struct Composed {
        QList<StoredDistribution> stored;
        QList<InstalledDistribution> provenance;
        QString unpinned; // a dependency the set does not pin: nothing composed, the set is pip's
    };
    Result<Composed> composeFromStore(const StorePlan &plan, DistributionStore &store, const PythonInterpreter &python,
                                      const QString &site, const QString &pipLog);
    // Steps 1 and 2 for a set StorePlan refused (not hash-pinned, or a pinned wheel not at
    // hand): pip only resolves (pip install --dry-run --ignore-installed --report, as the build
    // user and in the sandbox like install()), downloads what the agent's index serves (pip
    // download, hash-checked) and the store installs what it chose into `site`
    // (CacheBuilderResolve.cpp). Empty when composed into `composed`; else why pip installs the
    // set after all (an sdist, a direct reference, too old a pip, ...).
    Result<QString> resolveIntoStore(const EnvironmentKey &key, const PythonInterpreter &python, const QStringList &requirements,
                                     const QString &requirementsFile, const QString &staging, const QString &site, const QString &pipLog,
                                     DistributionStore &store, Composed &composed);
    // Local paths for the wheels of `set` that pip must download from the index.
    std::optional<Error> download(const PythonInterpreter &python, ResolvedSet &set, const QString &staging, const QString &work,
                                  const QString &pipLog, const std::optional<SandboxSpec> &sandbox);
    // Step 3's first half (CacheBuilderPip.cpp): m_pip, the interpreter's bundled pip wheel
    // (StoredPip::locate), or none when it has none; a wheel that cannot be read fails the build.
    std::optional<Error> locatePip(const PythonInterpreter &python, DistributionStore &store);
    // Step 3: the executor's pip in the store (stored now, unless composeFromStore stored it with
    // the set's wheels), and the entry's openautomate-store.pth naming `composedSet` and then
    // pip's folder. None when the set has a pip of its own (in `site`, or among `composedSet`)
    // or the interpreter has no bundled wheel.
    Result<std::optional<StoredDistribution>> composePip(DistributionStore &store, const PythonInterpreter &python, const QString &site,
                                                         const QString &pipLog, const QList<StoredDistribution> &composedSet);
    // Whether one of `wheels` is pip.
    static bool namesPip(const QList<PinnedWheel> &wheels);
    // pip install of the set with `options`, as each step that resolves it runs it.
    static QStringList pipInstall(const PythonInterpreter &python, const QStringList &options, const QStringList &requirements,
                                  const QString &requirementsFile);
    // pip install's failure, worded from its output (exit 4 for the task's fault, else 6).
    static Error pipFailed(const ProcessExit &exit, const QString &pipLog);
    // Name and Version of each distribution in `sitePackages`, from its METADATA.
    QList<std::pair<QString, QString>> distributionsIn(const QString &sitePackages) const;
    // "name==version" of every distribution in `sitePackages`, sorted, as pip freeze prints them.
    QStringList installedDistributions(const QStringList &sitePackages) const;

    const CacheLayout &m_layout;
    ExecutionLog &m_log;
    RunControl *m_control;
    std::shared_ptr<const ProcessCredentials> m_buildAs;
    QMap<QString, QString> m_pipEnvironment;
    QString m_pipWorkingDirectory;
    QString m_pipHome; // every step's HOME: PythonEnvironment::isolatePip
    std::optional<SandboxSpec> m_pipSandbox;
    std::optional<StoredPip::Located> m_pip; // locatePip()
};

} // namespace oa
