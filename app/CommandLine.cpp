#include "CommandLine.h"

#include "fs/AgentPaths.h"

#include <QDir>

namespace {

const char kExitCodes[] =
    "Exit codes:\n"
    "  0      the script succeeded\n"
    "  1      invalid command line, execution ID or configuration file (nothing was touched)\n"
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
    "--which-runs: 0 listed (also when no execution installed it); 1 bad usage.\n"
    "--history: 0 listed (also when no run finished); 1 bad usage or an invalid ID;\n"
    "  3 no task folder for that ID.\n"
    "--cancel: 0 accepted (with --wait: stopped); 1 bad usage; 2 refused or not\n"
    "  accepted (a lock from another host, no answer); 3 not running.\n"
    "Settings: the command line wins over the environment, which wins over the\n"
    "  configuration file, which wins over the built-in defaults (see --show-config).";

QCommandLineOption option(const char *name, const QString &description, const char *valueName = nullptr)
{
    return valueName ? QCommandLineOption(QString::fromLatin1(name), description, QString::fromLatin1(valueName))
                     : QCommandLineOption(QString::fromLatin1(name), description);
}

} // namespace

CommandLine::CommandLine()
    : config(option("config", QStringLiteral("The configuration file. Default: $%1, else %2.")
                                  .arg(QString::fromLatin1(oa::ExecutorSettings::kConfigVariable), oa::ExecutorSettings::defaultConfigFile()),
                    "file")),
      showConfig(option("show-config", QStringLiteral("Print every effective setting and where it came from (--json for scripts)."))),
      baseDir(option("base-dir", QStringLiteral("The bot agent folder. Default: $OPENAUTOMATE_BOTAGENT_DIR, else BaseDir, else %1.")
                                     .arg(oa::AgentPaths::platformDefaultBaseDir()),
                     "dir")),
      python(option("python", QStringLiteral("The base Python interpreter. Default: $OPENAUTOMATE_PYTHON, else Python, else python3, "
                                             "then python, on PATH."),
                    "path")),
      pythons(option("pythons", QStringLiteral("The interpreters offered to a task that asks for a Python version (PythonVersion, requires-python, "
                                               "a lock's python_version), separated by commas; it gets the newest that matches. "
                                               "Default: $OPENAUTOMATE_PYTHONS, else Pythons, else the base interpreter only."),
                     "list")),
      requireHashes(option("require-hashes", QStringLiteral("Hash-check every install (pip --require-hashes): a task whose packages carry no "
                                                            "hashes is refused with exit 4. Default: $OPENAUTOMATE_REQUIRE_HASHES, else "
                                                            "RequireHashes, else off."))),
      keepVenv(option("keep-venv", QStringLiteral("Keep venvs/<id> after the run, for inspection."))),
      list(option("list", QStringLiteral("List the tasks and their states."))),
      locks(option("locks", QStringLiteral("List every lock with its PID, host, age and verdict."))),
      clearOrphaned(option("clear-orphaned-locks", QStringLiteral("Remove the locks whose owner is provably dead on this host, and report each."))),
      clearLock(option("clear-lock",
                       QStringLiteral("Remove the lock of one execution. A lock from another host, or an unreadable one, needs --force. "
                                      "A live lock is never removed."),
                       "id")),
      force(option("force", QStringLiteral("With --clear-lock: break a lock that cannot be judged from here."))),
      timeout(option("timeout",
                     QStringLiteral("Stop the whole run (venv and pip included) after this many seconds. Wins over execution.json's "
                                    "TimeoutSeconds and the configuration's TimeoutSeconds and MaxTimeoutSeconds."),
                     "seconds")),
      grace(option("grace-seconds", QStringLiteral("Between SIGTERM and SIGKILL when a run is stopped. Default: execution.json's GraceSeconds, "
                                                   "else the configuration's, else 10."),
                   "seconds")),
      cancel(option("cancel", QStringLiteral("Ask the executor running this execution to stop its process tree."), "id")),
      wait(option("wait", QStringLiteral("With --cancel: return only once the task has stopped."))),
      noCache(option("no-env-cache", QStringLiteral("Build this execution's packages in its own venv, as without a cache."))),
      cacheDir(option("env-cache-dir", QStringLiteral("Where the environment cache lives. Default: EnvironmentCache/Dir, else <base-dir>/EnvCache."), "dir")),
      cacheAge(option("env-cache-max-age",
                      QStringLiteral("Rebuild cached environments older than this (e.g. 7d, 12h, 3600; 0 always rebuilds). Default: EnvironmentCache/MaxAge, else 7d."),
                      "age")),
      cacheSize(option("env-cache-max-size",
                       QStringLiteral("Evict least recently used environments past this size (e.g. 10G, 500M). Default: EnvironmentCache/MaxSize, "
                                      "else 10G."),
                       "size")),
      listCache(option("env-cache", QStringLiteral("List the cached environments and the store of distributions."))),
      pruneCache(option("prune-env-cache", QStringLiteral("Remove expired, superseded and least recently used environments and store folders (never one in use)."))),
      clearCache(option("clear-env-cache", QStringLiteral("Remove every cached environment and store folder that no execution uses, whatever its age."))),
      runAs(option("run-as",
                   QStringLiteral("Run task code (pip and the script) as this unprivileged user, with its groups and HOME; the executor "
                                  "must be root. Default: $OPENAUTOMATE_RUN_AS, else RunAsUser, else the executor's own user."),
                   "user")),
      sandbox(option("sandbox",
                     QStringLiteral("none or bubblewrap: run pip and the script in a bubblewrap sandbox. Default: $OPENAUTOMATE_SANDBOX, "
                                    "else Sandbox, else none."),
                     "mechanism")),
      whichRuns(option("which-runs",
                       QStringLiteral("List the executions whose result.json says they installed this package (PACKAGE or "
                                      "PACKAGE==VERSION; names compared as PEP 503 normalizes them): ID, outcome, finish time, "
                                      "version, file, sha256 and where it came from; the kept earlier runs are searched too."),
                       "package")),
      history(option("history",
                     QStringLiteral("List the runs of one execution, newest first: the last one (once finished) and the earlier ones "
                                    "kept in Tasks/<id>/previous/, previous.2/, … (KeepRuns): outcome, exit code, start, duration "
                                    "and the reason of a failure."),
                     "id")),
      json(option("json", QStringLiteral("With the lock tools, --which-runs, --history and --show-config: print JSON for scripts.")))
{
    parser.setApplicationDescription(
        QStringLiteral("Runs one OpenAutomate execution: locks the task, reads Tasks/<id>/execution.json, builds an "
                       "isolated Python virtual environment, installs the requirements, runs the script with its output "
                       "in Tasks/<id>/output.log and error.log, cleans up and writes Tasks/<id>/result.json.\n\n")
        + QString::fromLatin1(kExitCodes));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({config, showConfig, baseDir, python, pythons, requireHashes, keepVenv, list, locks, clearOrphaned, clearLock, force, json, timeout, grace,
                       cancel, wait, noCache, cacheDir, cacheAge, cacheSize, listCache, pruneCache, clearCache, runAs, sandbox, whichRuns, history});
    parser.addPositionalArgument(QStringLiteral("execution-id"), QStringLiteral("The execution to run: 1-128 letters, digits, '-', '_' or '.'."));
}

