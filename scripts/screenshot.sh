#!/usr/bin/env bash
# Remakes the README's pictures of the monitor: builds, lays out a demo agent folder with tasks in
# several states (examples/make_demo_agent.py) and renders the monitor with --screenshot,
# offscreen, in English and in German: the main window with the failed task selected
# (docs/monitor.png, docs/monitor-de.png), that task's detail pane alone
# (docs/monitor-failed.png, docs/monitor-failed-de.png), an Interrupted task's detail pane
# (docs/monitor-interrupted.png, -de) and the run selector of a task with kept runs, its list
# open (docs/monitor-runs.png, -de).
#
# scripts/screenshot.sh [--build-dir DIR] [MONITOR OPTIONS...]
#   --build-dir DIR  use the monitor and executor already built in DIR (e.g. build-tests) instead
#                    of configuring and building build/ (a second tree costs a full build)
# Other arguments go to the monitor.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
build="$OA_ROOT/build"
if [ "${1:-}" = --build-dir ]; then
    build=$(cd "$2" && pwd)
    shift 2
    for binary in "$build/gui/openautomate-monitor" "$build/app/openautomate-executor"; do
        [ -x "$binary" ] || { echo "$binary is not built: cmake --build $build --target $(basename "$binary")" >&2; exit 1; }
    done
else
    oa_install_packages fonts-dejavu-core
    oa_build "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
work=$(mktemp -d)
agent="$work/demo-agent"
live=$(python3 "$OA_ROOT/examples/make_demo_agent.py" "$build/app/openautomate-executor" "$agent")
trap 'kill -TERM "$live" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$OA_ROOT/docs"
shoot() { # LANG SELECT ARGS...: the monitor over the demo folder, a fresh settings folder each time
    local lang="$1" select="$2"; shift 2
    rm -rf "$work/config"
    QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work/config" \
        "$build/gui/openautomate-monitor" --base-dir "$agent" --select "$select" --lang "$lang" "$@"
}
for lang in en de; do
    suffix=""
    [ "$lang" = en ] || suffix="-$lang"
    docs="$OA_ROOT/docs"
    shoot "$lang" crm-sync-0413 --screenshot "$docs/monitor$suffix.png" --screenshot-details "$docs/monitor-failed$suffix.png" "$@"
    shoot "$lang" stock-check-0417 --screenshot "$work/window.png" --screenshot-details "$docs/monitor-interrupted$suffix.png" "$@"
    shoot "$lang" nightly-backup-0420 --screenshot "$work/window.png" --screenshot-details "$work/pane.png" \
        --screenshot-runs "$docs/monitor-runs$suffix.png" "$@"
    echo "wrote $docs/monitor$suffix.png, monitor-failed$suffix.png, monitor-interrupted$suffix.png, monitor-runs$suffix.png"
done
