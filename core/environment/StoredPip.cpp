#include "StoredPip.h"

#include "InstallReport.h"
#include "StoreComposition.h"
#include "fs/JsonFile.h"
#include "wheel/WheelNames.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oa {

namespace {

// A path, a fingerprint and a sha256 per interpreter: a few hundred bytes.
constexpr qint64 kMaxHashesBytes = 64 * 1024;

} // namespace

StoredPip::StoredPip(const QString &cacheDir, const QString &agentBase, QString executionId)
    : m_layout(cacheDir, agentBase), m_executionId(std::move(executionId))
{
}

StoredPip::~StoredPip()
{
    release();
}

void StoredPip::release()
{
    if (!m_marker.isEmpty())
        m_layout.folder().removeFile(m_marker);
    m_marker.clear();
    m_store.reset();
    m_stored.reset();
}

Result<PinnedWheel> StoredPip::bundledWheel(const PythonInterpreter &python, QString *fingerprint, const QJsonObject &known)
{
    if (python.bundledPipWheel.isEmpty())
        return fail(ErrorKind::Environment, QStringLiteral("%1 has no bundled pip wheel (ensurepip's, or python3-pip-whl's in /usr/share/python-wheels)")
                                                .arg(python.executable));
    const QString path = python.bundledPipWheel;
    const auto parsed = WheelFileName::parse(QFileInfo(path).fileName());
    if (!parsed || canonicalProjectName(parsed->name) != QLatin1String("pip"))
        return fail(ErrorKind::Environment, QStringLiteral("the bundled pip wheel %1 is not named as a pip wheel").arg(path));
    // Opened without following a link at its last component and never blocking on a FIFO; the
    // store hashes the file it unpacks once more, from the descriptor libzip reads.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return systemFailure(QStringLiteral("cannot read the bundled pip wheel %1").arg(path), errno);
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    // Any change to the file, even one that keeps its size and modification time, sets its
    // change time, which nobody can set back.
    const QString identity = QStringLiteral("%1:%2:%3:%4.%5:%6.%7")
                                 .arg(quint64(st.st_dev)).arg(quint64(st.st_ino)).arg(qint64(st.st_size))
                                 .arg(qint64(st.st_mtim.tv_sec)).arg(qint64(st.st_mtim.tv_nsec), 9, 10, QLatin1Char('0'))
                                 .arg(qint64(st.st_ctim.tv_sec)).arg(qint64(st.st_ctim.tv_nsec), 9, 10, QLatin1Char('0'));
    const QJsonObject recorded = known.value(path).toObject();
    static const QRegularExpression hex(QRegularExpression::anchoredPattern(QStringLiteral("[0-9a-f]{64}")));
    QString sha256;
    if (regular && recorded.value(QStringLiteral("Fingerprint")).toString() == identity
        && hex.match(recorded.value(QStringLiteral("Sha256")).toString()).hasMatch())
        sha256 = recorded.value(QStringLiteral("Sha256")).toString();
    else if (regular)
        sha256 = InstallReport::sha256OfOpenFile(fd);
    ::close(fd);
    if (!regular || sha256.isEmpty())
        return fail(ErrorKind::Environment, QStringLiteral("the bundled pip wheel %1 is not a readable regular file").arg(path));
    if (fingerprint)
        *fingerprint = identity;
    PinnedWheel wheel;
    wheel.name = QStringLiteral("pip");
    wheel.version = parsed->version;
    wheel.sha256 = sha256;
    wheel.path = path;
    return wheel;
}

Result<StoredDistribution> StoredPip::ensure(const PinnedWheel &wheel, const PythonInterpreter &python, const QString &log, RunControl *control)
{
    release();
    // The marker first: see the class comment.
    const QString folderName = StoreFolder::nameFor(wheel.name, wheel.version, wheel.sha256);
    const QString marker = m_layout.inUseMarker(folderName, m_executionId, QCoreApplication::applicationPid());
    if (Status touched = m_layout.folder().touch(marker); !touched)
        return CacheLayout::unusable(QStringLiteral("cannot mark the store folder %1 in use").arg(folderName), touched.error());
    m_marker = marker;
    m_store = std::make_unique<DistributionStore>(m_layout, control);
    auto stored = m_store->ensure(wheel, python, log);
    m_warnings += m_store->takeWarnings();
    if (!stored)
        release();
    return stored;
}

void StoredPip::remember(const CacheLayout &layout, const Located &located)
{
    if (located.recorded)
        return;
    // Only the interpreters that still have this wheel matter; a handful of paths at most.
    QJsonObject known = located.known;
    for (const QString &path : known.keys())
        if (path != located.wheel.path && !QFileInfo::exists(path))
            known.remove(path);
    known.insert(located.wheel.path, QJsonObject{{QStringLiteral("Fingerprint"), located.fingerprint}, {QStringLiteral("Sha256"), located.wheel.sha256}});
    layout.folder().writeAtomically(layout.dir() + u'/' + QLatin1String(kHashesFile), QJsonDocument(known).toJson(QJsonDocument::Compact),
                                    nullptr, AgentFolder::Durability::AtomicOnly);
}

Result<StoredPip::Located> StoredPip::locate(const CacheLayout &layout, const PythonInterpreter &python, DistributionStore &store)
{
    Located located;
    // The executor's own file only: a run-as user's (or a link, a FIFO) is no record.
    const auto read = layout.folder().readOwnFile(layout.dir() + u'/' + QLatin1String(kHashesFile), kMaxHashesBytes);
    const auto parsed = read ? parseJsonObject(*read) : Result<QJsonObject>(read.error());
    located.known = parsed ? parsed.value() : QJsonObject();
    auto wheel = bundledWheel(python, &located.fingerprint, located.known);
    if (!wheel)
        return wheel.error();
    const QJsonObject recorded = located.known.value(wheel->path).toObject();
    if (recorded.value(QStringLiteral("Fingerprint")).toString() == located.fingerprint
        && recorded.value(QStringLiteral("Sha256")).toString() == wheel->sha256) {
        const std::optional<StoredDistribution> found = store.find(*wheel);
        located.recorded = found && found->url == QUrl::fromLocalFile(wheel->path).toString(QUrl::FullyEncoded);
        if (!located.recorded) // not stored from this file, or not stored: trust only the file itself
            wheel = bundledWheel(python, &located.fingerprint);
        if (!wheel)
            return wheel.error();
    }
    located.wheel = *wheel;
    return located;
}

Result<StoredDistribution> StoredPip::acquire(const PythonInterpreter &python, const QString &log, RunControl *control)
{
    release();
    if (Status prepared = m_layout.prepare(&m_warnings); !prepared)
        return prepared.error();
    DistributionStore lookup(m_layout, control);
    const auto located = locate(m_layout, python, lookup);
    m_warnings += lookup.takeWarnings();
    if (!located)
        return located.error();
    // The lookup's answer is checked again by ensure(), after our marker: see the class comment.
    auto stored = ensure(located->wheel, python, log, control);
    if (!stored)
        return stored.error();
    remember(m_layout, *located);
    m_stored = *stored;
    return *stored;
}

Status StoredPip::compose(const AgentFolder &venvFolder, const QString &venvSitePackages, const QString &venvBin,
                          const QString &venvPython) const
{
    if (!m_stored)
        return fail(ErrorKind::Internal, QStringLiteral("no stored pip to compose into %1").arg(venvSitePackages));
    return StoreComposition::compose(m_layout.folder(), venvFolder, {*m_stored}, venvSitePackages, venvBin, venvPython,
                                     AgentFolder::Durability::AtomicOnly);
}

} // namespace oa
