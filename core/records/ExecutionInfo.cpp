#include "ExecutionInfo.h"

#include "syntax/Requirement.h"

#include "syntax/CommandLineSplitter.h"
#include "Limits.h"
#include "fs/OpenFolder.h"
#include "syntax/VersionSpecifier.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QProcessEnvironment>

namespace oa {

namespace {

const QString kExecutionId = QStringLiteral("ExecutionId");
const QString kScriptPath = QStringLiteral("ScriptPath");
const QString kArguments = QStringLiteral("Arguments");
const QString kRequirements = QStringLiteral("Requirements");
const QString kKeepVenv = QStringLiteral("KeepVirtualEnvironment");
const QString kTimeout = QStringLiteral("TimeoutSeconds");
const QString kGrace = QStringLiteral("GraceSeconds");
const QString kMaxMemory = QStringLiteral("MaxMemoryMB");
const QString kMaxCpu = QStringLiteral("MaxCpuSeconds");
const QString kUseCache = QStringLiteral("UseEnvironmentCache");
const QString kRequirementsSource = QStringLiteral("RequirementsSource");
const QString kPythonVersion = QStringLiteral("PythonVersion");
const QString kNetwork = QStringLiteral("Network");

// The keys the executor reads; any other key earns a warning in the log and is ignored.
const QStringList kKnownKeys = {kExecutionId, kScriptPath, kArguments, kRequirements, kKeepVenv,
                                kTimeout, kGrace, kMaxMemory, kMaxCpu, kUseCache, kRequirementsSource, kPythonVersion, kNetwork};

Error invalid(const QString &field, const QString &reason)
{
    return fail(ErrorKind::InvalidTask, QStringLiteral("execution.json: %1: %2").arg(field, reason));
}

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("undefined");
}

bool hasControlCharacter(const QString &s)
{
    for (const QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

bool looksAbsolute(const QString &path)
{
    if (QDir::isAbsolutePath(path) || path.startsWith(u'/') || path.startsWith(u'\\'))
        return true;
    // A Windows drive path ("C:\x", "C:x") is absolute or drive-relative everywhere we care.
    return path.size() >= 2 && path.at(1) == u':' && path.at(0).isLetter();
}

// Keys are matched case-insensitively because the C# service may write camelCase. Two keys
// that differ only in case are ambiguous and rejected rather than guessed between.
// The values of the known keys, in kKnownKeys' order (undefined where absent or null).
using KnownFields = QList<QJsonValue>;

// Whether `key` lowered is `knownLower`: ASCII compared in place (a scan parses 10,000 files and
// lowering allocates), anything else lowered as before.
bool sameLowered(const QString &key, const QString &knownLower)
{
    if (key.size() != knownLower.size()) {
        for (const QChar c : key)
            if (c.unicode() >= 0x80)
                return key.toLower() == knownLower;
        return false;
    }
    for (qsizetype i = 0; i < key.size(); ++i) {
        const char16_t u = key.at(i).unicode();
        if (u >= 0x80)
            return key.toLower() == knownLower;
        if ((u >= 'A' && u <= 'Z' ? char16_t(u + 32) : u) != knownLower.at(i).unicode())
            return false;
    }
    return true;
}

Result<KnownFields> canonicalKeys(const QJsonObject &object, QStringList &warnings)
{
    KnownFields fields(kKnownKeys.size(), QJsonValue(QJsonValue::Undefined));
    QStringList written(kKnownKeys.size()); // each known key as written, once seen
    QHash<QString, QString> unknown;        // lower-case -> key as written, for the keys not known
    // Lowered once, not for every key of every file (a scan parses 10,000).
    static const QStringList knownLower = [] {
        QStringList lowered;
        for (const QString &known : kKnownKeys)
            lowered.append(known.toLower());
        return lowered;
    }();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = it.key();
        qsizetype index = -1;
        for (qsizetype i = 0; i < kKnownKeys.size() && index < 0; ++i)
            if (sameLowered(key, knownLower.at(i)))
                index = i;
        if (index < 0) {
            const QString lower = key.toLower();
            if (unknown.contains(lower))
                return invalid(key, QStringLiteral("given twice (also as \"%1\"); keys are case-insensitive").arg(unknown.value(lower)));
            unknown.insert(lower, key);
            warnings.append(QStringLiteral("execution.json: unknown key \"%1\" is ignored").arg(key));
            continue;
        }
        if (!written.at(index).isNull())
            return invalid(key, QStringLiteral("given twice (also as \"%1\"); keys are case-insensitive").arg(written.at(index)));
        written[index] = key;
        // JSON null is what C# serializers write for an unset property: treat it as absent.
        if (!it.value().isNull())
            fields[index] = it.value();
    }
    return fields;
}

Result<QString> resolveScript(const QString &scriptPath, const QString &taskDir, int taskDirFd)
{
    if (scriptPath.isEmpty())
        return invalid(kScriptPath, QStringLiteral("is empty"));
    if (hasControlCharacter(scriptPath))
        return invalid(kScriptPath, QStringLiteral("holds a control character"));
    if (looksAbsolute(scriptPath))
        return invalid(kScriptPath, QStringLiteral("\"%1\" is absolute; it must be relative to the task folder").arg(scriptPath));

    const QString lexical = QDir::cleanPath(taskDir + u'/' + scriptPath);
    if (!lexical.startsWith(QDir::cleanPath(taskDir) + u'/'))
        return invalid(kScriptPath, QStringLiteral("\"%1\" climbs out of the task folder").arg(scriptPath));

    // The common case, a plain path to a regular file, without realpath's readlink per component
    // (--list previews 10,000 tasks); a link, ".." or a missing name is for the check below.
    if (const auto plain = taskDirFd >= 0 ? OpenFolder::plainFileBelow(taskDirFd, taskDir, scriptPath)
                                          : OpenFolder::plainFileBelow(taskDir, scriptPath))
        return *plain;
    const QString canonicalTask = QFileInfo(taskDir).canonicalFilePath();
    const QFileInfo script(QDir(taskDir).filePath(scriptPath));
    const QString canonicalScript = script.canonicalFilePath(); // follows every symlink
    if (canonicalScript.isEmpty())
        return invalid(kScriptPath, QStringLiteral("\"%1\" does not exist in the task folder %2").arg(scriptPath, taskDir));
    if (canonicalTask.isEmpty() || !canonicalScript.startsWith(canonicalTask + u'/'))
        return invalid(kScriptPath, QStringLiteral("\"%1\" resolves to %2, outside the task folder %3")
                                        .arg(scriptPath, canonicalScript, canonicalTask));
    if (!QFileInfo(canonicalScript).isFile())
        return invalid(kScriptPath, QStringLiteral("\"%1\" is not a regular file").arg(scriptPath));
    // Spelled from the task folder as given, so that the path stays below the agent folder as
    // the gatekeeper sees it, even where the base folder itself is reached through a link.
    return QString(QDir::cleanPath(taskDir) + canonicalScript.mid(canonicalTask.size()));
}

Result<QStringList> parseArguments(const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringList();
    QStringList arguments;
    if (value.isString()) {
        auto split = CommandLineSplitter::split(value.toString());
        if (!split)
            return invalid(kArguments, split.error().message);
        arguments = split.value();
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isString())
                return invalid(QStringLiteral("%1[%2]").arg(kArguments).arg(i),
                               QStringLiteral("must be a string, not %1").arg(jsonTypeName(array.at(i))));
            arguments.append(array.at(i).toString());
        }
    } else {
        return invalid(kArguments, QStringLiteral("must be a string or an array of strings, not %1").arg(jsonTypeName(value)));
    }
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        if (arguments.at(i).contains(QChar(0)))
            return invalid(QStringLiteral("%1[%2]").arg(kArguments).arg(i), QStringLiteral("holds a NUL character"));
    }
    return arguments;
}

