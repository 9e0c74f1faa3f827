#include "WheelArchive.h"

#include "WheelArchiveState.h"

#include "base/Digest.h"
#include "base/PrintableText.h"

#include <QFile>
#include <QFileInfo>
#include <QSet>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

constexpr qsizetype kChunk = 64 * 1024;

struct ZipFileCloser {
    void operator()(zip_file_t *file) const { zip_fclose(file); }
};

// The archive read through libzip from its own duplicate of `fd` (stdio, closed with the archive),
// read-only; nullptr with libzip's error code and text when it is no archive libzip accepts.
zip_t *openZip(int fd, int flags, int *code, QString *why)
{
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    FILE *stream = copy >= 0 ? ::fdopen(copy, "rb") : nullptr;
    if (!stream) {
        *code = ZIP_ER_OPEN;
        *why = QString::fromLocal8Bit(std::strerror(errno));
        if (copy >= 0)
            ::close(copy);
        return nullptr;
    }
    zip_error_t error;
    zip_error_init(&error);
    zip_t *zip = nullptr;
    zip_source_t *source = zip_source_filep_create(stream, 0, -1, &error);
    if (!source)
        std::fclose(stream);
    else if (!(zip = zip_open_from_source(source, ZIP_RDONLY | flags, &error)))
        zip_source_free(source); // closes the stream
    if (!zip) {
        *code = zip_error_code_zip(&error);
        *why = QString::fromUtf8(zip_error_strerror(&error));
    }
    zip_error_fini(&error);
    return zip;
}

// The Unix file type in a member's external attributes, or 0 when the archive recorded none
// (made on another system, or by a tool that leaves them out): then the name says what it is.
mode_t unixMode(zip_t *zip, zip_uint64_t index)
{
    zip_uint8_t system = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(zip, index, 0, &system, &attributes) != 0 || system != ZIP_OPSYS_UNIX)
        return 0;
    return mode_t(attributes >> 16);
}

} // namespace

Error WheelArchive::refusal(const QString &member, const QString &what) const
{
    return fail(ErrorKind::Install, QStringLiteral("%1: %2 %3").arg(d->fileName, printableText(member), what));
}

// Each member on its own: its name, its type, its sizes. What needs all of them (duplicates,
// a name that is both a file and a folder) is checked after.
static Status checkMember(const WheelArchive &archive, WheelArchive::State &state, zip_uint64_t index)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(state.zip, index, ZIP_FL_ENC_RAW, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
        return archive.refusal(QStringLiteral("member #%1").arg(index), QStringLiteral("cannot be read: %1").arg(QString::fromUtf8(zip_strerror(state.zip))));
    const QByteArray raw(st.name);
    const QString shown = QString::fromUtf8(raw);
    const MemberPath name = MemberPath::check(raw, state.bounds.maxDepth);
    if (!name.problem.isEmpty())
        return archive.refusal(shown, name.problem);
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
        return archive.refusal(shown, QStringLiteral("has no size in the central directory"));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return archive.refusal(shown, QStringLiteral("is encrypted"));

    const mode_t mode = unixMode(state.zip, index);
    const mode_t type = mode & S_IFMT;
    if (type == S_IFLNK)
        return archive.refusal(shown, QStringLiteral("is a symbolic link"));
    if ((type != 0 && type != S_IFREG && type != S_IFDIR) || (type == S_IFDIR && !name.folder) || (type == S_IFREG && name.folder))
        return archive.refusal(shown, QStringLiteral("is neither a regular file nor a folder (mode %1)").arg(mode, 0, 8));

    WheelMember member;
    member.index = index;
    member.path = name.path;
    member.folder = name.folder;
    member.executable = !name.folder && (mode & 0111) != 0;
    // Compared before they are converted: a declared size near 2^64 is no qint64.
    const WheelBounds &bounds = state.bounds;
    if (st.size > zip_uint64_t(bounds.maxFileBytes))
        return archive.refusal(shown, QStringLiteral("declares %1 bytes unpacked, more than the bound of %2 per file").arg(st.size).arg(bounds.maxFileBytes));
    member.size = qint64(st.size);
    member.compressedSize = qint64(std::min<zip_uint64_t>(st.comp_size, zip_uint64_t(bounds.maxTotalBytes)));
    if (member.folder && member.size != 0)
        return archive.refusal(shown, QStringLiteral("is a folder with %1 bytes of content").arg(member.size));
    if (member.size > bounds.ratioFloorBytes && member.size / std::max<qint64>(member.compressedSize, 1) > bounds.maxRatio)
        return archive.refusal(shown, QStringLiteral("unpacks %1 bytes from %2, more than %3 times its compressed size (a zip bomb)")
                                          .arg(member.size).arg(member.compressedSize).arg(bounds.maxRatio));
    state.totalBytes += member.size;
    if (state.totalBytes > bounds.maxTotalBytes)
        return archive.refusal(shown, QStringLiteral("takes the unpacked total past the bound of %1 bytes (a zip bomb)").arg(bounds.maxTotalBytes));
    if (state.byPath.contains(member.path)) {
        const WheelMember &first = state.members.at(state.byPath.value(member.path));
        return archive.refusal(shown, first.folder == member.folder ? QStringLiteral("is a duplicate name")
                                                                    : QStringLiteral("is both a file and a folder"));
    }
    state.byPath.insert(member.path, state.members.size());
    state.members.append(member);
    return ok();
}

