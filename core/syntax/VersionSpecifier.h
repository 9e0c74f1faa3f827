#pragma once

#include "base/Error.h"

#include <QList>
#include <QString>

namespace oa {

// A PEP 440 version specifier set such as ">=3.10,<3.12" or "==3.11.*", as a task writes it
// for the Python it needs (PythonVersion, requires-python, a Pipfile.lock's python_version),
// matched against interpreters' release versions ("3.11.7"). Only release numbers are
// compared: pre-, post- and dev-releases and local versions are refused, since no offered
// interpreter is one.
class VersionSpecifier {
public:
    // ErrorKind::InvalidTask naming `field` and the clause that is not valid.
    static Result<VersionSpecifier> parse(const QString &text, const QString &field);

    bool matches(const QString &version) const;
    QString text() const { return m_text; }

private:
    enum class Op { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual, Compatible, Arbitrary };
    struct Clause {
        Op op = Op::Equal;
        QList<int> release; // 3.11 -> {3, 11}
        bool wildcard = false; // ==3.11.* / !=3.11.*
        QString raw;           // for ===
    };
    static bool matches(const Clause &clause, const QList<int> &version, const QString &raw);
    QList<Clause> m_clauses;
    QString m_text;
};

// "3.11.7" -> {3, 11, 7}; empty when it is not a plain release number.
QList<int> releaseNumbers(const QString &version);

} // namespace oa
