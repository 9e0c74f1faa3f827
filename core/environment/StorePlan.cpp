#include "StorePlan.h"

#include "fs/AgentFolder.h"
#include "InstallReport.h"
#include "syntax/Requirement.h"
#include "syntax/RequirementsText.h"
#include "wheel/WheelNames.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QVersionNumber>

#include <algorithm>

#include <gnu/libc-version.h>

namespace oa {

namespace {

// The machine of the interpreter's wheels: the executor's own. An interpreter of another
// architecture on this machine (a 32-bit one) is not told apart, so only the two this is built
// for name one; elsewhere only pure wheels qualify.
QString planMachine()
{
#if defined(__x86_64__)
    return QStringLiteral("x86_64");
#elif defined(__aarch64__)
    return QStringLiteral("aarch64");
#else
    return {};
#endif
}

// The glibc version a manylinux tag needs, or null when the tag is no manylinux tag of `machine`.
QVersionNumber planManylinux(const QString &platform, const QString &machine)
{
    if (platform == QLatin1String("manylinux1_") + machine)
        return {2, 5};
    if (platform == QLatin1String("manylinux2010_") + machine)
        return {2, 12};
    if (platform == QLatin1String("manylinux2014_") + machine)
        return {2, 17};
    static const QRegularExpression pep600(QRegularExpression::anchoredPattern(QStringLiteral("manylinux_([0-9]+)_([0-9]+)_(.+)")));
    if (const auto m = pep600.match(platform); m.hasMatch() && m.captured(3) == machine)
        return {m.captured(1).toInt(), m.captured(2).toInt()};
    return {};
}

} // namespace

QList<StorePlan::Pin> StorePlan::readPins(const QByteArray &requirementsText, QString *why, const MarkerEvaluator &markers,
                                          QStringList *leftOut)
{
    QList<Pin> pins;
    const auto refuse = [&](const QString &reason) {
        *why = reason;
        return QList<Pin>();
    };
    for (const RequirementsText::Line &line : RequirementsText::parse(requirementsText)) {
        if (line.isOption())
            return refuse(QStringLiteral("line %1 is an option (%2)").arg(line.number).arg(line.text));
        const auto parsed = Requirement::parse(line.text);
        if (!parsed)
            return refuse(QStringLiteral("line %1: %2").arg(line.number).arg(parsed.error().message));
        if (parsed->isDirectReference() || parsed->name.isEmpty())
            return refuse(QStringLiteral("line %1 is a direct reference").arg(line.number));
        // A requirement's own marker is evaluated with no extra, as pip evaluates a top-level one.
        bool applies = true;
        if (!parsed->marker.isEmpty()) {
            QString undecided;
            const std::optional<bool> holds = markers.evaluate(parsed->marker, QString(), &undecided);
            if (!holds)
                return refuse(QStringLiteral("the marker of %1 (%2) is not decided here: %3").arg(parsed->name, parsed->marker, undecided));
            applies = *holds;
        }
        const QString version = exactVersion(parsed->specifier);
        if (version.isEmpty())
            return refuse(QStringLiteral("%1 is not pinned to one version with == (%2)").arg(parsed->name, parsed->specifier));
        Pin pin{parsed->name, version, {}, {}};
        for (const QString &extra : parsed->extras)
            pin.extras.append(canonicalProjectName(extra));
        for (const QString &hash : parsed->hashes)
            if (hash.startsWith(QLatin1String("sha256:")))
                pin.sha256.append(hash.mid(7).toLower());
        if (pin.sha256.isEmpty())
            return refuse(QStringLiteral("%1 has no sha256 hash").arg(parsed->name));
        if (!applies) { // pinned and hashed like the rest, and ignored by pip here
            if (leftOut)
                leftOut->append(QStringLiteral("%1 ; %2").arg(parsed->name, parsed->marker));
            continue;
        }
        for (const Pin &other : std::as_const(pins))
            if (InstallReport::normalizeName(other.name) == InstallReport::normalizeName(pin.name))
                return refuse(QStringLiteral("%1 is pinned twice").arg(pin.name));
        pins.append(pin);
    }
    if (pins.isEmpty())
        return refuse(QStringLiteral("the requirements file pins nothing"));
    why->clear();
    return pins;
}

LocalWheels::LocalWheels(const QStringList &folders, const PythonInterpreter &python)
    : m_cpython(!QFileInfo(python.executable).fileName().contains(QLatin1String("pypy"))),
      m_pythonVersion(python.version),
      m_machine(m_cpython ? planMachine() : QString()),
      m_glibc(QString::fromLatin1(gnu_get_libc_version()))
{
    for (const QString &folder : folders)
        for (const QString &file : QDir(folder).entryList({QStringLiteral("*.whl")}, QDir::Files))
            if (auto parsed = WheelFileName::parse(file))
                m_wheels.append({folder + u'/' + file, *parsed});
}

QString LocalWheels::sha256Of(const QString &path)
{
    // Walked from the folder with O_NOFOLLOW, as InstallReport::fillMissingHashes reads a wheel.
    const auto fd = AgentFolder(QFileInfo(path).path()).openForReading(path);
    if (!fd)
        return {};
    return InstallReport::sha256OfOpenFile(fd->get());
}

QString StorePlan::exactVersion(const QString &specifier)
{
    // No wildcard ("==1.*") and no "===": the characters of a PEP 440 version only.
    static const QRegularExpression exact(QRegularExpression::anchoredPattern(QStringLiteral("==([0-9A-Za-z.+!_-]+)")));
    const auto match = exact.match(specifier);
    return match.hasMatch() ? match.captured(1) : QString();
}

QStringList LocalWheels::fitting(const QString &name, const QString &version) const
{
    const QString canonical = canonicalProjectName(name);
    QStringList paths;
    for (const auto &[path, wheel] : std::as_const(m_wheels))
        if (canonicalProjectName(wheel.name) == canonical && wheel.version == version
            && (m_cpython ? StorePlan::tagsFit(wheel.tags, m_pythonVersion, m_machine, m_glibc) : wheel.tags.endsWith(QLatin1String("-none-any"))))
            paths.append(path);
    return paths;
}

bool StorePlan::tagsFit(const QString &tags, const QString &pythonVersion, const QString &machine, const QString &glibc)
{
    const QStringList parts = tags.split(u'-');
    const QVersionNumber python = QVersionNumber::fromString(pythonVersion);
    if (parts.size() != 3 || python.majorVersion() != 3 || python.segmentCount() < 2)
        return false;
    const int minor = python.minorVersion();
    const QString cp = QStringLiteral("cp3%1").arg(minor);
    // The pure tags: py3, py3X up to this minor version, and this CPython's own.
    const auto pure = [&](const QString &py) {
        if (py == QLatin1String("py3") || py == cp)
            return true;
        static const QRegularExpression py3x(QRegularExpression::anchoredPattern(QStringLiteral("py3([0-9]{1,2})")));
        const auto m = py3x.match(py);
        return m.hasMatch() && m.captured(1).toInt() <= minor;
    };
    const auto platformFits = [&](const QString &platform) {
        if (platform == QLatin1String("any"))
            return true;
        if (machine.isEmpty())
            return false;
        if (platform == QLatin1String("linux_") + machine)
            return true;
        const QVersionNumber needs = planManylinux(platform, machine);
        const QVersionNumber has = QVersionNumber::fromString(glibc);
        return !needs.isNull() && !has.isNull() && needs <= has;
    };
    for (const QString &py : parts.at(0).split(u'.'))
        for (const QString &abi : parts.at(1).split(u'.'))
            for (const QString &platform : parts.at(2).split(u'.')) {
                if (!platformFits(platform))
                    continue;
                if (abi == QLatin1String("none") && pure(py))
                    return true;
                if (platform == QLatin1String("any"))
                    continue; // a binary ABI on no platform is nothing pip installs here
                if (abi == cp && py == cp)
                    return true;
                static const QRegularExpression cp3x(QRegularExpression::anchoredPattern(QStringLiteral("cp3([0-9]{1,2})")));
                if (const auto m = cp3x.match(py); abi == QLatin1String("abi3") && m.hasMatch() && m.captured(1).toInt() >= 2
                                                   && m.captured(1).toInt() <= minor)
                    return true;
            }
    return false;
}

QString StorePlan::unpinnedDependency(const QByteArray &metadata, const QStringList &requestedExtras, const QStringList &pinnedNames,
                                      const MarkerEvaluator &markers)
{
    static const QRegularExpression requiresDist(QStringLiteral("^Requires-Dist:\\s*([A-Za-z0-9][A-Za-z0-9._-]*)[^;]*(?:;\\s*(.*))?\\z"));
    for (const QByteArray &raw : metadata.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty())
            break; // the headers end at the first empty line
        const auto m = requiresDist.match(line);
        if (!m.hasMatch() || pinnedNames.contains(canonicalProjectName(m.captured(1))))
            continue;
        const QString marker = m.captured(2).trimmed();
        if (marker.isEmpty())
            return m.captured(1);
        // pip takes a dependency whose marker holds for the distribution itself (extra "") or
        // for one of the extras asked of it; one that cannot be decided counts, unsure.
        // urllib3's `(...) and (extra == "brotli")` is false for every other extra, whatever
        // the rest says.
        QStringList extras{QString()};
        extras += requestedExtras;
        const bool applies = std::any_of(extras.cbegin(), extras.cend(), [&](const QString &extra) {
            return markers.evaluate(marker, extra).value_or(true);
        });
        if (applies)
            return QStringLiteral("%1 ; %2").arg(m.captured(1), marker);
    }
    return {};
}

