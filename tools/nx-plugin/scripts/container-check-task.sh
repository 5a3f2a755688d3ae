#!/usr/bin/env bash
# Runs a built k6 fleet image the way the task definition does (read-only root, uid 1000, init,
# a /results scratch volume) and passes only if its k6 runs, its scenarios are there, and its
# entrypoint refuses to start without an assignment (exit 2, saying so), which proves node and
# the bundle start.
# Usage: tools/nx-plugin/scripts/container-check-task.sh <image>
set -euo pipefail
image="$1"
run() { docker run --rm --read-only --user 1000:1000 --init --tmpfs /results "$@"; }
run --entrypoint /app/bin/k6 "$image" version
run --entrypoint /bin/sh "$image" -c 'test -f /app/loadtests/src/chat-spike.ts && test -f /app/loadtests/src/broadcast-api.ts'
set +e
out="$(run "$image" 2>&1)"
code=$?
set -e
if [[ "$code" != 2 || "$out" != *"FLEET_ASSIGNMENT is not set"* ]]; then
  echo "FAILED: $image without an assignment exited $code: $out" >&2
  exit 1
fi
echo "ok: $image runs k6, holds the scenarios, and refuses to start without an assignment"
