#include "ExecutorSettings.h"

#include "fs/AgentPaths.h"
#include "ConfigFile.h"

#include <QDir>
#include <QRegularExpression>

#include <cerrno>

namespace oa {

namespace {

using config::Kind;

// Every setting the file, the command line and the environment know. `option` and `variable`
// are only those that exist; TimeoutSeconds and GraceSeconds have no variable of their own.
// The package policy (AllowDirectReferences … OnlyBinary) has neither: it is the site's, said in
// one file, and nothing in the service's environment or command line can loosen it.
struct Spec {
    const char *name;
    Kind kind;
    const char *option;
    const char *variable;
    const char *unset; // what leaving it unset means, for a setting without a default value
    const char *description;
};

const Spec kSpecs[] = {
    {"BaseDir", Kind::Path, "--base-dir", "OPENAUTOMATE_BOTAGENT_DIR", nullptr, "the bot agent folder"},
    {"Python", Kind::Text, "--python", "OPENAUTOMATE_PYTHON", "python3, then python, on PATH",
     "the base interpreter that builds the venvs: a path or a name on PATH"},
    {"Pythons", Kind::List, "--pythons", "OPENAUTOMATE_PYTHONS", "the Python interpreter only",
     "the interpreters offered to a task that asks for a Python version; it gets the newest that matches"},
    {"RequireHashes", Kind::Switch, "--require-hashes", "OPENAUTOMATE_REQUIRE_HASHES", nullptr,
     "on: every install is hash-checked (pip --require-hashes); a task whose packages carry no hashes is refused"},
    {"AllowDirectReferences", Kind::Switch, nullptr, nullptr, nullptr,
     "on: a task may install from URLs, VCS references and paths (name @ URL, git+https://…, ./pkg.whl); off: refused"},
    {"AllowedHosts", Kind::List, nullptr, nullptr, "any host, where direct references are allowed",
     "the hosts a direct reference's URL may name, comma-separated"},
    {"AllowRequirementsFileOptions", Kind::Switch, nullptr, nullptr, nullptr,
     "on: a requirements.txt may choose indexes, find-links, trusted hosts, editables and files outside the task; off: refused"},
    {"OnlyBinary", Kind::Switch, nullptr, nullptr, nullptr,
     "on: pip installs wheels only (--only-binary :all:), so no package's build code runs"},
    {"RunAsUser", Kind::Text, "--run-as", "OPENAUTOMATE_RUN_AS", "the executor's own user",
     "run task code (pip and the script) as this unprivileged user, or `dynamic`: a user ID of its own for every "
     "execution, from DynamicUserRange; the executor must be root"},
    {"DynamicUserRange", Kind::IdRange, nullptr, nullptr, nullptr,
     "the user and group IDs that RunAsUser = dynamic gives out, one per running execution (systemd's DynamicUser= range)"},
    {"TimeoutSeconds", Kind::Seconds, "--timeout", nullptr, "none",
     "the timeout of a task whose execution.json sets none (--timeout wins over execution.json)"},
    {"GraceSeconds", Kind::SecondsOrZero, "--grace-seconds", nullptr, nullptr,
     "SIGTERM to SIGKILL, for a task whose execution.json sets none (--grace-seconds wins over execution.json)"},
    {"MaxTimeoutSeconds", Kind::Seconds, nullptr, nullptr, "none", "the longest timeout a task may ask for, and the timeout of one that asks for none"},
    {"MaxMemoryMB", Kind::MegaBytes, nullptr, nullptr, "none", "the most memory a task may ask for, and the limit of one that asks for none"},
    {"MaxCpuSeconds", Kind::Seconds, nullptr, nullptr, "none", "the most CPU time a task may ask for, and the limit of one that asks for none"},
    {"Cgroups", Kind::Switch, nullptr, "OPENAUTOMATE_CGROUPS", nullptr, "off: no execution cgroups at all (containers, hosts where they misbehave)"},
    {"Sandbox", Kind::Sandbox, "--sandbox", "OPENAUTOMATE_SANDBOX", nullptr,
     "bubblewrap: pip and the script run in a bubblewrap sandbox (their own folders writable, the system read-only, the rest absent)"},
    {"Network", Kind::Network, nullptr, "OPENAUTOMATE_NETWORK", nullptr,
     "none: a sandboxed script gets no network but its own loopback (execution.json may ask for none, never for more)"},
    {"BubblewrapPath", Kind::Path, nullptr, nullptr, nullptr, "the bwrap program the sandbox uses"},
    {"KeepRuns", Kind::RunCount, nullptr, nullptr, nullptr,
     "how many earlier runs of an execution ID are kept (previous/, previous.2/, …) beside the last one; 1: previous/ only"},
    {"EnvironmentCache/Enabled", Kind::Switch, "--no-env-cache", nullptr, nullptr, "off: every execution installs its packages into its own venv"},
    {"EnvironmentCache/Dir", Kind::Path, "--env-cache-dir", nullptr, nullptr, "where the environment cache lives"},
    {"EnvironmentCache/MaxAge", Kind::Age, "--env-cache-max-age", nullptr, nullptr, "rebuild cached environments older than this"},
    {"EnvironmentCache/MaxSize", Kind::Size, "--env-cache-max-size", nullptr, nullptr, "evict least recently used environments past this size"},
};

QVariant builtInDefault(const QString &name)
{
    if (name == QLatin1String("BaseDir"))
        return AgentPaths::platformDefaultBaseDir();
    if (name == QLatin1String("GraceSeconds"))
        return 10.0;
    if (name == QLatin1String("DynamicUserRange"))
        return QVariantList{qint64(61184), qint64(65519)};
    if (name == QLatin1String("Cgroups") || name == QLatin1String("EnvironmentCache/Enabled"))
        return true;
    if (name == QLatin1String("RequireHashes") || name == QLatin1String("AllowDirectReferences")
        || name == QLatin1String("AllowRequirementsFileOptions") || name == QLatin1String("OnlyBinary"))
        return false;
    if (name == QLatin1String("Sandbox"))
        return QStringLiteral("none");
    if (name == QLatin1String("Network"))
        return QStringLiteral("host");
    if (name == QLatin1String("KeepRuns"))
        return 5;
    if (name == QLatin1String("BubblewrapPath"))
        return QStringLiteral("/usr/bin/bwrap");
    if (name == QLatin1String("EnvironmentCache/MaxAge"))
        return qint64(7) * 24 * 3600;
    if (name == QLatin1String("EnvironmentCache/MaxSize"))
        return qint64(10) << 30;
    return {}; // EnvironmentCache/Dir follows BaseDir; the rest has no value unless set
}

const Spec *specFor(const QString &name)
{
    for (const Spec &spec : kSpecs)
        if (name == QLatin1String(spec.name))
            return &spec;
    return nullptr;
}

QString knownKeys(const QString &group)
{
    QStringList keys;
    for (const Spec &spec : kSpecs) {
        const QString name = QString::fromLatin1(spec.name);
        const qsizetype slash = name.indexOf(u'/');
        if ((slash < 0 ? QString() : name.left(slash)) == group)
            keys.append(name.mid(slash + 1));
    }
    return keys.join(QStringLiteral(", "));
}

const QRegularExpression &variableName()
{
    static const QRegularExpression re(QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*"))); // '$' would let a final "\n" through
    return re;
}

} // namespace

QString SettingSource::describe() const
{
    switch (kind) {
    case Kind::Default: return QStringLiteral("default");
    case Kind::File: return QStringLiteral("file:%1").arg(line);
    case Kind::Environment: return QStringLiteral("env %1").arg(name);
    case Kind::CommandLine: return QStringLiteral("command line");
    }
    return {};
}

QString ExecutorSettings::defaultConfigFile()
{
    return QStringLiteral("/etc/openautomate/executor.conf");
}

QString ExecutorSettings::pipVariableProblem(const QString &name)
{
    // Where pip installs, and what, is the executor's: the venv or the cache entry, and the
    // task's own requirements. Everything else pip reads from PIP_* is the site's to choose.
    static const QStringList refused = {QStringLiteral("PIP_TARGET"), QStringLiteral("PIP_PREFIX"), QStringLiteral("PIP_ROOT"),
                                        QStringLiteral("PIP_USER"), QStringLiteral("PIP_SRC"), QStringLiteral("PIP_EDITABLE"),
                                        QStringLiteral("PIP_REQUIREMENT"), QStringLiteral("PIP_PYTHON")};
    // pip's network goes through requests and urllib3, which read these.
    static const QStringList network = {QStringLiteral("HTTP_PROXY"), QStringLiteral("HTTPS_PROXY"), QStringLiteral("NO_PROXY"),
                                        QStringLiteral("ALL_PROXY"), QStringLiteral("http_proxy"), QStringLiteral("https_proxy"),
                                        QStringLiteral("no_proxy"), QStringLiteral("all_proxy"), QStringLiteral("REQUESTS_CA_BUNDLE"),
                                        QStringLiteral("CURL_CA_BUNDLE"), QStringLiteral("SSL_CERT_FILE"), QStringLiteral("SSL_CERT_DIR")};
    if (refused.contains(name))
        return QStringLiteral("%1 would decide where pip installs or what; the executor decides that").arg(name);
    if ((name.startsWith(QLatin1String("PIP_")) && name.size() > 4 && variableName().match(name).hasMatch() && name == name.toUpper())
        || network.contains(name))
        return {};
    return QStringLiteral("%1 is not a variable for pip: [PipEnvironment] takes PIP_* variables (upper case), the proxy "
                          "variables HTTP_PROXY, HTTPS_PROXY, NO_PROXY, ALL_PROXY (either case) and the certificate "
                          "variables REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, SSL_CERT_FILE, SSL_CERT_DIR; variables for "
                          "scripts go under [ScriptEnvironment]").arg(name);
}

QString ExecutorSettings::scriptVariableProblem(const QString &name)
{
    // What the executor promises every script (ScriptRunner::environment, ChildProcess's run-as
    // user) cannot be changed by the site: a script relies on it.
    static const QStringList reserved = {QStringLiteral("TMP"), QStringLiteral("TEMP"), QStringLiteral("TMPDIR"),
                                         QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("PYTHONIOENCODING"),
                                         QStringLiteral("PYTHONHOME"), QStringLiteral("VIRTUAL_ENV"), QStringLiteral("PATH"),
                                         QStringLiteral("HOME"), QStringLiteral("USER"), QStringLiteral("LOGNAME")};
    if (!variableName().match(name).hasMatch())
        return QStringLiteral("\"%1\" is not a variable name (letters, digits and _, not starting with a digit)").arg(name);
    if (reserved.contains(name) || name.startsWith(QLatin1String("OPENAUTOMATE_")))
        return QStringLiteral("%1 is set by the executor for every script and cannot be configured").arg(name);
    return {};
}

const Setting *ExecutorSettings::find(const QString &name) const
{
    for (const Setting &setting : m_settings)
        if (setting.name == name)
            return &setting;
    return nullptr;
}

QVariant ExecutorSettings::value(const QString &name) const
{
    const Setting *setting = find(name);
    return setting ? setting->value : QVariant();
}

QString ExecutorSettings::text(const QString &name) const
{
    return value(name).toString();
}

std::optional<double> ExecutorSettings::number(const QString &name) const
{
    const Setting *setting = find(name);
    return setting && setting->value.isValid() ? std::optional<double>(setting->value.toDouble()) : std::nullopt;
}

QMap<QString, QString> ExecutorSettings::group(const QString &prefix) const
{
    QMap<QString, QString> variables;
    for (const Setting &setting : m_settings)
        if (setting.name.startsWith(prefix + u'/'))
            variables.insert(setting.name.mid(prefix.size() + 1), setting.value.toString());
    return variables;
}

bool ExecutorSettings::fromCommandLineOrEnvironment(const QString &name) const
{
    const Setting *setting = find(name);
    return setting && (setting->source.kind == SettingSource::Kind::CommandLine || setting->source.kind == SettingSource::Kind::Environment);
}

QString ExecutorSettings::origin(const QString &name) const
{
    const Setting *setting = find(name);
    if (!setting)
        return name;
    switch (setting->source.kind) {
    case SettingSource::Kind::CommandLine:
    case SettingSource::Kind::Environment: return setting->source.name;
    case SettingSource::Kind::File: return QStringLiteral("%1:%2: %3").arg(m_configFile).arg(setting->source.line).arg(name);
    case SettingSource::Kind::Default: break;
    }
    return name;
}

Result<ExecutorSettings> ExecutorSettings::load(const Inputs &inputs)
{
    ExecutorSettings settings;
    const auto invalid = [](const QString &message) { return Error{ErrorKind::BadArgument, message}; };
    const QString cwd = inputs.workingDirectory.isEmpty() ? QDir::currentPath() : inputs.workingDirectory;

    // 1. Which file: --config, then OPENAUTOMATE_EXECUTOR_CONFIG, then the default one.
    const QString variable = QString::fromLatin1(kConfigVariable);
    QString path = defaultConfigFile();
    if (!inputs.configFile.isEmpty()) {
        path = inputs.configFile;
        settings.m_configFileSource = {SettingSource::Kind::CommandLine, 0, QStringLiteral("--config")};
    } else if (!inputs.environment.value(variable).isEmpty()) {
        path = inputs.environment.value(variable);
        settings.m_configFileSource = {SettingSource::Kind::Environment, 0, variable};
    }
    path = QDir::cleanPath(QDir(cwd).absoluteFilePath(path));
    settings.m_configFileLookedAt = path;
    QMap<QString, ConfigFile::Entry> fromFile;
    auto file = ConfigFile::read(path);
    if (file) {
        settings.m_configFile = path;
    } else if (file.error().systemError != ENOENT || settings.m_configFileSource.kind != SettingSource::Kind::Default) {
        // A file named by --config or the variable must be there: say which one named it.
        const bool named = file.error().systemError == ENOENT;
        return invalid((named ? settings.m_configFileSource.name + QStringLiteral(": ") : QString()) + file.error().message);
    }

    // 2. Every key of the file is known and its value valid, whether or not something overrides it.
    QList<Setting> variables;
    for (const ConfigFile::Entry &entry : file ? file->entries() : QList<ConfigFile::Entry>()) {
        const QString where = QStringLiteral("%1:%2: %3: ").arg(path).arg(entry.line).arg(entry.name());
        if (entry.group == QLatin1String("PipEnvironment") || entry.group == QLatin1String("ScriptEnvironment")) {
            const QString problem = entry.group == QLatin1String("PipEnvironment") ? pipVariableProblem(entry.key)
                                                                                   : scriptVariableProblem(entry.key);
            if (!problem.isEmpty())
                return invalid(where + problem);
            variables.append({entry.name(), entry.value, entry.value, {SettingSource::Kind::File, entry.line, {}},
                              entry.group == QLatin1String("PipEnvironment") ? QStringLiteral("for pip") : QStringLiteral("for scripts")});
            continue;
        }
        const Spec *spec = specFor(entry.name());
        if (!spec) {
            const bool knownGroup = entry.group.isEmpty() || entry.group == QLatin1String("EnvironmentCache");
            if (!knownGroup)
                return invalid(where + QStringLiteral("unknown group [%1]; the groups are [EnvironmentCache], [PipEnvironment] and "
                                                      "[ScriptEnvironment]").arg(entry.group));
            for (const Spec &known : kSpecs)
                if (entry.name().compare(QLatin1String(known.name), Qt::CaseInsensitive) == 0)
                    return invalid(where + QStringLiteral("unknown key; keys are case-sensitive: did you mean %1?").arg(QLatin1String(known.name)));
            return invalid(where + QStringLiteral("unknown key; the keys%1 are %2")
                                       .arg(entry.group.isEmpty() ? QString() : QStringLiteral(" of [%1]").arg(entry.group),
                                            knownKeys(entry.group)));
        }
        // QSettings keeps an inline comment as part of the value: say so rather than use it.
        if (entry.value.contains(QLatin1String(" #")) || entry.value.contains(QLatin1String("\t#")))
            return invalid(where + QStringLiteral("\"%1\" holds a comment; comments go on a line of their own").arg(entry.value));
        if (const auto value = config::parse(spec->kind, entry.value); !value)
            return invalid(where + value.error().message);
        fromFile.insert(entry.name(), entry);
    }

    // 3. Each setting from the first place that sets it.
    for (const Spec &spec : kSpecs) {
        const QString name = QString::fromLatin1(spec.name);
        Setting setting{name, builtInDefault(name), {}, {}, QString::fromLatin1(spec.description)};
        const QString envName = spec.variable ? QString::fromLatin1(spec.variable) : QString();
        if (inputs.commandLine.contains(name)) {
            const CommandLineValue &given = inputs.commandLine.value(name);
            const auto value = config::parse(spec.kind, given.text, cwd);
            if (!value)
                return value.error().within(given.option);
            setting.value = *value;
            setting.source = {SettingSource::Kind::CommandLine, 0, given.option};
        } else if (!envName.isEmpty() && !inputs.environment.value(envName).isEmpty()) {
            const auto value = config::parse(spec.kind, inputs.environment.value(envName), cwd);
            if (!value)
                return value.error().within(envName);
            setting.value = *value;
            setting.source = {SettingSource::Kind::Environment, 0, envName};
        } else if (fromFile.contains(name)) {
            const ConfigFile::Entry &entry = fromFile.value(name);
            setting.value = config::parse(spec.kind, entry.value).value(); // checked in 2.
            setting.source = {SettingSource::Kind::File, entry.line, {}};
        } else if (name == QLatin1String("EnvironmentCache/Dir")) {
            setting.value = QString(settings.baseDir() + QStringLiteral("/EnvCache"));
        }
        setting.text = setting.value.isValid() ? config::display(spec.kind, setting.value)
                                               : QStringLiteral("(%1)").arg(QString::fromLatin1(spec.unset));
        settings.m_settings.append(setting);
    }
    settings.m_settings += variables;

    // 4. The file's own default timeout cannot pass its own maximum.
    const Setting *timeout = settings.find(QStringLiteral("TimeoutSeconds"));
    const auto maximum = settings.maxTimeoutSeconds();
    if (timeout->source.kind == SettingSource::Kind::File && maximum && timeout->value.toDouble() > *maximum)
        return invalid(QStringLiteral("%1: %2 is above MaxTimeoutSeconds %3 (%4)")
                           .arg(settings.origin(timeout->name), timeout->text, config::display(Kind::Seconds, *maximum),
                                settings.find(QStringLiteral("MaxTimeoutSeconds"))->source.describe()));
    return settings;
}

} // namespace oa
