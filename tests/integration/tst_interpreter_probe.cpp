// The base interpreter's probe through the real executor: it runs under the run's control
// (timeout, cancel, SIGTERM) like every other child, and its cache, interpreters.json, is
// untrusted input that can neither redirect the executor nor hang it.
#include "environment/PythonInterpreter.h"
#include "TestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>
#include <sys/stat.h>

using namespace oatest;

namespace {

// An interpreter wrapper that never answers: it starts a sleep in the background (in its own
// process group, which the executor gave it), records the sleep's PID (written whole, then
// renamed), and waits.
QString writeHangingWrapper(const QString &dir)
{
    const QString wrapper = dir + QStringLiteral("/python-wrapper.sh");
    QFile file(wrapper);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QStringLiteral("#!/bin/sh\n"
                              "sleep 1000 &\n"
                              "echo $! > '%1/sleep.pid.tmp'\n"
                              "mv '%1/sleep.pid.tmp' '%1/sleep.pid'\n"
                              "wait\n")
                   .arg(dir)
                   .toUtf8());
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return wrapper;
}

// Kills the wrapper's sleep if a failed test left it behind.
struct SleepReaper {
    QString pidFile;
    ~SleepReaper()
    {
        const qint64 pid = readFile(pidFile).trimmed().toLongLong();
        if (pid > 0 && isProcessAlive(pid))
            ::kill(pid_t(pid), SIGKILL);
    }
};

} // namespace

class TestInterpreterProbe : public QObject {
    Q_OBJECT
private slots:
    void hangingProbeTimesOut();
    void hangingProbeStops_data();
    void hangingProbeStops();
    void plantedCacheEntryIgnored_data();
    void plantedCacheEntryIgnored();
    void fifoCacheDoesNotHang();
    void symlinkedCacheIsNotWrittenThrough();

private:
    // Runs a script task with the real interpreter and checks that the real interpreter was
    // used, whatever interpreters.json held, and that a fresh, honest entry replaced it.
    static void checkRealInterpreterUsed(const Agent &agent, const QString &id, const QString &warning);
    // The stopped run ended in the Environment stage, and the wrapper's tree is gone.
    static void checkStoppedInEnvironment(const Agent &agent, const QString &id, int exitCode, const QString &pidFile);
};

void TestInterpreterProbe::checkStoppedInEnvironment(const Agent &agent, const QString &id, int exitCode, const QString &pidFile)
{
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QCOMPARE(result.value("ExitCode").toInt(), exitCode);
    QCOMPARE(result.value("Stage").toString(), QStringLiteral("Environment"));
    const qint64 sleep = readFile(pidFile).trimmed().toLongLong();
    QVERIFY(sleep > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!isProcessAlive(sleep), 3000); // its process group was stopped too
    QVERIFY(!QFile::exists(agent.lockFile(id)));
}

