#include "WheelGuess.h"

#include "StorePlan.h"
#include "syntax/MarkerEvaluator.h"
#include "syntax/Requirement.h"
#include "syntax/RequirementsText.h"
#include "wheel/WheelNames.h"

#include <QSet>

namespace oa {

QList<PinnedWheel> WheelGuess::make(const EnvironmentKey &key, const PythonInterpreter &python)
{
    if (!StorePlan::pipSettingsProblem(key).isEmpty())
        return {};
    QStringList lines = key.requirements;
    for (const RequirementsText::Line &line : RequirementsText::parse(key.requirementsFile)) {
        if (line.isOption()) // --no-binary, -c, -f, --index-url, -r …: pip may well choose otherwise
            return {};
        lines.append(line.text);
    }
    const QStringList folders = key.configuredFindLinks();
    if (folders.isEmpty() || lines.isEmpty())
        return {};

    const MarkerEvaluator markers(python.markerEnvironment);
    const LocalWheels local(folders, python);
    QList<PinnedWheel> guesses;
    QSet<QString> seen;
    for (const QString &line : std::as_const(lines)) {
        const auto parsed = Requirement::parse(line);
        // A line with its own hashes: pip takes only a file of those, which a guess need not be.
        if (!parsed || parsed->isDirectReference() || parsed->name.isEmpty() || !parsed->hashes.isEmpty())
            continue;
        if (!parsed->marker.isEmpty()) {
            const std::optional<bool> holds = markers.evaluate(parsed->marker, QString());
            if (!holds || !*holds)
                continue;
        }
        const QString version = StorePlan::exactVersion(parsed->specifier);
        if (version.isEmpty())
            continue;
        const QString name = canonicalProjectName(parsed->name);
        if (seen.contains(name))
            continue;
        seen.insert(name);
        const QStringList paths = local.fitting(parsed->name, version);
        if (paths.size() == 1) // with two, pip chooses by tag priority and build number
            guesses.append(PinnedWheel{parsed->name, version, QString(), paths.first()});
    }
    return guesses;
}

} // namespace oa