oa::ExecutorSettings::Inputs CommandLine::settingsInputs() const
{
    oa::ExecutorSettings::Inputs inputs;
    inputs.configFile = parser.value(config);
    const std::pair<const QCommandLineOption *, const char *> settingOptions[] = {
        {&baseDir, "BaseDir"},          {&python, "Python"},           {&pythons, "Pythons"},         {&runAs, "RunAsUser"},
        {&sandbox, "Sandbox"},
        {&timeout, "TimeoutSeconds"},   {&grace, "GraceSeconds"},      {&cacheDir, "EnvironmentCache/Dir"},
        {&cacheAge, "EnvironmentCache/MaxAge"}, {&cacheSize, "EnvironmentCache/MaxSize"},
    };
    for (const auto &[given, name] : settingOptions)
        if (parser.isSet(*given))
            inputs.commandLine.insert(QString::fromLatin1(name), {QStringLiteral("--") + given->names().first(), parser.value(*given)});
    if (parser.isSet(requireHashes))
        inputs.commandLine.insert(QStringLiteral("RequireHashes"), {QStringLiteral("--require-hashes"), QStringLiteral("on")});
    if (parser.isSet(noCache))
        inputs.commandLine.insert(QStringLiteral("EnvironmentCache/Enabled"), {QStringLiteral("--no-env-cache"), QStringLiteral("off")});
    return inputs;
}

QString CommandLine::usage()
{
    return QStringLiteral(
        "Usage: openautomate-executor [--config FILE] [--base-dir DIR] [--python PATH] [--pythons LIST] [--require-hashes] [--keep-venv] [--timeout S] [--grace-seconds S] "
        "[--run-as USER] [--sandbox none|bubblewrap] <execution-id>\n"
        "       openautomate-executor [--base-dir DIR] --list | --locks | --clear-orphaned-locks | --clear-lock ID [--force] [--json]\n"
        "       openautomate-executor [--base-dir DIR] --cancel ID [--wait] [--json]\n"
        "       openautomate-executor [--base-dir DIR] --env-cache | --prune-env-cache | --clear-env-cache [--json]\n"
        "       openautomate-executor [--base-dir DIR] --which-runs PACKAGE[==VERSION] [--json]\n"
        "       openautomate-executor [--base-dir DIR] --history ID [--json]\n"
        "       openautomate-executor [--config FILE] [options] --show-config [--json]\n");
}
