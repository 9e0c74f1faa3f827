#!/usr/bin/env bash
# Runs the benchmarks in bench/ on an optimised build and prints their figures.
# Usage: scripts/bench.sh [RUNS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
oa_install_packages
oa_build "$OA_ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DOA_BUILD_TESTS=OFF -DOA_BUILD_GUI=OFF
echo "== monitor: 10,000-task scan, 1 GiB log open, --list --json over 10,000 pending tasks"
"$OA_ROOT/build-bench/bench/oa-bench-monitor" "${TMPDIR:-/tmp}" 7 "$OA_ROOT/build-bench/app/openautomate-executor"

# The environment benchmark needs the real workload's wheels, repackaged from Debian's .debs.
wheels="$OA_ROOT/build-bench/wheelhouse"
# tabulate is the "one package more" of the cache-size scenario: a wheelhouse made before it is made again.
if [ ! -f "$wheels/.complete" ] || ! ls "$wheels"/tabulate-*.whl >/dev/null 2>&1; then
    tool="$OA_ROOT/../shared/tools/debian-wheelhouse"
    [ -x "$tool" ] || { echo "missing $tool (it builds the wheelhouse)"; exit 1; }
    rm -rf "$wheels"
    "$tool" "$wheels" python3-pandas python3-pandas-lib python3-numpy python3-openpyxl python3-et-xmlfile \
        python3-requests python3-urllib3 python3-idna python3-certifi python3-charset-normalizer \
        python3-dateutil python3-tz python3-six python3-tabulate
    touch "$wheels/.complete"
fi
echo "== environments: seed-naive, cold, warm, floor, hello world; the store: stored sets, a Pipfile.lock, the cache's size"
/usr/bin/python3 "$OA_ROOT/bench/env_bench.py" "$OA_ROOT/build-bench/app/openautomate-executor" "$wheels" \
    --python /usr/bin/python3 --runs "${1:-3}"
echo "== hello world: the per-run overhead against bare Python, alternating, and the QProcess start beside it"
/usr/bin/python3 "$OA_ROOT/bench/hello_bench.py" "$OA_ROOT/build-bench/app/openautomate-executor" \
    --python /usr/bin/python3 --runs 21 --fallback
