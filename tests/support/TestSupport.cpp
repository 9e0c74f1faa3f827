#include "TestSupport.h"

#include "ThrowawayUser.h"

#include "fs/AgentFolder.h"
#include "fs/FileProtection.h"
#include "process/ProcessTable.h"
#include "environment/PythonInterpreter.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTest>

#include <signal.h>

namespace oatest {

QString executorPath() { return QStringLiteral(OA_EXECUTOR_PATH); }
QString lockHolderPath() { return QStringLiteral(OA_LOCKHOLDER_PATH); }
QString testDataDir() { return QStringLiteral(OA_TEST_DATA_DIR); }

bool requireAllTests()
{
    return qEnvironmentVariable("OA_REQUIRE_ALL_TESTS") == QLatin1String("1");
}

QString python()
{
    static const QString resolved = [] {
        QString requested = qEnvironmentVariable("OA_TEST_PYTHON");
        if (requested.isEmpty())
            requested = QStandardPaths::findExecutable(QStringLiteral("python3"));
        auto probed = oa::PythonInterpreter::probe(requested);
        return probed ? probed->executable : requested;
    }();
    return resolved;
}

QString emptyConfigFile()
{
    static QTemporaryDir dir;
    static const QString path = [] {
        const QString file = dir.path() + QStringLiteral("/empty-executor.conf");
        QFile created(file);
        if (!created.open(QIODevice::WriteOnly))
            qFatal("cannot create %s", qPrintable(file));
        openToOthers(dir.path()); // an executor run as a throwaway user reads it too
        return file;
    }();
    return path;
}

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(QLatin1String("PIP_")) || key.startsWith(QLatin1String("OPENAUTOMATE_"))
            || key.startsWith(QLatin1String("PYTHON")))
            env.remove(key);
    }
    // The tests name their interpreter explicitly so that PATH order cannot change a result.
    env.insert(QStringLiteral("OPENAUTOMATE_PYTHON"), python());
    // Nor may the machine's /etc/openautomate/executor.conf: every executor reads an empty one.
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), emptyConfigFile());
    // pip must never reach for a network index from a test, whatever the machine's pip.conf says.
    env.insert(QStringLiteral("PIP_NO_INDEX"), QStringLiteral("1"));
    env.insert(QStringLiteral("PIP_CONFIG_FILE"), QStringLiteral("/dev/null"));
    return env;
}

QProcessEnvironment offlinePipEnvironment(const QString &wheelDir)
{
    QProcessEnvironment env = cleanEnvironment();
    env.insert(QStringLiteral("PIP_FIND_LINKS"), wheelDir);
    return env;
}

Agent::Agent(Seed seed) : m_base(QFileInfo(m_dir.path()).canonicalFilePath() + QStringLiteral("/agent"))
{
    QDir().mkpath(m_base + QStringLiteral("/Tasks"));
    if (seed == Seed::AsSet)
        seedStoredPipInto(m_base);
}

Agent::~Agent()
{
    // The whole agent folder: a test may keep its cache elsewhere in it (--env-cache-dir), and
    // an immutable file left there would outlive the temporary folder.
    oa::FileProtection::unprotectTree(oa::AgentFolder(m_base), m_base);
}

void Agent::makeTaskRaw(const QString &id, const QByteArray &executionJson, const QMap<QString, QByteArray> &files) const
{
    QDir().mkpath(taskDir(id));
    QFile json(taskFile(id, QStringLiteral("execution.json")));
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write(executionJson);
    for (auto it = files.begin(); it != files.end(); ++it) {
        const QString path = taskFile(id, it.key());
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(it.value());
    }
}

void Agent::makeTask(const QString &id, const QJsonObject &execution, const QMap<QString, QByteArray> &files) const
{
    makeTaskRaw(id, QJsonDocument(execution).toJson(), files);
}