Result<QStringList> parseRequirements(const QJsonValue &value)
{
    if (!value.isArray())
        return invalid(kRequirements, QStringLiteral("must be an array of strings, not %1").arg(jsonTypeName(value)));
    const QJsonArray array = value.toArray();
    QStringList requirements;
    for (qsizetype i = 0; i < array.size(); ++i) {
        // Named only when refused: a scan checks tens of thousands of valid ones.
        const auto field = [i] { return QStringLiteral("%1[%2]").arg(kRequirements).arg(i); };
        if (!array.at(i).isString())
            return invalid(field(), QStringLiteral("must be a string, not %1").arg(jsonTypeName(array.at(i))));
        const QString requirement = array.at(i).toString().trimmed();
        if (const Status valid = ExecutionInfo::checkRequirement(array.at(i).toString()); !valid)
            return invalid(field(), valid.error().message);
        requirements.append(requirement);
    }
    return requirements;
}

// A number field: positive, or (allowZero) not negative, and at most `maximum` (see Limits.h),
// so that no conversion to milliseconds or bytes can overflow. JSON has no NaN or infinity (Qt
// refuses an overflowing literal such as 1e999 as an illegal number); the negated comparisons
// would refuse them anyway.
Result<std::optional<double>> parseNumber(const QJsonValue &value, const QString &field, bool allowZero, double maximum,
                                          const QString &unit)
{
    if (value.isUndefined())
        return std::optional<double>();
    if (!value.isDouble())
        return invalid(field, QStringLiteral("must be a number, not %1").arg(jsonTypeName(value)));
    const double number = value.toDouble();
    const QString shown = QString::number(number, 'g', 15);
    if (!(allowZero ? number >= 0 : number > 0))
        return invalid(field, QStringLiteral("%1 is out of range; it must be %2")
                                  .arg(shown, allowZero ? QStringLiteral("zero or more") : QStringLiteral("more than zero")));
    if (!(number <= maximum))
        return invalid(field, QStringLiteral("%1 is out of range; the maximum is %2 %3").arg(shown, QString::number(maximum, 'f', 0), unit));
    return std::optional<double>(number);
}

} // namespace

