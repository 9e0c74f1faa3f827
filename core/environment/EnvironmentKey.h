#pragma once

#include <QByteArray>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace oa {

// Everything that changes what `pip install` puts into an environment, and its digest: the key
// of an environment cache entry.
struct EnvironmentKey {
    QString interpreter;            // the real executable
    QString version;                // its full version
    QStringList requirements;       // normalized and sorted
    QByteArray requirementsFile;    // the content of a requirements.txt used, or empty
    QMap<QString, QString> pipSettings; // PIP_* variables that decide what gets installed
    QByteArray pipConfig;           // the content of every pip configuration file in effect
    // What is in each local find-links folder (names, sizes, modification times), so that a
    // wheel added to a wheel folder leads to a new build instead of the old entry reused.
    QByteArray findLinks;

    // Lower-case canonical project name (PEP 503: runs of -_. become -) and the rest of the
    // specifier with all whitespace removed: " Requests >= 2.28 " -> "requests>=2.28".
    static QString normalizeRequirement(const QString &requirement);
    // The PIP_* variables and pip.conf files pip would read in `env` (site-wide, per user,
    // PIP_CONFIG_FILE).
    // `requirementsPath` is where the requirements.txt lies: the files it includes with -r or
    // -c (relative to it, as pip reads them) count with their content too.
    // `copyDir`: the run's private folder of checked copies (Temp/<id>/requirements) that
    // requirementsPath lies in, if it does. Its name differs from run to run while what pip
    // reads does not, so it stands in the key as "{copies}": two tasks with the same files
    // share an entry. The content of every file counts either way.
    static EnvironmentKey build(const QString &interpreter, const QString &version, const QStringList &requirements,
                                const QByteArray &requirementsFile, const QProcessEnvironment &env,
                                const QString &requirementsPath = QString(), const QString &copyDir = QString());
    // The content of the files `text` includes (-r, --requirement, -c, --constraint), and of
    // theirs, at most kMaxIncludes files, each read only if it is a regular file.
    static QByteArray includedFiles(const QByteArray &text, const QString &path, int depth = 0);
    static constexpr int kMaxIncludes = 32;

    // A stable hex digest of all of the above: the first kDigestLength hex digits of a SHA-256.
    static constexpr int kDigestLength = 32;
    QString digest() const;
    // For entry.json and `--env-cache`: the inputs in readable form.
    QString describe() const;

    // The local folders among find-links values (PIP_FIND_LINKS, `find-links` in pip.conf,
    // `--find-links`/`-f` lines of a requirements.txt): plain paths and file:// URLs.
    // The local find-links folders of pip's own configuration (PIP_FIND_LINKS as the key saw it,
    // pip.conf), not those a requirements.txt names: the folders the administrator chose.
    QStringList configuredFindLinks() const;
    static QStringList localFindLinks(const QProcessEnvironment &env, const QByteArray &pipConfig, const QByteArray &requirementsFile);
    // One line per file directly in `dir`, sorted: "name size mtime-ms". At most kMaxListed.
    static QByteArray folderFingerprint(const QString &dir);
    static constexpr int kMaxListed = 100000;
};

} // namespace oa
