#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

// Skips the current test function with `reason`, as QSKIP does, unless OA_REQUIRE_ALL_TESTS=1:
// then it fails with the same reason. scripts/test.sh sets that in CI and as root, where every
// precondition (cgroup v2, say) is expected to hold, so a skip there would hide a mechanism that
// went untested. Use it for every skip in tests/.
#define OA_SKIP_OR_FAIL(reason)                                                                        \
    do {                                                                                               \
        const QString oaSkipReason_ = (reason);                                                        \
        if (oatest::requireAllTests())                                                                 \
            QFAIL(qPrintable(QStringLiteral("cannot run, and OA_REQUIRE_ALL_TESTS=1 forbids skipping: ") \
                             + oaSkipReason_));                                                        \
        QSKIP(qPrintable(oaSkipReason_));                                                              \
    } while (false)

namespace oatest {

// OA_REQUIRE_ALL_TESTS=1: a test that would skip fails instead (see OA_SKIP_OR_FAIL).
bool requireAllTests();

QString executorPath();
QString lockHolderPath();
QString testDataDir();

// The real interpreter the tests use: $OA_TEST_PYTHON, else python3 on PATH, resolved once to
// its real executable so that a pyenv shim is not paid for in every test.
QString python();

// An empty configuration file, created once per test process.
QString emptyConfigFile();

// The environment every executor in the tests gets: the machine's, minus everything that
// would make a result depend on the machine (PIP_*, OPENAUTOMATE_*, PYTHON* variables), and
// OPENAUTOMATE_EXECUTOR_CONFIG naming an empty file, so that /etc/openautomate/executor.conf
// never applies.
QProcessEnvironment cleanEnvironment();

// An agent base folder in a QTemporaryDir, with helpers to lay out tasks.
class Agent {
public:
    // With seedStoredPip(true), every Agent made after it starts with the store folder of the
    // executor's bundled pip in EnvCache/store, as an agent has it after its first run: its
    // builds find pip there instead of storing it (about 0.8 s of CPU each: 1,000 files unpacked,
    // 480 modules compiled). For tests that do not test how pip gets into the store; a test of
    // that leaves it off (the default). The folder is copied from a template agent, made once per
    // test process by a --no-env-cache hello world of the executor's default interpreter (a run
    // with another interpreter stores its own pip, as without the seed). SeededPip.cpp.
    static void seedStoredPip(bool on);
    enum class Seed { AsSet, Nothing };
    explicit Agent(Seed seed = Seed::AsSet);
    ~Agent(); // lifts the environment cache's immutable attributes, so the folder can go
    bool isValid() const { return m_dir.isValid(); }
    QString base() const { return m_base; }
    QString taskDir(const QString &id) const { return m_base + QStringLiteral("/Tasks/") + id; }
    QString taskFile(const QString &id, const QString &name) const { return taskDir(id) + u'/' + name; }
    QString lockFile(const QString &id) const { return m_base + QStringLiteral("/Locks/") + id + QStringLiteral(".lock"); }

    // Writes execution.json (given as an object, or raw bytes) and the other files.
    void makeTask(const QString &id, const QJsonObject &execution, const QMap<QString, QByteArray> &files = {}) const;
    void makeTaskRaw(const QString &id, const QByteArray &executionJson, const QMap<QString, QByteArray> &files = {}) const;
    // A task whose main.py is `script`, with the given arguments and requirements.
    void makeScriptTask(const QString &id, const QByteArray &script, const QJsonObject &extra = {}) const;

    // Every path below the base folder, relative, sorted: to prove that nothing was touched.
    QStringList listing() const;

private:
    // Copies the stored pip's template into `base` when seedStoredPip is on (SeededPip.cpp).
    static void seedStoredPipInto(const QString &base);

    QTemporaryDir m_dir;
    QString m_base;
};

struct Run {
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QByteArray out;
    QByteArray err;
};

// Runs openautomate-executor to completion.
Run runExecutor(const QStringList &arguments, const QProcessEnvironment &env = cleanEnvironment(), int timeoutMs = 300000);
// The arguments for the common case: --base-dir BASE ID.
QStringList executorArgs(const Agent &agent, const QString &id, const QStringList &extra = {});

// For a data function whose test runs once with the environment cache and once with packages in
// the execution's own venv: a bool column "cache", rows "environment cache" and "own venv".
void addCacheRows();

// Builds a tiny pure-Python wheel into `dir`; returns its path.
QString buildWheel(const QString &dir, const QString &name, const QString &version, const QStringList &requires = {});
// cleanEnvironment() plus pip pointed at `wheelDir` only (PIP_NO_INDEX, PIP_FIND_LINKS).
QProcessEnvironment offlinePipEnvironment(const QString &wheelDir);

// Starts the helper that holds `lockFile` with QLockFile, as a live executor would; returns
// once it holds the lock. The caller kills it.
bool startLockHolder(QProcess &holder, const QString &lockFile);

// Writes a result.json as the executor would at the end of a run.
void writeResult(const Agent &agent, const QString &id, const QString &outcome, int exitCode);
// Writes a lock file in QLockFile's format as if taken on another machine.
void writeForeignLock(const Agent &agent, const QString &id, const QString &host = QStringLiteral("bot-07.other-site"));
// Runs the real executor on a task whose script sleeps, kills the executor with SIGKILL while
// the script runs, and waits until its process tree is gone: a real orphaned lock.
bool makeOrphanedLock(const Agent &agent, const QString &id);

// Waits until `path` holds exactly `count` positive integers separated by whitespace, and returns
// them; an empty list after `timeoutMs`. A file that merely exists is not enough: its writer may
// not have written the PIDs yet. (Scripts in the tests also write to a temporary name and rename.)
QList<qint64> waitForPids(const QString &path, int count = 1, int timeoutMs = 60000);

// Python for a script that tries writes it should not be able to make: after a dict `tries` of
// name -> lambda, runs each and writes report.json, each name with "ok" or the OSError's type
// (PermissionError, ...).
extern const QByteArray kTryEachIntoReport;

QJsonObject readJson(const QString &path);
QByteArray readFile(const QString &path);
// Creates or replaces `path` with `content`; false when it cannot.
bool writeFileBytes(const QString &path, const QByteArray &content);
bool isProcessAlive(qint64 pid);

} // namespace oatest
