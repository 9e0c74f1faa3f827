// executor.conf through the real executor binary: which layer wins (command line, environment,
// file, default), --show-config and its sources, the shipped example, and bad files refused
// before anything is touched. What the settings do to a run: tst_executor_config_effects.
#include "TestSupport.h"
#include "ThrowawayUser.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace oatest;

class TestExecutorConfig : public QObject {
    Q_OBJECT
private slots:
    void precedence_data();
    void precedence();
    void showConfigText();
    void showConfigJson();
    void showConfigDefaultFile();
    void exampleFileDocumentsEveryKey();
    void badFile_data();
    void badFile();
    void unreadableFile();

private:
    QString writeConfig(const QByteArray &content, const QString &name = QStringLiteral("executor.conf"));
    QTemporaryDir m_dir;
};

namespace {

// The environment without any setting of the executor's: each row adds exactly its own.
QProcessEnvironment bareEnvironment()
{
    QProcessEnvironment env = cleanEnvironment();
    env.remove(QStringLiteral("OPENAUTOMATE_PYTHON"));
    env.remove(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"));
    return env;
}

QJsonObject showConfig(const QStringList &arguments, const QProcessEnvironment &env, QByteArray *err = nullptr)
{
    const Run run = runExecutor(QStringList{QStringLiteral("--show-config"), QStringLiteral("--json")} + arguments, env);
    if (err)
        *err = run.err;
    if (run.exitCode != 0)
        qWarning("--show-config failed with %d: %s", run.exitCode, run.err.constData());
    return QJsonDocument::fromJson(run.out).object();
}

} // namespace

QString TestExecutorConfig::writeConfig(const QByteArray &content, const QString &name)
{
    const QString path = m_dir.path() + u'/' + name;
    QFile::remove(path);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void TestExecutorConfig::precedence_data()
{
    QTest::addColumn<QString>("setting");
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QStringList>("variables"); // NAME=value
    QTest::addColumn<QByteArray>("file");       // the setting on line 3
    QTest::addColumn<QString>("value");         // as JSON gives it, as text
    QTest::addColumn<QString>("source");

    struct Layers {
        const char *setting;
        const char *option;   // nullptr: no command-line option
        const char *variable; // nullptr: no environment variable
        const char *values[4]; // command line, environment, file, default
    };
    const Layers settings[] = {
        {"BaseDir", "--base-dir", "OPENAUTOMATE_BOTAGENT_DIR", {"/srv/cli", "/srv/env", "/srv/file", "/var/lib/openautomate/botagent"}},
        {"Python", "--python", "OPENAUTOMATE_PYTHON", {"/opt/cli/python3", "/opt/env/python3", "/opt/file/python3", ""}},
        {"RunAsUser", "--run-as", "OPENAUTOMATE_RUN_AS", {"cli-user", "env-user", "file-user", ""}},
        {"Cgroups", nullptr, "OPENAUTOMATE_CGROUPS", {nullptr, "on", "off", "true"}},
        {"Sandbox", "--sandbox", "OPENAUTOMATE_SANDBOX", {"bubblewrap", "none", "bubblewrap", "none"}},
        {"Network", nullptr, "OPENAUTOMATE_NETWORK", {nullptr, "host", "none", "host"}},
        {"GraceSeconds", "--grace-seconds", nullptr, {"3", nullptr, "7", "10"}},
        {"EnvironmentCache/MaxAge", "--env-cache-max-age", nullptr, {"1h", nullptr, "2d", "604800"}},
        {"EnvironmentCache/Dir", "--env-cache-dir", nullptr, {"/cache/cli", nullptr, "/cache/file", "/var/lib/openautomate/botagent/EnvCache"}},
    };
    const auto json = [](const char *setting, const char *text) -> QString {
        const QString name = QString::fromLatin1(setting);
        if (name == QLatin1String("Cgroups"))
            return QString::fromLatin1(text) == QLatin1String("off") ? QStringLiteral("false") : QStringLiteral("true");
        if (name == QLatin1String("EnvironmentCache/MaxAge"))
            return QString::fromLatin1(text) == QLatin1String("1h") ? QStringLiteral("3600") : QStringLiteral("172800");
        return QString::fromLatin1(text);
    };
    for (const Layers &s : settings) {
        const QString name = QString::fromLatin1(s.setting);
        const qsizetype slash = name.indexOf(u'/');
        const QByteArray line = (slash < 0 ? QByteArray("# precedence\n\n") : "# precedence\n[" + name.left(slash).toUtf8() + "]\n")
                                + name.mid(slash + 1).toUtf8() + " = " + s.values[2] + '\n';
        const QStringList cli = s.option ? QStringList{QString::fromLatin1(s.option), QString::fromLatin1(s.values[0])} : QStringList();
        const QStringList env = s.variable ? QStringList{QString::fromLatin1(s.variable) + u'=' + QString::fromLatin1(s.values[1])} : QStringList();
        QTest::addRow("%s: default", s.setting) << name << QStringList() << QStringList() << QByteArray("# nothing\n")
                                                << QString::fromLatin1(s.values[3]) << "default";
        QTest::addRow("%s: file over default", s.setting) << name << QStringList() << QStringList() << line
                                                          << json(s.setting, s.values[2]) << "file:3";
        if (s.variable)
            QTest::addRow("%s: env over file", s.setting) << name << QStringList() << env << line << json(s.setting, s.values[1])
                                                          << QStringLiteral("env %1").arg(QString::fromLatin1(s.variable));
        if (s.option)
            QTest::addRow("%s: command line over env and file", s.setting) << name << cli << env << line
                                                                           << json(s.setting, s.values[0]) << "command line";
    }
}

void TestExecutorConfig::precedence()
{
    QFETCH(QString, setting);
    QFETCH(QStringList, options);
    QFETCH(QStringList, variables);
    QFETCH(QByteArray, file);
    QFETCH(QString, value);
    QFETCH(QString, source);
    QProcessEnvironment env = bareEnvironment();
    for (const QString &variable : std::as_const(variables))
        env.insert(variable.section(u'=', 0, 0), variable.section(u'=', 1));
    // The file is named by the variable here, so that it is itself one of the environment's settings.
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), writeConfig(file));
    const QJsonObject shown = showConfig(options, env).value("Settings").toObject().value(setting).toObject();
    QCOMPARE(shown.value("Source").toString(), source);
    QCOMPARE(shown.value("Value").toVariant().toString(), value);
}

