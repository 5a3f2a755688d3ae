#!/usr/bin/env bash
# Pushes a checked image (a `docker save` tarball) to an environment's registry under an
# immutable tag, then records the image's digest in SSM, where the env's plans read it
# (plan-env.yml passes it as TF_VAR_broadcast_image_digest). A re-run finds the tag already
# pushed (tags are immutable) and records the digest of what is there instead of failing.
# Usage: tools/nx-plugin/scripts/push-image.sh <tarball> <local-image> <registry> <repository> <tag> <parameter>
set -euo pipefail
tarball="$1"; local_image="$2"; registry="$3"; repository="$4"; tag="$5"; parameter="$6"

digest_of() {
  aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" \
    --query 'imageDetails[0].imageDigest' --output text 2>/dev/null
}

digest="$(digest_of || true)"
if [[ -n "$digest" && "$digest" != "None" ]]; then
  echo "$repository:$tag is already pushed ($digest)"
else
  docker load --input "$tarball" >/dev/null
  docker tag "$local_image" "$registry/$repository:$tag"
  docker push "$registry/$repository:$tag"
  digest="$(digest_of)"
fi
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "push-image: no digest for $repository:$tag (got '$digest')" >&2; exit 1; }
aws ssm put-parameter --name "$parameter" --type String --overwrite --value "$digest" >/dev/null
echo "recorded $digest in $parameter"
