#!/usr/bin/env bash
# Starts a built broadcast image the way the task definition does (read-only root, uid 1000,
# init) with stand-in configuration, and passes only if /health/live answers 200 within 30 s.
# The readiness probe needs DynamoDB; liveness proves the bundle starts and serves.
# Usage: tools/nx-plugin/scripts/container-check.sh <image>
set -euo pipefail
image="$1"
name="relay-check-$$"
cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
stand_in="check-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
docker run -d --name "$name" --read-only --user 1000:1000 --init -p 127.0.0.1::8080 \
  -e CHAT_ROOMS_TABLE=check-rooms -e CHAT_MESSAGES_TABLE=check-messages \
  -e CHAT_CONNECTIONS_TABLE=check-connections -e CHAT_MEMBERSHIPS_TABLE=check-memberships \
  -e FOLLOWS_TABLE=check-follows -e AUTH_TOKEN_SECRET="$stand_in" -e CURSOR_SECRET="$stand_in" \
  -e AWS_REGION=ap-northeast-2 "$image" >/dev/null
port="$(docker port "$name" 8080/tcp | head -1 | sed 's/.*://')"
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; then
    echo "ok: $image answers /health/live"
    exit 0
  fi
  sleep 0.5
done
echo "FAILED: $image did not answer /health/live within 30 s; its logs:" >&2
docker logs "$name" >&2 || true
exit 1
