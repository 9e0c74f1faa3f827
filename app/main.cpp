// openautomate-executor: the headless entry point the bot agent service launches.
// It only reads the command line and the settings; the pipeline lives in core/ (see oa::Executor).

#include "AdminCommands.h"
#include "fs/AgentPaths.h"
#include "buildinfo/BuildInfo.h"
#include "CommandLine.h"
#include "environment/EnvironmentCache.h"
#include "run/ExecutionControl.h"
#include "run/Executor.h"
#include "config/ExecutorSettings.h"
#include "run/ExitCodes.h"
#include "records/ExecutionLog.h"
#include "process/ProcessTree.h"
#include "ShowConfig.h"

#include <QCoreApplication>
#include <QTextStream>

#include <unistd.h>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // The application name stays the executable's name: QLockFile records it, and compares it
    // with the running process's name to tell a live lock holder from a recycled PID.
    QCoreApplication::setApplicationVersion(QStringLiteral(OA_VERSION));
    qSetMessagePattern(QStringLiteral(
        "%{time yyyy-MM-ddTHH:mm:ss.zzz} "
        "%{if-debug}DEBUG%{endif}%{if-info}INFO %{endif}%{if-warning}WARN %{endif}%{if-critical}ERROR%{endif}%{if-fatal}FATAL%{endif}"
        " [%{category}] %{message}"));
    // Every console log line escaped for people: a task's ScriptPath or message never drives the terminal.
    oa::ExecutionLog::escapeConsole();

    CommandLine cl;
    const QCommandLineParser &parser = cl.parser;
    QTextStream err(stderr);
    if (!cl.parser.parse(QCoreApplication::arguments())) {
        err << parser.errorText() << "\nTry --help.\n";
        return int(oa::ExitCode::InvalidArguments);
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << QCoreApplication::applicationName() << ' ' << oa::versionText() << '\n';
        return 0;
    }
    // Every command reads the same settings: a bad value or a bad configuration file is exit 1
    // before anything is touched, naming where the value came from.
    const auto loaded = oa::ExecutorSettings::load(cl.settingsInputs());
    if (!loaded) {
        err << loaded.error().message << '\n';
        return int(oa::ExitCode::InvalidArguments);
    }
    const oa::ExecutorSettings &settings = loaded.value();
    oa::ProcessTree::setCgroupsEnabled(settings.cgroups());

    const QStringList positional = parser.positionalArguments();
    const bool json = parser.isSet(cl.json);
    if (parser.isSet(cl.showConfig)) {
        if (!positional.isEmpty()) {
            err << "--show-config stands alone, without an execution ID\n";
            return int(oa::ExitCode::InvalidArguments);
        }
        return ShowConfig::print(settings, json);
    }
    // The cache settings are needed both by a run and by --env-cache/--prune-env-cache.
    const oa::AgentPaths agentPaths(settings.baseDir());
    oa::EnvironmentCache::Settings cacheSettings;
    cacheSettings.dir = settings.envCacheDir();
    cacheSettings.agentBase = agentPaths.baseDir();
    cacheSettings.maxAgeSeconds = settings.envCacheMaxAgeSeconds();
    cacheSettings.maxSizeBytes = settings.envCacheMaxSizeBytes();
    const int tools = int(parser.isSet(cl.list)) + int(parser.isSet(cl.locks)) + int(parser.isSet(cl.clearOrphaned))
                      + int(parser.isSet(cl.clearLock)) + int(parser.isSet(cl.cancel)) + int(parser.isSet(cl.listCache))
                      + int(parser.isSet(cl.pruneCache)) + int(parser.isSet(cl.clearCache)) + int(parser.isSet(cl.whichRuns))
                      + int(parser.isSet(cl.history));
    if (tools > 0) {
        if (tools > 1 || !positional.isEmpty()) {
            err << "--list, --locks, --clear-orphaned-locks, --clear-lock, --cancel, --env-cache, --prune-env-cache, --clear-env-cache, "
                   "--which-runs and --history each stand alone, without an execution ID\n";
            return int(oa::ExitCode::InvalidArguments);
        }
        const oa::AgentPaths &paths = agentPaths;
        if (parser.isSet(cl.list))
            return AdminCommands::listTasks(paths, json);
        if (parser.isSet(cl.locks))
            return AdminCommands::listLocks(paths, json);
        if (parser.isSet(cl.listCache))
            return AdminCommands::listEnvironmentCache(cacheSettings, json);
        if (parser.isSet(cl.pruneCache))
            return AdminCommands::pruneEnvironmentCache(cacheSettings, json);
        if (parser.isSet(cl.clearCache))
            return AdminCommands::clearEnvironmentCache(cacheSettings, json);
        if (parser.isSet(cl.whichRuns))
            return AdminCommands::whichRuns(paths, parser.value(cl.whichRuns), json);
        if (parser.isSet(cl.history))
            return AdminCommands::history(paths, parser.value(cl.history), json);
        if (parser.isSet(cl.cancel))
            return AdminCommands::cancel(paths, parser.value(cl.cancel), parser.isSet(cl.wait), json);
        if (parser.isSet(cl.clearOrphaned))
            return AdminCommands::clearOrphanedLocks(paths, json);
        return AdminCommands::clearLock(paths, parser.value(cl.clearLock), parser.isSet(cl.force), json);
    }
    if (parser.isSet(cl.force) || json || parser.isSet(cl.wait)) {
        err << "--force, --json and --wait go with the lock tools, --cancel and --show-config only\n";
        return int(oa::ExitCode::InvalidArguments);
    }
    if (positional.size() != 1) {
        err << (positional.isEmpty() ? QStringLiteral("missing the execution ID")
                                     : QStringLiteral("expected one execution ID, got %1").arg(positional.size()))
            << '\n' << CommandLine::usage();
        return int(oa::ExitCode::InvalidArguments);
    }

    oa::ExecutorOptions options;
    options.baseDir = agentPaths.baseDir();
    options.executionId = positional.first();
    options.python = settings.python();
    options.pythonOrigin = settings.origin(QStringLiteral("Python"));
    options.pythons = settings.pythons();
    options.pythonsOrigin = settings.origin(QStringLiteral("Pythons"));
    options.requireHashes = settings.requireHashes();
    options.requireHashesOrigin = settings.origin(QStringLiteral("RequireHashes"));
    options.packagePolicy.allowDirectReferences = settings.allowDirectReferences();
    options.packagePolicy.allowedHosts = settings.allowedHosts();
    options.packagePolicy.allowRequirementsFileOptions = settings.allowRequirementsFileOptions();
    options.packagePolicy.onlyBinary = settings.onlyBinary();
    options.keepVenv = parser.isSet(cl.keepVenv);
    options.keepRuns = settings.keepRuns();
    options.useEnvCache = settings.envCacheEnabled();
    options.envCacheDir = cacheSettings.dir;
    options.envCacheMaxAgeSeconds = cacheSettings.maxAgeSeconds;
    options.envCacheMaxSizeBytes = cacheSettings.maxSizeBytes;
    // --timeout and --grace-seconds win over execution.json; the file's values are the site's
    // defaults and maxima, which execution.json may tighten but never loosen.
    const bool timeoutGiven = settings.find(QStringLiteral("TimeoutSeconds"))->source.kind == oa::SettingSource::Kind::CommandLine;
    const bool graceGiven = settings.find(QStringLiteral("GraceSeconds"))->source.kind == oa::SettingSource::Kind::CommandLine;
    (timeoutGiven ? options.timeoutSeconds : options.siteLimits.defaultTimeoutSeconds) = settings.timeoutSeconds();
    (graceGiven ? options.graceSeconds : options.siteLimits.defaultGraceSeconds) = settings.graceSeconds();
    options.siteLimits.maxTimeoutSeconds = settings.maxTimeoutSeconds();
    options.siteLimits.maxMemoryMB = settings.maxMemoryMB();
    options.siteLimits.maxCpuSeconds = settings.maxCpuSeconds();
    options.pipEnvironment = settings.pipEnvironment();
    options.scriptEnvironment = settings.scriptEnvironment();
    options.sandbox = settings.sandbox() == u"bubblewrap" ? oa::SandboxMechanism::Bubblewrap : oa::SandboxMechanism::None;
    options.network = settings.network() == u"none" ? oa::NetworkAccess::None : oa::NetworkAccess::Host;
    options.bubblewrapPath = settings.bubblewrapPath();
    // Who task code runs as is the executor's setting, never the task's. A bad value is exit 1,
    // before anything is touched.
    if (settings.dynamicRunAs()) {
        // The ID itself is leased once the task is locked (Executor); here only what would make
        // every dynamic user fail: not root, or an agent folder no ID of the range can enter.
        const auto [first, last] = settings.dynamicUserRange();
        oa::Status usable = oa::executorIsRoot()
                                ? oa::RunAsUser::dynamic(first, QStringLiteral("/")).checkCanEnter(options.baseDir)
                                : oa::Status(oa::fail(oa::ErrorKind::BadArgument,
                                                      QStringLiteral("dynamic users: the executor runs as uid %1, not as root, and only root "
                                                                     "can run task code as another user").arg(::geteuid())));
        if (!usable) {
            err << settings.origin(QStringLiteral("RunAsUser")) << ": " << usable.error().message << '\n';
            return int(oa::ExitCode::InvalidArguments);
        }
        options.dynamicUserRange = std::make_pair(first, last);
    } else if (const QString runAs = settings.runAsUser(); !runAs.isEmpty()) {
        auto user = oa::RunAsUser::resolve(runAs);
        oa::Status usable = user ? user->checkCanEnter(options.baseDir) : oa::Status(user.error());
        if (!usable) {
            err << settings.origin(QStringLiteral("RunAsUser")) << ": " << usable.error().message << '\n';
            return int(oa::ExitCode::InvalidArguments);
        }
        options.runAs = std::move(user).value();
    }
    // SIGTERM and SIGINT mean "cancel": the tree is stopped and cleaned up, never left running.
    oa::ExecutionControl::installSignalHandlers();
    return oa::Executor(options).run();
}
