#pragma once

#include "AgentFolder.h"
#include "base/Error.h"

#include <QString>
#include <QStringList>

namespace oa {

// Where everything of one bot agent lives. All paths the executor writes or removes are derived
// here, from a validated execution ID, so that none of them can point outside the base folder.
//
//   {base}/Locks/{id}.lock     the task lock (QLockFile)
//   {base}/Locks/{id}@...      the run file and cancel requests of a running execution
//   {base}/Tasks/{id}/         execution.json, the script, logs and result.json
//   {base}/Tasks/{id}/previous/  the run before the last one: its logs, status.json and result.json
//   {base}/Tasks/{id}/previous.2/ … previous.N/  the runs before that, newest first (KeepRuns)
//   {base}/venvs/{id}/         the per-execution virtual environment
//   {base}/Temp/{id}/          TMP/TEMP/TMPDIR of the script
class AgentPaths {
public:
    // Whose files: the last (or current) run's, in the task folder, or the run before it, whose
    // files the executor moved into Tasks/{id}/previous/ before the last run began. A kept run
    // further back is Generation(k), k as runFolderName() numbers it (keptRun(k)).
    enum class Generation : int { Current = 0, Previous = 1 };
    static Generation keptRun(int generation) { return Generation(generation < 0 ? 0 : generation); }

    // --base-dir, else OPENAUTOMATE_BOTAGENT_DIR, else the platform default.
    static QString resolveBaseDir(const QString &commandLineValue);
    static QString platformDefaultBaseDir();

    // Letters, digits, '-', '_' and '.', 1 to 128 characters, not "." or "..".
    static bool isValidExecutionId(const QString &id);

    explicit AgentPaths(const QString &baseDir);

    QString baseDir() const { return m_base; }
    QString locksDir() const;
    QString tasksDir() const;
    QString venvsDir() const;
    QString tempRootDir() const;
    // Temp/@quarantine: what could not be taken back or removed where it was is moved here
    // (root's, 0700) and removed; '@' is never in an execution ID.
    QString quarantineDir() const;

    // Under Locks/, a name belongs to one execution when it is "{id}.lock" or starts with "{id}@".
    // '@' is never part of an ID, so no name of one ID equals, or starts with, a name of another:
    // whatever "job" creates or clears can never be a file of "job.cancel-1". Matching is always
    // exact and case-sensitive, as IDs are (never a QDir name filter, which ignores case).
    QString lockFile(const QString &id) const;
    QString runFile(const QString &id) const;                               // {id}@run
    QString cancelRequestFile(const QString &id, const QString &token) const; // {id}@cancel-{token}
    static QString cancelRequestPrefix(const QString &id);                   // "{id}@cancel-"
    // The ID whose lock file `name` (a file name under Locks/) is; empty when it is none.
    static QString executionIdOfLockFileName(const QString &name);
    QString taskDir(const QString &id) const;
    QString venvDir(const QString &id) const;
    QString tempDir(const QString &id) const;
    QString executionFile(const QString &id) const;
    QString previousDir(const QString &id) const; // Tasks/{id}/previous
    // The kept runs, numbered newest first: 1 is previous/ (the name readers have always used),
    // k >= 2 is previous.k/. runFolderName(0) is empty: the last run's files lie in the task
    // folder itself.
    static QString runFolderName(int generation);
    // The generation a name in a task folder is kept run k of (1 for "previous", k for
    // "previous.k" written without leading zeros, 2 <= k <= 999); 0 for any other name.
    static int generationOfName(const QString &name);
    QString runDir(const QString &id, int generation) const;
    // The files one run writes; with Generation::Previous (or keptRun(k)), those of a kept run.
    QString resultFile(const QString &id, Generation generation = Generation::Current) const;
    QString statusFile(const QString &id, Generation generation = Generation::Current) const;
    QString executorLogFile(const QString &id, Generation generation = Generation::Current) const;
    QString outputLogFile(const QString &id, Generation generation = Generation::Current) const;
    QString errorLogFile(const QString &id, Generation generation = Generation::Current) const;
    QString pipLogFile(const QString &id, Generation generation = Generation::Current) const;
    // The names of those files: what moves into previous/ before a new run, and what stays the
    // executor's own when the task folder is shared with a run-as user.
    static QStringList runOutputNames();

    // The gatekeeper through which everything below the base is read, written and removed.
    AgentFolder folder() const { return AgentFolder(m_base); }

    // Creates `dir` (and parents) through the gatekeeper: no component below the base may be a
    // link. A failure is ErrorKind::System with errno; the stage it stops decides the exit code.
    Status ensureDir(const QString &dir) const;

private:
    QString generationFile(const QString &id, const QString &name, Generation generation) const;
    QString m_base;
};

} // namespace oa