void TestInterpreterProbe::hangingProbeTimesOut()
{
    QTemporaryDir dir;
    const QString wrapper = writeHangingWrapper(dir.path());
    QVERIFY(!wrapper.isEmpty());
    SleepReaper reaper{dir.filePath(QStringLiteral("sleep.pid"))};
    Agent agent;
    agent.makeScriptTask(QStringLiteral("hang"), "print(1)\n");
    QElapsedTimer clock;
    clock.start();
    const Run run = runExecutor(executorArgs(agent, QStringLiteral("hang"), {QStringLiteral("--python"), wrapper, QStringLiteral("--timeout"),
                                                                            QStringLiteral("2")}),
                                cleanEnvironment(), 30000);
    QVERIFY2(run.exitCode == 7, run.err.constData());
    QVERIFY2(clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
    checkStoppedInEnvironment(agent, QStringLiteral("hang"), 7, reaper.pidFile);
}

void TestInterpreterProbe::hangingProbeStops_data()
{
    QTest::addColumn<bool>("sigterm"); // else --cancel
    QTest::newRow("SIGTERM to the executor") << true;
    QTest::newRow("--cancel") << false;
}

void TestInterpreterProbe::hangingProbeStops()
{
    QFETCH(bool, sigterm);
    QTemporaryDir dir;
    const QString wrapper = writeHangingWrapper(dir.path());
    QVERIFY(!wrapper.isEmpty());
    SleepReaper reaper{dir.filePath(QStringLiteral("sleep.pid"))};
    Agent agent;
    agent.makeScriptTask(QStringLiteral("stop"), "print(1)\n");
    QProcess executor;
    executor.setProcessEnvironment(cleanEnvironment());
    executor.start(executorPath(), executorArgs(agent, QStringLiteral("stop"), {QStringLiteral("--python"), wrapper}));
    // The wrapper wrote its sleep's PID: the executor is in the Environment stage, probing.
    QCOMPARE(waitForPids(reaper.pidFile).size(), 1);
    QCOMPARE(readJson(agent.taskFile(QStringLiteral("stop"), QStringLiteral("status.json"))).value("Stage").toString(),
             QStringLiteral("Environment"));
    if (sigterm) {
        ::kill(pid_t(executor.processId()), SIGTERM);
    } else {
        const Run cancel = runExecutor({QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--cancel"), QStringLiteral("stop")});
        QVERIFY2(cancel.exitCode == 0, cancel.err.constData());
    }
    const bool finished = executor.waitForFinished(15000);
    if (!finished) {
        executor.kill();
        executor.waitForFinished();
    }
    QVERIFY2(finished, "the executor ignored the stop while the interpreter probe hung");
    QCOMPARE(executor.exitStatus(), QProcess::NormalExit);
    QCOMPARE(executor.exitCode(), 8);
    checkStoppedInEnvironment(agent, QStringLiteral("stop"), 8, reaper.pidFile);
}

static QString cacheFile(const Agent &agent)
{
    return agent.base() + QStringLiteral("/EnvCache/interpreters.json");
}

// The key and fingerprint the executor gives the real interpreter, so that a planted entry
// passes that check and only the others can reject it.
static QString interpreterKey()
{
    return QFileInfo(python()).canonicalFilePath();
}

static QJsonObject interpreterFingerprint()
{
    const QFileInfo info(interpreterKey());
    return {{QStringLiteral("Size"), info.size()}, {QStringLiteral("ModifiedMs"), info.lastModified().toMSecsSinceEpoch()}};
}

void TestInterpreterProbe::checkRealInterpreterUsed(const Agent &agent, const QString &id, const QString &warning)
{
    const auto real = oa::PythonInterpreter::probe(python());
    QVERIFY(real.ok());
    const Run run = runExecutor(executorArgs(agent, id), cleanEnvironment(), 30000);
    QVERIFY2(run.exitCode == 0, run.err.right(3000).constData());
    const QJsonObject result = readJson(agent.taskFile(id, QStringLiteral("result.json")));
    QCOMPARE(result.value("Python").toObject().value("Executable").toString(), real->executable);
    QCOMPARE(result.value("Python").toObject().value("Version").toString(), real->version);
    QCOMPARE(readFile(agent.taskFile(id, QStringLiteral("output.log"))), QByteArray("ran\n"));
    const QString warnings = result.value("Warnings").toVariant().toStringList().join(u'|');
    QVERIFY2(warnings.contains(warning), qPrintable(warnings));
    const QJsonObject entry = readJson(cacheFile(agent)).value(interpreterKey()).toObject();
    QCOMPARE(entry.value("Executable").toString(), real->executable);
    QCOMPARE(entry.value("Version").toString(), real->version);
    QCOMPARE(entry.value("CacheTag").toString(), real->cacheTag); // what names the store's .pyc files
    QVERIFY(real->cacheTag.startsWith(QLatin1String("cpython-")));
    QVERIFY(entry.value("ProbedAtMs").toInteger() <= QDateTime::currentMSecsSinceEpoch());
}

void TestInterpreterProbe::plantedCacheEntryIgnored_data()
{
    QTest::addColumn<QString>("executable"); // "%dir" stands for a scratch folder
    QTest::addColumn<QString>("version");
    QTest::addColumn<qint64>("probedAgoMs"); // negative: in the future
    QTest::addColumn<QString>("pipWheel");
    QTest::addColumn<QString>("warning");
    QTest::addColumn<QString>("pipVersion"); // set: the entry claims `-m pip` of this version
    const QString real = python();
    QTest::newRow("ProbedAtMs in the future") << real << "9.9.9" << qint64(-24 * 3600 * 1000) << QString() << "ProbedAtMs" << QString();
    QTest::newRow("Executable is a planted script") << "%dir/evil" << QString() << qint64(1000) << QString() << "Executable \"" << QString();
    QTest::newRow("Executable is a folder") << "%dir" << QString() << qint64(1000) << QString() << "Executable \"" << QString();
    QTest::newRow("BundledPipWheel is a planted file") << real << QString() << qint64(1000) << "%dir/pip-99.0-py3-none-any.whl"
                                                       << "BundledPipWheel" << QString();
    // Its version decides whether pip is handed --report: a value that is no version is refused.
    QTest::newRow("PipVersion is not a version") << real << QString() << qint64(1000) << QString() << "PipVersion \"" << "99 --report /etc/x";
    // It names files in the store's __pycache__ folders and is written into store markers.
    QTest::newRow("CacheTag is not a cache tag") << real << QString() << qint64(1000) << QString() << "CacheTag \"" << QString();
}

void TestInterpreterProbe::plantedCacheEntryIgnored()
{
    QFETCH(QString, executable);
    QFETCH(QString, version);
    QFETCH(qint64, probedAgoMs);
    QFETCH(QString, pipWheel);
    QFETCH(QString, warning);
    QFETCH(QString, pipVersion);
    QTemporaryDir dir;
    // A planted "interpreter": it would leave a mark and then pass for Python.
    QFile evil(dir.filePath(QStringLiteral("evil")));
    QVERIFY(evil.open(QIODevice::WriteOnly));
    evil.write(QStringLiteral("#!/bin/sh\ntouch '%1/ran'\nexec '%2' \"$@\"\n").arg(dir.path(), python()).toUtf8());
    evil.close();
    QVERIFY(evil.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QFile wheel(dir.filePath(QStringLiteral("pip-99.0-py3-none-any.whl")));
    QVERIFY(wheel.open(QIODevice::WriteOnly));
    wheel.close();
    if (version.isEmpty())
        version = oa::PythonInterpreter::probe(python())->version;

    Agent agent;
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/EnvCache")));
    QJsonObject planted{{QStringLiteral("Fingerprint"), interpreterFingerprint()},
                              {QStringLiteral("ProbedAtMs"), QDateTime::currentMSecsSinceEpoch() - probedAgoMs},
                              {QStringLiteral("Executable"), QString(executable).replace(QStringLiteral("%dir"), dir.path())},
                              {QStringLiteral("Version"), version},
                              {QStringLiteral("HasPip"), false},
                              {QStringLiteral("BundledPipWheel"), QString(pipWheel).replace(QStringLiteral("%dir"), dir.path())}};
    if (!pipVersion.isEmpty()) {
        planted.insert(QStringLiteral("HasPip"), true);
        planted.insert(QStringLiteral("PipVersion"), pipVersion);
    }
    if (warning.startsWith(QLatin1String("CacheTag"))) { // an entry right in all but its CacheTag
        QJsonObject markers;
        const auto real = oa::PythonInterpreter::probe(python());
        QVERIFY(real.ok());
        for (auto it = real->markerEnvironment.cbegin(); it != real->markerEnvironment.cend(); ++it)
            markers.insert(it.key(), it.value());
        planted.insert(QStringLiteral("MarkerEnvironment"), markers);
        planted.insert(QStringLiteral("CacheTag"), QStringLiteral("cpython-311/../../../etc"));
    }
    QFile cache(cacheFile(agent));
    QVERIFY(cache.open(QIODevice::WriteOnly));
    cache.write(QJsonDocument(QJsonObject{{interpreterKey(), planted}}).toJson());
    cache.close();
    agent.makeScriptTask(QStringLiteral("planted"), "print('ran')\n");
    checkRealInterpreterUsed(agent, QStringLiteral("planted"), warning);
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("ran")))); // the planted executable never ran
}

void TestInterpreterProbe::fifoCacheDoesNotHang()
{
    Agent agent;
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/EnvCache")));
    QCOMPARE(::mkfifo(QFile::encodeName(cacheFile(agent)).constData(), 0600), 0);
    agent.makeScriptTask(QStringLiteral("fifo"), "print('ran')\n");
    checkRealInterpreterUsed(agent, QStringLiteral("fifo"), QStringLiteral("not a regular file"));
    QVERIFY(QFileInfo(cacheFile(agent)).isFile()); // replaced by a regular file
}

void TestInterpreterProbe::symlinkedCacheIsNotWrittenThrough()
{
    QTemporaryDir dir;
    const QString victim = dir.filePath(QStringLiteral("victim.txt"));
    QFile file(victim);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not the executor's to write\n");
    file.close();
    Agent agent;
    QVERIFY(QDir().mkpath(agent.base() + QStringLiteral("/EnvCache")));
    QVERIFY(QFile::link(victim, cacheFile(agent)));
    agent.makeScriptTask(QStringLiteral("link"), "print('ran')\n");
    checkRealInterpreterUsed(agent, QStringLiteral("link"), QStringLiteral("symbolic link"));
    QCOMPARE(readFile(victim), QByteArray("not the executor's to write\n"));
    QVERIFY(!QFileInfo(cacheFile(agent)).isSymLink());
}

QTEST_GUILESS_MAIN(TestInterpreterProbe)
#include "tst_interpreter_probe.moc"
