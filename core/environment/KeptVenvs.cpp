#include "KeptVenvs.h"

#include "fs/JsonFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace oa {

namespace {

const QString kVenv = QStringLiteral("Venv");
const QString kIdentity = QStringLiteral("Identity");
const QString kExecutionId = QStringLiteral("ExecutionId");
const QString kUses = QStringLiteral("Uses");

// The folder at `path` as "{device}:{inode}:{birth ns}", never through a final link; nullopt when
// no folder is there. The birth time tells a folder made anew from the old one where the file
// system hands the freed inode number out again (ext4 does); where it has none, it is 0. A string:
// JSON numbers lose nanoseconds.
std::optional<QString> identityOf(const QString &path)
{
    struct statx st {};
    if (::statx(AT_FDCWD, QFile::encodeName(path).constData(), AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO | STATX_BTIME, &st) != 0
        || !S_ISDIR(st.stx_mode))
        return std::nullopt;
    const qint64 birthNs = (st.stx_mask & STATX_BTIME) ? qint64(st.stx_btime.tv_sec) * 1000000000 + st.stx_btime.tv_nsec : 0;
    return QStringLiteral("%1:%2:%3").arg(quint64(makedev(st.stx_dev_major, st.stx_dev_minor))).arg(quint64(st.stx_ino)).arg(birthNs);
}

// A name in the cache's entries/ or store/: one path component.
bool isName(const QString &name)
{
    return !name.isEmpty() && !name.contains(u'/') && name != QLatin1String(".") && name != QLatin1String("..");
}

} // namespace

Status KeptVenvs::keep(const QString &venvDir, const QString &executionId, const QStringList &names) const
{
    const auto identity = identityOf(venvDir);
    if (!identity)
        return fail(ErrorKind::System, QStringLiteral("cannot keep the cache in use for %1: it is not a folder").arg(venvDir));
    if (Status made = m_folder.ensureDir(m_dir); !made)
        return made;
    const QByteArray pathHash = QCryptographicHash::hash(QFile::encodeName(venvDir), QCryptographicHash::Sha256).toHex().left(16);
    const QJsonObject record{{kVenv, venvDir},
                             {kIdentity, *identity},
                             {kExecutionId, executionId},
                             {kUses, QJsonArray::fromStringList(names)}};
    return m_folder.writeAtomically(m_dir + u'/' + executionId + u'.' + QString::fromLatin1(pathHash) + QStringLiteral(".json"),
                                    QJsonDocument(record).toJson());
}

QSet<QString> KeptVenvs::inUse() const
{
    QSet<QString> names;
    for (const AgentFolder::Entry &item : m_folder.list(m_dir)) {
        // A record being written is a dot file (AgentFolder::writeAtomically): left alone.
        if (item.name.startsWith(u'.') || !item.name.endsWith(QLatin1String(".json")))
            continue;
        const QString path = m_dir + u'/' + item.name;
        const auto record = item.kind == AgentFolder::Kind::Regular ? readOwnJsonObject(m_folder, path) : Result<QJsonObject>(fail(ErrorKind::System, QString()));
        const QString venv = record ? record->value(kVenv).toString() : QString();
        const QStringList uses = record ? jsonStrings(record->value(kUses)) : QStringList();
        // Only what the executor writes: an absolute, clean path, and names that are names.
        const bool plausible = record && QDir::isAbsolutePath(venv) && QDir::cleanPath(venv) == venv
                               && std::all_of(uses.cbegin(), uses.cend(), isName);
        if (plausible && identityOf(venv) == record->value(kIdentity).toString()) {
            for (const QString &name : uses)
                names.insert(name);
            continue;
        }
        m_folder.removeFile(path); // its venv is gone, or it is no record of ours: a link is unlinked, never followed
    }
    return names;
}

} // namespace oa
