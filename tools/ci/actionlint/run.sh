#!/usr/bin/env bash
# Lints .github/workflows with actionlint, built once from the pinned tools module next to this
# script into .tools/bin (same route as k6: proxy only, checksums in go.sum).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
bin_dir="${RELAY_TOOLS_BIN:-$root/.tools/bin}"
version="$(awk '$1 == "github.com/rhysd/actionlint" { print $2 }' "$here/go.mod")"

if ! { [[ -x "$bin_dir/actionlint" ]] && "$bin_dir/actionlint" -version 2>/dev/null | head -1 | grep -qx "${version}"; }; then
  command -v go >/dev/null || { echo "actionlint: Go is required to build it" >&2; exit 1; }
  echo "building actionlint ${version} into $bin_dir..." >&2
  (cd "$here" && GOPROXY="${RELAY_GOPROXY:-https://proxy.golang.org}" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOFLAGS=-mod=readonly \
    CGO_ENABLED=0 GOBIN="$bin_dir" go install -trimpath tool)
fi
cd "$root"
"$bin_dir/actionlint" -no-color "$@"
echo "actionlint ${version}: workflows clean"