void TestExecutorConfig::showConfigText()
{
    const QString file = writeConfig("# site settings\n"
                                     "TimeoutSeconds = 600\n"
                                     "\n"
                                     "[EnvironmentCache]\n"
                                     "MaxSize = 20G\n"
                                     "[PipEnvironment]\n"
                                     "PIP_INDEX_URL = https://pypi.example.corp/simple\n");
    QProcessEnvironment env = bareEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_PYTHON"), QStringLiteral("/usr/bin/python3"));
    const Run run = runExecutor({QStringLiteral("--config"), file, QStringLiteral("--show-config"), QStringLiteral("--grace-seconds"), QStringLiteral("4")}, env);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString out = QString::fromUtf8(run.out);
    QVERIFY2(out.startsWith(QStringLiteral("Configuration file: %1 (command line)\n").arg(file)), qPrintable(out));
    const auto row = [&out](const QString &name, const QString &value, const QString &source) {
        return out.contains(QRegularExpression(QStringLiteral("\\n%1 +%2 +%3\\n").arg(QRegularExpression::escape(name), QRegularExpression::escape(value),
                                                                                      QRegularExpression::escape(source))));
    };
    QVERIFY2(row(QStringLiteral("TimeoutSeconds"), QStringLiteral("600"), QStringLiteral("file:2")), qPrintable(out));
    QVERIFY2(row(QStringLiteral("EnvironmentCache/MaxSize"), QStringLiteral("20G"), QStringLiteral("file:5")), qPrintable(out));
    QVERIFY2(row(QStringLiteral("PipEnvironment/PIP_INDEX_URL"), QStringLiteral("https://pypi.example.corp/simple"), QStringLiteral("file:7")),
             qPrintable(out));
    QVERIFY2(row(QStringLiteral("Python"), QStringLiteral("/usr/bin/python3"), QStringLiteral("env OPENAUTOMATE_PYTHON")), qPrintable(out));
    QVERIFY2(row(QStringLiteral("GraceSeconds"), QStringLiteral("4"), QStringLiteral("command line")), qPrintable(out));
    QVERIFY2(row(QStringLiteral("EnvironmentCache/MaxAge"), QStringLiteral("7d"), QStringLiteral("default")), qPrintable(out));
    QVERIFY2(row(QStringLiteral("MaxMemoryMB"), QStringLiteral("(none)"), QStringLiteral("default")), qPrintable(out));
    QVERIFY2(row(QStringLiteral("KeepRuns"), QStringLiteral("5"), QStringLiteral("default")), qPrintable(out));
}

