#include "InterpreterChoice.h"

#include "syntax/VersionSpecifier.h"

#include <QSet>

namespace oa {

int OfferedPythons::compareVersions(const QString &a, const QString &b)
{
    const QList<int> left = releaseNumbers(a);
    const QList<int> right = releaseNumbers(b);
    for (qsizetype i = 0; i < qMax(left.size(), right.size()); ++i) {
        const int l = left.value(i), r = right.value(i);
        if (l != r)
            return l < r ? -1 : 1;
    }
    return 0;
}

Result<PythonInterpreter> OfferedPythons::defaultInterpreter(const Locator &locate) const
{
    if (python.isEmpty() && !pythons.isEmpty())
        return locate(pythons.first(), pythonsOrigin);
    return locate(python, pythonOrigin);
}

Result<PythonInterpreter> OfferedPythons::choose(const VersionSpecifier &wanted, const QString &wantedFrom, const PythonInterpreter &current,
                                                 const Locator &locate, const Runnable &runnable, QStringList *warnings) const
{
    // The default interpreter first, so that it wins a tie; then every other one offered.
    QList<PythonInterpreter> candidates{current};
    QStringList labels{QStringLiteral("%1 (%2)").arg(current.executable, current.version)}; // one per candidate
    QStringList unusable;
    QSet<QString> seen{current.executable, current.requested};
    for (const QString &program : pythons) {
        if (seen.contains(program))
            continue;
        auto probed = locate(program, pythonsOrigin);
        if (!probed) {
            // A stop (timeout, cancel) ends the run; an interpreter that is gone only this choice.
            if (probed.error().kind != ErrorKind::Environment)
                return probed.error();
            warnings->append(probed.error().message);
            unusable.append(QStringLiteral("%1 (cannot be run)").arg(program));
            seen.insert(program);
            continue;
        }
        if (seen.contains(probed->executable))
            continue; // another name of one already offered (a symlink such as python3 -> python3.11)
        seen.insert(program);
        seen.insert(probed->executable);
        candidates.append(*probed);
        labels.append(QStringLiteral("%1 (%2)").arg(probed->executable, probed->version));
    }

    const PythonInterpreter *best = nullptr;
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        const PythonInterpreter &candidate = candidates.at(i);
        if (!wanted.matches(candidate.version))
            continue;
        if (const QString why = runnable(candidate.executable); !why.isEmpty()) {
            labels[i] = QStringLiteral("%1 (%2, %3)").arg(candidate.executable, candidate.version, why);
            continue;
        }
        if (!best || compareVersions(candidate.version, best->version) > 0)
            best = &candidate;
    }
    if (best)
        return *best;
    return fail(ErrorKind::Environment, QStringLiteral("the task needs Python %1 (%2), and no interpreter this agent offers matches it; "
                                                            "offered: %3")
                                                 .arg(wanted.text(), wantedFrom, (labels + unusable).join(QStringLiteral(", "))));
}

} // namespace oa