Status ExecutionInfo::checkRequirement(const QString &requirement)
{
    const auto parsed = Requirement::parseWithoutHashes(requirement);
    if (!parsed)
        return parsed.error();
    return ok();
}

ExecutionInfo::Preview ExecutionInfo::preview(const QJsonObject &object)
{
    // One pass over the keys (each key is a new QString when read), the first that matches a
    // field case-insensitively winning, rather than a pass per field: a scan previews 10,000 files.
    static const QString wanted[] = {kScriptPath, kArguments, kRequirements, kUseCache, kTimeout, kMaxMemory, kMaxCpu};
    constexpr int kWanted = int(sizeof wanted / sizeof wanted[0]);
    QJsonValue found[kWanted] = {QJsonValue(QJsonValue::Undefined), QJsonValue(QJsonValue::Undefined), QJsonValue(QJsonValue::Undefined),
                                 QJsonValue(QJsonValue::Undefined), QJsonValue(QJsonValue::Undefined), QJsonValue(QJsonValue::Undefined),
                                 QJsonValue(QJsonValue::Undefined)};
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString key = it.key();
        for (int i = 0; i < kWanted; ++i) {
            if (found[i].isUndefined() && key.compare(wanted[i], Qt::CaseInsensitive) == 0) {
                found[i] = it.value();
                break;
            }
        }
    }
    const auto field = [&found](const QString &key) -> QJsonValue {
        for (int i = 0; i < kWanted; ++i)
            if (wanted[i] == key)
                return found[i];
        return QJsonValue(QJsonValue::Undefined);
    };
    const auto number = [&field](const QString &key) -> std::optional<double> {
        const QJsonValue v = field(key);
        return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
    };
    Preview p;
    p.scriptPath = field(kScriptPath).toString();
    const QJsonValue args = field(kArguments);
    if (args.isArray()) {
        for (const QJsonValue &v : args.toArray())
            p.argumentList.append(v.toString());
        p.arguments = p.argumentList.join(u' ');
    } else {
        p.arguments = args.toString();
        if (!p.arguments.isEmpty())
            p.argumentList.append(p.arguments);
    }
    if (const QJsonValue requirements = field(kRequirements); requirements.isArray()) {
        QStringList list;
        for (const QJsonValue &v : requirements.toArray())
            list.append(v.toString());
        p.requirementsCount = int(list.size());
        p.requirements = list;
    }
    if (const QJsonValue cache = field(kUseCache); cache.isBool())
        p.useEnvironmentCache = cache.toBool();
    p.timeoutSeconds = number(kTimeout);
    p.maxMemoryMB = number(kMaxMemory);
    p.maxCpuSeconds = number(kMaxCpu);
    return p;
}