void TestExecutorConfig::showConfigJson()
{
    const QString file = writeConfig("; comments and blank lines count as lines\n"
                                     "\n"
                                     "MaxMemoryMB = 512\n"
                                     "Cgroups = off\n"
                                     "[ScriptEnvironment]\n"
                                     "SITE = \"plant 7, hall 2\"\n");
    QProcessEnvironment env = bareEnvironment();
    env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), file);
    const QJsonObject shown = showConfig({QStringLiteral("--no-env-cache")}, env);
    const QJsonObject config = shown.value("ConfigFile").toObject();
    QCOMPARE(config.value("Path").toString(), file);
    QCOMPARE(config.value("Source").toString(), QStringLiteral("env OPENAUTOMATE_EXECUTOR_CONFIG"));
    QCOMPARE(config.value("Read").toBool(), true);
    const QJsonObject settings = shown.value("Settings").toObject();
    const auto check = [&settings](const char *name, const QJsonValue &value, const char *source) {
        const QJsonObject setting = settings.value(QLatin1String(name)).toObject();
        if (setting.value("Value") != value || setting.value("Source").toString() != QLatin1String(source))
            qWarning("%s: %s", name, QJsonDocument(setting).toJson(QJsonDocument::Compact).constData());
        return setting.value("Value") == value && setting.value("Source").toString() == QLatin1String(source);
    };
    QVERIFY(check("MaxMemoryMB", 512.0, "file:3"));
    QVERIFY(check("Cgroups", false, "file:4"));
    QVERIFY(check("ScriptEnvironment/SITE", QStringLiteral("plant 7, hall 2"), "file:6"));
    QVERIFY(check("EnvironmentCache/Enabled", false, "command line"));
    QVERIFY(check("TimeoutSeconds", QJsonValue(), "default"));
    QVERIFY(check("EnvironmentCache/MaxSize", double(qint64(10) << 30), "default"));
    QVERIFY(check("KeepRuns", 5, "default"));
    for (const char *name : {"BaseDir", "Python", "RunAsUser", "TimeoutSeconds", "GraceSeconds", "MaxTimeoutSeconds", "MaxMemoryMB",
                             "MaxCpuSeconds", "Cgroups", "EnvironmentCache/Enabled", "EnvironmentCache/Dir", "EnvironmentCache/MaxAge",
                             "EnvironmentCache/MaxSize"})
        QVERIFY2(settings.contains(QLatin1String(name)), name);
}

void TestExecutorConfig::showConfigDefaultFile()
{
    // Without --config or the variable, the default file is looked at; its absence is fine.
    const QString standard = QStringLiteral("/etc/openautomate/executor.conf");
    const QJsonObject config = showConfig({}, bareEnvironment()).value("ConfigFile").toObject();
    QCOMPARE(config.value("Path").toString(), standard);
    QCOMPARE(config.value("Source").toString(), QStringLiteral("default"));
    QCOMPARE(config.value("Read").toBool(), QFileInfo(standard).isFile());
}

void TestExecutorConfig::exampleFileDocumentsEveryKey()
{
    // resources/config/executor.conf, installed as /etc/openautomate/executor.conf: as shipped,
    // everything is commented out; with every key line uncommented, it sets every setting.
    const QString example = QDir::cleanPath(testDataDir() + QStringLiteral("/../../resources/config/executor.conf"));
    const QByteArray shipped = readFile(example);
    QVERIFY(!shipped.isEmpty());
    const QJsonObject asShipped = showConfig({QStringLiteral("--config"), example}, bareEnvironment()).value("Settings").toObject();
    QVERIFY(!asShipped.isEmpty());
    for (auto it = asShipped.begin(); it != asShipped.end(); ++it)
        QVERIFY2(it.value().toObject().value("Source").toString() == QLatin1String("default"), qPrintable(it.key()));

    QString uncommented = QString::fromUtf8(shipped);
    uncommented.replace(QRegularExpression(QStringLiteral("^#([A-Za-z_]+ = )"), QRegularExpression::MultilineOption), QStringLiteral("\\1"));
    QByteArray err;
    const QJsonObject everything = showConfig({QStringLiteral("--config"), writeConfig(uncommented.toUtf8())}, bareEnvironment(), &err)
                                       .value("Settings").toObject();
    QVERIFY2(!everything.isEmpty(), err.constData());
    for (auto it = asShipped.begin(); it != asShipped.end(); ++it)
        QVERIFY2(everything.value(it.key()).toObject().value("Source").toString().startsWith(QLatin1String("file:")), qPrintable(it.key()));
    QVERIFY(everything.contains(QStringLiteral("PipEnvironment/PIP_INDEX_URL")));
    QVERIFY(everything.contains(QStringLiteral("ScriptEnvironment/SITE_NAME")));
    // Each shown default is the built-in one.
    QCOMPARE(everything.value("GraceSeconds").toObject().value("Value"), asShipped.value("GraceSeconds").toObject().value("Value"));
    QCOMPARE(everything.value("EnvironmentCache/MaxAge").toObject().value("Value"), asShipped.value("EnvironmentCache/MaxAge").toObject().value("Value"));
    QCOMPARE(everything.value("EnvironmentCache/MaxSize").toObject().value("Value"), asShipped.value("EnvironmentCache/MaxSize").toObject().value("Value"));
    QCOMPARE(everything.value("BaseDir").toObject().value("Value"), asShipped.value("BaseDir").toObject().value("Value"));
    QCOMPARE(everything.value("Cgroups").toObject().value("Value"), asShipped.value("Cgroups").toObject().value("Value"));
}

