#!/usr/bin/env bash
# Builds k6 (a Go program, on neither npm nor Debian) into .tools/bin from the pinned tools
# module next to this script (go.mod + go.sum: version and checksums are reviewed in git),
# unless that version is already there. Idempotent; prints `k6 version` either way.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin_dir="${RELAY_TOOLS_BIN:-$root/.tools/bin}"
k6="$bin_dir/k6"
version="$(awk '$1 == "go.k6.io/k6/v2" { print $2 }' "$here/go.mod")"
[[ -n "$version" ]] || { echo "k6 install: no go.k6.io/k6/v2 requirement in $here/go.mod" >&2; exit 1; }

if [[ -x "$k6" ]] && "$k6" version 2>/dev/null | grep -q "k6 ${version} "; then
  "$k6" version
  exit 0
fi

command -v go >/dev/null || { echo "k6 install: Go is required to build k6" >&2; exit 1; }
mkdir -p "$bin_dir"
echo "building k6 ${version} with $(go version | awk '{print $3}') into $bin_dir (first time only)..." >&2
start=$(date +%s)
# Proxy only: `go install go.k6.io/k6/v2@version` is refused here because the proxy has no
# version list for k6/v2 and its "direct" fallback needs the vanity host; building the tool
# of a module that requires the exact version avoids both. GOTOOLCHAIN=auto fetches a newer
# Go through the proxy when the machine's is older than k6 needs.
(
  cd "$here"
  GOPROXY="${RELAY_GOPROXY:-https://proxy.golang.org}" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" GOFLAGS=-mod=readonly \
    CGO_ENABLED=0 GOBIN="$bin_dir" go install -trimpath tool
)
echo "built k6 in $(( $(date +%s) - start )) s" >&2
"$k6" version
