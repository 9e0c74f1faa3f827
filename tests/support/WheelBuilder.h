#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>

namespace oatest {

// Builds wheels for the wheel tests with libzip's write API, in the process (the quick tier runs
// no Python): a well-formed one by default (WHEEL, METADATA and a RECORD with every file's
// sha256 and size), and every malformed shape by the knobs below.
class WheelBuilder {
public:
    WheelBuilder(const QString &name = QStringLiteral("demo"), const QString &version = QStringLiteral("1.0"));

    QString distInfo() const { return m_distInfo; }
    QString dataFolder() const; // "<name>-<version>.data"
    QString fileName() const;   // "<name>-<version>-py3-none-any.whl"

    // A file, listed in RECORD. `mode` is the Unix mode recorded in the archive (0 records none).
    WheelBuilder &file(const QByteArray &path, const QByteArray &content, quint32 mode = 0100644);
    // A file RECORD does not list.
    WheelBuilder &unlisted(const QByteArray &path, const QByteArray &content, quint32 mode = 0100644);
    // A folder entry ("pkg/").
    WheelBuilder &folder(const QByteArray &path);
    // A member whose mode is a symbolic link to `target`.
    WheelBuilder &symlink(const QByteArray &path, const QByteArray &target);
    // RECORD's row for `path` written as `row` instead of the computed one ("" leaves it out).
    WheelBuilder &recordRow(const QByteArray &path, const QByteArray &row);
    // A line added to RECORD as it is.
    WheelBuilder &extraRecordLine(const QByteArray &line);
    // Replaces WHEEL or METADATA ("" leaves the file out).
    WheelBuilder &wheelFile(const QByteArray &content);
    WheelBuilder &metadata(const QByteArray &content);
    // Adds `<dist-info>/entry_points.txt`.
    WheelBuilder &entryPoints(const QByteArray &content);
    // Names the dist-info folder otherwise (the file name stays).
    WheelBuilder &distInfoName(const QString &folder);
    // Stores members uncompressed (the default is deflate).
    WheelBuilder &stored();

    // After the archive is written, every occurrence of `from` in its bytes becomes `to` (same
    // length): a second member renamed onto a first one (libzip refuses to write duplicate
    // names), or a declared size that lies.
    WheelBuilder &patch(const QByteArray &from, const QByteArray &to);
    // After writing, the unpacked size that the local and central headers of `path` declare.
    WheelBuilder &declaredSize(const QByteArray &path, quint32 size);

    // Writes the wheel as `dir/fileName()` (or `dir/name` when given); the path, empty on failure
    // (with a warning saying why).
    QString write(const QString &dir, const QString &name = QString()) const;

    // "sha256=<urlsafe b64>,<size>" for `content`, as RECORD writes it.
    static QByteArray recordHash(const QByteArray &content);
    // The lower-case hex sha256 of the file at `path`, as a hash-pinned set names a wheel; empty
    // when it cannot be read.
    static QString sha256Of(const QString &path);

private:
    struct Member {
        QByteArray path;
        QByteArray content;
        quint32 mode = 0100644;
        bool listed = true;
    };
    QString m_name;
    QString m_version;
    QString m_distInfo;
    QList<Member> m_members;
    QMap<QByteArray, QByteArray> m_recordRows;
    QList<QByteArray> m_extraRecord;
    QByteArray m_wheel;
    QByteArray m_metadata;
    bool m_stored = false;
    QList<QPair<QByteArray, QByteArray>> m_patches;
    QList<QPair<QByteArray, quint32>> m_sizes;
};

} // namespace oatest