void Agent::makeScriptTask(const QString &id, const QByteArray &script, const QJsonObject &extra) const
{
    QJsonObject execution{{QStringLiteral("ExecutionId"), id}, {QStringLiteral("ScriptPath"), QStringLiteral("main.py")}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        execution.insert(it.key(), it.value());
    makeTask(id, execution, {{QStringLiteral("main.py"), script}});
}

QStringList Agent::listing() const
{
    QStringList paths;
    QDirIterator it(m_base, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        paths.append(QDir(m_base).relativeFilePath(it.next()));
    paths.sort();
    return paths;
}

QStringList executorArgs(const Agent &agent, const QString &id, const QStringList &extra)
{
    return QStringList{QStringLiteral("--base-dir"), agent.base()} + extra + QStringList{id};
}

Run runExecutor(const QStringList &arguments, const QProcessEnvironment &env, int timeoutMs)
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(executorPath(), arguments);
    Run run;
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        qWarning("the executor did not finish within %d ms", timeoutMs);
    }
    run.exitCode = process.exitCode();
    run.exitStatus = process.exitStatus();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

void addCacheRows()
{
    QTest::addColumn<bool>("cache");
    QTest::newRow("environment cache") << true;
    QTest::newRow("own venv") << false;
}

QString buildWheel(const QString &dir, const QString &name, const QString &version, const QStringList &requires)
{
    QProcess process;
    process.start(python(), QStringList{testDataDir() + QStringLiteral("/make_wheel.py"), dir, name, version} + requires);
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        qWarning("make_wheel.py failed: %s", process.readAllStandardError().constData());
        return {};
    }
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

const QByteArray kTryEachIntoReport = "seen = {}\n"
                                      "for name, attempt in tries.items():\n"
                                      "    try:\n"
                                      "        attempt(); seen[name] = 'ok'\n"
                                      "    except OSError as e:\n"
                                      "        seen[name] = type(e).__name__\n"
                                      "json.dump(seen, open('report.json', 'w'))\n";

bool startLockHolder(QProcess &holder, const QString &lockFile)
{
    QDir().mkpath(QFileInfo(lockFile).absolutePath());
    holder.start(lockHolderPath(), {lockFile});
    return holder.waitForStarted() && holder.waitForReadyRead(10000) && holder.readLine().trimmed() == "locked";
}

void writeResult(const Agent &agent, const QString &id, const QString &outcome, int exitCode)
{
    QFile file(agent.taskFile(id, QStringLiteral("result.json")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("ExecutionId"), id},
                                         {QStringLiteral("Outcome"), outcome},
                                         {QStringLiteral("ExitCode"), exitCode},
                                         {QStringLiteral("Message"), QStringLiteral("fixture: %1").arg(outcome)},
                                         {QStringLiteral("StartedAt"), QStringLiteral("2026-11-01T08:00:00.000Z")},
                                         {QStringLiteral("FinishedAt"), QStringLiteral("2026-11-01T08:00:02.500Z")},
                                         {QStringLiteral("DurationMs"), 2500}})
                   .toJson());
}

void writeForeignLock(const Agent &agent, const QString &id, const QString &host)
{
    QDir().mkpath(agent.base() + QStringLiteral("/Locks"));
    QFile file(agent.lockFile(id));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QStringLiteral("4242\nopenautomate-executor\n%1\nforeign-machine-id\nforeign-boot-id\n").arg(host).toUtf8());
}

bool makeOrphanedLock(const Agent &agent, const QString &id)
{
    agent.makeScriptTask(id, "import os, time\n"
                             "with open('started.tmp', 'w') as f: f.write(str(os.getpid()))\n"
                             "os.rename('started.tmp', 'started')\n"
                             "time.sleep(300)\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, id));
    const QString started = agent.taskFile(id, QStringLiteral("started"));
    const QList<qint64> pids = waitForPids(started);
    const qint64 script = pids.value(0);
    ::kill(pid_t(executor.processId()), SIGKILL);
    executor.waitForFinished();
    QDeadlineTimer gone(5000);
    while (isProcessAlive(script) && !gone.hasExpired())
        QTest::qWait(20);
    QFile::remove(started);
    return script > 0 && !isProcessAlive(script) && QFile::exists(agent.lockFile(id));
}

QList<qint64> waitForPids(const QString &path, int count, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (true) {
        QList<qint64> pids;
        for (const QByteArray &word : readFile(path).simplified().split(' ')) {
            bool ok = false;
            const qint64 pid = word.toLongLong(&ok);
            if (!ok || pid <= 0)
                break;
            pids.append(pid);
        }
        if (pids.size() == count)
            return pids;
        if (deadline.hasExpired())
            return {};
        QTest::qWait(25);
    }
}

QJsonObject readJson(const QString &path)
{
    return QJsonDocument::fromJson(readFile(path)).object();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeFileBytes(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size() && file.flush();
}

bool isProcessAlive(qint64 pid)
{
    return oa::ProcessTable::isAlive(pid);
}

} // namespace oatest
