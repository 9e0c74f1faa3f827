// openautomate-executor: the headless entry point the bot agent service launches.
// It only reads the command line; the pipeline lives in core/ (see oa::Executor).

#include "AdminCommands.h"
#include "AgentPaths.h"
#include "BuildInfo.h"
#include "EnvironmentCache.h"
#include "ExecutionControl.h"
#include "Executor.h"
#include "ExitCode.h"
#include "Limits.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>

namespace {

const char kExitCodes[] =
    "Exit codes:\n"
    "  0      the script succeeded\n"
    "  1      invalid command line or execution ID (nothing was touched)\n"
    "  2      another live executor holds the task's lock\n"
    "  3      the task folder or its execution.json does not exist\n"
    "  4      execution.json is invalid (the message names the field)\n"
    "  5      the Python interpreter or the virtual environment failed\n"
    "  6      installing the requirements failed (see Tasks/<id>/pip.log)\n"
    "  7      timed out (--timeout / TimeoutSeconds); the whole process tree was stopped\n"
    "  8      cancelled (--cancel, SIGTERM or SIGINT); the whole process tree was stopped\n"
    "  9      a resource limit was exceeded (MaxMemoryMB / MaxCpuSeconds)\n"
    "  99     unexpected internal error\n"
    "  other  the script's own exit code; 128+N when signal N killed it.\n"
    "         result.json's Outcome tells a script's code from the executor's.\n"
    "Lock tools: 0 done; 1 bad usage; 2 refused (a live lock, or --force needed);\n"
    "  3 no such lock.\n"
    "--cancel: 0 accepted (with --wait: stopped); 1 bad usage; 2 refused or not\n"
    "  accepted (a lock from another host, no answer); 3 not running.";

// "7d", "12h", "500M", "3600": a positive number with an optional unit from `units`, at most
// `maximum`. nullopt with `why` set otherwise; NaN and infinity are neither positive nor bounded.
std::optional<qint64> parseQuantity(const QString &text, const QList<std::pair<char16_t, qint64>> &units, qint64 maximum, QString *why)
{
    QString number = text.trimmed().toLower();
    qint64 factor = 1;
    for (const auto &[suffix, multiplier] : units) {
        if (number.endsWith(QChar(suffix)) || number.endsWith(QString(QChar(suffix)) + u'b')) {
            number = number.left(number.lastIndexOf(QChar(suffix)));
            factor = multiplier;
            break;
        }
    }
    bool ok = false;
    const double value = number.toDouble(&ok);
    if (!ok || !(value > 0)) {
        *why = QStringLiteral("not a positive number");
        return std::nullopt;
    }
    if (!(value * double(factor) <= double(maximum))) {
        *why = QStringLiteral("above the maximum");
        return std::nullopt;
    }
    return qint64(value * double(factor));
}

} // namespace

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

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Runs one OpenAutomate execution: locks the task, reads Tasks/<id>/execution.json, builds an "
                       "isolated Python virtual environment, installs the requirements, runs the script with its output "
                       "in Tasks/<id>/output.log and error.log, cleans up and writes Tasks/<id>/result.json.\n\n")
        + QString::fromLatin1(kExitCodes));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption baseDirOption(
        QStringLiteral("base-dir"),
        QStringLiteral("The bot agent folder. Default: $OPENAUTOMATE_BOTAGENT_DIR, else %1.")
            .arg(oa::AgentPaths::platformDefaultBaseDir()),
        QStringLiteral("dir"));
    const QCommandLineOption pythonOption(
        QStringLiteral("python"),
        QStringLiteral("The base Python interpreter. Default: $OPENAUTOMATE_PYTHON, else python3, then python, on PATH."),
        QStringLiteral("path"));
    const QCommandLineOption keepVenvOption(QStringLiteral("keep-venv"),
                                            QStringLiteral("Keep venvs/<id> after the run, for inspection."));
    const QCommandLineOption listOption(QStringLiteral("list"), QStringLiteral("List the tasks and their states."));
    const QCommandLineOption locksOption(QStringLiteral("locks"),
                                         QStringLiteral("List every lock with its PID, host, age and verdict."));
    const QCommandLineOption clearOrphanedOption(
        QStringLiteral("clear-orphaned-locks"),
        QStringLiteral("Remove the locks whose owner is provably dead on this host, and report each."));
    const QCommandLineOption clearLockOption(
        QStringLiteral("clear-lock"),
        QStringLiteral("Remove the lock of one execution. A lock from another host, or an unreadable one, needs --force. "
                       "A live lock is never removed."),
        QStringLiteral("id"));
    const QCommandLineOption forceOption(QStringLiteral("force"), QStringLiteral("With --clear-lock: break a lock that cannot be judged from here."));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
                                           QStringLiteral("Stop the whole run (venv and pip included) after this many seconds. "
                                                          "Wins over TimeoutSeconds."),
                                           QStringLiteral("seconds"));
    const QCommandLineOption graceOption(QStringLiteral("grace-seconds"),
                                         QStringLiteral("Between SIGTERM and SIGKILL when a run is stopped. Default: GraceSeconds, else 10."),
                                         QStringLiteral("seconds"));
    const QCommandLineOption cancelOption(QStringLiteral("cancel"),
                                          QStringLiteral("Ask the executor running this execution to stop its process tree."),
                                          QStringLiteral("id"));
    const QCommandLineOption waitOption(QStringLiteral("wait"), QStringLiteral("With --cancel: return only once the task has stopped."));
    const QCommandLineOption noCacheOption(QStringLiteral("no-env-cache"),
                                           QStringLiteral("Build this execution's packages in its own venv, as without a cache."));
    const QCommandLineOption cacheDirOption(QStringLiteral("env-cache-dir"),
                                            QStringLiteral("Where the environment cache lives. Default: <base-dir>/EnvCache."),
                                            QStringLiteral("dir"));
    const QCommandLineOption cacheAgeOption(QStringLiteral("env-cache-max-age"),
                                            QStringLiteral("Rebuild cached environments older than this (e.g. 7d, 12h, 3600). Default 7d."),
                                            QStringLiteral("age"));
    const QCommandLineOption cacheSizeOption(QStringLiteral("env-cache-max-size"),
                                             QStringLiteral("Evict least recently used environments past this size (e.g. 10G, 500M). Default 10G."),
                                             QStringLiteral("size"));
    const QCommandLineOption listCacheOption(QStringLiteral("env-cache"), QStringLiteral("List the cached environments."));
    const QCommandLineOption pruneCacheOption(QStringLiteral("prune-env-cache"),
                                              QStringLiteral("Remove expired, superseded and least recently used environments (never one in use)."));
    const QCommandLineOption runAsOption(
        QStringLiteral("run-as"),
        QStringLiteral("Run task code (pip and the script) as this unprivileged user, with its groups and HOME; the executor "
                       "must be root. Default: $OPENAUTOMATE_RUN_AS, else the executor's own user."),
        QStringLiteral("user"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("With the lock tools: print JSON for scripts."));
    parser.addOptions({baseDirOption, pythonOption, keepVenvOption, listOption, locksOption, clearOrphanedOption,
                       clearLockOption, forceOption, jsonOption, timeoutOption, graceOption, cancelOption, waitOption, noCacheOption, cacheDirOption,
                       cacheAgeOption, cacheSizeOption, listCacheOption, pruneCacheOption, runAsOption});
    parser.addPositionalArgument(QStringLiteral("execution-id"),
                                 QStringLiteral("The execution to run: 1-128 letters, digits, '-', '_' or '.'."));

    QTextStream err(stderr);
    if (!parser.parse(QCoreApplication::arguments())) {
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
    const QStringList positional = parser.positionalArguments();
    // The cache settings are needed both by a run and by --env-cache/--prune-env-cache.
    const oa::AgentPaths agentPaths(oa::AgentPaths::resolveBaseDir(parser.value(baseDirOption)));
    oa::EnvironmentCache::Settings cacheSettings;
    cacheSettings.dir = parser.isSet(cacheDirOption) ? QDir::cleanPath(QFileInfo(parser.value(cacheDirOption)).absoluteFilePath())
                                                     : agentPaths.baseDir() + QStringLiteral("/EnvCache");
    cacheSettings.agentBase = agentPaths.baseDir();
    if (parser.isSet(cacheAgeOption)) {
        QString why;
        const auto seconds = parseQuantity(parser.value(cacheAgeOption), {{u's', 1}, {u'm', 60}, {u'h', 3600}, {u'd', 86400}},
                                           oa::limits::kMaxCacheAgeSeconds, &why);
        if (!seconds) {
            err << "--env-cache-max-age: \"" << parser.value(cacheAgeOption) << "\" is " << why
                << "; give a duration such as 7d, 12h or 3600, at most " << oa::limits::kMaxCacheAgeSeconds / 86400 << "d\n";
            return int(oa::ExitCode::InvalidArguments);
        }
        cacheSettings.maxAgeSeconds = *seconds;
    }
    if (parser.isSet(cacheSizeOption)) {
        QString why;
        const auto bytes = parseQuantity(parser.value(cacheSizeOption),
                                         {{u'k', 1024}, {u'm', 1024 * 1024}, {u'g', qint64(1) << 30}, {u't', qint64(1) << 40}},
                                         oa::limits::kMaxCacheSizeBytes, &why);
        if (!bytes) {
            err << "--env-cache-max-size: \"" << parser.value(cacheSizeOption) << "\" is " << why
                << "; give a size such as 10G or 500M, at most " << (oa::limits::kMaxCacheSizeBytes >> 40) << "T\n";
            return int(oa::ExitCode::InvalidArguments);
        }
        cacheSettings.maxSizeBytes = *bytes;
    }
    const int tools = int(parser.isSet(listOption)) + int(parser.isSet(locksOption)) + int(parser.isSet(clearOrphanedOption))
                      + int(parser.isSet(clearLockOption)) + int(parser.isSet(cancelOption))
                      + int(parser.isSet(listCacheOption)) + int(parser.isSet(pruneCacheOption));
    if (tools > 0) {
        if (tools > 1 || !positional.isEmpty()) {
            err << "--list, --locks, --clear-orphaned-locks, --clear-lock, --cancel, --env-cache and --prune-env-cache each "
                   "stand alone, without an execution ID\n";
            return int(oa::ExitCode::InvalidArguments);
        }
        const oa::AgentPaths &paths = agentPaths;
        const bool json = parser.isSet(jsonOption);
        if (parser.isSet(listOption))
            return AdminCommands::listTasks(paths, json);
        if (parser.isSet(locksOption))
            return AdminCommands::listLocks(paths, json);
        if (parser.isSet(listCacheOption))
            return AdminCommands::listEnvironmentCache(cacheSettings, json);
        if (parser.isSet(pruneCacheOption))
            return AdminCommands::pruneEnvironmentCache(cacheSettings, json);
        if (parser.isSet(cancelOption))
            return AdminCommands::cancel(paths, parser.value(cancelOption), parser.isSet(waitOption), json);
        if (parser.isSet(clearOrphanedOption))
            return AdminCommands::clearOrphanedLocks(paths, json);
        return AdminCommands::clearLock(paths, parser.value(clearLockOption), parser.isSet(forceOption), json);
    }
    if (parser.isSet(forceOption) || parser.isSet(jsonOption) || parser.isSet(waitOption)) {
        err << "--force, --json and --wait go with the lock tools and --cancel only\n";
        return int(oa::ExitCode::InvalidArguments);
    }
    if (positional.size() != 1) {
        err << (positional.isEmpty() ? QStringLiteral("missing the execution ID")
                                     : QStringLiteral("expected one execution ID, got %1").arg(positional.size()))
            << "\nUsage: openautomate-executor [--base-dir DIR] [--python PATH] [--keep-venv] [--timeout S] [--grace-seconds S] [--run-as USER] <execution-id>\n"
               "       openautomate-executor [--base-dir DIR] --list | --locks | --clear-orphaned-locks | --clear-lock ID [--force] [--json]\n"
               "       openautomate-executor [--base-dir DIR] --cancel ID [--wait] [--json]\n"
               "       openautomate-executor [--base-dir DIR] --env-cache | --prune-env-cache [--json]\n";
        return int(oa::ExitCode::InvalidArguments);
    }

    oa::ExecutorOptions options;
    options.baseDir = agentPaths.baseDir();
    options.executionId = positional.first();
    options.python = parser.value(pythonOption);
    options.keepVenv = parser.isSet(keepVenvOption);
    options.useEnvCache = !parser.isSet(noCacheOption);
    options.envCacheDir = cacheSettings.dir;
    options.envCacheMaxAgeSeconds = cacheSettings.maxAgeSeconds;
    options.envCacheMaxSizeBytes = cacheSettings.maxSizeBytes;
    for (const auto &[option, target, allowZero] :
         {std::tuple{&timeoutOption, &options.timeoutSeconds, false}, std::tuple{&graceOption, &options.graceSeconds, true}}) {
        if (!parser.isSet(*option))
            continue;
        bool isNumber = false;
        const double value = parser.value(*option).toDouble(&isNumber);
        // NaN fails both comparisons; infinity fails the second.
        if (!isNumber || !(allowZero ? value >= 0 : value > 0) || !(value <= oa::limits::kMaxSeconds)) {
            err << "--" << option->names().first() << ": \"" << parser.value(*option) << "\" is not a "
                << (allowZero ? "number of seconds (0 or more)" : "positive number of seconds") << " up to the maximum of "
                << QString::number(oa::limits::kMaxSeconds, 'f', 0) << '\n';
            return int(oa::ExitCode::InvalidArguments);
        }
        *target = value;
    }
    // Who task code runs as is the executor's setting, never the task's. A bad value is exit 1,
    // before anything is touched.
    const QString runAs = parser.isSet(runAsOption) ? parser.value(runAsOption) : qEnvironmentVariable("OPENAUTOMATE_RUN_AS");
    if (parser.isSet(runAsOption) || !runAs.isEmpty()) {
        auto user = oa::RunAsUser::resolve(runAs);
        oa::Status usable = user ? user->checkCanEnter(options.baseDir) : oa::Status(user.failure());
        if (!usable) {
            err << (parser.isSet(runAsOption) ? "--run-as: " : "OPENAUTOMATE_RUN_AS: ") << usable.failure().message << '\n';
            return int(oa::ExitCode::InvalidArguments);
        }
        options.runAs = std::move(user).value();
    }
    // SIGTERM and SIGINT mean "cancel": the tree is stopped and cleaned up, never left running.
    oa::ExecutionControl::installSignalHandlers();
    return oa::Executor(options).run();
}
