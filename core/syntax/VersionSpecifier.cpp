#include "VersionSpecifier.h"

#include <QRegularExpression>

namespace oa {

QList<int> releaseNumbers(const QString &version)
{
    // Anchored at the true end: '$' also matches before a final "\n".
    static const QRegularExpression release(QRegularExpression::anchoredPattern(QStringLiteral("v?(\\d+(?:\\.\\d+)*)")));
    const auto match = release.match(version.trimmed());
    if (!match.hasMatch())
        return {};
    QList<int> numbers;
    for (const QString &part : match.captured(1).split(u'.')) {
        bool ok = false;
        const int n = part.toInt(&ok);
        if (!ok)
            return {};
        numbers.append(n);
    }
    return numbers;
}

namespace {

// PEP 440 compares releases padded with zeros: 3.11 == 3.11.0.
int compare(QList<int> a, QList<int> b)
{
    while (a.size() < b.size())
        a.append(0);
    while (b.size() < a.size())
        b.append(0);
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a.at(i) != b.at(i))
            return a.at(i) < b.at(i) ? -1 : 1;
    return 0;
}

bool hasPrefix(const QList<int> &version, const QList<int> &prefix)
{
    for (qsizetype i = 0; i < prefix.size(); ++i)
        if ((i < version.size() ? version.at(i) : 0) != prefix.at(i))
            return false;
    return true;
}

} // namespace

Result<VersionSpecifier> VersionSpecifier::parse(const QString &text, const QString &field)
{
    static const QRegularExpression clausePattern(QRegularExpression::anchoredPattern(QStringLiteral("(===|==|!=|~=|<=|>=|<|>)\\s*(\\S+)")));
    VersionSpecifier spec;
    spec.m_text = text.trimmed();
    if (spec.m_text.isEmpty())
        return fail(ErrorKind::InvalidTask, QStringLiteral("%1: the version specifier is empty").arg(field));
    for (const QString &rawClause : spec.m_text.split(u',')) {
        const QString clauseText = rawClause.trimmed();
        const auto match = clausePattern.match(clauseText);
        const auto invalid = [&](const QString &why) {
            return fail(ErrorKind::InvalidTask, QStringLiteral("%1: \"%2\" is not a valid version specifier: %3").arg(field, clauseText, why));
        };
        if (!match.hasMatch())
            return invalid(QStringLiteral("use an operator (==, !=, <, <=, >, >=, ~=) and a version, e.g. \">=3.10,<3.12\""));
        Clause clause;
        const QString op = match.captured(1);
        QString version = match.captured(2);
        clause.op = op == QLatin1String("===") ? Op::Arbitrary : op == QLatin1String("==") ? Op::Equal : op == QLatin1String("!=") ? Op::NotEqual
                  : op == QLatin1String("~=") ? Op::Compatible : op == QLatin1String("<=") ? Op::LessEqual : op == QLatin1String(">=") ? Op::GreaterEqual
                  : op == QLatin1String("<") ? Op::Less : Op::Greater;
        if (clause.op == Op::Arbitrary) {
            clause.raw = version;
            spec.m_clauses.append(clause);
            continue;
        }
        if (version.endsWith(QLatin1String(".*"))) {
            if (clause.op != Op::Equal && clause.op != Op::NotEqual)
                return invalid(QStringLiteral("a wildcard (.*) goes only with == and !="));
            clause.wildcard = true;
            version.chop(2);
        }
        clause.release = releaseNumbers(version);
        if (clause.release.isEmpty())
            return invalid(QStringLiteral("\"%1\" is not a release number such as 3.11 or 3.11.4").arg(version));
        if (clause.op == Op::Compatible && clause.release.size() < 2)
            return invalid(QStringLiteral("~= needs at least two release numbers, e.g. ~=3.10"));
        spec.m_clauses.append(clause);
    }
    return spec;
}

bool VersionSpecifier::matches(const Clause &c, const QList<int> &v, const QString &raw)
{
    switch (c.op) {
    case Op::Arbitrary: return raw.trimmed() == c.raw;
    case Op::Equal: return c.wildcard ? hasPrefix(v, c.release) : compare(v, c.release) == 0;
    case Op::NotEqual: return c.wildcard ? !hasPrefix(v, c.release) : compare(v, c.release) != 0;
    case Op::Less: return compare(v, c.release) < 0;
    case Op::LessEqual: return compare(v, c.release) <= 0;
    case Op::Greater: return compare(v, c.release) > 0;
    case Op::GreaterEqual: return compare(v, c.release) >= 0;
    case Op::Compatible: // ~=3.10 means >=3.10, ==3.*; ~=3.10.2 means >=3.10.2, ==3.10.*
        return compare(v, c.release) >= 0 && hasPrefix(v, c.release.mid(0, c.release.size() - 1));
    }
    return false;
}

bool VersionSpecifier::matches(const QString &version) const
{
    const QList<int> release = releaseNumbers(version);
    if (release.isEmpty())
        return false;
    for (const Clause &clause : m_clauses)
        if (!matches(clause, release, version))
            return false;
    return true;
}

} // namespace oa
