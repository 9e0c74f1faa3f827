#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace oa {

// One distribution that pip installed, as its installation report (`pip install --report`)
// says, for result.json's and entry.json's Provenance.
struct InstalledDistribution {
    QString name;      // as its metadata spells it
    QString version;
    QString file;      // the archive installed (its file name); empty for a folder or a VCS checkout
    QString url;       // where pip took it from, without user or password
    QString sha256;    // lower-case hex; empty when neither pip nor the file could say
    QString source;    // the find-links folder or the index it came from (InstallReport::sourceOf)
    bool requested = false; // named by the task, not pulled in as a dependency
    bool direct = false;    // a direct reference (name @ URL, a path, a VCS URL)

    QJsonObject toJson() const;
    static InstalledDistribution fromJson(const QJsonObject &object);
};

// What a run or a cache entry installed, or why that is not known.
struct Provenance {
    QList<InstalledDistribution> installed;
    QString unavailable; // empty when `installed` is pip's own account

    QJsonArray toJson() const;
    static QList<InstalledDistribution> fromJson(const QJsonArray &array);
};

} // namespace oa
