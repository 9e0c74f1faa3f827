#!/usr/bin/env bash
# Sets up everything, builds the executor, and runs the bundled example task end to end on an
# agent folder inside the build tree (build/agent). Usage: scripts/run-example.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

oa_install_packages
oa_build "$OA_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOA_BUILD_TESTS=OFF

agent="$OA_ROOT/build/agent"
rm -rf "$agent/Tasks/example-hello"
mkdir -p "$agent/Tasks"
cp -r "$OA_ROOT/examples/agent/Tasks/example-hello" "$agent/Tasks/"

echo "==> openautomate-executor --base-dir $agent example-hello"
set +e
"$OA_ROOT/build/app/openautomate-executor" --base-dir "$agent" example-hello
code=$?
set -e
task="$agent/Tasks/example-hello"
echo "==> exit code $code; $task/output.log:"
cat "$task/output.log"
echo "==> $task/result.json:"
cat "$task/result.json"
exit $code
