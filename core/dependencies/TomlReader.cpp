#include "TomlReader.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace oa {

namespace {

// -I: isolated (no user site, no PYTHON* variables, no script folder on sys.path); -S: no site
// module, so nothing installed anywhere runs. Only the standard library's tomllib is used. The
// prelude parses argv[1] into `data`, or answers why it cannot.
#define OA_TOML_PRELUDE                                                                            \
    "import hashlib, json, sys\n"                                                                  \
    "try:\n"                                                                                       \
    "    import tomllib\n"                                                                         \
    "except ImportError:\n"                                                                        \
    "    print(json.dumps({'unsupported': sys.version.split()[0]})); sys.exit(0)\n"                \
    "try:\n"                                                                                       \
    "    data = tomllib.loads(sys.argv[1])\n"                                                      \
    "except tomllib.TOMLDecodeError as e:\n"                                                       \
    "    print(json.dumps({'error': str(e)})); sys.exit(0)\n"

const char kParse[] = OA_TOML_PRELUDE "print(json.dumps({'document': data}, default=str))\n";

// As Pipenv (plette) computes it: default sources when none are given, and every section that
// is not one of Pipfile's own.
const char kPipfileHash[] = OA_TOML_PRELUDE R"PY(
content = {
    "_meta": {"sources": data.get("source", [{"url": "https://pypi.org/simple", "verify_ssl": True, "name": "pypi"}]),
              "requires": data.get("requires", {})},
    "default": data.get("packages", {}),
    "develop": data.get("dev-packages", {}),
}
for category, values in data.items():
    if category not in ("source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv", "default", "develop"):
        content[category] = values
text = json.dumps(content, sort_keys=True, separators=(",", ":"))
print(json.dumps({"document": hashlib.sha256(text.encode("utf8")).hexdigest()}))
)PY";

#undef OA_TOML_PRELUDE

Result<TomlReader::Parsed> run(const char *code, const QString &python, const QString &toml, RunControl *control,
                               const std::shared_ptr<const ProcessCredentials> &as)
{
    if (toml.toUtf8().size() > TomlReader::kMaxBytes)
        return fail(ExitCode::InvalidExecution, QStringLiteral("the TOML is larger than %1 bytes").arg(TomlReader::kMaxBytes));
    ProcessSpec spec;
    spec.program = python;
    spec.arguments = {QStringLiteral("-I"), QStringLiteral("-S"), QStringLiteral("-c"), QString::fromUtf8(code), toml};
    spec.credentials = as;
    const ProcessExit exit = ChildProcess::run(spec, control);
    if (exit.stopped)
        return fail(exit.stopped->code, exit.stopped->message);
    if (!exit.succeeded())
        return fail(ExitCode::EnvironmentFailed, QStringLiteral("%1 could not read TOML (%2)")
                                                     .arg(python, exit.started ? QStringLiteral("exit code %1").arg(exit.conventionalExitCode()) : exit.startError));
    const QJsonObject answer = QJsonDocument::fromJson(exit.capturedStdout).object();
    if (answer.contains(QStringLiteral("unsupported")))
        return fail(ExitCode::EnvironmentFailed, QStringLiteral("%1 is Python %2, which has no tomllib; reading TOML needs Python 3.11 or later")
                                                     .arg(python, answer.value(QStringLiteral("unsupported")).toString()));
    TomlReader::Parsed parsed;
    if (answer.contains(QStringLiteral("error")))
        parsed.error = answer.value(QStringLiteral("error")).toString();
    else
        parsed.json = QJsonDocument(QJsonObject{{QStringLiteral("document"), answer.value(QStringLiteral("document"))}}).toJson(QJsonDocument::Compact);
    return parsed;
}

} // namespace

Result<TomlReader::Parsed> TomlReader::parse(const QString &python, const QString &toml, RunControl *control,
                                             const std::shared_ptr<const ProcessCredentials> &as)
{
    auto parsed = run(kParse, python, toml, control, as);
    if (!parsed || !parsed->error.isEmpty())
        return parsed;
    // Unwrapped: the caller gets the document itself.
    Parsed document;
    document.json = QJsonDocument(QJsonDocument::fromJson(parsed->json).object().value(QStringLiteral("document")).toObject())
                        .toJson(QJsonDocument::Compact);
    return document;
}

Result<QString> TomlReader::pipfileHash(const QString &python, const QString &pipfile, RunControl *control,
                                        const std::shared_ptr<const ProcessCredentials> &as)
{
    auto parsed = run(kPipfileHash, python, pipfile, control, as);
    if (!parsed)
        return parsed.failure();
    if (!parsed->error.isEmpty())
        return fail(ExitCode::InvalidExecution, QStringLiteral("Pipfile is not valid TOML: %1").arg(parsed->error));
    return QJsonDocument::fromJson(parsed->json).object().value(QStringLiteral("document")).toString();
}

} // namespace oa
