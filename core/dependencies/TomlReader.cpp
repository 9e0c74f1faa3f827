#include "TomlReader.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace oa {

namespace {

// -I: isolated (no user site, no PYTHON* variables, no script folder on sys.path); -S: no site
// module, so nothing installed anywhere runs. Only the standard library's tomllib is used. The
// prelude parses argv[1] into `data`, or answers why it cannot. tomllib lets more than
// TOMLDecodeError through: a RecursionError for deep nesting, a ValueError for an integer of more
// than 4300 digits. Those come from the document too, so they are its error, not a crash (which
// would be "could not read TOML", exit 5).
#define OA_TOML_PRELUDE                                                                            \
    "import hashlib, json, math, re, sys\n"                                                        \
    "try:\n"                                                                                       \
    "    import tomllib\n"                                                                         \
    "except ImportError:\n"                                                                        \
    "    print(json.dumps({'unsupported': sys.version.split()[0]})); sys.exit(0)\n"                \
    "try:\n"                                                                                       \
    "    data = tomllib.loads(sys.argv[1])\n"                                                      \
    "except tomllib.TOMLDecodeError as e:\n"                                                       \
    "    print(json.dumps({'error': str(e)})); sys.exit(0)\n"                                      \
    "except RecursionError:\n"                                                                     \
    "    print(json.dumps({'error': 'it nests too deeply for Python to read it'})); sys.exit(0)\n" \
    "except Exception as e:\n"                                                                     \
    "    print(json.dumps({'error': f'Python cannot read it: {type(e).__name__}: {e}'})); sys.exit(0)\n"

// The document is used whole or not at all. What JSON cannot carry as it is (inf and nan, which
// json.dumps would write as Infinity and NaN, and Qt's parser refuses; integers past TOML's 64
// bits, which Qt would turn into doubles) and nesting past argv[2] levels are an error naming
// where they are (a key path), found by a walk that uses no recursion of its own. allow_nan=False
// keeps json.dumps from ever writing what Qt refuses.
const char kParse[] = OA_TOML_PRELUDE R"PY(
limit = int(sys.argv[2])
def name(key):
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)
def refusal(document):
    stack = [(document, 0, "")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return f"{where} is {value}, not a finite number (the executor reads TOML as JSON, which has no inf or nan)"
        if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
            return f"{where} is an integer outside the 64 bits TOML allows"
        if isinstance(value, dict):
            children = [(f"{where}.{name(k)}" if where else name(k), v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(f"{where}[{i}]", v) for i, v in enumerate(value)]
        else:
            continue
        if depth > limit:
            return f"{where}: tables and arrays nest deeper than {limit} levels, the most the executor reads"
        stack.extend((v, depth + 1, w) for w, v in reversed(children))
    return None
problem = refusal(data)
if problem:
    print(json.dumps({"error": problem})); sys.exit(0)
try:
    print(json.dumps({"document": data}, default=str, allow_nan=False))
except (ValueError, RecursionError) as e:
    print(json.dumps({"error": f"it cannot be written as JSON: {e}"}))
)PY";

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
        return fail(ErrorKind::InvalidTask, QStringLiteral("the TOML is larger than %1 bytes").arg(TomlReader::kMaxBytes));
    ProcessSpec spec;
    spec.program = python;
    spec.arguments = {QStringLiteral("-I"), QStringLiteral("-S"), QStringLiteral("-c"), QString::fromUtf8(code), toml,
                      QString::number(TomlReader::kMaxDepth)};
    spec.credentials = as;
    const ProcessExit exit = ChildProcess::run(spec, control);
    if (auto stopped = exit.stopError())
        return *stopped;
    if (!exit.succeeded())
        return fail(ErrorKind::Environment, QStringLiteral("%1 could not read TOML (%2)").arg(python, exit.exitMessage()));
    // Checked, never read as an empty object: that would drop the whole document unnoticed (as
    // Infinity once did, which Qt's parser refuses).
    QJsonParseError jsonError;
    const QJsonDocument answerDocument = QJsonDocument::fromJson(exit.capturedStdout, &jsonError);
    if (jsonError.error != QJsonParseError::NoError || !answerDocument.isObject())
        return fail(ErrorKind::Environment, QStringLiteral("%1 could not read TOML: its answer is not a JSON object (%2)")
                                                     .arg(python, jsonError.error != QJsonParseError::NoError ? jsonError.errorString()
                                                                                                             : QStringLiteral("another JSON value")));
    const QJsonObject answer = answerDocument.object();
    if (answer.contains(QStringLiteral("unsupported")))
        return fail(ErrorKind::Environment, QStringLiteral("%1 is Python %2, which has no tomllib; reading TOML needs Python 3.11 or later")
                                                     .arg(python, answer.value(QStringLiteral("unsupported")).toString()));
    TomlReader::Parsed parsed;
    if (answer.contains(QStringLiteral("error")))
        parsed.error = answer.value(QStringLiteral("error")).toString();
    else if (!answer.contains(QStringLiteral("document")))
        return fail(ErrorKind::Environment, QStringLiteral("%1 could not read TOML: its answer holds no document").arg(python));
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
    // Unwrapped: the caller gets the document itself, which tomllib always makes a table.
    const QJsonValue document = QJsonDocument::fromJson(parsed->json).object().value(QStringLiteral("document"));
    if (!document.isObject())
        return fail(ErrorKind::Environment, QStringLiteral("%1 could not read TOML: its document is not a table").arg(python));
    Parsed unwrapped;
    unwrapped.json = QJsonDocument(document.toObject()).toJson(QJsonDocument::Compact);
    return unwrapped;
}

Result<QString> TomlReader::pipfileHash(const QString &python, const QString &pipfile, RunControl *control,
                                        const std::shared_ptr<const ProcessCredentials> &as)
{
    auto parsed = run(kPipfileHash, python, pipfile, control, as);
    if (!parsed)
        return parsed.error();
    if (!parsed->error.isEmpty())
        return fail(ErrorKind::InvalidTask, QStringLiteral("Pipfile is not valid TOML: %1").arg(parsed->error));
    return QJsonDocument::fromJson(parsed->json).object().value(QStringLiteral("document")).toString();
}

} // namespace oa
