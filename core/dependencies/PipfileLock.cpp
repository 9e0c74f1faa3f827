#include "PipfileLock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace oa {

namespace {

Failure invalid(const QString &path, const QString &what)
{
    return fail(ExitCode::InvalidExecution, QStringLiteral("%1: %2").arg(path, what));
}

// PEP 508 names and extras; a version pinned with == or ===; hashes as pip takes them.
const QRegularExpression kName(QStringLiteral("^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$"));
const QRegularExpression kPinned(QStringLiteral("^===?[A-Za-z0-9.+!_-]+$"));
const QRegularExpression kHash(QStringLiteral("^(sha256|sha384|sha512):[0-9a-fA-F]+$"));
// Markers are compared with quoted strings; nothing that pip's line parser could take for an
// option (" -"), a line break, a comment or a continuation gets through.
const QRegularExpression kMarkers(QStringLiteral("^[A-Za-z0-9_ .<>=!~()'\"*+-]*$"));

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
        const QString where = QStringLiteral("default.%1").arg(it.key());
        if (!kName.match(it.key()).hasMatch())
            return invalid(path, QStringLiteral("%1: \"%2\" is not a package name").arg(where, it.key()));
        const QJsonObject entry = it.value().toObject();
        Package package;
        package.name = it.key();
        package.version = entry.value(QStringLiteral("version")).toString();
        if (package.version.isEmpty())
            return invalid(path, QStringLiteral("%1 has no pinned \"version\"; editable, VCS, path and file entries are not installed "
                                                "from a lock (pin the package, or list it in Requirements)").arg(where));
        if (!kPinned.match(package.version).hasMatch())
            return invalid(path, QStringLiteral("%1: version \"%2\" is not pinned with ==").arg(where, package.version));
        for (const QJsonValue &extra : entry.value(QStringLiteral("extras")).toArray()) {
            if (!kName.match(extra.toString()).hasMatch())
                return invalid(path, QStringLiteral("%1: extra \"%2\" is not a valid name").arg(where, extra.toString()));
            package.extras.append(extra.toString());
        }
        for (const QJsonValue &hash : entry.value(QStringLiteral("hashes")).toArray()) {
            if (!kHash.match(hash.toString()).hasMatch())
                return invalid(path, QStringLiteral("%1: \"%2\" is not a hash such as sha256:<hex>").arg(where, hash.toString()));
            package.hashes.append(hash.toString());
        }
        if (package.hashes.isEmpty())
            return invalid(path, QStringLiteral("%1 has no hashes; a lock is installed in pip's hash-checking mode (run pipenv lock again)").arg(where));
        package.markers = entry.value(QStringLiteral("markers")).toString().trimmed();
        if (!kMarkers.match(package.markers).hasMatch() || package.markers.contains(QLatin1String(" -")))
            return invalid(path, QStringLiteral("%1: markers \"%2\" hold characters that environment markers never use").arg(where, package.markers));
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

QByteArray PipfileLock::toRequirements() const
{
    QByteArray text;
    for (const Package &p : packages) {
        QString line = p.name;
        if (!p.extras.isEmpty())
            line += u'[' + p.extras.join(u',') + u']';
        line += p.version;
        if (!p.markers.isEmpty())
            line += QStringLiteral(" ; ") + p.markers;
        for (const QString &hash : p.hashes)
            line += QStringLiteral(" --hash=") + hash;
        text += line.toUtf8() + '\n';
    }
    return text;
}

} // namespace oa
