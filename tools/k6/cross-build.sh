#!/usr/bin/env bash
# Builds the pinned k6 (tools/k6/go.mod) for linux/<arch> into <out-dir>/k6, for the fleet's
# image (loadtests/Dockerfile): the task runs on ARM64 while CI and laptops may be x86-64. Go
# cross-compiles a CGO-free build natively, so no emulation is involved.
# Usage: tools/k6/cross-build.sh <arm64|amd64> <out-dir>
set -euo pipefail
arch="${1:?usage: cross-build.sh <arm64|amd64> <out-dir>}"
out="${2:?usage: cross-build.sh <arm64|amd64> <out-dir>}"
[[ "$arch" == arm64 || "$arch" == amd64 ]] || { echo "cross-build: arch is arm64 or amd64, not $arch" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
(
  cd "$here"
  GOPROXY="${RELAY_GOPROXY:-https://proxy.golang.org}" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOFLAGS=-mod=readonly \
    CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -trimpath -o "$out/k6" go.k6.io/k6/v2
)
echo "built k6 for linux/$arch: $out/k6"
