#!/usr/bin/env bash
# Builds an image for the task's architecture (linux/arm64) where a container engine runs, then
# checks it: a service answers /health/live (tools/nx-plugin/scripts/container-check.sh), the k6 fleet's
# generator runs its k6 and refuses to start without an assignment (container-check-task.sh).
# Where no engine runs it builds nothing and says SKIPPED with the reason, exiting 3: a build
# that did not happen is never reported as a success. deploy.yml builds with BuildKit's cache.
# Usage: tools/nx-plugin/scripts/container-build.sh <project> <tag>   (apps/<project>/Dockerfile, or loadtests/Dockerfile)
set -euo pipefail
project="$1"; tag="${2:-local}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
image="relay/$project:$tag"
if ! command -v docker >/dev/null; then
  echo "SKIPPED: $image was not built: no docker CLI on this machine. Images are built and checked in deploy.yml (jobs image and loadgen-image)."
  exit 3
fi
if ! reason="$(docker info 2>&1 >/dev/null)"; then
  echo "SKIPPED: $image was not built: the container engine is not reachable (${reason%%$'\n'*}). Images are built and checked in deploy.yml (jobs image and loadgen-image)."
  exit 3
fi
if [[ "$project" == loadtests ]]; then
  bash "$root/tools/k6/cross-build.sh" arm64 "$root/dist/loadtests/k6"
  docker buildx build --platform linux/arm64 --load -f "$root/loadtests/Dockerfile" -t "$image" "$root"
  bash "$root/tools/nx-plugin/scripts/container-check-task.sh" "$image"
else
  docker buildx build --platform linux/arm64 --load -f "$root/apps/$project/Dockerfile" -t "$image" "$root"
  bash "$root/tools/nx-plugin/scripts/container-check.sh" "$image"
fi
