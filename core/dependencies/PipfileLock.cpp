#include "PipfileLock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace oa {

namespace {

Error invalid(const QString &path, const QString &what)
{
    return fail(ErrorKind::InvalidTask, QStringLiteral("%1: %2").arg(path, what));
}

} // namespace

Result<PipfileLock> PipfileLock::parse(const QByteArray &json, const QString &path)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (!doc.isObject())
        return invalid(path, error.error != QJsonParseError::NoError
                                 ? QStringLiteral("not valid JSON at offset %1: %2").arg(error.offset).arg(error.errorString())
                                 : QStringLiteral("not a JSON object"));
    const QJsonObject root = doc.object();
    PipfileLock lock;
    const QJsonObject meta = root.value(QStringLiteral("_meta")).toObject();
    lock.metaHash = meta.value(QStringLiteral("hash")).toObject().value(QStringLiteral("sha256")).toString();
    for (const QJsonValue &source : meta.value(QStringLiteral("sources")).toArray())
        lock.sourceUrls.append(source.toObject().value(QStringLiteral("url")).toString());
    const QJsonObject requires_ = meta.value(QStringLiteral("requires")).toObject();
    if (const QString full = requires_.value(QStringLiteral("python_full_version")).toString(); !full.isEmpty())
        lock.requiresPython = QStringLiteral("==") + full;
    else if (const QString minor = requires_.value(QStringLiteral("python_version")).toString(); !minor.isEmpty())
        lock.requiresPython = QStringLiteral("==%1.*").arg(minor);

    const QJsonValue defaults = root.value(QStringLiteral("default"));
    if (!defaults.isUndefined() && !defaults.isObject())
        return invalid(path, QStringLiteral("\"default\" must be an object of packages"));
    const QJsonObject packages = defaults.toObject();
    for (auto it = packages.begin(); it != packages.end(); ++it) {
        // The key as JSON gave it: a "\n" in it is named, never taken (it would split pip's line).
        const QString where = QStringLiteral("default.%1").arg(QString(it.key()).replace(u'\n', QStringLiteral("\\n")));
        if (const QString problem = Requirement::nameProblem(it.key()); !problem.isEmpty())
            return invalid(path, QStringLiteral("%1: the package name %2").arg(where, problem));
        if (!it.value().isObject())
            return invalid(path, QStringLiteral("%1 must be an object with \"version\" and \"hashes\"").arg(where));
        const QJsonObject entry = it.value().toObject();
        Package package;
        package.name = it.key();
        const QJsonValue version = entry.value(QStringLiteral("version"));
        if (version.isUndefined() || version.toString().isEmpty())
            return invalid(path, QStringLiteral("%1 has no pinned \"version\"; editable, VCS, path and file entries are not installed "
                                                "from a lock (pin the package, or list it in Requirements)").arg(where));
        // One clause, == or ===, no wildcard: a lock pins exactly one version.
        const QString pinned = version.toString();
        const Result<QString> specifier = Requirement::canonicalSpecifier(pinned);
        if (specifier)
            package.version = specifier.value();
        if (!specifier || !pinned.startsWith(QLatin1String("==")) || package.version.contains(u',') || package.version.endsWith(u'*'))
            return invalid(path, QStringLiteral("%1: version \"%2\" is not one version pinned with == (%3)")
                                     .arg(where, pinned, specifier ? QStringLiteral("a lock pins exactly one") : specifier.error().message));
        for (const QJsonValue &extra : entry.value(QStringLiteral("extras")).toArray()) {
            if (const QString why = Requirement::nameProblem(extra.toString()); !why.isEmpty())
                return invalid(path, QStringLiteral("%1: the extra %2").arg(where, why));
            if (!package.extras.contains(extra.toString())) // the line written says each once
                package.extras.append(extra.toString());
        }
        for (const QJsonValue &hash : entry.value(QStringLiteral("hashes")).toArray()) {
            if (const QString why = Requirement::hashProblem(hash.toString()); !why.isEmpty())
                return invalid(path, QStringLiteral("%1: %2").arg(where, why));
            if (!package.hashes.contains(hash.toString().toLower()))
                package.hashes.append(hash.toString().toLower());
        }
        if (package.hashes.isEmpty())
            return invalid(path, QStringLiteral("%1 has no hashes; a lock is installed in pip's hash-checking mode (run pipenv lock again)").arg(where));
        const QJsonValue markers = entry.value(QStringLiteral("markers"));
        if (!markers.isUndefined() && !markers.isString())
            return invalid(path, QStringLiteral("%1: \"markers\" must be a string").arg(where));
        if (!markers.toString().isEmpty()) {
            const Result<QString> marker = Requirement::canonicalMarker(markers.toString());
            if (!marker)
                return invalid(path, QStringLiteral("%1: markers: %2").arg(where, marker.error().message));
            package.markers = marker.value();
        }
        // Pipenv writes a VCS entry as {"git": "https://…"}: said as pip would take it.
        const std::pair<const char *, const char *> references[] = {{"file", ""}, {"path", ""}, {"git", "git+"},
                                                                   {"hg", "hg+"}, {"svn", "svn+"}, {"bzr", "bzr+"}};
        for (const auto &[key, prefix] : references)
            if (const QString value = entry.value(QLatin1String(key)).toString(); !value.isEmpty() && package.reference.isEmpty())
                package.reference = QLatin1String(prefix) + value;
        lock.packages.append(package);
    }
    std::sort(lock.packages.begin(), lock.packages.end(), [](const Package &a, const Package &b) { return a.name < b.name; });
    return lock;
}

Requirement PipfileLock::Package::requirement() const
{
    Requirement r;
    r.name = name;
    r.extras = extras;
    r.specifier = version;
    r.marker = markers;
    r.hashes = hashes;
    return r;
}

QByteArray PipfileLock::toRequirements() const
{
    QByteArray text;
    for (const Package &p : packages)
        text += p.requirement().toLine().toUtf8() + '\n';
    return text;
}

} // namespace oa
