#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice: once as built for
# release, once under AddressSanitizer and UndefinedBehaviorSanitizer. Usage: scripts/test.sh
# Set OA_SKIP_SANITIZERS=1 for the quick pass only.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

oa_install_packages

run_suite() {
    local dir="$1"; shift
    echo "==> building $dir"
    oa_build "$dir" "$@"
    echo "==> ctest in $dir"
    (cd "$dir" && ctest --output-on-failure --timeout 600 -j "$(nproc)")
}

run_suite "$OA_ROOT/build-tests" -DCMAKE_BUILD_TYPE=RelWithDebInfo

if [ "${OA_SKIP_SANITIZERS:-0}" != "1" ]; then
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    run_suite "$OA_ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DOA_SANITIZE=ON
fi
