#include "PackageLists.h"

#include "dependencies/PipfileLock.h"

#include <QRegularExpression>

namespace oa::PackageLists {

QStringList fromRequirementsTxt(const QByteArray &text)
{
    QStringList packages;
    QString logical;
    const QStringList lines = QString::fromUtf8(text).split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (line.endsWith(u'\\') && i + 1 < lines.size()) { // continues on the next line
            logical += line.chopped(1) + u' ';
            continue;
        }
        logical += line;
        // A comment starts at "#" at the start or after whitespace (pip's rule); "#egg=" in a URL is not one.
        static const QRegularExpression comment(QStringLiteral("(^|\\s)#.*$"));
        QString requirement = logical.remove(comment).trimmed();
        logical.clear();
        if (requirement.isEmpty() || requirement.startsWith(u'-'))
            continue;
        const qsizetype option = requirement.indexOf(QLatin1String(" -"));
        if (option >= 0)
            requirement = requirement.left(option).trimmed();
        packages.append(requirement);
    }
    return packages;
}

QStringList fromPipfileLock(const QByteArray &json, bool *ok)
{
    const auto lock = PipfileLock::parse(json, QStringLiteral("Pipfile.lock"));
    if (ok)
        *ok = lock.ok();
    QStringList packages;
    if (lock)
        for (const PipfileLock::Package &p : lock->packages)
            packages.append(p.name + p.version);
    return packages;
}

QStringList fromScriptBlock(const QString &toml, bool *ok)
{
    if (ok)
        *ok = false;
    static const QRegularExpression key(QStringLiteral("^\\s*dependencies\\s*=\\s*\\["), QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = key.match(toml);
    if (!match.hasMatch())
        return {};
    QStringList items;
    qsizetype i = match.capturedEnd();
    while (i < toml.size()) {
        const QChar c = toml.at(i);
        if (c == u']') {
            if (ok)
                *ok = true;
            return items;
        }
        if (c == u'#') { // a comment runs to the end of the line
            while (i < toml.size() && toml.at(i) != u'\n')
                ++i;
            continue;
        }
        if (c == u'"' || c == u'\'') {
            QString item;
            ++i;
            while (i < toml.size() && toml.at(i) != c && toml.at(i) != u'\n') {
                if (c == u'"' && toml.at(i) == u'\\' && i + 1 < toml.size())
                    ++i; // an escape in a basic string: the next character is taken as it is
                item += toml.at(i);
                ++i;
            }
            if (i >= toml.size() || toml.at(i) != c)
                return {}; // an unterminated string: not something to count
            items.append(item);
        }
        ++i;
    }
    return {}; // never closed
}

} // namespace oa::PackageLists
