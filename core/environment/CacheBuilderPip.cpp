// Step 3 of a cache entry's build: the executor's pip. An entry used to unpack its own copy of
// the interpreter's bundled pip wheel (0.3-0.9 s of every cold build, about 10 MB per entry, and
// never compiled, so `python -m pip` in a cached venv started from the sources); now the wheel
// is in the store of distributions once, compiled once, and every entry's .pth names it.
#include "CacheBuilder.h"

#include "DistributionStore.h"
#include "StoreComposition.h"
#include "records/ExecutionLog.h"
#include "base/LoggingCategories.h"
#include "wheel/WheelNames.h"

namespace oa {

bool CacheBuilder::namesPip(const QList<PinnedWheel> &wheels)
{
    return std::any_of(wheels.cbegin(), wheels.cend(), [](const PinnedWheel &w) { return canonicalProjectName(w.name) == QLatin1String("pip"); });
}

std::optional<Error> CacheBuilder::locatePip(const PythonInterpreter &python, DistributionStore &store)
{
    m_pip.reset();
    if (python.bundledPipWheel.isEmpty())
        return std::nullopt; // as before: a venv of this interpreter's has no pip
    auto located = StoredPip::locate(m_layout, python, store);
    if (!located)
        return fail(ErrorKind::Install, QStringLiteral("pip for the environment cannot come from the store: %1").arg(located.error().message));
    m_pip = std::move(located).value();
    return std::nullopt;
}

Result<std::optional<StoredDistribution>> CacheBuilder::composePip(DistributionStore &store, const PythonInterpreter &python, const QString &site,
                                                                   const QString &pipLog, const QList<StoredDistribution> &composedSet)
{
    const AgentFolder &folder = m_layout.folder();
    // A set that has pip (a requirement, or a dependency) gets that one, as it always did.
    const bool setHasPip = folder.kindOf(site + QStringLiteral("/pip")) != AgentFolder::Kind::Missing
                           || std::any_of(composedSet.cbegin(), composedSet.cend(), [](const StoredDistribution &d) {
                                  return canonicalProjectName(d.name) == QLatin1String("pip");
                              });
    QList<StoredDistribution> named = composedSet;
    std::optional<StoredDistribution> pip;
    if (m_pip && !setHasPip) {
        // Found at once when composeFromStore stored it with the set's wheels (this store object
        // has marked it in use since, until the entry that names it is published).
        auto stored = store.ensure(m_pip->wheel, python, pipLog);
        for (const QString &warning : store.takeWarnings())
            m_log.warning(lcVenv, QStringLiteral("{Warning}"), {{QStringLiteral("Warning"), warning}});
        if (!stored)
            return stored.error();
        StoredPip::remember(m_layout, *m_pip);
        pip = *stored;
        named.append(*pip); // last: the set's own distributions come first on sys.path
    }
    if (named.isEmpty())
        return pip;
    if (Status made = folder.ensureDir(site); !made)
        return CacheLayout::unusable(QStringLiteral("cannot prepare %1").arg(site), made.error());
    // pip's scripts are not copied: a venv reaches the entry's packages, not its bin/, and runs
    // `python -m pip` as it did with pip unpacked in the entry.
    if (Status written = StoreComposition::writePth(folder, named, site); !written)
        return written.error();
    return pip;
}

} // namespace oa
