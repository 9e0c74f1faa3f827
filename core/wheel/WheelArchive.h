#pragma once

#include "DistInfoFiles.h"
#include "WheelBounds.h"
#include "WheelRecord.h"

#include "base/Error.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace oa {

// One entry of a wheel's central directory, checked (WheelArchive::open).
struct WheelMember {
    quint64 index = 0;       // libzip's index
    QString path;            // normalized (MemberPath), no trailing "/"
    bool folder = false;
    qint64 size = 0;         // unpacked, as declared; stream() holds the bytes to it
    qint64 compressedSize = 0;
    bool executable = false; // any x bit in the Unix mode the archive recorded
};

// A wheel (PEP 427, PEP 491) opened with libzip and checked before a byte of it is unpacked:
//  - the file is opened O_NOFOLLOW and non-blocking and must be a regular file;
//  - its name parses as a wheel file name, and the one top-level `<name>-<version>.dist-info`
//    matches it (names compared as PEP 503 normalizes them), as METADATA's Name and Version do;
//    a top-level `.data` folder other than `<name>-<version>.data` is refused;
//  - WHEEL says Wheel-Version 1.x and Root-Is-Purelib; METADATA and RECORD are there;
//  - every member name is UTF-8 with no control character or backslash, not absolute, with no
//    ".." and at most WheelBounds::maxDepth deep; names that normalize to one ("a/./b", "a/b")
//    or a name that is a file and a folder ("foo", "foo/") are refused, as is any entry that is
//    not a regular file or a folder (a symbolic link, a device) or is encrypted;
//  - declared sizes keep to the bounds (each member, all together, the ratio of each large
//    member to its compressed size);
//  - RECORD lists every file but RECORD and its signatures, each with a sha256 (or stronger) and
//    the size the central directory declares, names no file that is missing, and lists none twice.
// stream() then holds each member to its declared size and its RECORD hash as it is unpacked.
// Every refusal is an ErrorKind::Install error naming the wheel file and the member.
// Not thread-safe: one archive is read by one thread at a time (libzip shares one stream).
class WheelArchive {
public:
    static Result<WheelArchive> open(const QString &path, const WheelBounds &bounds = {});

    WheelArchive(WheelArchive &&other) noexcept;
    WheelArchive &operator=(WheelArchive &&other) noexcept;
    ~WheelArchive();

    QString path() const;
    QString fileName() const;
    // The distribution's name and version as the dist-info folder spells them.
    QString name() const;
    QString version() const;
    QString distInfo() const;   // "<name>-<version>.dist-info"
    QString dataFolder() const; // "<name>-<version>.data"
    const WheelFile &wheelFile() const;
    const MetadataFile &metadata() const;
    // entry_points.txt, empty when the wheel has none.
    QByteArray entryPoints() const;
    const WheelBounds &bounds() const;

    const QList<WheelMember> &members() const;
    const WheelMember *member(const QString &path) const;
    // The RECORD row of a member; nullptr for RECORD itself and unlisted signatures.
    const RecordRow *recordRow(const QString &path) const;
    // All members' declared unpacked sizes.
    qint64 totalBytes() const;

    // Unpacks `member` in chunks into `sink`, never more than its declared size (one byte more is
    // a lying header, refused), and checks the byte count and RECORD's hash at the end. A sink's
    // failure stops the read and is returned as it is.
    using Sink = std::function<Status(const char *data, qsizetype size)>;
    Status stream(const WheelMember &member, const Sink &sink) const;
    // A member read whole, at most WheelBounds::maxMetadataBytes.
    Result<QByteArray> read(const WheelMember &member) const;
    // Streams every file through its checks, writing nothing.
    Status verify() const;
    // The sha256 of the whole wheel file, hex (for direct_url.json).
    Result<QByteArray> fileSha256() const;

    // "<wheel file>: <member> <what>", an Install error.
    Error refusal(const QString &member, const QString &what) const;

    struct State;

private:
    explicit WheelArchive(std::unique_ptr<State> state);
    std::unique_ptr<State> d;
};

} // namespace oa
