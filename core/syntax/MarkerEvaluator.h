#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>

namespace oa {

// Decides a PEP 508 environment marker for one interpreter, as pip (its vendored `packaging`)
// would: whether a requirement line or a wheel's Requires-Dist applies there. Each comparison
// is a PEP 440 version comparison when the right side is a version the operator takes (and
// then the left side must be a version too), else a string comparison (==, !=, <, <=, >, >=,
// in, not in); `extra` compares by canonical names. `and` binds tighter than `or`.
//
// It never guesses. A marker that is not one by Requirement's grammar, compares two strings or
// two variables, uses ~= or === between strings, or compares a non-version with a version
// (where `packaging` raises, or older pips decide otherwise) cannot be decided. A variable the
// environment does not hold is unknown, and decides only where the rest of the marker decides
// without it ("extra == 'x' and os_name == 'nt'" is false for another extra, whatever os_name).
class MarkerEvaluator {
public:
    // Knows no variable but `extra`.
    MarkerEvaluator() = default;
    // `environment`: PEP 508's variables (environmentNames()) to their values on the interpreter.
    explicit MarkerEvaluator(QHash<QString, QString> environment) : m_environment(std::move(environment)) {}

    // The variables an environment holds, `extra` aside (it is the caller's per evaluation).
    static const QStringList &environmentNames();

    // Whether `marker` holds with `extra` as the extra being installed ("" for a requirement
    // itself, as pip evaluates one). Null when it cannot be decided; then `why` (if given) says why.
    std::optional<bool> evaluate(const QString &marker, const QString &extra = QString(), QString *why = nullptr) const;

private:
    QHash<QString, QString> m_environment;
};

} // namespace oa