void TestExecutorConfig::badFile_data()
{
    QTest::addColumn<QByteArray>("content"); // or "<fifo>", "<folder>", "<missing>", "<missing-env>", "<huge>"
    QTest::addColumn<QStringList>("expected"); // each in stderr; FILE stands for the file's path

    QTest::newRow("unknown key") << QByteArray("# x\nTimeoutSeconds = 5\nTimeout = 5\n")
                                 << QStringList{"FILE:3: Timeout: unknown key", "TimeoutSeconds, GraceSeconds"};
    QTest::newRow("key in the wrong case") << QByteArray("maxmemorymb = 5\n") << QStringList{"FILE:1: maxmemorymb: unknown key", "did you mean MaxMemoryMB?"};
    QTest::newRow("unknown group") << QByteArray("\n[Pip]\nPIP_INDEX_URL = x\n") << QStringList{"FILE:3: Pip/PIP_INDEX_URL: unknown group [Pip]"};
    QTest::newRow("bad number") << QByteArray("MaxMemoryMB = lots\n")
                                << QStringList{"FILE:1: MaxMemoryMB: \"lots\" is not a positive number of megabytes up to the maximum of 1000000000"};
    QTest::newRow("number above its maximum") << QByteArray("\nMaxTimeoutSeconds = 1e10\n")
                                              << QStringList{"FILE:2: MaxTimeoutSeconds: \"1e10\" is not a positive number of seconds"};
    for (const char *count : {"0", "-1", "2.5", "101", "99999999999", "five", "1e2"})
        QTest::newRow(qPrintable(QStringLiteral("KeepRuns = %1").arg(QLatin1String(count))))
            << QByteArray("\nKeepRuns = ") + count + '\n'
            << QStringList{QStringLiteral("FILE:2: KeepRuns: \"%1\" is not a whole number of runs from 1 to 100").arg(QLatin1String(count))};
    QTest::newRow("bad size") << QByteArray("[EnvironmentCache]\nMaxSize = 10X\n") << QStringList{"FILE:2: EnvironmentCache/MaxSize: \"10X\" is not a positive number"};
    QTest::newRow("bad switch") << QByteArray("Cgroups = maybe\n") << QStringList{"FILE:1: Cgroups: \"maybe\" is not on or off"};
    QTest::newRow("relative path") << QByteArray("BaseDir = agent\n") << QStringList{"FILE:1: BaseDir: \"agent\" is not an absolute path"};
    QTest::newRow("inline comment") << QByteArray("TimeoutSeconds = 60 # a minute\n") << QStringList{"FILE:1: TimeoutSeconds:", "holds a comment"};
    QTest::newRow("default above the maximum") << QByteArray("TimeoutSeconds = 600\nMaxTimeoutSeconds = 60\n")
                                               << QStringList{"FILE:1: TimeoutSeconds: 600 is above MaxTimeoutSeconds 60 (file:2)"};
    QTest::newRow("key twice") << QByteArray("GraceSeconds = 1\n\nGraceSeconds = 2\n") << QStringList{"FILE:3: GraceSeconds is set twice (first on line 1)"};
    QTest::newRow("not a key line") << QByteArray("[EnvironmentCache]\nEnabled\n") << QStringList{"FILE:2: \"Enabled\" is not a Key = Value line"};
    // QSettings decodes %UXXXX and %XX in names: this one is TimeoutSeconds a second time.
    QTest::newRow("%U escape in a key") << QByteArray("TimeoutSeconds = 5\nTimeout%U0053econds = 10\n")
                                        << QStringList{"FILE:2: Timeout%U0053econds: a key cannot contain '%'", "QSettings would decode"};
    QTest::newRow("%XX escape in a key") << QByteArray("\nGrace%53econds = 1\n") << QStringList{"FILE:2: Grace%53econds: a key cannot contain '%'"};
    QTest::newRow("% escape in a group") << QByteArray("# scripts\n[Script%U0045nvironment]\nSITE = x\n")
                                         << QStringList{"FILE:2: [Script%U0045nvironment]: a group name cannot contain '%'", "QSettings would decode"};
    // QSettings turns '\' in a name into '/': [Pip\Environment] would be its group Pip/Environment.
    QTest::newRow("backslash in a group") << QByteArray("[Pip\\Environment]\nPIP_INDEX_URL = x\n")
                                          << QStringList{"FILE:1: \"[Pip\\Environment]\" is not a group header"};
    // Found by fuzz_config_file: where the line scan and QSettings split a file differently, a
    // key was set twice unnoticed and its line was 0.
    QTest::newRow("lone carriage return") << QByteArray("Cgroups = on\rCgroups = off\n") << QStringList{"FILE:1: the line holds the control character U+000D"};
    QTest::newRow("vertical tab before a group") << QByteArray("GraceSeconds = 1\n\v[EnvironmentCache]\n") << QStringList{"FILE:2: the line holds the control character U+000B"};
    QTest::newRow("[general] in lower case") << QByteArray("TimeoutSeconds = 10\n[general]\nTimeoutSeconds = 99\n")
                                             << QStringList{"FILE:3: TimeoutSeconds is set twice (first on line 1)"};
    QTest::newRow("second bracket in a group") << QByteArray("[EnvironmentCache]]\nEnabled = off\n") << QStringList{"FILE:1: \"[EnvironmentCache]]\" is not a group header"};
    QTest::newRow("two headers on a line") << QByteArray("[EnvironmentCache][PipEnvironment]\n") << QStringList{"FILE:1: \"[EnvironmentCache][PipEnvironment]\" is not a group header"};
    QTest::newRow("quoted key holding =") << QByteArray("\"Timeout=Seconds\" = 5\n") << QStringList{"FILE:1: \"Timeout: a key cannot contain '\"'"};
    QTest::newRow("quote not closed on its line") << QByteArray("[ScriptEnvironment]\nGREETING = \"hello\n[PipEnvironment]\nPIP_INDEX_URL = x\n")
                                                 << QStringList{"FILE:2: GREETING: the value's quote is not closed on its line"};
    QTest::newRow("value continued with a backslash") << QByteArray("[ScriptEnvironment]\nGREETING = hello \\\nTimeoutSeconds = 5\n")
                                                      << QStringList{"FILE:2: GREETING: the value ends in '\\'"};
    QTest::newRow("no-break space before a group") << QByteArray("GraceSeconds = 1\n\xc2\xa0[EnvironmentCache]\nEnabled = off\n") << QStringList{"FILE:2:"};
    QTest::newRow("pip variable not for pip") << QByteArray("[PipEnvironment]\nLD_PRELOAD = /x.so\n")
                                              << QStringList{"FILE:2: PipEnvironment/LD_PRELOAD: LD_PRELOAD is not a variable for pip"};
    QTest::newRow("pip variable the executor decides") << QByteArray("[PipEnvironment]\nPIP_TARGET = /x\n")
                                                       << QStringList{"FILE:2: PipEnvironment/PIP_TARGET: PIP_TARGET would decide where pip installs"};
    QTest::newRow("script variable the executor sets") << QByteArray("[ScriptEnvironment]\nOPENAUTOMATE_TASK_DIR = /x\n")
                                                       << QStringList{"FILE:2: ScriptEnvironment/OPENAUTOMATE_TASK_DIR: OPENAUTOMATE_TASK_DIR is set by the executor"};
    QTest::newRow("FIFO") << QByteArray("<fifo>") << QStringList{"FILE: cannot use the configuration file", "a FIFO, not a regular file"};
    QTest::newRow("folder") << QByteArray("<folder>") << QStringList{"FILE: cannot use the configuration file", "a folder, not a regular file"};
    QTest::newRow("too large") << QByteArray("<huge>") << QStringList{"FILE: cannot use the configuration file", "more than the 1048576 allowed"};
    QTest::newRow("missing --config") << QByteArray("<missing>") << QStringList{"--config: FILE: the configuration file does not exist"};
    QTest::newRow("missing from the variable") << QByteArray("<missing-env>")
                                               << QStringList{"OPENAUTOMATE_EXECUTOR_CONFIG: FILE: the configuration file does not exist"};
}

