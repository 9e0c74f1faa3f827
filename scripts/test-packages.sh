#!/usr/bin/env bash
# The Debian packages, end to end: builds them (scripts/package.sh), installs both with dpkg -i,
# runs the bundled example task through the installed /usr/bin/openautomate-executor, checks
# --version, the man pages, the bash completion, the conffile, the tmpfiles.d folder, that the
# executor's Depends has no Qt GUI or Widgets library, and lintian (no errors); then purges both
# and checks that the installed packages, and the files in every folder they write to, are as
# they were before.
#
# Usage: scripts/test-packages.sh [BUILD_DIR]   (default: build-package; scripts/test.sh passes
# build-tests, so nothing is compiled twice). Needs root (dpkg -i); otherwise it says why and
# skips, or fails when OA_REQUIRE_ALL_TESTS=1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

fail() {
    echo "test-packages: FAIL: $*" >&2
    exit 1
}
step() { echo "==> test-packages: $*"; }

if [ "$(id -u)" -ne 0 ]; then
    why="it installs and purges packages with dpkg, which needs root"
    [ "${OA_REQUIRE_ALL_TESTS:-0}" = "1" ] && fail "cannot run: $why (OA_REQUIRE_ALL_TESTS=1)"
    echo "test-packages: SKIP: $why"
    exit 0
fi

started=$SECONDS
build="$(realpath -m "${1:-$OA_ROOT/build-package}")"
packages=(openautomate-executor openautomate-monitor)

# The machine must not hold these programs already: the test would replace them, and its purge
# would remove what someone installed.
for pkg in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -qv "not-installed"; then
        fail "$pkg is already on this machine ($(dpkg-query -W -f='${Status}' "$pkg")); purge it first: dpkg --purge $pkg"
    fi
    if [ -e "/usr/bin/$pkg" ]; then
        fail "/usr/bin/$pkg exists outside any package (a cmake --install?); remove it first"
    fi
done