Result<ExecutionInfo> ExecutionInfo::parse(const QByteArray &json, const QString &expectedId, const QString &taskDir)
{
    return parse(json, expectedId, taskDir, ArgumentLimits::environmentBytes(QProcessEnvironment::systemEnvironment()));
}

Result<ExecutionInfo> ExecutionInfo::parse(const QByteArray &json, const QString &expectedId, const QString &taskDir, qint64 environmentBytes)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return fail(ErrorKind::InvalidTask, QStringLiteral("execution.json: not valid JSON at offset %1: %2")
                                                    .arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        return fail(ErrorKind::InvalidTask, QStringLiteral("execution.json: the top level must be an object"));
    ParseContext context;
    context.environmentBytes = environmentBytes;
    return parse(document.object(), expectedId, taskDir, context);
}

Result<ExecutionInfo> ExecutionInfo::parse(const QJsonObject &object, const QString &expectedId, const QString &taskDir,
                                           const ParseContext &context)
{
    const qint64 environmentBytes = context.environmentBytes;
    ExecutionInfo info;
    auto keyed = canonicalKeys(object, info.warnings);
    if (!keyed)
        return keyed.error();
    const KnownFields &fields = keyed.value();
    const auto field = [&fields](const QString &key) { return fields.at(kKnownKeys.indexOf(key)); };

    const QJsonValue id = field(kExecutionId);
    if (id.isUndefined())
        return invalid(kExecutionId, QStringLiteral("is missing"));
    if (!id.isString())
        return invalid(kExecutionId, QStringLiteral("must be a string, not %1").arg(jsonTypeName(id)));
    if (id.toString() != expectedId)
        return invalid(kExecutionId, QStringLiteral("\"%1\" does not match the execution ID \"%2\" given on the command line")
                                         .arg(id.toString(), expectedId));
    info.executionId = expectedId;

    const QJsonValue script = field(kScriptPath);
    if (script.isUndefined())
        return invalid(kScriptPath, QStringLiteral("is missing"));
    if (!script.isString())
        return invalid(kScriptPath, QStringLiteral("must be a string, not %1").arg(jsonTypeName(script)));
    info.scriptPath = script.toString();
    auto scriptFile = resolveScript(info.scriptPath, taskDir, context.taskDirFd);
    if (!scriptFile)
        return scriptFile.error();
    info.scriptFile = scriptFile.value();

    auto arguments = parseArguments(field(kArguments));
    if (!arguments)
        return arguments.error();
    info.arguments = arguments.value();
    // Checked here, before any venv is built: what execve() would refuse is the task's fault (exit 4),
    // not the environment's. The script inherits the executor's environment, plus what the reserve covers.
    const ArgumentLimits &limits = context.limits;
    if (const auto tooLong = limits.check(info.arguments, environmentBytes))
        return invalid(tooLong->field, tooLong->reason);

    const QJsonValue requirements = field(kRequirements);
    if (!requirements.isUndefined()) {
        auto parsed = parseRequirements(requirements);
        if (!parsed)
            return parsed.error();
        info.requirements = parsed.value();
        // They reach pip's command line: what execve() cannot pass is the task's fault too.
        if (const auto tooLong = limits.check(*info.requirements, environmentBytes, kRequirements))
            return invalid(tooLong->field, tooLong->reason);
    } else {
        const QString candidate = QFileInfo(info.scriptFile).absolutePath() + QStringLiteral("/requirements.txt");
        const QString canonical = QFileInfo(candidate).canonicalFilePath();
        if (!canonical.isEmpty()) {
            const QString canonicalTask = QFileInfo(taskDir).canonicalFilePath();
            if (!canonical.startsWith(canonicalTask + u'/'))
                return invalid(QStringLiteral("requirements.txt"), QStringLiteral("%1 resolves outside the task folder").arg(candidate));
            if (!QFileInfo(canonical).isFile())
                return invalid(QStringLiteral("requirements.txt"), QStringLiteral("%1 is not a regular file").arg(candidate));
            info.requirementsFile = QDir::cleanPath(taskDir) + canonical.mid(canonicalTask.size());
        }
    }

    const QJsonValue source = field(kRequirementsSource);
    if (!source.isUndefined()) {
        static const QStringList allowed{QStringLiteral("Pipfile.lock"), QStringLiteral("requirements.txt"), QStringLiteral("script")};
        if (!source.isString() || !allowed.contains(source.toString()))
            return invalid(kRequirementsSource, QStringLiteral("must be one of \"Pipfile.lock\", \"requirements.txt\" or \"script\", not %1")
                                                    .arg(source.isString() ? u'"' + source.toString() + u'"' : jsonTypeName(source)));
        info.requirementsSource = source.toString();
    }
    const QJsonValue python = field(kPythonVersion);
    if (!python.isUndefined()) {
        if (!python.isString())
            return invalid(kPythonVersion, QStringLiteral("must be a string such as \">=3.10,<3.12\", not %1").arg(jsonTypeName(python)));
        if (auto spec = VersionSpecifier::parse(python.toString(), QStringLiteral("execution.json: ") + kPythonVersion); !spec)
            return spec.error();
        info.pythonVersion = python.toString();
    }

    if (const QJsonValue network = field(kNetwork); !network.isUndefined()) {
        if (!network.isString() || (network.toString() != u"none" && network.toString() != u"host"))
            return invalid(kNetwork, QStringLiteral("must be \"none\" or \"host\", not %1")
                                         .arg(network.isString() ? u'"' + network.toString() + u'"' : jsonTypeName(network)));
        info.network = network.toString();
    }

    for (const auto &[key, member] : {std::pair{&kKeepVenv, &ExecutionInfo::keepVirtualEnvironment},
                                      std::pair{&kUseCache, &ExecutionInfo::useEnvironmentCache}}) {
        const QJsonValue flag = field(*key);
        if (flag.isUndefined())
            continue;
        if (!flag.isBool())
            return invalid(*key, QStringLiteral("must be true or false, not %1").arg(jsonTypeName(flag)));
        info.*member = flag.toBool();
    }

    struct NumberField {
        const QString *key;
        std::optional<double> ExecutionInfo::*member;
        double maximum;
        const char *unit;
    };
    const NumberField numbers[] = {
        {&kTimeout, &ExecutionInfo::timeoutSeconds, limits::kMaxSeconds, "seconds"},
        {&kGrace, &ExecutionInfo::graceSeconds, limits::kMaxSeconds, "seconds"},
        {&kMaxMemory, &ExecutionInfo::maxMemoryMB, limits::kMaxMemoryMB, "MB"},
        {&kMaxCpu, &ExecutionInfo::maxCpuSeconds, limits::kMaxSeconds, "seconds"},
    };
    for (const NumberField &number : numbers) {
        auto parsed = parseNumber(field(*number.key), *number.key, number.key == &kGrace, number.maximum, QString::fromLatin1(number.unit));
        if (!parsed)
            return parsed.error();
        info.*number.member = parsed.value();
    }
    return info;
}

} // namespace oa