QString StorePlan::pipSettingsProblem(const EnvironmentKey &key)
{
    // Settings that make pip take something else than a wheel that fits this interpreter.
    for (const char *name : {"PIP_NO_BINARY", "PIP_CONSTRAINT", "PIP_PLATFORM", "PIP_IMPLEMENTATION", "PIP_ABI", "PIP_PYTHON_VERSION"})
        if (!key.pipSettings.value(QLatin1String(name)).isEmpty())
            return QStringLiteral("%1 is set").arg(QLatin1String(name));
    static const QRegularExpression option(QStringLiteral("(?m)^\\s*(no[-_]binary|constraint|platform|implementation|abi|python[-_]version)\\s*[=:]"));
    if (const auto m = option.match(QString::fromUtf8(key.pipConfig)); m.hasMatch())
        return QStringLiteral("pip's configuration sets %1").arg(m.captured(1));
    return {};
}

Result<StorePlan> StorePlan::make(const EnvironmentKey &key, const PythonInterpreter &python, DistributionStore &store)
{
    StorePlan plan;
    const auto notEligible = [&plan](const QString &why) {
        plan.notEligible = why;
        plan.wheels.clear();
        plan.leftOut.clear();
        return plan;
    };
    if (!key.requirements.isEmpty())
        return notEligible(QStringLiteral("requirements without hashes (execution.json or the script's block)"));
    if (key.requirementsFile.isEmpty())
        return notEligible(QStringLiteral("no requirements file"));
    if (const QString problem = pipSettingsProblem(key); !problem.isEmpty())
        return notEligible(problem);
    QString why;
    const QList<Pin> pins = readPins(key.requirementsFile, &why, MarkerEvaluator(python.markerEnvironment), &plan.leftOut);
    if (!why.isEmpty())
        return notEligible(why);
    const LocalWheels local(key.configuredFindLinks(), python);
    for (const Pin &pin : pins) {
        const QStringList candidates = local.fitting(pin.name, pin.version);
        if (candidates.size() > 1) // pip would choose among them by tag and build: not done here
            return notEligible(QStringLiteral("%1 %2 has %3 wheels that fit").arg(pin.name, pin.version).arg(candidates.size()));
        if (candidates.size() == 1) {
            const QString path = candidates.first();
            const QString sha256 = LocalWheels::sha256Of(path);
            if (sha256.isEmpty())
                return notEligible(QStringLiteral("%1 cannot be read").arg(path));
            if (!pin.sha256.contains(sha256))
                // Worded as the pip path words it (PythonEnvironment::describePipFailure), with the file.
                return fail(ErrorKind::Install, QStringLiteral("requirement \"%1\": hash mismatch: %2 has sha256 %3, the requirements pin %4 %5 to %6")
                                                    .arg(pin.name, path, sha256, pin.name, pin.version, pin.sha256.join(QStringLiteral(", "))));
            plan.wheels.append({pin.name, pin.version, sha256, path});
            plan.extras.append(pin.extras);
            continue;
        }
        bool stored = false;
        for (const QString &sha256 : pin.sha256) {
            if (store.find({pin.name, pin.version, sha256, {}})) {
                plan.wheels.append({pin.name, pin.version, sha256, {}});
                plan.extras.append(pin.extras);
                stored = true;
                break;
            }
        }
        if (!stored)
            return notEligible(QStringLiteral("no wheel of %1 %2 that fits is in the wheel folders or the store").arg(pin.name, pin.version));
    }
    return plan;
}

} // namespace oa