oa_install_packages "${OA_PACKAGING_PACKAGES[@]}"
step "building the packages from $build"
mapfile -t debs < <("$OA_ROOT/scripts/package.sh" "$build" | grep '\.deb$')
[ ${#debs[@]} -eq 2 ] || fail "package.sh made ${#debs[@]} packages, expected 2: ${debs[*]}"
executor_deb="$(printf '%s\n' "${debs[@]}" | grep '/openautomate-executor_')"
monitor_deb="$(printf '%s\n' "${debs[@]}" | grep '/openautomate-monitor_')"
version="$(dpkg-deb -f "$executor_deb" Version)"
ls -l "${debs[@]}"

step "the executor's Depends: Qt Core, never Qt GUI or Widgets"
executor_depends="$(dpkg-deb -f "$executor_deb" Depends)"
echo "    Depends: $executor_depends"
if grep -qiE 'libqt6(gui|widgets|opengl|dbus)' <<<"$executor_depends"; then
    fail "the executor package depends on a Qt GUI library: $executor_depends"
fi
for needed in libqt6core6 python3-venv; do
    grep -qw "$needed" <<<"$executor_depends" || fail "the executor package does not depend on $needed: $executor_depends"
done
monitor_depends="$(dpkg-deb -f "$monitor_deb" Depends)"
echo "    monitor Depends: $monitor_depends"
grep -qF "openautomate-executor (= $version)" <<<"$monitor_depends" \
    || fail "the monitor package does not depend on openautomate-executor (= $version): $monitor_depends"

step "lintian"
# Root is fine for lintian on .deb files; it only says it would rather not.
lintian_out="$(lintian --fail-on error --display-level '>=warning' "${debs[@]}" 2>&1)" \
    || { echo "$lintian_out" >&2; fail "lintian reports errors (above)"; }
lintian_out="$(grep -v '^running with root privileges' <<<"$lintian_out" || true)"
echo "${lintian_out:-    no errors, no warnings}"

# Whatever the packages depend on must be installed now, before the "before" picture: the test
# installs dependencies from Debian's archive as prerequisites, and never removes them.
deps=()
for dep in $(sed -E 's/\([^)]*\)//g; s/,/ /g; s/\|[^,]*//g' <<<"$executor_depends, $monitor_depends"); do
    [[ $dep == openautomate-* ]] && continue
    deps+=("$dep")
done
oa_install_packages "${deps[@]}"

# The "before" picture: every package with its version and state, and every path in the folders
# the packages, their maintainer scripts and the triggers they set off (man-db, the icon cache)
# write to. Those folders, not all of /usr: on a shared machine other work changes the rest.
watched=(/etc/openautomate /usr/bin /usr/lib/tmpfiles.d /usr/share/man/man1 /usr/share/bash-completion/completions
         /usr/share/applications /usr/share/icons/hicolor /usr/share/doc /var/lib/openautomate)
snapshot() {
    dpkg-query -W -f='${Package}:${Architecture} ${Version} ${Status}\n' | sort >"$1.packages"
    find "${watched[@]}" 2>/dev/null | sort >"$1.files" || true
}
scratch="$(mktemp -d /tmp/oa-test-packages.XXXXXX)"
snapshot "$scratch/before"
var_existed=0
[ -e /var/lib/openautomate ] && var_existed=1

installed=0
cleanup() {
    local code=$?
    if [ $installed -eq 1 ]; then
        echo "==> test-packages: purging after a failure" >&2
        dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true
    fi
    # What the test's install created, where it is still empty (the example ran elsewhere).
    if [ $var_existed -eq 0 ]; then
        rmdir /var/lib/openautomate/botagent/{Tasks,Locks} /var/lib/openautomate/botagent /var/lib/openautomate \
            2>/dev/null || true
    fi
    rm -rf "$scratch"
    exit $code
}
trap cleanup EXIT

step "dpkg -i"
installed=1
dpkg -i "$executor_deb" "$monitor_deb" >"$scratch/dpkg-install.log" 2>&1 \
    || { cat "$scratch/dpkg-install.log" >&2; fail "dpkg -i failed (above)"; }
for pkg in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg")"
    [ "$status" = "install ok installed" ] || fail "$pkg is \"$status\" after dpkg -i"
done

step "--version of the installed programs"
for program in openautomate-executor openautomate-monitor; do
    # No display: the monitor answers --version without one.
    out="$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "/usr/bin/$program" --version)" \
        || fail "/usr/bin/$program --version exited with $?"
    echo "    $out"
    [[ $out =~ ^$program\ $version\ \(commit\ ([0-9a-f]+|unknown),\ Qt\ 6\.[0-9.]+\)$ ]] \
        || fail "/usr/bin/$program --version printed \"$out\", not \"$program $version (commit …, Qt 6.…)\""
done
if ldd /usr/bin/openautomate-executor | grep -qiE 'libQt6(Gui|Widgets)'; then
    fail "/usr/bin/openautomate-executor loads a Qt GUI library: $(ldd /usr/bin/openautomate-executor | grep -i qt6)"
fi

step "the conffile, the tmpfiles.d folder, the systemd example"
conffiles="$(dpkg-query -W -f='${Conffiles}' openautomate-executor)"
grep -q '^ */etc/openautomate/executor.conf ' <<<"$conffiles" \
    || fail "/etc/openautomate/executor.conf is not a conffile of openautomate-executor: \"$conffiles\""
[ -f /etc/openautomate/executor.conf ] || fail "/etc/openautomate/executor.conf is not installed"
if command -v systemd-tmpfiles >/dev/null; then
    for dir in /var/lib/openautomate/botagent /var/lib/openautomate/botagent/Tasks /var/lib/openautomate/botagent/Locks; do
        [ "$(stat -c '%F %a %U:%G' "$dir" 2>/dev/null)" = "directory 755 root:root" ] \
            || fail "$dir after postinst: \"$(stat -c '%F %a %U:%G' "$dir" 2>&1)\", expected a directory 755 root:root"
    done
else
    echo "    (no systemd-tmpfiles here: the folder is made at the next boot, not checked)"
fi
unit=/usr/share/doc/openautomate-executor/examples/openautomate-botagent.service
grep -q '^Delegate=yes$' "$unit" || fail "$unit has no Delegate=yes"

step "the man pages"
for program in openautomate-executor openautomate-monitor; do
    page="$(MANPAGER=cat MANWIDTH=80 man -P cat "$program" 2>"$scratch/man.err")" \
        || { cat "$scratch/man.err" >&2; fail "man $program failed (above)"; }
    grep -q "^NAME" <<<"$page" && grep -q -- "--base-dir" <<<"$page" && grep -q "^SEE ALSO" <<<"$page" \
        || { echo "$page" | head -40 >&2; fail "man $program does not show NAME, --base-dir and SEE ALSO"; }
    echo "    man $program: $(wc -l <<<"$page") lines"
done

step "the example task through /usr/bin/openautomate-executor"
agent="$scratch/agent"
cp -r /usr/share/doc/openautomate-executor/examples/agent "$agent"
# With the installed configuration file. The agent folder is a scratch copy (the command line
# wins over the file's BaseDir), so that the machine's /var/lib/openautomate stays as it was, and
# the interpreter is the one the package depends on (python3-venv).
/usr/bin/openautomate-executor --config /etc/openautomate/executor.conf --show-config >"$scratch/show-config.log" 2>&1 \
    || { cat "$scratch/show-config.log" >&2; fail "--show-config with the installed /etc/openautomate/executor.conf failed (above)"; }
executor_args=(--config /etc/openautomate/executor.conf --base-dir "$agent" --python /usr/bin/python3)
set +e
env -u OPENAUTOMATE_BOTAGENT_DIR -u OPENAUTOMATE_PYTHON -u OPENAUTOMATE_RUN_AS PIP_NO_INDEX=1 \
    /usr/bin/openautomate-executor "${executor_args[@]}" example-hello >"$scratch/run.log" 2>&1
code=$?
set -e
task="$agent/Tasks/example-hello"
if [ $code -ne 0 ] || ! grep -q '"Outcome": "Succeeded"' "$task/result.json" 2>/dev/null \
    || ! grep -q '^Hello from OpenAutomate #3$' "$task/output.log" 2>/dev/null; then
    echo "--- executor output:" >&2; cat "$scratch/run.log" >&2
    echo "--- output.log:" >&2; cat "$task/output.log" >&2 2>/dev/null || true
    echo "--- result.json:" >&2; cat "$task/result.json" >&2 2>/dev/null || true
    fail "the example task did not succeed through the installed executor (exit $code)"
fi
echo "    exit 0, Outcome Succeeded, output.log: $(tr '\n' '|' <"$task/output.log")"

step "bash completion"
completion="$(bash -c '
    source /usr/share/bash-completion/completions/openautomate-executor
    complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _openautomate_executor; echo "${COMPREPLY[*]}"; }
    complete_words openautomate-executor --base-d
    complete_words openautomate-executor --base-dir "$1" example-h
    printf "# the agent folder\nBaseDir = %s\n[EnvironmentCache]\nBaseDir = /nowhere\n" "$1" >"$2/completion.conf"
    complete_words openautomate-executor --config "$2/completion.conf" example-h
' _ "$agent" "$scratch")"
[ "$completion" = $'--base-dir\nexample-hello\nexample-hello' ] \
    || fail "bash completion gave \"$completion\", expected --base-dir and example-hello twice"
echo "    --base-d -> --base-dir; an ID from Tasks/ -> example-hello, with --base-dir and with BaseDir from --config"

step "dpkg --purge"
dpkg --purge openautomate-monitor openautomate-executor >"$scratch/dpkg-purge.log" 2>&1 \
    || { cat "$scratch/dpkg-purge.log" >&2; fail "dpkg --purge failed (above)"; }
installed=0
# The folder the test's own install created: postrm removes it only where empty.
if [ $var_existed -eq 0 ] && [ -e /var/lib/openautomate ]; then
    echo "    /var/lib/openautomate left after the purge (not empty): $(find /var/lib/openautomate | head -5 | tr '\n' ' ')" >&2
    fail "the purge left /var/lib/openautomate behind although the test installed it empty"
fi

step "the machine is as it was"
snapshot "$scratch/after"
if ! diff -u "$scratch/before.packages" "$scratch/after.packages" >"$scratch/packages.diff"; then
    cat "$scratch/packages.diff" >&2
    fail "the installed packages differ from before the test (above)"
fi
if ! diff -u "$scratch/before.files" "$scratch/after.files" >"$scratch/files.diff"; then
    grep '^[-+]/' "$scratch/files.diff" | head -50 >&2
    fail "files in ${watched[*]} differ from before the test (above)"
fi
echo "    $(wc -l <"$scratch/before.packages") packages and $(wc -l <"$scratch/before.files") paths, unchanged"

step "passed in $((SECONDS - started)) s"
