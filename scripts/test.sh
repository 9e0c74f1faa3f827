#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice: once as built for
# release (then the monitor's real-window smoke test, scripts/gui-smoke.sh, and the libFuzzer
# harnesses, built with clang and run for a short, bounded time, scripts/fuzz.sh), once under
# AddressSanitizer and UndefinedBehaviorSanitizer. Between the two, the
# Debian packages made from the release build are installed, run and purged
# (scripts/test-packages.sh; as root only). Tests labelled "pip" run in the release pass only.
# Each pass prints its time. Usage: scripts/test.sh
# Set OA_SKIP_SANITIZERS=1 for the quick pass only, OA_SKIP_PACKAGES=1 to leave out the
# packages, OA_SKIP_FUZZ=1 to leave out the fuzz harnesses. In CI (CI=true) and as root it
# sets OA_REQUIRE_ALL_TESTS=1: no test may skip.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

oa_install_packages "${OA_FUZZ_PACKAGES[@]}"

# In CI and as root every precondition of the suite is expected to hold (a writable cgroup v2,
# for one): a test that cannot run there fails instead of skipping (OA_SKIP_OR_FAIL in
# tests/support), so that no mechanism goes untested unnoticed.
if [ "${CI:-}" = "true" ] || [ "$(id -u)" -eq 0 ]; then
    export OA_REQUIRE_ALL_TESTS=1
fi

# Each pass says how long it took, so that a slow one is seen where it starts (README: Tests).
pass_timer() {
    local name="$1" start="$2"
    echo "==> $name took $((SECONDS - start)) s"
}

# run_suite BUILD_DIR CTEST_ARGS -- CMAKE_ARGS...
run_suite() {
    local dir="$1" ctest_args="$2"; shift 2
    local start=$SECONDS
    echo "==> building $dir"
    oa_build "$dir" "$@"
    pass_timer "building $dir" "$start"
    start=$SECONDS
    echo "==> ctest in $dir ${ctest_args}"
    # One test more than cores: most of a test's time is spent waiting on a child (Python's
    # start, a process tree's end), so at -j nproc a core idles about a third of the time.
    # shellcheck disable=SC2086 # ctest_args is a list of words on purpose
    (cd "$dir" && ctest --output-on-failure --timeout 600 -j "$(($(nproc) + 1))" $ctest_args)
    pass_timer "ctest in $dir" "$start"
}

# Installed to /usr, as the Debian packages are, so that they can be made from this build.
# Line tables only (-g1): file and line in every backtrace, the sanitizers' included, for two
# thirds of full debug information's compile time (README, Tests).
# The options that decide which tests exist are given every time: a build folder's cache keeps
# what an earlier configure set (OA_BUILD_GUI=OFF once left the GUI tests out of a local pass).
suite_options=(-DOA_BUILD_TESTS=ON -DOA_BUILD_GUI=ON)
run_suite "$OA_ROOT/build-tests" "" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" "${suite_options[@]}" -DOA_PIP_TESTS=ON
# The monitor in a real X window (Xvfb), driven by keys and clicks; once, on the release build.
echo "==> GUI smoke test"
smoke_start=$SECONDS
"$OA_ROOT/scripts/gui-smoke.sh" "$OA_ROOT/build-tests"
pass_timer "GUI smoke test" "$smoke_start"

# The libFuzzer harnesses (fuzz/), built with clang in build-fuzz, each run for 8-12 s; any
# crash or oracle violation fails the run (clang is installed above: this never skips).
if [ "${OA_SKIP_FUZZ:-0}" != "1" ]; then
    fuzz_start=$SECONDS
    "$OA_ROOT/scripts/fuzz.sh" "$OA_ROOT/build-fuzz"
    pass_timer "fuzz harnesses" "$fuzz_start"
fi

if [ "${OA_SKIP_PACKAGES:-0}" != "1" ]; then
    packages_start=$SECONDS
    "$OA_ROOT/scripts/test-packages.sh" "$OA_ROOT/build-tests"
    pass_timer "Debian packages" "$packages_start"
fi

if [ "${OA_SKIP_SANITIZERS:-0}" != "1" ]; then
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    # Tests labelled "pip" spend their time waiting on pip, which no sanitizer looks inside:
    # they run once, in the release pass above, and are not even built here (OA_PIP_TESTS=OFF).
    # Everything else runs again here.
    run_suite "$OA_ROOT/build-asan" "-LE pip" -DCMAKE_BUILD_TYPE=Debug -DOA_SANITIZE=ON "-DCMAKE_CXX_FLAGS_DEBUG=-g1" \
        "${suite_options[@]}" -DOA_PIP_TESTS=OFF
fi
echo "==> all passes took $SECONDS s"
