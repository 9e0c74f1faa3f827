// PEP 440 version specifiers for Requirement: the clauses a requirement, a lock's version or a
// PEP 723 dependency may carry, checked by the specification's own version grammar.
#include "Requirement.h"

#include <QRegularExpression>

namespace oa {

Result<QString> Requirement::canonicalSpecifier(const QString &specifier)
{
    // PEP 440's version grammar (its appendix's regular expression), ASCII only.
    static const QString release = QStringLiteral("v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*");
    static const QString suffixes = QStringLiteral("(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?"
                                                   "(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?"
                                                   "(?:[-_.]?dev[-_.]?[0-9]*)?");
    static const QString local = QStringLiteral("(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?");
    const auto anchored = [](const QString &pattern) {
        return QRegularExpression(QRegularExpression::anchoredPattern(pattern), QRegularExpression::CaseInsensitiveOption);
    };
    static const QRegularExpression full = anchored(release + suffixes + local);
    static const QRegularExpression publicOnly = anchored(release + suffixes);
    static const QRegularExpression prefix = anchored(release + QStringLiteral("\\.\\*"));
    static const QRegularExpression arbitrary = anchored(QStringLiteral("[A-Za-z0-9._+!-]+"));
    static const QRegularExpression clause = anchored(QStringLiteral("[ \\t]*(===|==|!=|~=|<=|>=|<|>)[ \\t]*([^ \\t]*)[ \\t]*"));
    QStringList written;
    for (const QString &text : specifier.split(u',')) {
        const auto match = clause.match(text);
        if (!match.hasMatch())
            return fail(ErrorKind::InvalidTask, QStringLiteral("\"%1\" is not a version clause such as >=1.0 or ==2.*").arg(text.trimmed()));
        const QString op = match.captured(1);
        const QString version = match.captured(2);
        bool valid = false;
        if (op == QLatin1String("==="))
            valid = arbitrary.match(version).hasMatch();
        else if (op == QLatin1String("==") || op == QLatin1String("!="))
            valid = full.match(version).hasMatch() || prefix.match(version).hasMatch();
        else if (op == QLatin1String("~="))
            valid = publicOnly.match(version).hasMatch() && version.section(u'!', -1).contains(u'.');
        else
            valid = publicOnly.match(version).hasMatch() || ((op == QLatin1String("<=") || op == QLatin1String(">=")) && full.match(version).hasMatch());
        if (!valid)
            return fail(ErrorKind::InvalidTask, QStringLiteral("\"%1\" is not a PEP 440 version that %2 takes").arg(version, op));
        written.append(op + version);
    }
    return written.join(u',');
}

} // namespace oa
