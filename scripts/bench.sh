#!/usr/bin/env bash
# Runs the benchmarks in bench/ on an optimised build and prints their figures.
# Usage: scripts/bench.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
oa_install_packages
oa_build "$OA_ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DOA_BUILD_TESTS=OFF -DOA_BUILD_GUI=OFF
echo "== monitor: 10,000-task scan and 1 GiB log open"
"$OA_ROOT/build-bench/bench/oa-bench-monitor" "${TMPDIR:-/tmp}" "${1:-7}"
