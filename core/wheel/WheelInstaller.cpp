#include "WheelInstaller.h"

#include "base/ParallelMap.h"
#include "StagingTree.h"
#include "WheelInstallPlan.h"
#include "WheelRecord.h"

#include "base/Digest.h"
#include "base/PrintableText.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <optional>
#include <vector>

namespace oa {

namespace {

// The longest first line looked at for "#!python"; a longer one is left as it is.
constexpr qsizetype kMaxShebang = 4096;

// One install in progress: the tree it writes and the RECORD rows of what it wrote.
class Writer {
public:
    Writer(StagingTree &tree, const WheelInstallPlan &plan) : m_tree(tree), m_plan(plan) {}

    // A file in the staging folder, written through `fill`, which calls the put function it is
    // given for each piece; hashed and counted as written, for the new RECORD.
    // `knownSha256`, when set, is the sha256 that `fill` itself holds the bytes to (a member
    // checked against its RECORD row as it streams, failing otherwise): hashing them a second
    // time would cost as much as the check (about half a second of CPU for pandas and numpy).
    template <typename Fill>
    Status writeFile(const QString &destination, mode_t mode, Fill fill, const QByteArray &knownSha256 = {})
    {
        auto fd = m_tree.createFile(destination, mode);
        if (!fd)
            return fd.error();
        Digest hash(QCryptographicHash::Sha256);
        const bool hashing = knownSha256.isEmpty();
        qint64 size = 0;
        const auto put = [&](const char *data, qsizetype length) -> Status {
            if (hashing)
                hash.addData(QByteArrayView(data, length));
            size += length;
            return m_tree.write(*fd, data, length, destination);
        };
        if (const Status filled = fill(put); !filled)
            return filled;
        RecordRow row;
        row.path = recordPath(destination);
        row.digest = hashing ? hash.result() : knownSha256;
        row.size = size;
        m_rows.append(row);
        m_files.append(destination);
        m_bytes += size;
        return ok();
    }

    Status writeBytes(const QString &destination, mode_t mode, const QByteArray &content)
    {
        return writeFile(destination, mode, [&](const auto &put) { return put(content.constData(), content.size()); });
    }

    // RECORD last, listing everything before it and itself without a hash, sorted as pip sorts.
    Status writeRecord()
    {
        const QString destination = m_plan.distInfo + QStringLiteral("/RECORD");
        RecordRow self;
        self.path = recordPath(destination);
        QList<RecordRow> rows = m_rows;
        rows.append(self);
        std::sort(rows.begin(), rows.end(), [](const RecordRow &a, const RecordRow &b) { return a.path < b.path; });
        const QByteArray text = WheelRecord::write(rows);
        auto fd = m_tree.createFile(destination, 0644);
        if (!fd)
            return fd.error();
        if (const Status written = m_tree.write(*fd, text.constData(), text.size(), destination); !written)
            return written;
        m_files.append(destination);
        m_bytes += text.size();
        return ok();
    }

    QStringList files() const { return m_files; }
    qint64 bytes() const { return m_bytes; }

private:
    // RECORD's paths are relative to site-packages, as pip writes them ("../../../bin/tool").
    QString recordPath(const QString &destination) const
    {
        const QString prefix = m_plan.sitePackages + u'/';
        if (destination.startsWith(prefix))
            return destination.mid(prefix.size());
        return QStringLiteral("../").repeated(m_plan.sitePackages.count(u'/') + 1) + destination;
    }

    StagingTree &m_tree;
    const WheelInstallPlan &m_plan;
    QList<RecordRow> m_rows;
    QStringList m_files;
    qint64 m_bytes = 0;
};

// Streams a script from .data/scripts, its first line "#!python..." replaced by "#!<python>" as
// pip does (PEP 427); the rest passes through untouched.
template <typename Emit>
class ShebangRewriter {
public:
    ShebangRewriter(const Emit &put, const QByteArray &python) : m_put(put), m_python(python) {}

    Status add(const char *data, qsizetype size)
    {
        if (m_decided)
            return m_put(data, size);
        m_head.append(data, size);
        const qsizetype newline = m_head.indexOf('\n');
        if (newline < 0 && m_head.size() < kMaxShebang)
            return ok();
        return decide(newline);
    }

    // At the end of the member: a script of one line without a newline is decided here.
    Status finish() { return m_decided ? ok() : decide(m_head.indexOf('\n')); }

private:
    Status decide(qsizetype newline)
    {
        m_decided = true;
        if (newline >= 0 || m_head.size() < kMaxShebang) {
            if (m_head.startsWith("#!python")) {
                const QByteArray rest = newline < 0 ? QByteArray() : m_head.mid(newline + 1);
                m_head = "#!" + m_python + '\n' + rest;
            }
        }
        return m_put(m_head.constData(), m_head.size());
    }

