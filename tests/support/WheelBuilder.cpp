#include "WheelBuilder.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtDebug>

#include <zip.h>

namespace oatest {

WheelBuilder::WheelBuilder(const QString &name, const QString &version)
    : m_name(name), m_version(version), m_distInfo(name + u'-' + version + QStringLiteral(".dist-info"))
{
    m_wheel = "Wheel-Version: 1.0\nGenerator: oa-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
    m_metadata = "Metadata-Version: 2.1\nName: " + name.toUtf8() + "\nVersion: " + version.toUtf8() + "\nSummary: a test\n\nThe description.\n";
}

QString WheelBuilder::dataFolder() const { return m_name + u'-' + m_version + QStringLiteral(".data"); }
QString WheelBuilder::fileName() const { return m_name + u'-' + m_version + QStringLiteral("-py3-none-any.whl"); }

WheelBuilder &WheelBuilder::file(const QByteArray &path, const QByteArray &content, quint32 mode)
{
    m_members.append({path, content, mode, true});
    return *this;
}

WheelBuilder &WheelBuilder::unlisted(const QByteArray &path, const QByteArray &content, quint32 mode)
{
    m_members.append({path, content, mode, false});
    return *this;
}

WheelBuilder &WheelBuilder::folder(const QByteArray &path)
{
    m_members.append({path, QByteArray(), 040755, false});
    return *this;
}

WheelBuilder &WheelBuilder::symlink(const QByteArray &path, const QByteArray &target)
{
    m_members.append({path, target, 0120777, true});
    return *this;
}

WheelBuilder &WheelBuilder::recordRow(const QByteArray &path, const QByteArray &row)
{
    m_recordRows.insert(path, row);
    return *this;
}

WheelBuilder &WheelBuilder::extraRecordLine(const QByteArray &line)
{
    m_extraRecord.append(line);
    return *this;
}

WheelBuilder &WheelBuilder::wheelFile(const QByteArray &content)
{
    m_wheel = content;
    return *this;
}

WheelBuilder &WheelBuilder::metadata(const QByteArray &content)
{
    m_metadata = content;
    return *this;
}

WheelBuilder &WheelBuilder::entryPoints(const QByteArray &content)
{
    return file(m_distInfo.toUtf8() + "/entry_points.txt", content);
}

WheelBuilder &WheelBuilder::distInfoName(const QString &folder)
{
    m_distInfo = folder;
    return *this;
}

WheelBuilder &WheelBuilder::stored()
{
    m_stored = true;
    return *this;
}

WheelBuilder &WheelBuilder::patch(const QByteArray &from, const QByteArray &to)
{
    m_patches.append({from, to});
    return *this;
}

WheelBuilder &WheelBuilder::declaredSize(const QByteArray &path, quint32 size)
{
    m_sizes.append({path, size});
    return *this;
}

QString WheelBuilder::sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

QByteArray WheelBuilder::recordHash(const QByteArray &content)
{
    return "sha256=" + QCryptographicHash::hash(content, QCryptographicHash::Sha256).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
           + ',' + QByteArray::number(content.size());
}

namespace {

void putLe32(QByteArray &bytes, qsizetype at, quint32 value)
{
    for (int i = 0; i < 4; ++i)
        bytes[at + i] = char((value >> (8 * i)) & 0xff);
}

} // namespace

QString WheelBuilder::write(const QString &dir, const QString &name) const
{
    QList<Member> members = m_members;
    const QByteArray distInfo = m_distInfo.toUtf8();
    if (!m_wheel.isEmpty())
        members.append({distInfo + "/WHEEL", m_wheel, 0100644, true});
    if (!m_metadata.isEmpty())
        members.append({distInfo + "/METADATA", m_metadata, 0100644, true});
    QByteArray record;
    for (const Member &member : members) {
        if (m_recordRows.contains(member.path))
            record += m_recordRows.value(member.path).isEmpty() ? QByteArray() : m_recordRows.value(member.path) + '\n';
        else if (member.listed)
            record += (member.path.contains(',') ? '"' + member.path + '"' : member.path) + ',' + recordHash(member.content) + '\n';
    }
    for (const QByteArray &line : m_extraRecord)
        record += line + '\n';
    record += distInfo + "/RECORD,,\n";
    members.append({distInfo + "/RECORD", record, 0100644, false});

    const QString path = dir + u'/' + (name.isEmpty() ? fileName() : name);
    int error = 0;
    zip_t *zip = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!zip) {
        qWarning("zip_open %s: %d", qPrintable(path), error);
        return {};
    }
    for (const Member &member : members) {
        zip_int64_t index = -1;
        if (member.mode >> 12 == 04) {
            index = zip_dir_add(zip, member.path.constData(), ZIP_FL_ENC_RAW);
        } else {
            // The buffer stays with `members` until zip_close, which reads it.
            zip_source_t *source = zip_source_buffer(zip, member.content.constData(), zip_uint64_t(member.content.size()), 0);
            index = source ? zip_file_add(zip, member.path.constData(), source, ZIP_FL_ENC_RAW) : -1;
            if (index < 0 && source)
                zip_source_free(source);
            if (index >= 0 && m_stored)
                zip_set_file_compression(zip, zip_uint64_t(index), ZIP_CM_STORE, 0);
        }
        if (index < 0 || (member.mode && zip_file_set_external_attributes(zip, zip_uint64_t(index), 0, ZIP_OPSYS_UNIX, member.mode << 16) != 0)) {
            qWarning("libzip refused %s: %s", member.path.constData(), zip_strerror(zip));
            zip_discard(zip);
            return {};
        }
    }
    if (zip_close(zip) != 0) {
        qWarning("zip_close %s: %s", qPrintable(path), zip_strerror(zip));
        zip_discard(zip);
        return {};
    }
    if (m_patches.isEmpty() && m_sizes.isEmpty())
        return path;

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = file.readAll();
    file.close();
    for (const auto &[from, to] : m_patches)
        bytes.replace(from, to);
    // A member's name follows its local header (30 bytes, "PK\3\4", size at 22) and its central
    // directory entry (46 bytes, "PK\1\2", size at 24).
    for (const auto &[member, size] : m_sizes) {
        for (qsizetype at = bytes.indexOf(member); at >= 0; at = bytes.indexOf(member, at + 1)) {
            if (at >= 30 && bytes.mid(at - 30, 4) == QByteArray("PK\3\4", 4))
                putLe32(bytes, at - 30 + 22, size);
            else if (at >= 46 && bytes.mid(at - 46, 4) == QByteArray("PK\1\2", 4))
                putLe32(bytes, at - 46 + 24, size);
        }
    }
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

} // namespace oatest
