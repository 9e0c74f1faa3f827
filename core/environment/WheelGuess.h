#pragma once

#include "DistributionStore.h"
#include "EnvironmentKey.h"
#include "PythonInterpreter.h"

#include <QList>

namespace oa {

// The wheels pip is all but sure to pick for a set that is not hash-pinned, known before it
// resolves: for each requirement pinned to one version with == (execution.json Requirements,
// the script's block, or a requirements file's lines; no direct reference, no --hash of its own,
// a marker only where it holds for the interpreter), the one wheel in the configured wheel folders whose name,
// version and tags fit the interpreter. A cold build stores them while pip resolves
// (BackgroundStore), on the core pip's resolver leaves idle: pandas==1.5.3 was half of the
// pandas workload's unpack and compile.
//
// Only a guess: pip's report decides the set, and a guessed folder is used only when pip
// resolved that very file (its sha256). A wrong guess (pip preferred an index's file, or pip's
// settings changed its choice) costs CPU the build did not need and a store folder that no
// entry names, evicted like any other. None is made when pip's settings or the requirements
// file's options could make pip choose differently (StorePlan::pipSettingsProblem; any option
// line), or for a version with two fitting wheels.
class WheelGuess {
public:
    // The guessed wheels (name as written, version, path; no sha256: the store's thread hashes
    // them), in the requirements' order, each once.
    static QList<PinnedWheel> make(const EnvironmentKey &key, const PythonInterpreter &python);
};

} // namespace oa
