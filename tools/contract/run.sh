#!/usr/bin/env bash
# Runs schemathesis (from PyPI, in a venv the repo creates under .tools/) against the broadcast
# service of the local stack: its OpenAPI document is generated from the zod schemas, and the
# default checks hold (no 5xx, responses match their schema, documented status codes only).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.tools/schemathesis-venv
stamp="$venv/.requirements"
if ! cmp -s tools/contract/requirements.txt "$stamp" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tools/contract/requirements.txt
  cp tools/contract/requirements.txt "$stamp"
fi
exec node --import tsx tools/contract/contract.ts "$venv/bin/schemathesis" "$@"
