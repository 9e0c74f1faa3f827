#include "Pep440Version.h"

#include <QRegularExpression>

#include <limits>

namespace oa {

namespace {

// PEP 440's version grammar as `packaging` writes it (VERSION_PATTERN), ASCII, any case.
const QString kVersionPattern = QStringLiteral(
    "v?(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)"                            // 1 epoch, 2 release
    "(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?"       // 3 pre kind, 4 pre number
    "(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?"                  // 5 post number, 6 post label, 7 its number
    "(?:[-_.]?(dev)[-_.]?([0-9]+)?)?"                                   // 8 dev, 9 dev number
    "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?");                          // 10 local

QRegularExpression anchored(const QString &pattern)
{
    return QRegularExpression(QRegularExpression::anchoredPattern(QStringLiteral("\\s*") + pattern + QStringLiteral("\\s*")),
                              QRegularExpression::CaseInsensitiveOption);
}

// A number of the version; null past 18 digits, which no real version has and qint64 cannot hold.
std::optional<qint64> number(const QString &digits)
{
    if (digits.isEmpty())
        return 0;
    if (digits.size() > 18)
        return std::nullopt;
    return digits.toLongLong();
}

int compareNumbers(qint64 a, qint64 b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

// Releases compare with trailing zeros ignored: 1.0 == 1.0.0.
int compareReleases(QList<qint64> a, QList<qint64> b)
{
    while (a.size() < b.size())
        a.append(0);
    while (b.size() < a.size())
        b.append(0);
    for (qsizetype i = 0; i < a.size(); ++i)
        if (const int c = compareNumbers(a.at(i), b.at(i)))
            return c;
    return 0;
}

// A local label's parts: numbers above words, numbers by value, words by text; a prefix is less.
int compareLocals(const QStringList &a, const QStringList &b)
{
    for (qsizetype i = 0; i < a.size() && i < b.size(); ++i) {
        bool aNumber = false, bNumber = false;
        const qint64 an = a.at(i).toLongLong(&aNumber);
        const qint64 bn = b.at(i).toLongLong(&bNumber);
        if (aNumber != bNumber)
            return aNumber ? 1 : -1;
        const int c = aNumber ? compareNumbers(an, bn) : QString::compare(a.at(i), b.at(i));
        if (c)
            return c < 0 ? -1 : 1;
    }
    return compareNumbers(a.size(), b.size());
}

} // namespace

std::optional<Pep440Version> Pep440Version::parse(const QString &text)
{
    static const QRegularExpression pattern = anchored(kVersionPattern);
    const auto m = pattern.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    Pep440Version v;
    bool fits = true;
    const auto take = [&fits](const QString &digits) {
        const auto n = number(digits);
        fits = fits && n.has_value();
        return n.value_or(0);
    };
    v.m_epoch = take(m.captured(1));
    for (const QString &part : m.captured(2).split(u'.'))
        v.m_release.append(take(part));
    if (const QString pre = m.captured(3).toLower(); !pre.isEmpty()) {
        v.m_preKind = pre.startsWith(u'a') ? 0 : (pre.startsWith(u'b') ? 1 : 2); // c, pre, preview, rc: release candidates
        v.m_pre = take(m.captured(4));
    }
    if (!m.captured(5).isEmpty())
        v.m_post = take(m.captured(5));
    else if (!m.captured(6).isEmpty())
        v.m_post = take(m.captured(7));
    if (!m.captured(8).isEmpty())
        v.m_dev = take(m.captured(9));
    if (const QString local = m.captured(10).toLower(); !local.isEmpty()) {
        static const QRegularExpression separators(QStringLiteral("[-_.]"));
        v.m_local = local.split(separators);
    }
    if (!fits)
        return std::nullopt;
    return v;
}

int Pep440Version::compare(const Pep440Version &o) const
{
    if (const int c = compareNumbers(m_epoch, o.m_epoch))
        return c;
    if (const int c = compareReleases(m_release, o.m_release))
        return c;
    // A dev release of a final release sorts before its pre-releases: 1.0.dev0 < 1.0a0.
    const auto preKey = [](const Pep440Version &v) -> std::pair<int, qint64> {
        if (v.m_preKind < 0)
            return (v.m_post < 0 && v.m_dev >= 0) ? std::pair<int, qint64>{-1, 0} : std::pair<int, qint64>{3, 0};
        return {v.m_preKind, v.m_pre};
    };
    const auto pa = preKey(*this), pb = preKey(o);
    if (pa != pb)
        return pa < pb ? -1 : 1;
    if (const int c = compareNumbers(m_post, o.m_post)) // none (-1) before any post-release
        return c;
    // No dev release sorts after any: 1.0.dev1 < 1.0.
    const qint64 da = m_dev < 0 ? std::numeric_limits<qint64>::max() : m_dev;
    const qint64 db = o.m_dev < 0 ? std::numeric_limits<qint64>::max() : o.m_dev;
    if (const int c = compareNumbers(da, db))
        return c;
    if (m_local.isEmpty() != o.m_local.isEmpty())
        return m_local.isEmpty() ? -1 : 1;
    return compareLocals(m_local, o.m_local);
}

Pep440Version Pep440Version::publicVersion() const
{
    Pep440Version v = *this;
    v.m_local.clear();
    return v;
}

Pep440Version Pep440Version::baseVersion() const
{
    Pep440Version v;
    v.m_epoch = m_epoch;
    v.m_release = m_release;
    return v;
}

QString Pep440Version::normalized() const
{
    QString text = m_epoch ? QString::number(m_epoch) + u'!' : QString();
    QStringList release;
    for (const qint64 n : m_release)
        release.append(QString::number(n));
    text += release.join(u'.');
    if (m_preKind >= 0)
        text += QLatin1String(m_preKind == 0 ? "a" : m_preKind == 1 ? "b" : "rc") + QString::number(m_pre);
    if (m_post >= 0)
        text += QStringLiteral(".post") + QString::number(m_post);
    if (m_dev >= 0)
        text += QStringLiteral(".dev") + QString::number(m_dev);
    if (!m_local.isEmpty())
        text += u'+' + m_local.join(u'.');
    return text;
}

bool Pep440Version::isClause(const QString &op, const QString &spec)
{
    // `packaging`'s Specifier grammar: === takes anything without blanks, ";" or ")"; == and !=
    // a version with a local label or a release with ".*"; ~= a version of two release numbers
    // or more without a local label; the others a version without a local label.
    static const QRegularExpression arbitrary = anchored(QStringLiteral("[^\\s;)]*"));
    static const QRegularExpression wildcard = anchored(QStringLiteral("v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*\\.\\*"));
    if (op == QLatin1String("==="))
        return arbitrary.match(spec).hasMatch();
    if ((op == QLatin1String("==") || op == QLatin1String("!=")) && wildcard.match(spec).hasMatch())
        return true;
    const auto version = parse(spec);
    if (!version)
        return false;
    if (op == QLatin1String("==") || op == QLatin1String("!="))
        return true;
    if (version->hasLocal())
        return false;
    if (op == QLatin1String("~="))
        return version->m_release.size() >= 2;
    return op == QLatin1String("<") || op == QLatin1String("<=") || op == QLatin1String(">") || op == QLatin1String(">=");
}

std::optional<bool> Pep440Version::clauseContains(const QString &op, const QString &spec, const QString &versionText)
{
    const auto version = parse(versionText);
    if (!version || !isClause(op, spec))
        return std::nullopt;
    if (op == QLatin1String("==="))
        return version->normalized().toLower() == spec.trimmed().toLower();
    if (op == QLatin1String("==") || op == QLatin1String("!=")) {
        bool equal = false;
        if (const QString s = spec.trimmed(); s.endsWith(QLatin1String(".*"))) {
            // A prefix of the release, the version's padded with zeros: 3 matches ==3.0.*.
            const Pep440Version prefix = *parse(s.chopped(2));
            equal = version->m_epoch == prefix.m_epoch;
            for (qsizetype i = 0; equal && i < prefix.m_release.size(); ++i)
                equal = version->m_release.value(i, 0) == prefix.m_release.at(i);
        } else {
            const Pep440Version wanted = *parse(s);
            equal = (wanted.hasLocal() ? *version : version->publicVersion()).compare(wanted) == 0;
        }
        return op == QLatin1String("==") ? equal : !equal;
    }
    const Pep440Version wanted = *parse(spec);
    const bool sameBase = version->baseVersion().compare(wanted.baseVersion()) == 0;
    if (op == QLatin1String("<="))
        return version->publicVersion().compare(wanted) <= 0;
    if (op == QLatin1String(">="))
        return version->publicVersion().compare(wanted) >= 0;
    if (op == QLatin1String("<")) // 3.13.0rc1 is not < 3.13: a pre-release of the release named
        return version->compare(wanted) < 0 && !(!wanted.isPrerelease() && version->isPrerelease() && sameBase);
    if (op == QLatin1String(">")) // 1.0.post1 and 1.0+local are not > 1.0
        return version->compare(wanted) > 0 && !(!wanted.isPostrelease() && version->isPostrelease() && sameBase)
               && !(version->hasLocal() && sameBase);
    // ~=2.2.1 means >=2.2.1 and ==2.2.*, whatever pre-, post- or dev-release 2.2.1 carries.
    if (version->publicVersion().compare(wanted) < 0 || version->m_epoch != wanted.m_epoch)
        return false;
    for (qsizetype i = 0; i + 1 < wanted.m_release.size(); ++i)
        if (version->m_release.value(i, 0) != wanted.m_release.at(i))
            return false;
    return true;
}

} // namespace oa
