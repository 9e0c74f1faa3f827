#include "BytecodeCompiler.h"

#include "PythonInterpreter.h"

namespace oa {

namespace {

// argv: ANNOUNCE EXCLUDE YIELD ROOT... Python 3.6 and later.
constexpr char kScript[] = R"PY(# openautomate-compile (BytecodeCompiler)
import importlib.util, os, py_compile, re, struct, sys
# argv: ANNOUNCE EXCLUDE YIELD ROOT...  (an empty ANNOUNCE prints nothing first; once a
# non-empty YIELD path exists, no further file is compiled and the exit status is 3)
announce, exclude, yield_flag, roots = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
if announce:
    print(announce, flush=True)
rx = re.compile(exclude) if exclude else None
files, failed = [], False
def walk(folder):
    global failed
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as e:
        print("Listing {!r}: {}".format(folder, e)); failed = True; return
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            if e.name != "__pycache__":
                walk(e.path)
        elif e.name.endswith(".py") and e.is_file(follow_symlinks=False) and not (rx and rx.search(e.path)):
            files.append(e.path)
for root in roots:
    walk(root)
magic = importlib.util.MAGIC_NUMBER
YIELDED = 1
def one(path):
    if yield_flag and os.path.lexists(yield_flag):
        return YIELDED
    try:
        # Up to date already (a folder compiled again for another version): skipped, as
        # compileall skips it, by the header a timestamp .pyc of this source has.
        expect = struct.pack("<4sLL", magic, 0, int(os.stat(path).st_mtime) & 0xFFFFFFFF)
        with open(importlib.util.cache_from_source(path), "rb") as cached:
            if cached.read(12) == expect:
                return None
    except OSError:
        pass
    try:
        py_compile.compile(path, doraise=True)
        return None
    except py_compile.PyCompileError as e:
        return "*** Error compiling {!r}...\n{}".format(path, e.msg)
    except (SyntaxError, UnicodeError, OSError) as e:
        return "*** Error compiling {!r}...\n{}: {}".format(path, e.__class__.__name__, e)
workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
if workers > 1 and len(files) > 64:
    import concurrent.futures, multiprocessing
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        errors = list(pool.map(one, files, chunksize=max(1, len(files) // (workers * 8))))
else:
    errors = [one(f) for f in files]
yielded = errors.count(YIELDED)
for error in errors:
    if error and error != YIELDED:
        print(error); failed = True
if yielded and not failed:
    print("Stopped at the build's request: {} of {} files compiled; the folder's next user compiles the rest".format(len(files) - yielded, len(files)))
    sys.exit(3)
sys.exit(1 if failed else 0)
)PY";

} // namespace

ProcessSpec BytecodeCompiler::command(const PythonInterpreter &python, const QStringList &roots, const QString &exclude, const QString &log,
                                      const QString &announce, const QString &yieldFlag)
{
    ProcessSpec spec;
    spec.program = python.executable;
    spec.arguments = QStringList{QStringLiteral("-I"), QStringLiteral("-c"), QString::fromLatin1(kScript), announce, exclude, yieldFlag} + roots;
    spec.workingDirectory = QStringLiteral("/");
    spec.environment.insert(QStringLiteral("PYTHONIOENCODING"), QStringLiteral("utf-8"));
    spec.stdoutFile = log;
    spec.appendOutput = true;
    return spec;
}

} // namespace oa
