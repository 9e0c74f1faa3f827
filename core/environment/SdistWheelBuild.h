#pragma once

#include "CacheLayout.h"
#include "base/Error.h"
#include "fs/AgentFolder.h"
#include "process/ChildProcess.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace oa {

class DistributionStore;
class RunControl;
struct PythonInterpreter;
struct PinnedWheel;
struct ResolvedSdist;
struct ResolvedSet;

// The sdists of a resolved set made into wheels for the store of distributions (issue 22: "An
// sdist is still built into a wheel by pip, as the run-as user, into staging, and then stored
// like any wheel").
//
// One builder of an sdist at a time: its lock (locks/sdist-<first 16 hex of its sha256>.lock) is
// held from before the store is looked at until this object ends, after the caller's store
// published the wheel; a second build of a set with the same new sdist waits and then reuses it.
//
// Reuse first: a wheel built from an sdist records where it came from in its store folder's
// marker as the sdist's URL with "#sha256=<the sdist's sha256>" (builtFromUrl). Builds are
// seldom reproducible (a wheel's zip holds the time it was built), so the built wheel's sha256,
// which names its store folder, differs from one build to the next; looking the sdist up by its
// own sha256 is what keeps each distribution once on disk when a second set uses it.
//
// Then one `pip wheel --no-deps --require-hashes -r <staging>/sdists.txt` builds the others,
// with what the resolving pip had (the caller's RunPip: the same pip, settings, build user,
// working folder and sandbox), into `<staging>/tmp/built`. Each line pins its sdist by the
// sha256 pip's report gave: a local sdist is first copied out of its wheel folder, through a
// descriptor that follows no link and opens no FIFO, into the executor's own
// `<staging>/sdists/` while its sha256 is checked (a file that changed after pip read it is
// exit 6, naming it, and nothing is stored), and pip builds that copy, which the build user can
// read and not change; an index's sdist is fetched by pip itself, which refuses another file.
// What pip wrote is taken over as the executor's own (TreeOwnership::copyAsOwn for a build
// user; never a link or a special file), and each wheel must be one regular file whose name and
// version are its sdist's. The store then checks it like any wheel (its RECORD included).
class SdistWheelBuild {
public:
    // Runs pip with `arguments` after python.pipCommand(), its output appended to the build's
    // pip.log: a stop (cancel, timeout) is an error, else `exit` says how pip ended.
    using RunPip = std::function<std::optional<Error>(const QStringList &arguments, ProcessExit &exit)>;

    // Another builder's lock on an sdist is waited for at most `waitMs`, and `control` (may be
    // null) can stop the wait.
    SdistWheelBuild(const CacheLayout &layout, const QString &staging, const QString &pipLog,
                    std::shared_ptr<const ProcessCredentials> buildAs, RunControl *control, qint64 waitMs);

    // Moves each of set.sdists whose wheel the store holds already into set.wheels (marked in use
    // in `store`); builds the others with `runPip` and adds their wheels. Fails with
    // ErrorKind::Install naming the file (a changed sdist, a wheel pip did not write or wrote of
    // another name), pip's failure, or the cache path.
    std::optional<Error> build(ResolvedSet &set, DistributionStore &store, const PythonInterpreter &python, const RunPip &runPip);
    // After build(): "name version" of each sdist pip built now, and of each whose wheel the
    // store held already, for executor.log.
    QStringList built() const { return m_built; }
    QStringList reused() const { return m_reused; }

    // The URL a wheel built from `sdist` is stored with: pip's URL with "#sha256=…" (PEP 503's
    // form), which names the very file it was built from.
    static QString builtFromUrl(const ResolvedSdist &sdist);

private:
    // Takes the lock of each of `sdists`, or of none while another builder holds one.
    std::optional<Error> lockAll(const QList<ResolvedSdist> &sdists);
    // The wheel of `sdist` the store holds already, found by builtFromUrl among its folders of
    // that name and version; nullopt when there is none.
    std::optional<PinnedWheel> stored(const ResolvedSdist &sdist, DistributionStore &store, const PythonInterpreter &python) const;
    // Copies a local sdist into sdistsDir(), checking its sha256; the copy's path.
    Result<QString> copyChecked(const ResolvedSdist &sdist) const;
    // Takes over what pip wrote into `built` and finds each sdist's wheel there.
    Result<QList<PinnedWheel>> takeOver(const QList<ResolvedSdist> &sdists, const QString &built) const;
    // `pip wheel`'s failure, worded from pip.log as pip install's is.
    Error pipFailed(const ProcessExit &exit) const;
    QString sdistsDir() const { return m_staging + QStringLiteral("/sdists"); }

    const CacheLayout &m_layout;
    QString m_staging;
    QString m_pipLog;
    std::shared_ptr<const ProcessCredentials> m_buildAs;
    RunControl *m_control;
    qint64 m_waitMs;
    std::vector<UniqueFd> m_locks; // held until this object ends
    QStringList m_built;
    QStringList m_reused;
};

} // namespace oa
