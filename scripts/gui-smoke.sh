#!/usr/bin/env bash
# Real-window smoke test of openautomate-monitor: on a private Xvfb display it opens the monitor
# on a demo agent folder (examples/make_demo_agent.py), drives it with XTEST keys and clicks
# (xdotool) and checks every effect on disk, waiting for a condition each time.
# Usage: scripts/gui-smoke.sh BUILD_DIR   (screenshots of each step go to BUILD_DIR/gui-smoke/)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
monitor=$build/gui/openautomate-monitor executor=$build/app/openautomate-executor
[ -x "$monitor" ] && [ -x "$executor" ] || { echo "gui-smoke: build $build first" >&2; exit 2; }
# procps for ps (the live executor's process tree), x11-utils for xdpyinfo.
oa_install_packages xvfb xdotool imagemagick x11-utils procps

shots=$build/gui-smoke work=$(mktemp -d "${TMPDIR:-/tmp}/oa-gui-smoke.XXXXXX")
rm -rf "$shots" && mkdir -p "$shots"
agent=$work/agent step=setup
screen_up="" xvfb_pid="" monitor_pid="" live_pid="" live_tree="" win="" shot_no=0

# --- helpers -------------------------------------------------------------------------------------

fail() {
    echo "gui-smoke: FAILED in step '$step': $*" >&2
    # What the screen showed when it failed (an unexpected dialog, say).
    [ -n "$screen_up" ] && import -display "$DISPLAY" -window root "$shots/failure.png" 2>/dev/null \
        && echo "gui-smoke: the screen at the failure: $shots/failure.png" >&2
    if [ -s "$work/monitor.err" ]; then echo "--- monitor stderr ---" >&2; cat "$work/monitor.err" >&2; fi
    echo "gui-smoke: the screenshots up to the failure are in $shots" >&2
    exit 1
}

# A process counts as gone when it is reaped or a zombie (nobody may reap the reparented demo executor).
alive() {
    local state
    state=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}
