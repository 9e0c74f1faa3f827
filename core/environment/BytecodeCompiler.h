#pragma once

#include "process/ChildProcess.h"

#include <QString>
#include <QStringList>

namespace oa {

struct PythonInterpreter;

// The command that compiles every .py file below some folders into its __pycache__, for the store
// (StoreBatch, StoreBytecode) and for entries pip installed (CacheBuilder): a short script of ours
// run by the interpreter itself, which compiles exactly as `python -m compileall -q` does
// (py_compile, the interpreter's own optimization level and the default invalidation mode, no
// link followed, the same output for a file that fails, exit 1 then), but
//   - one pool over all the folders (compileall starts a pool per folder it is given), and
//   - the files handed to the workers in chunks, not one by one:
// the pandas workload's 827 files take 0.6-0.7 s on the development VM's two cores, against
// 1.0 s with `compileall -j 0` (and 1.2 CPU-seconds against 1.75).
// A worker per usable CPU above 64 files; below, the script compiles them itself, as starting
// the pool would cost more. `exclude` is a regular expression searched in each file's path
// (compileall's -x); a non-empty `announce` is printed first, as one line of the output, which
// is appended to `log`. From "/": never a folder a task could plant a module in. The script's
// first line is `# openautomate-compile (BytecodeCompiler)`, which names it in a process list.
//
// A non-empty `yieldFlag` is a path the caller creates to have the compile stop early: each
// worker looks for it before each file, and once it exists compiles no further file (the one it
// is compiling is finished and written whole). The script then exits 3 (kYielded), having said
// how many files it compiled; a failure seen before still exits 1.
class BytecodeCompiler {
public:
    static constexpr int kYielded = 3;

    static ProcessSpec command(const PythonInterpreter &python, const QStringList &roots, const QString &exclude, const QString &log,
                               const QString &announce = {}, const QString &yieldFlag = {});
};

} // namespace oa