void TestExecutorConfig::badFile()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    const QString file = dir.path() + QStringLiteral("/bad.conf");
    if (content == "<fifo>")
        QCOMPARE(::mkfifo(QFile::encodeName(file).constData(), 0644), 0);
    else if (content == "<folder>")
        QVERIFY(QDir().mkpath(file));
    QFile written(file);
    if (content == "<huge>")
        QVERIFY(written.open(QIODevice::WriteOnly) && written.resize(2 * 1024 * 1024));
    else if (!content.startsWith("<") && (!written.open(QIODevice::WriteOnly) || written.write(content) != content.size()))
        QFAIL("cannot write the file");
    written.close();

    Agent agent;
    agent.makeScriptTask(QStringLiteral("job"), "open('ran', 'w').close()\n");
    const QStringList before = agent.listing();
    QProcessEnvironment env = cleanEnvironment();
    QStringList config{QStringLiteral("--config"), file};
    if (content == "<missing-env>") {
        env.insert(QStringLiteral("OPENAUTOMATE_EXECUTOR_CONFIG"), file);
        config.clear();
    }
    // A run and a lock tool alike: exit 1 at once (a FIFO is never waited on), nothing touched.
    for (const QStringList &command : {executorArgs(agent, QStringLiteral("job"), config),
                                       QStringList{QStringLiteral("--base-dir"), agent.base(), QStringLiteral("--clear-orphaned-locks")} + config}) {
        QElapsedTimer clock;
        clock.start();
        const Run run = runExecutor(command, env, 20000);
        QVERIFY2(clock.elapsed() < 10000, "the executor waited on the configuration file");
        QVERIFY2(run.exitCode == 1, run.err.constData());
        for (QString part : std::as_const(expected)) {
            part.replace(QStringLiteral("FILE"), file);
            QVERIFY2(run.err.contains(part.toUtf8()), qPrintable(QStringLiteral("expected \"%1\" in: %2").arg(part, QString::fromUtf8(run.err))));
        }
        QCOMPARE(agent.listing(), before);
    }
}