// A file whose path is also a folder of other members ("foo" and "foo/bar"): one of them could
// only be unpacked by replacing the other.
static Status checkFilesAndFolders(const WheelArchive &archive, const WheelArchive::State &state)
{
    QSet<QString> folders;
    for (const WheelMember &member : state.members) {
        if (member.folder)
            folders.insert(member.path);
        for (qsizetype slash = member.path.indexOf(u'/'); slash > 0; slash = member.path.indexOf(u'/', slash + 1))
            folders.insert(member.path.left(slash));
    }
    for (const WheelMember &member : state.members) {
        if (!member.folder && folders.contains(member.path))
            return archive.refusal(member.path, QStringLiteral("is both a file and a folder"));
    }
    return ok();
}

Result<WheelArchive> WheelArchive::open(const QString &path, const WheelBounds &bounds)
{
    auto state = std::make_unique<State>();
    state->path = path;
    state->fileName = QFileInfo(path).fileName();
    state->bounds = bounds;
    const QString shownFile = printableText(state->fileName);
    // Non-blocking and without following a link, so that a FIFO or a device planted at the
    // wheel's name cannot hang or feed the reader; fstat then judges what was really opened.
    state->fd = UniqueFd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!state->fd.isValid()) {
        const int error = errno;
        Error failure = systemFailure(QStringLiteral("cannot open the wheel %1").arg(printableText(path)), error);
        failure.kind = ErrorKind::Install;
        return failure;
    }
    struct stat st;
    if (::fstat(state->fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return fail(ErrorKind::Install, QStringLiteral("%1 is not a regular file").arg(printableText(path)));
    const auto parsed = WheelFileName::parse(state->fileName);
    if (!parsed)
        return fail(ErrorKind::Install, printableText(parsed.error().message));
    state->parsedName = *parsed;

    // ZIP_CHECKCONS: each local header must agree with the central directory, so a member cannot
    // show one name or size to this check and another to a tool that reads the local headers.
    int zipError = 0;
    QString why;
    state->zip = openZip(state->fd.get(), ZIP_CHECKCONS, &zipError, &why);
    // libzip's own check refuses a name twice without saying which; opened without it, the
    // member checks below find the name and refuse it.
    const bool duplicateName = !state->zip && zipError == ZIP_ER_EXISTS;
    if (duplicateName)
        state->zip = openZip(state->fd.get(), 0, &zipError, &why);
    if (!state->zip)
        return fail(ErrorKind::Install, QStringLiteral("%1: not a valid zip archive: %2").arg(shownFile, why));

    WheelArchive archive(std::move(state));
    State &s = *archive.d;
    const zip_int64_t count = zip_get_num_entries(s.zip, 0);
    if (count < 0 || count > bounds.maxMembers)
        return fail(ErrorKind::Install, QStringLiteral("%1: %2 members, more than the bound of %3").arg(shownFile).arg(count).arg(bounds.maxMembers));
    s.members.reserve(qsizetype(count));
    for (zip_int64_t i = 0; i < count; ++i) {
        const Status member = checkMember(archive, s, zip_uint64_t(i));
        if (!member)
            return member.error();
    }
    if (const Status both = checkFilesAndFolders(archive, s); !both)
        return both.error();
    if (duplicateName)
        return fail(ErrorKind::Install, QStringLiteral("%1: not a valid zip archive: a member name is there twice").arg(shownFile));
    if (const Status contents = wheeldetail::checkContents(archive, s); !contents)
        return contents.error();
    return archive;
}

WheelArchive::WheelArchive(std::unique_ptr<State> state) : d(std::move(state)) {}
WheelArchive::WheelArchive(WheelArchive &&other) noexcept = default;
WheelArchive &WheelArchive::operator=(WheelArchive &&other) noexcept = default;
WheelArchive::~WheelArchive() = default;

QString WheelArchive::path() const { return d->path; }
QString WheelArchive::fileName() const { return d->fileName; }
QString WheelArchive::name() const { return d->name; }
QString WheelArchive::version() const { return d->version; }
QString WheelArchive::distInfo() const { return d->name + u'-' + d->version + QStringLiteral(".dist-info"); }
QString WheelArchive::dataFolder() const { return d->name + u'-' + d->version + QStringLiteral(".data"); }
const WheelFile &WheelArchive::wheelFile() const { return d->wheel; }
const MetadataFile &WheelArchive::metadata() const { return d->metadata; }
QByteArray WheelArchive::entryPoints() const { return d->entryPoints; }
const WheelBounds &WheelArchive::bounds() const { return d->bounds; }
const QList<WheelMember> &WheelArchive::members() const { return d->members; }
qint64 WheelArchive::totalBytes() const { return d->totalBytes; }

const WheelMember *WheelArchive::member(const QString &path) const
{
    const auto it = d->byPath.constFind(path);
    return it == d->byPath.constEnd() ? nullptr : &d->members.at(*it);
}

const RecordRow *WheelArchive::recordRow(const QString &path) const
{
    const auto it = d->record.constFind(path);
    return it == d->record.constEnd() ? nullptr : &*it;
}

Status WheelArchive::stream(const WheelMember &member, const Sink &sink) const
{
    if (member.folder)
        return ok();
    const RecordRow *row = recordRow(member.path);
    const std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(d->zip, member.index, 0));
    if (!file)
        return refusal(member.path, QStringLiteral("cannot be unpacked: %1").arg(QString::fromUtf8(zip_strerror(d->zip))));
    Digest hash(row && row->hasHash() ? row->algorithm : QCryptographicHash::Sha256);
    QByteArray buffer(kChunk, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        // Never more than one byte past the declared size: the header is not trusted, and a
        // member that goes on is refused without unpacking the rest. The read that returns 0 is
        // where libzip checks the CRC.
        const qint64 want = std::min<qint64>(kChunk, member.size + 1 - total);
        const zip_int64_t n = zip_fread(file.get(), buffer.data(), zip_uint64_t(want));
        if (n < 0)
            return refusal(member.path, QStringLiteral("cannot be unpacked: %1").arg(QString::fromUtf8(zip_file_strerror(file.get()))));
        if (n == 0)
            break;
        total += n;
        if (total > member.size)
            return refusal(member.path, QStringLiteral("unpacks to more than the %1 bytes its header declares").arg(member.size));
        hash.addData(QByteArrayView(buffer.constData(), qsizetype(n)));
        if (const Status written = sink(buffer.constData(), qsizetype(n)); !written)
            return written;
    }
    if (total != member.size)
        return refusal(member.path, QStringLiteral("unpacks to %1 bytes, not the %2 its header declares").arg(total).arg(member.size));
    if (row && row->hasHash() && hash.result() != row->digest)
        return refusal(member.path, QStringLiteral("does not match its %1 in RECORD").arg(WheelRecord::algorithmName(row->algorithm)));
    return ok();
}