# PID and all its descendants, by walking the parent links that ps reports.
tree_of() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END { for (p in parent) { q = p; while (q != "" && q != 0 && q != root) q = parent[q]; if (q == root) print p } }'
}
any_alive() { local p; for p in "$@"; do alive "$p" && return 0; done; return 1; }

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s; fails the step naming WHAT on timeout.
wait_for() {
    local seconds=$1 what=$2 deadline=$((SECONDS + $1)); shift 2
    until "$@"; do
        [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for: $what"
        sleep 0.1
    done
}

cleanup() {
    local rc=$?
    [ -n "$monitor_pid" ] && kill "$monitor_pid" 2>/dev/null
    # The demo's executor stops its own tree on SIGTERM; anything left after 10 s is killed.
    if [ -n "$live_pid" ] && alive "$live_pid"; then
        live_tree="$live_tree $(tree_of "$live_pid")"
        kill -TERM "$live_pid" 2>/dev/null
        local until=$((SECONDS + 10))
        while any_alive $live_tree && [ $SECONDS -lt $until ]; do sleep 0.1; done
    fi
    for p in $live_tree; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shot NAME: the whole screen (dialogs included, which are separate windows) to NN-NAME.png.
shot() {
    shot_no=$((shot_no + 1))
    last_shot=$(printf '%s/%02d-%s.png' "$shots" "$shot_no" "$1")
    import -display "$DISPLAY" -window root "$last_shot" || fail "screenshot $1"
    echo "  screenshot: $last_shot"
}
# differs A B CROP MINPX: at least MINPX pixels differ inside CROP (WxH+X+Y, screen coordinates).
# The crop keeps out the running task's durations, which repaint every second.
differs() {
    local ae
    ae=$(compare -metric AE -extract "$3" "$1" "$2" null: 2>&1 | awk '{printf "%d", $1}') || true
    [ "${ae:-0}" -ge "$4" ] 2>/dev/null
}
# shot_until_changed NAME BEFORE CROP MINPX: screenshots until the region changed (Qt repaints after
# it handled the input, so the first screenshot may be too early).
shot_until_changed() {
    local name=$1 before=$2 crop=$3 min=$4 deadline=$((SECONDS + 20))
    while :; do
        import -display "$DISPLAY" -window root "$work/probe.png" || fail "screenshot $name"
        differs "$before" "$work/probe.png" "$crop" "$min" && break
        [ $SECONDS -lt $deadline ] || { shot "$name"; fail "the window did not change in $crop (see $last_shot)"; }
        sleep 0.2
    done
    shot "$name"
}

key() { xdotool key --clearmodifiers "$@"; }
# click X Y: a left click at window coordinates.
click() { xdotool mousemove --window "$win" "$1" "$2" click 1; }

# dialog TITLE: waits for a visible window whose title starts with TITLE, and gives it the focus
# (there is no window manager to do that).
dialog() {
    local id
    id=$(timeout 20 xdotool search --sync --onlyvisible --name "^$1" | head -1) || fail "no dialog \"$1\" appeared"
    xdotool windowfocus --sync "$id" || fail "could not focus the dialog \"$1\""
}
dialog_gone() { ! xdotool search --onlyvisible --name "^$1" >/dev/null 2>&1; }

# Without a window manager nobody gives the focus back to the main window when a dialog closes.
focus_main() { xdotool windowfocus --sync "$win" || fail "could not focus the main window"; }
# select_task ID: Ctrl+F, type the ID, click the first row of the filtered table.
select_task() {
    focus_main
    key ctrl+f
    xdotool type --delay 20 "$1"
    click "$row_x" "$row_y"
}

json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2" 2>/dev/null; }
field_is() { [ "$(json_field "$1" "$2")" = "$3" ]; }
# The executor writes StartedAt as ISO 8601 UTC with milliseconds, so the strings sort as the times do.
started_after() { local t; t=$(json_field "$1" StartedAt); [ -n "$t" ] && [[ "$t" > "$2" ]]; }
tree_gone() { ! any_alive $live_tree; }

# --- steps ---------------------------------------------------------------------------------------

xvfb_started() { alive "$xvfb_pid" || fail "Xvfb exited: $(cat "$work/xvfb.err")"; test -s "$work/display"; }
display_answers() { xdpyinfo >/dev/null 2>&1; }
start_display() {
    step="start Xvfb"
    # -displayfd: Xvfb takes the first free display itself and writes its number, no race with
    # another test choosing the same one.
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.err" &
    xvfb_pid=$!
    wait_for 20 "Xvfb to report its display" xvfb_started
    export DISPLAY=":$(head -1 "$work/display")"
    wait_for 20 "xdpyinfo to answer on $DISPLAY" display_answers
    screen_up=1
    echo "==> Xvfb on $DISPLAY"
}

make_agent() {
    step="make the demo agent folder"
    : >"$work/empty.conf"
    mkdir -m 700 "$work/runtime" "$work/config"
    # Only what the monitor needs: nothing of the session's OPENAUTOMATE_*, PIP_*, PYTHON*.
    clean_env=(env -i PATH="$PATH" HOME="${HOME:-$work}" LANG=C.UTF-8 DISPLAY="$DISPLAY"
               XDG_CONFIG_HOME="$work/config" XDG_RUNTIME_DIR="$work/runtime")
    live_pid=$("${clean_env[@]}" OPENAUTOMATE_EXECUTOR_CONFIG="$work/empty.conf" \
        python3 "$OA_ROOT/examples/make_demo_agent.py" "$executor" "$agent") || fail "make_demo_agent.py failed"
    live_tree="$live_pid $(tree_of "$live_pid")"
    alive "$live_pid" || fail "the live executor $live_pid is not running"
    [ -f "$agent/Locks/stock-check-0417.lock" ] || fail "no orphaned lock to clear"
}

start_monitor() {
    step="start the monitor"
    "${clean_env[@]}" QT_QPA_PLATFORM=xcb "$monitor" --base-dir "$agent" --config "$work/empty.conf" \
        >"$work/monitor.out" 2>"$work/monitor.err" &
    monitor_pid=$!
    win=$(timeout 30 xdotool search --sync --onlyvisible --name "OpenAutomate Monitor" | head -1) \
        || fail "no window named OpenAutomate Monitor"
    focus_main
    eval "$(xdotool getwindowgeometry --shell "$win")"
    [ "$WIDTH"x"$HEIGHT"+"$X"+"$Y" = 1280x800+0+0 ] \
        || fail "the window is ${WIDTH}x${HEIGHT}+$X+$Y, not at 1280x800+0+0 where the coordinates below assume it"
    # The first scan fills the table: wait until the Execution ID column has text.
    convert -size 1280x800 xc:white "$work/blank.png"
    wait_for 30 "the first scan to fill the table" \
        eval 'import -display "$DISPLAY" -window root "$work/probe.png" && differs "$work/blank.png" "$work/probe.png" "$id_column" 300'
    shot start
}

step_select() {
    step="select crm-sync-0413 (Ctrl+F, type, click the first row)"
    local before=$last_shot
    select_task crm-sync-0413
    shot_until_changed selected "$before" "$pane_crop" 2000
}

step_tabs() {
    step="switch the detail pane to stderr (Alt+E)"
    local before=$last_shot
    key alt+e
    shot_until_changed stderr-tab "$before" "$pane_crop" 2000
    step="switch to the Locks tab (Alt+2)" before=$last_shot
    key alt+2
    shot_until_changed locks-tab "$before" "$body_crop" 20000
}

step_clear_lock() {
    step="clear the orphaned lock (Ctrl+Shift+L, Yes)"
    focus_main
    local before=$last_shot
    key ctrl+shift+l
    dialog "Clear orphaned locks"
    shot_until_changed clear-locks-dialog "$before" "$dialog_crop" 2000
    key alt+y
    wait_for 20 "the dialog to close" dialog_gone "Clear orphaned locks"
    wait_for 20 "Locks/stock-check-0417.lock to be removed" test ! -e "$agent/Locks/stock-check-0417.lock"
    [ -f "$agent/Locks/ledger-close-0418.lock" ] || fail "the other host's lock was removed too"
    [ -f "$agent/Locks/web-scrape-0419.lock" ] || fail "the live lock was removed too"
    shot_until_changed locks-cleared "$last_shot" "$body_crop" 500
}

step_cancel() {
    step="cancel web-scrape-0419 (select, Ctrl+K, accept)"
    local before=$last_shot
    select_task web-scrape-0419   # Ctrl+F brings the Tasks tab back
    key alt+d                     # the detail pane's Details tab: the live stage and progress
    shot_until_changed running-selected "$before" "$pane_crop" 2000
    before=$last_shot && key ctrl+k
    dialog "Cancel task"
    shot_until_changed stop-dialog "$before" "$dialog_crop" 2000
    live_tree="$live_tree $(tree_of "$live_pid")"
    key Return
    wait_for 60 "web-scrape-0419's result.json to say Cancelled" \
        field_is "$agent/Tasks/web-scrape-0419/result.json" Outcome Cancelled
    wait_for 30 "web-scrape-0419's process tree ($live_tree) to be gone" tree_gone
    live_pid="" live_tree=""   # gone: the cleanup must not signal those PIDs once they are reused
    shot_until_changed cancelled "$last_shot" "$state_cell" 200      # Running -> Cancelled
}

step_run_again() {
    step="run crm-sync-0413 again (select, Ctrl+R, accept)"
    local task=$agent/Tasks/crm-sync-0413 first
    first=$(json_field "$task/result.json" StartedAt)
    [ -n "$first" ] || fail "crm-sync-0413 has no first StartedAt"
    local before=$last_shot
    select_task crm-sync-0413
    key alt+d
    shot_until_changed failed-selected "$before" "$pane_crop" 2000
    before=$last_shot && key ctrl+r
    dialog "Run again"
    shot_until_changed run-again-dialog "$before" "$dialog_crop" 2000
    key Return
    wait_for 60 "previous/result.json with the first run's StartedAt $first" \
        field_is "$task/previous/result.json" StartedAt "$first"
    wait_for 60 "a new result.json with a StartedAt later than $first" started_after "$task/result.json" "$first"
    shot_until_changed ran-again "$last_shot" "$started_cell" 50     # the new start time
}

step_attention() {
    step="the window title counts the tasks that need attention"
    # The demo folder has a Failed, an Interrupted, an Invalid and a Failed-again task.
    wait_for 20 "a title with 'need attention' (it is: $(xdotool getwindowname "$win"))" \
        eval '[[ "$(xdotool getwindowname "$win")" == *" need attention "* ]]'
}

step_run_selector() {
    step="open crm-sync-0413's run selector (Alt+R, Alt+Down) and show its earlier run (Down, Return)"
    local before=$last_shot
    focus_main
    key alt+r alt+Down
    shot_until_changed run-selector "$before" "$pane_crop" 2000
    before=$last_shot && key Down Return
    shot_until_changed earlier-run "$before" "$pane_crop" 2000
}

# Where things are in the 1280x800 window the monitor opens with (no saved settings, DejaVu fonts;
# see the screenshots): the table's first row, the Execution ID column, the detail pane below the
# splitter, everything below the main tab bar, the middle where a dialog opens, and the first row's
# State and Started/Duration cells.
row_x=200 row_y=148 id_column=120x230+148+135
pane_crop=1270x260+5+510 body_crop=1270x680+5+90 dialog_crop=500x200+390+290
state_cell=140x24+4+137 started_cell=160x24+592+137

# --- main ----------------------------------------------------------------------------------------

started=$SECONDS
start_display; make_agent; start_monitor
step_attention; step_select; step_tabs; step_clear_lock; step_cancel; step_run_again; step_run_selector
step=done
alive "$monitor_pid" || fail "the monitor exited"
echo "==> gui-smoke: all steps passed in $((SECONDS - started))s; screenshots in $shots"