void TestExecutorConfig::unreadableFile()
{
    // Root reads any file: the executor runs as a throwaway user here, from a copy it can reach,
    // against a root-only file (0600) and a file in a folder it cannot enter (0700).
    ThrowawayUser user;
    if (!user.isValid())
        OA_SKIP_OR_FAIL(user.why());
    QTemporaryDir bin;
    openToOthers(bin.path());
    const QString executor = bin.path() + QStringLiteral("/openautomate-executor");
    QVERIFY(QFile::copy(executorPath(), executor));
    QTemporaryDir dir;
    openToOthers(dir.path());
    const QString secret = dir.path() + QStringLiteral("/secret.conf");
    QFile file(secret);
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write("GraceSeconds = 1\n") > 0);
    file.close();
    QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const QString closed = dir.path() + QStringLiteral("/closed");
    QVERIFY(QDir().mkpath(closed));
    QVERIFY(QFile(closed).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QFile inside(closed + QStringLiteral("/executor.conf"));
    QVERIFY(inside.open(QIODevice::WriteOnly));
    inside.close();
    for (const QString &config : {secret, inside.fileName()}) {
        QProcess process;
        process.setProcessEnvironment(cleanEnvironment());
        process.start(QStringLiteral("setpriv"), {QStringLiteral("--reuid=%1").arg(user.uid()), QStringLiteral("--regid=%1").arg(user.gid()),
                                                  QStringLiteral("--clear-groups"), executor, QStringLiteral("--config"), config,
                                                  QStringLiteral("--show-config")});
        QVERIFY(process.waitForFinished(60000));
        const QByteArray err = process.readAllStandardError();
        QCOMPARE(process.exitCode(), 1);
        QVERIFY2(err.contains(config.toUtf8() + ": cannot use the configuration file") && err.contains("Permission denied"), err.constData());
    }
}

QTEST_GUILESS_MAIN(TestExecutorConfig)
#include "tst_executor_config.moc"
