#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace oa {

// A PEP 440 version with its full ordering (epoch, release, pre-, post- and dev-releases, local
// labels), and one specifier clause tested against it, as the `packaging` library that pip
// vendors does both. For environment markers, where "python_full_version < '3.13'" is a version
// comparison and not a string comparison. VersionSpecifier stays the simpler matcher of release
// numbers for interpreter choice.
class Pep440Version {
public:
    // Null when `text` is no PEP 440 version (or a number in it is too long to compare).
    static std::optional<Pep440Version> parse(const QString &text);

    // <0, 0, >0, as PEP 440 orders versions: 1.0.dev0 < 1.0a1 < 1.0 < 1.0+local < 1.0.post1.
    int compare(const Pep440Version &other) const;
    bool isPrerelease() const { return m_preKind >= 0 || m_dev >= 0; }
    bool isPostrelease() const { return m_post >= 0; }
    bool hasLocal() const { return !m_local.isEmpty(); }
    // The version without its local label (PEP 440's "public version").
    Pep440Version publicVersion() const;
    // The version without pre-, post-, dev-release and local label: "1!2.0rc1+x" -> "1!2.0".
    Pep440Version baseVersion() const;
    // The normalised text: "1.0-RC.1" -> "1.0rc1".
    QString normalized() const;

    // Whether the clause `op` `spec` (op one of ===, ==, !=, ~=, <, <=, >, >=) would be a valid
    // `packaging` Specifier: the right side must be a version of the kind the operator takes.
    static bool isClause(const QString &op, const QString &spec);
    // Whether `version` satisfies the valid clause `op` `spec`, pre-releases included (as
    // markers test them). Null when `version` is no version, where `packaging` raises.
    static std::optional<bool> clauseContains(const QString &op, const QString &spec, const QString &version);

private:
    qint64 m_epoch = 0;
    QList<qint64> m_release;
    int m_preKind = -1; // 0 a, 1 b, 2 rc; -1 none
    qint64 m_pre = 0;
    qint64 m_post = -1; // -1 none
    qint64 m_dev = -1;  // -1 none
    QStringList m_local; // lower case, split at [-_.]
};

} // namespace oa
