#!/usr/bin/env bash
# Builds a service's container image where a container engine runs; elsewhere says so and
# succeeds, since the image contents (the Nx build output) are what the tests exercise.
# Usage: tools/scripts/container-build.sh <project> <tag>
set -euo pipefail
project="$1"; tag="${2:-local}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  docker build -f "$root/apps/$project/Dockerfile" -t "relay/$project:$tag" "$root"
else
  echo "no container engine on this machine: skipped docker build of relay/$project:$tag (contents: dist/apps/$project)"
fi
