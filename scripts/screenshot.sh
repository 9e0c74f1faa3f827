#!/usr/bin/env bash
# Remakes docs/monitor.png: builds, lays out a demo agent folder with tasks in several states
# (examples/make_demo_agent.py) and renders the monitor with --screenshot, offscreen.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
oa_install_packages fonts-dejavu-core
oa_build "$OA_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
agent="$OA_ROOT/build/demo-agent"
live=$(python3 "$OA_ROOT/examples/make_demo_agent.py" "$OA_ROOT/build/app/openautomate-executor" "$agent")
trap 'kill -TERM "$live" 2>/dev/null || true' EXIT
mkdir -p "$OA_ROOT/docs"
QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$OA_ROOT/build/demo-config" \
    "$OA_ROOT/build/gui/openautomate-monitor" --base-dir "$agent" --select crm-sync-0413 \
    --screenshot "$OA_ROOT/docs/monitor.png" "$@"
echo "wrote $OA_ROOT/docs/monitor.png"
