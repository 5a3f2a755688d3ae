#!/usr/bin/env bash
# Builds a service's image for the task's architecture (linux/arm64) where a container engine
# runs, then starts it and checks /health/live (tools/scripts/container-check.sh). Where no
# engine runs it builds nothing and says SKIPPED with the reason, exiting 3: a build that did
# not happen is never reported as a success. deploy.yml builds with BuildKit's GitHub cache.
# Usage: tools/scripts/container-build.sh <project> <tag>
set -euo pipefail
project="$1"; tag="${2:-local}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
image="relay/$project:$tag"
if ! command -v docker >/dev/null; then
  echo "SKIPPED: $image was not built: no docker CLI on this machine. Images are built and checked in deploy.yml (job: image)."
  exit 3
fi
if ! reason="$(docker info 2>&1 >/dev/null)"; then
  echo "SKIPPED: $image was not built: the container engine is not reachable (${reason%%$'\n'*}). Images are built and checked in deploy.yml (job: image)."
  exit 3
fi
docker buildx build --platform linux/arm64 --load -f "$root/apps/$project/Dockerfile" -t "$image" "$root"
bash "$root/tools/scripts/container-check.sh" "$image"