    const Emit &m_put;
    QByteArray m_python;
    QByteArray m_head;
    bool m_decided = false;
};

Status installFiles(const WheelArchive &wheel, const WheelInstallPlan &plan, const WheelInstallOptions &options, Writer &writer)
{
    const QByteArray python = options.python.toUtf8();
    for (const PlannedFile &file : plan.files) {
        const mode_t mode = (file.member->executable || file.script) ? 0755 : 0644;
        // Written as it is, a member whose RECORD row is a sha256 has that sha256 once stream()
        // succeeds (it refuses any other content).
        const RecordRow *row = file.script ? nullptr : wheel.recordRow(file.member->path);
        const QByteArray known = row && row->hasHash() && row->algorithm == QCryptographicHash::Sha256 ? row->digest : QByteArray();
        const Status written = writer.writeFile(file.destination, mode, [&](const auto &put) -> Status {
            if (!file.script)
                return wheel.stream(*file.member, put);
            ShebangRewriter rewriter(put, python);
            const Status streamed = wheel.stream(*file.member, [&](const char *data, qsizetype size) { return rewriter.add(data, size); });
            return streamed ? rewriter.finish() : streamed;
        }, known);
        if (!written)
            return written;
    }
    for (const ScriptEntryPoint &script : plan.wrappers) {
        if (const Status written = writer.writeBytes(QStringLiteral("bin/") + script.name, 0755, EntryPoints::wrapper(script, options.python)); !written)
            return written;
    }
    if (const Status written = writer.writeBytes(plan.distInfo + QStringLiteral("/INSTALLER"), 0644, "openautomate\n"); !written)
        return written;
    if (plan.requested) {
        if (const Status written = writer.writeBytes(plan.distInfo + QStringLiteral("/REQUESTED"), 0644, QByteArray()); !written)
            return written;
    }
    if (plan.directUrl) {
        // PEP 610: where the wheel came from, with the hash of the file that was installed.
        const auto sha256 = wheel.fileSha256();
        if (!sha256)
            return sha256.error();
        const QString hex = QString::fromLatin1(*sha256);
        const QJsonObject archiveInfo{{QStringLiteral("hash"), QString(QStringLiteral("sha256=") + hex)},
                                      {QStringLiteral("hashes"), QJsonObject{{QStringLiteral("sha256"), hex}}}};
        const QJsonObject directUrl{{QStringLiteral("url"), options.directUrl}, {QStringLiteral("archive_info"), archiveInfo}};
        if (const Status written = writer.writeBytes(plan.distInfo + QStringLiteral("/direct_url.json"), 0644, QJsonDocument(directUrl).toJson(QJsonDocument::Compact)); !written)
            return written;
    }
    return writer.writeRecord();
}

bool hasControlCharacter(const QString &text)
{
    return std::any_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; });
}

} // namespace

WheelInstaller::WheelInstaller(WheelInstallOptions options, WheelBounds bounds) : m_options(std::move(options)), m_bounds(bounds) {}

Status WheelInstaller::checkOptions() const
{
    // The path goes into a "#!" line the kernel reads (at most 255 bytes, split at white space)
    // and into generated Python source.
    static const QRegularExpression plainPath(QStringLiteral("^/[^\\s\\x00-\\x1f\\x7f]{1,254}\\z"));
    if (!plainPath.match(m_options.python).hasMatch() || m_options.python.toUtf8().size() > 255)
        return fail(ErrorKind::BadArgument, QStringLiteral("the interpreter for scripts (%1) must be an absolute path of at most 255 bytes without white space").arg(printableText(m_options.python)));
    static const QRegularExpression version(QStringLiteral("^[0-9]+\\.[0-9]+\\z"));
    if (!version.match(m_options.pythonVersion).hasMatch())
        return fail(ErrorKind::BadArgument, QStringLiteral("the Python version %1 is not X.Y").arg(printableText(m_options.pythonVersion)));
    if (hasControlCharacter(m_options.directUrl) || m_options.directUrl.size() > 8192)
        return fail(ErrorKind::BadArgument, QStringLiteral("the direct URL %1 has a control character or is too long").arg(printableText(m_options.directUrl.left(200))));
    return ok();
}

Result<InstalledWheel> WheelInstaller::install(const WheelArchive &wheel, const QString &target) const
{
    if (const Status options = checkOptions(); !options)
        return options.error();
    const auto plan = WheelInstallPlan::make(wheel, m_options.pythonVersion, m_options.requested, !m_options.directUrl.isEmpty());
    if (!plan)
        return plan.error();
    auto created = StagingTree::create(target);
    if (!created)
        return created.error();
    StagingTree &tree = created.value();
    Writer writer(tree, *plan);
    if (const Status installed = installFiles(wheel, *plan, m_options, writer); !installed) {
        // Refused half way (a hash that does not match, a full disk): nothing of it may stay.
        Error failure = installed.error();
        if (const Status discarded = tree.discard(); !discarded)
            failure.message += QStringLiteral(" (and the staging folder was not removed: %1)").arg(discarded.error().message);
        return failure;
    }
    InstalledWheel result;
    result.name = wheel.name();
    result.version = wheel.version();
    result.target = tree.path();
    result.sitePackages = plan->sitePackages;
    result.files = writer.files();
    result.files.sort();
    result.bytes = writer.bytes();
    return result;
}

Result<InstalledWheel> WheelInstaller::install(const QString &wheelPath, const QString &target) const
{
    const auto wheel = WheelArchive::open(wheelPath, m_bounds);
    if (!wheel)
        return wheel.error();
    return install(*wheel, target);
}

QList<Result<InstalledWheel>> WheelInstaller::installAll(const QList<WheelInstallJob> &jobs, int threads) const
{
    return parallelMap<Result<InstalledWheel>>(jobs.size(), threads,
                                               [&](qsizetype i) { return install(jobs.at(i).wheel, jobs.at(i).target); });
}

} // namespace oa
