#pragma once

#include "base/Error.h"
#include "DistributionStore.h"
#include "EnvironmentKey.h"
#include "PythonInterpreter.h"
#include "syntax/MarkerEvaluator.h"
#include "wheel/WheelNames.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace oa {

// The wheels in some wheel folders (the configured --find-links), listed once, and which of them
// install on an interpreter. A CPython's tags only (StorePlan::tagsFit): for another
// implementation only pure wheels fit.
class LocalWheels {
public:
    LocalWheels(const QStringList &folders, const PythonInterpreter &python);
    // The paths of the wheels of `name` (any spelling, PEP 503) at `version` whose tags fit.
    QStringList fitting(const QString &name, const QString &version) const;
    // The sha256 (lower-case hex) of a wheel file, read from its folder with O_NOFOLLOW; empty
    // when it cannot be read as a regular file.
    static QString sha256Of(const QString &path);

private:
    bool m_cpython;
    QString m_pythonVersion;
    QString m_machine;
    QString m_glibc;
    QList<std::pair<QString, WheelFileName>> m_wheels;
};

// Whether a set can be composed from the store of distributions with no pip process at all,
// and from which wheels. Decided once, when a cache entry is about to be built, from what the
// entry's key holds (the requirements file pip would read, pip's settings, the configured wheel
// folders). Only a set that pip would install in hash-checking mode, and so with its whole
// closure pinned, qualifies: every line "name==version" with at least one sha256, no option
// line, no direct reference, a marker only where MarkerEvaluator decides it for the interpreter
// (a line whose marker is false is left out, as pip ignores it), nothing from execution.json
// or a script block (those carry no hashes); and for every line kept exactly one wheel in the
// configured wheel folders whose name, version and tags fit the interpreter and whose sha256
// is pinned, or else a plausible store folder of a pinned sha256. Anything else is pip's, as
// before; notEligible says why, for executor.log.
struct StorePlan {
    QList<PinnedWheel> wheels; // in the order of the requirements file
    QList<QStringList> extras; // each wheel's requested extras (canonical names)
    QString notEligible;       // empty when `wheels` is the whole set
    QStringList leftOut;       // "name ; marker" of each line whose marker is false here

    // A wheel that fits a line but whose sha256 the line does not pin is what pip would pick and
    // refuse: ErrorKind::Install naming the file (exit 6).
    static Result<StorePlan> make(const EnvironmentKey &key, const PythonInterpreter &python, DistributionStore &store);

    // One line of the set.
    struct Pin {
        QString name;      // as written
        QString version;   // the one pinned with ==
        QStringList sha256; // lower-case hex
        QStringList extras; // canonical names
    };
    // The lines of a requirements file whose markers hold by `markers` (those whose marker is
    // false go to `leftOut`); empty `why` when each line is a pin with a decided marker, else why not.
    static QList<Pin> readPins(const QByteArray &requirementsText, QString *why, const MarkerEvaluator &markers = MarkerEvaluator(),
                               QStringList *leftOut = nullptr);
    // Whether a wheel's tag triple ("py3-none-any", "cp311-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64")
    // installs on CPython `pythonVersion` ("3.11.2") on `machine` ("x86_64"; empty: pure wheels
    // only) with glibc `glibc` ("2.36"). Only tags pip surely accepts: anything unsure is false.
    // The version a specifier pins with one "==" clause ("==1.5.3"), or empty (a range, a
    // wildcard, "===").
    static QString exactVersion(const QString &specifier);
    static bool tagsFit(const QString &tags, const QString &pythonVersion, const QString &machine, const QString &glibc);
    // The first dependency a distribution's METADATA (`metadata`, its headers) declares that the
    // set does not pin, where pip's hash-checking mode would refuse the set or pip would install
    // more: a Requires-Dist with no marker, or whose marker holds by `markers` for the
    // distribution itself (extra "") or one of its requested extras, or cannot be decided
    // (unsure). Empty when the closure is pinned.
    static QString unpinnedDependency(const QByteArray &metadata, const QStringList &requestedExtras, const QStringList &pinnedNames,
                                      const MarkerEvaluator &markers = MarkerEvaluator());
    // Why pip's settings could make pip install something else than the wheels found (no-binary,
    // constraints, another platform), or empty.
    static QString pipSettingsProblem(const EnvironmentKey &key);
};

} // namespace oa
