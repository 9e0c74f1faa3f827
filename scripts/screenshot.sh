#!/usr/bin/env bash
# Remakes the README's pictures of the monitor: builds, lays out a demo agent folder with tasks in
# several states (examples/make_demo_agent.py) and renders the monitor with --screenshot,
# offscreen, in English and in German: the main window with the failed task selected
# (docs/monitor.png, docs/monitor-de.png) and that task's detail pane alone
# (docs/monitor-failed.png, docs/monitor-failed-de.png). Extra arguments go to the monitor.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
oa_install_packages fonts-dejavu-core
oa_build "$OA_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
agent="$OA_ROOT/build/demo-agent"
live=$(python3 "$OA_ROOT/examples/make_demo_agent.py" "$OA_ROOT/build/app/openautomate-executor" "$agent")
trap 'kill -TERM "$live" 2>/dev/null || true' EXIT
mkdir -p "$OA_ROOT/docs"
for lang in en de; do
    suffix=""
    [ "$lang" = en ] || suffix="-$lang"
    # A fresh settings folder each time: no column widths of an earlier run.
    rm -rf "$OA_ROOT/build/demo-config"
    QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$OA_ROOT/build/demo-config" \
        "$OA_ROOT/build/gui/openautomate-monitor" --base-dir "$agent" --select crm-sync-0413 --lang "$lang" \
        --screenshot "$OA_ROOT/docs/monitor$suffix.png" --screenshot-details "$OA_ROOT/docs/monitor-failed$suffix.png" "$@"
    echo "wrote $OA_ROOT/docs/monitor$suffix.png and $OA_ROOT/docs/monitor-failed$suffix.png"
done
