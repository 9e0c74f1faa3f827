#pragma once

#include "InstallReport.h"

#include <QByteArray>
#include <QMap>
#include <QProcessEnvironment>
#include <QSet>
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
    // Every local file or folder a requirement refers to (a wheel, an sdist, a project folder),
    // at any include depth, by path and content digest (contentDigest).
    QByteArray references;

    // The requirement as Requirement writes it, with the PEP 503 name (lower case, runs of -_.
    // as "-"): " Requests >= 2.28 " -> "requests>=2.28". Paths and URLs stay exactly as they
    // are ("my lib" and "mylib" are two keys).
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
    // theirs, at any depth, each once (`visited`), each read only if it is a regular file.
    // `contents` gets each included file's content.
    static QByteArray includedFiles(const QByteArray &text, const QString &path, QSet<QString> *visited = nullptr,
                                    QList<QByteArray> *contents = nullptr);
    // "reference PATH DIGEST" for every local path among `requirements` and the requirement
    // lines of `files` (requirements files as the executor wrote them); "reference URL
    // uncacheable RANDOM" for a VCS URL, or a URL pinned by no hash: its content is unknown, so
    // its entry is never shared.
    static QByteArray localReferences(const QStringList &requirements, const QList<QByteArray> &files);
    // What a local reference holds: "sha256 HEX" of a regular file, "tree sha256 HEX" of a
    // folder's names and files (at most kMaxTreeFiles files, kMaxTreeBytes bytes: past that,
    // "uncacheable" and a random value, so the entry is never shared), "missing" or "unreadable".
    static QByteArray contentDigest(const QString &path);
    // Why an entry built from `references` (the key's) must not be cached: a referenced file
    // that pip's report (`provenance`) says it installed with another SHA-256 than the key read.
    // Empty when every one matches, or pip gave no report (InstallReport says why, apart).
    static QString referenceChangedDuringInstall(const QByteArray &references, const Provenance &provenance);
    static constexpr int kMaxTreeFiles = 20000;
    static constexpr qint64 kMaxTreeBytes = qint64(512) * 1024 * 1024;

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
