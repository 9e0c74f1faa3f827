#pragma once

#include "ConfigValues.h"
#include "base/Error.h"

#include <QList>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QVariant>

#include <optional>
#include <utility>

namespace oa {

// Where a setting's value came from, as --show-config and the monitor say it.
struct SettingSource {
    enum class Kind { Default, File, Environment, CommandLine };
    Kind kind = Kind::Default;
    int line = 0;   // File: the line in the configuration file
    QString name;   // Environment: the variable; CommandLine: the option, e.g. "--timeout"
    // "default", "file:12", "env OPENAUTOMATE_PYTHON", "command line"
    QString describe() const;
};

// One effective setting: "BaseDir", "EnvironmentCache/MaxSize", "PipEnvironment/PIP_INDEX_URL".
struct Setting {
    QString name;
    QVariant value;  // invalid when not set (no timeout, no run-as user, …)
    QString text;    // the value as shown, or what not setting it means, in parentheses
    SettingSource source;
    QString description; // one line on what it does
};

// The executor's effective configuration, shared by the executor, its lock tools and the
// monitor. Each setting is taken from the first of: the command line, the environment variable
// that names it, the configuration file (executor.conf, an INI file), the built-in default.
// Every value goes through the same checks wherever it comes from (config::parse), and a bad one
// fails load() with ErrorKind::BadArgument, naming where it came from: "--timeout: …",
// "OPENAUTOMATE_CGROUPS: …" or "/etc/openautomate/executor.conf:12: MaxMemoryMB: …".
class ExecutorSettings {
public:
    // Where the file is looked for when neither --config nor OPENAUTOMATE_EXECUTOR_CONFIG names
    // one. Its absence is fine (built-in defaults); a named file that is missing is an error.
    static QString defaultConfigFile();
    static constexpr const char *kConfigVariable = "OPENAUTOMATE_EXECUTOR_CONFIG";

    struct CommandLineValue {
        QString option; // "--timeout", for messages
        QString text;
    };
    struct Inputs {
        QString configFile; // --config; empty when not given
        QMap<QString, CommandLineValue> commandLine; // by setting name
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        QString workingDirectory; // relative paths on the command line and in the environment
    };
    static Result<ExecutorSettings> load(const Inputs &inputs);

    // The file read; empty when there was none (the default file is absent).
    QString configFile() const { return m_configFile; }
    QString configFileLookedAt() const { return m_configFileLookedAt; }
    SettingSource configFileSource() const { return m_configFileSource; }

    // Every setting in a fixed order (the file's groups last), for --show-config and the monitor.
    const QList<Setting> &all() const { return m_settings; }
    const Setting *find(const QString &name) const;
    // Where a setting came from, to prefix a message about its value: "--run-as",
    // "OPENAUTOMATE_RUN_AS", "/etc/openautomate/executor.conf:4: RunAsUser" or "RunAsUser".
    QString origin(const QString &name) const;

    QString baseDir() const { return text(QStringLiteral("BaseDir")); }
    QString python() const { return text(QStringLiteral("Python")); }      // empty: python3, then python, on PATH
    // The interpreters offered to tasks that ask for a version; empty: only python().
    QStringList pythons() const { return value(QStringLiteral("Pythons")).toStringList(); }
    bool requireHashes() const { return value(QStringLiteral("RequireHashes")).toBool(); }
    // The package policy: where a task's packages may come from (see PackagePolicy).
    bool allowDirectReferences() const { return value(QStringLiteral("AllowDirectReferences")).toBool(); }
    QStringList allowedHosts() const { return value(QStringLiteral("AllowedHosts")).toStringList(); } // empty: any
    bool allowRequirementsFileOptions() const { return value(QStringLiteral("AllowRequirementsFileOptions")).toBool(); }
    bool onlyBinary() const { return value(QStringLiteral("OnlyBinary")).toBool(); }
    QString runAsUser() const { return text(QStringLiteral("RunAsUser")); } // empty: the executor's own user
    // RunAsUser = dynamic: a user ID of its own for every execution, from dynamicUserRange().
    bool dynamicRunAs() const { return runAsUser() == QLatin1String("dynamic"); }
    std::pair<qint64, qint64> dynamicUserRange() const
    {
        const QVariantList ends = value(QStringLiteral("DynamicUserRange")).toList();
        return {ends.value(0).toLongLong(), ends.value(1).toLongLong()};
    }
    std::optional<double> timeoutSeconds() const { return number(QStringLiteral("TimeoutSeconds")); }
    std::optional<double> graceSeconds() const { return number(QStringLiteral("GraceSeconds")); }
    std::optional<double> maxTimeoutSeconds() const { return number(QStringLiteral("MaxTimeoutSeconds")); }
    std::optional<double> maxMemoryMB() const { return number(QStringLiteral("MaxMemoryMB")); }
    std::optional<double> maxCpuSeconds() const { return number(QStringLiteral("MaxCpuSeconds")); }
    bool cgroups() const { return value(QStringLiteral("Cgroups")).toBool(); }
    QString sandbox() const { return text(QStringLiteral("Sandbox")); }        // "none" or "bubblewrap"
    QString network() const { return text(QStringLiteral("Network")); }        // "host" or "none"
    QString bubblewrapPath() const { return text(QStringLiteral("BubblewrapPath")); }
    // How many earlier runs of an ID the executor keeps beside the last one (previous/ …).
    int keepRuns() const { return value(QStringLiteral("KeepRuns")).toInt(); }
    bool envCacheEnabled() const { return value(QStringLiteral("EnvironmentCache/Enabled")).toBool(); }
    QString envCacheDir() const { return text(QStringLiteral("EnvironmentCache/Dir")); }
    qint64 envCacheMaxAgeSeconds() const { return value(QStringLiteral("EnvironmentCache/MaxAge")).toLongLong(); }
    qint64 envCacheMaxSizeBytes() const { return value(QStringLiteral("EnvironmentCache/MaxSize")).toLongLong(); }
    // [PipEnvironment] and [ScriptEnvironment]: set over the service's own environment for pip
    // and for the script.
    QMap<QString, QString> pipEnvironment() const { return group(QStringLiteral("PipEnvironment")); }
    QMap<QString, QString> scriptEnvironment() const { return group(QStringLiteral("ScriptEnvironment")); }
    // True when the command line or the environment set it (not the file, not the default).
    bool fromCommandLineOrEnvironment(const QString &name) const;

    // Why `name` may not be set in [PipEnvironment] / [ScriptEnvironment]; empty when it may.
    static QString pipVariableProblem(const QString &name);
    static QString scriptVariableProblem(const QString &name);

private:
    QVariant value(const QString &name) const; // invalid when unknown, as in a default-constructed one
    QString text(const QString &name) const;
    std::optional<double> number(const QString &name) const;
    QMap<QString, QString> group(const QString &prefix) const;

    QString m_configFile;
    QString m_configFileLookedAt;
    SettingSource m_configFileSource;
    QList<Setting> m_settings;
};

} // namespace oa
