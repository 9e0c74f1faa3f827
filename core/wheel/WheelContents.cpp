// WheelArchive's second half: what the dist-info folder and RECORD say, checked against the
// members WheelArchive.cpp has checked one by one.
#include "WheelArchiveState.h"

#include "base/PrintableText.h"

#include <QSet>

namespace oa::wheeldetail {

namespace {

bool isRecordOrSignature(const QString &path, const QString &distInfo)
{
    // PEP 427: RECORD cannot hold its own hash, and its signatures are made over it.
    return path == distInfo + QStringLiteral("/RECORD") || path == distInfo + QStringLiteral("/RECORD.jws")
           || path == distInfo + QStringLiteral("/RECORD.p7s");
}

// The one top-level `<name>-<version>.dist-info` folder, checked against the file name; the
// `.data` folder, if any, must be the same distribution's.
Status findDistInfo(const WheelArchive &archive, WheelArchive::State &s)
{
    QSet<QString> distInfos;
    for (const WheelMember &member : s.members) {
        const qsizetype slash = member.path.indexOf(u'/');
        const QString top = slash < 0 ? member.path : member.path.left(slash);
        if ((slash > 0 || member.folder) && top.endsWith(QStringLiteral(".dist-info")))
            distInfos.insert(top);
    }
    if (distInfos.size() != 1) {
        QStringList found(distInfos.cbegin(), distInfos.cend());
        found.sort();
        return fail(ErrorKind::Install, QStringLiteral("%1: a wheel has exactly one top-level .dist-info folder, this one %2")
                                            .arg(printableText(s.fileName),
                                                 found.isEmpty() ? QStringLiteral("none") : printableText(found.join(QStringLiteral(", ")))));
    }
    const QString distInfo = *distInfos.cbegin();
    const QString stem = distInfo.chopped(int(qstrlen(".dist-info")));
    const qsizetype dash = stem.lastIndexOf(u'-');
    const QString name = stem.left(dash);
    const QString version = stem.mid(dash + 1);
    if (dash <= 0 || canonicalProjectName(name) != canonicalProjectName(s.parsedName.name)
        || version.compare(s.parsedName.version, Qt::CaseInsensitive) != 0)
        return archive.refusal(distInfo + u'/', QStringLiteral("does not match the file name: it should be %1-%2.dist-info")
                                                   .arg(s.parsedName.name, s.parsedName.version));
    s.name = name;
    s.version = version;
    const QString dataFolder = stem + QStringLiteral(".data");
    for (const WheelMember &member : s.members) {
        const qsizetype slash = member.path.indexOf(u'/');
        const QString top = slash < 0 ? member.path : member.path.left(slash);
        if (top.endsWith(QStringLiteral(".data")) && (slash > 0 || member.folder) && top != dataFolder)
            return archive.refusal(member.path, QStringLiteral("is in a .data folder that is not %1").arg(dataFolder));
    }
    return ok();
}

// RECORD against the members: every file listed once with a hash and the declared size, and no
// row for a file that is not there.
Status checkRecord(const WheelArchive &archive, WheelArchive::State &s)
{
    const QString distInfo = archive.distInfo();
    const QString recordPath = distInfo + QStringLiteral("/RECORD");
    const WheelMember *recordMember = archive.member(recordPath);
    if (!recordMember || recordMember->folder)
        return archive.refusal(recordPath, QStringLiteral("is missing"));
    const auto text = archive.read(*recordMember);
    if (!text)
        return text.error();
    const auto rows = WheelRecord::parse(*text, printableText(s.fileName) + QStringLiteral(": ") + recordPath);
    if (!rows)
        return rows.error();
    QSet<QString> listed;
    for (const RecordRow &row : *rows) {
        const MemberPath path = checkRecordPath(row.path, s.bounds.maxDepth);
        if (!path.problem.isEmpty())
            return archive.refusal(row.path, QStringLiteral("(a path in RECORD) %1").arg(path.problem));
        if (listed.contains(path.path))
            return archive.refusal(path.path, QStringLiteral("is listed twice in RECORD"));
        listed.insert(path.path);
        const WheelMember *member = archive.member(path.path);
        if (!member || member->folder)
            return archive.refusal(path.path, QStringLiteral("is listed in RECORD but missing from the wheel"));
        if (isRecordOrSignature(path.path, distInfo))
            continue;
        if (!row.hasHash() || row.size < 0)
            return archive.refusal(path.path, QStringLiteral("has no hash or no size in RECORD"));
        if (row.size != member->size)
            return archive.refusal(path.path, QStringLiteral("is %1 bytes, but RECORD says %2").arg(member->size).arg(row.size));
        RecordRow kept = row;
        kept.path = path.path;
        s.record.insert(path.path, kept);
    }
    for (const WheelMember &member : s.members) {
        if (!member.folder && !s.record.contains(member.path) && !isRecordOrSignature(member.path, distInfo))
            return archive.refusal(member.path, QStringLiteral("is not listed in RECORD"));
    }
    return ok();
}

Result<QByteArray> readDistInfoFile(const WheelArchive &archive, const QString &name, bool required)
{
    const QString path = archive.distInfo() + u'/' + name;
    const WheelMember *member = archive.member(path);
    if (!member || member->folder) {
        if (required)
            return archive.refusal(path, QStringLiteral("is missing"));
        return QByteArray();
    }
    return archive.read(*member);
}

} // namespace

Status checkContents(const WheelArchive &archive, WheelArchive::State &s)
{
    if (const Status found = findDistInfo(archive, s); !found)
        return found;
    if (const Status record = checkRecord(archive, s); !record)
        return record;
    const QString where = printableText(s.fileName) + QStringLiteral(": ") + archive.distInfo();
    const auto wheelText = readDistInfoFile(archive, QStringLiteral("WHEEL"), true);
    if (!wheelText)
        return wheelText.error();
    const auto wheel = WheelFile::parse(*wheelText, where + QStringLiteral("/WHEEL"));
    if (!wheel)
        return wheel.error();
    s.wheel = *wheel;
    const auto metadataText = readDistInfoFile(archive, QStringLiteral("METADATA"), true);
    if (!metadataText)
        return metadataText.error();
    const auto metadata = MetadataFile::parse(*metadataText, where + QStringLiteral("/METADATA"));
    if (!metadata)
        return metadata.error();
    // What importlib.metadata and pip will report must be the distribution the store files it as.
    if (canonicalProjectName(metadata->name) != canonicalProjectName(s.name)
        || metadata->version.compare(s.version, Qt::CaseInsensitive) != 0)
        return archive.refusal(archive.distInfo() + QStringLiteral("/METADATA"),
                               QStringLiteral("names %1 %2, not %3 %4").arg(printableText(metadata->name), printableText(metadata->version), s.name, s.version));
    s.metadata = *metadata;
    const auto entryPoints = readDistInfoFile(archive, QStringLiteral("entry_points.txt"), false);
    if (!entryPoints)
        return entryPoints.error();
    s.entryPoints = *entryPoints;
    return ok();
}

} // namespace oa::wheeldetail
