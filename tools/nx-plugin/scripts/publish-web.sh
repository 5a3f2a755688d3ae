#!/usr/bin/env bash
# Publishes the built web client to an environment's bucket behind CloudFront:
#   tools/nx-plugin/scripts/publish-web.sh <env> [dist/apps/web]
# Hashed assets are immutable; index.html and config.json are revalidated on every load, so a
# deploy is visible at once while clients holding an older index.html still find its assets.
set -euo pipefail
env="${1:?usage: publish-web.sh <env> [dir]}"
dir="${2:-dist/apps/web}"
[[ -f "$dir/index.html" ]] || { echo "publish-web: $dir/index.html missing; build the web client first" >&2; exit 1; }
param() { aws ssm get-parameter --name "/relay/$env/$1" --query Parameter.Value --output text; }
bucket="$(param web/bucket)"
distribution="$(param web/distribution-id)"
ws_url="$(param chat/ws-url)"

printf '{"wsUrl":"%s"}\n' "$ws_url" > "$dir/config.json"
aws s3 sync "$dir/assets" "s3://$bucket/assets" --cache-control "public,max-age=31536000,immutable"
aws s3 cp "$dir/index.html" "s3://$bucket/index.html" --cache-control "no-cache"
aws s3 cp "$dir/config.json" "s3://$bucket/config.json" --cache-control "no-cache" --content-type application/json
aws cloudfront create-invalidation --distribution-id "$distribution" --paths "/index.html" "/config.json" "/" >/dev/null
echo "published $dir to s3://$bucket (CloudFront $distribution)"