Result<QByteArray> WheelArchive::read(const WheelMember &member) const
{
    if (member.size > d->bounds.maxMetadataBytes)
        return refusal(member.path, QStringLiteral("is %1 bytes, more than the bound of %2 for a file read whole").arg(member.size).arg(d->bounds.maxMetadataBytes));
    QByteArray content;
    content.reserve(qsizetype(member.size));
    const Status read = stream(member, [&content](const char *data, qsizetype size) {
        content.append(data, size);
        return ok();
    });
    if (!read)
        return read.error();
    return content;
}

Status WheelArchive::verify() const
{
    for (const WheelMember &member : d->members) {
        if (const Status checked = stream(member, [](const char *, qsizetype) { return ok(); }); !checked)
            return checked;
    }
    return ok();
}

Result<QByteArray> WheelArchive::fileSha256() const
{
    Digest hash(QCryptographicHash::Sha256);
    QByteArray buffer(kChunk, Qt::Uninitialized);
    for (off_t offset = 0;;) {
        const ssize_t n = ::pread(d->fd.get(), buffer.data(), size_t(buffer.size()), offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return systemFailure(QStringLiteral("cannot read the wheel %1").arg(printableText(d->fileName)), errno);
        if (n == 0)
            break;
        hash.addData(QByteArrayView(buffer.constData(), qsizetype(n)));
        offset += n;
    }
    return hash.result().toHex();
}

} // namespace oa
