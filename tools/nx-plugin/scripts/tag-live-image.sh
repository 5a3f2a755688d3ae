#!/usr/bin/env bash
# After an apply: gives the image now in service its live-<commit> tag (env-info.ts --image-tag
# live <commit>), which the registry's lifecycle policy never expires (ImageRepository). The
# digest is the one the applied plan used, read back from SSM; tags are immutable, so an image
# gains tags and never loses them.
# Usage: tools/nx-plugin/scripts/tag-live-image.sh <repository> <parameter> <tag>
set -euo pipefail
repository="$1"; parameter="$2"; tag="$3"
digest="$(aws ssm get-parameter --name "$parameter" --query Parameter.Value --output text)"
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "tag-live-image: $parameter holds no digest ('$digest')" >&2; exit 1; }
manifest="$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageDigest=$digest" --query 'images[0].imageManifest' --output text)"
media_type="$(aws ecr batch-get-image --repository-name "$repository" --image-ids "imageDigest=$digest" --query 'images[0].imageManifestMediaType' --output text)"
type_args=()
[[ -n "$media_type" && "$media_type" != "None" ]] && type_args=(--image-manifest-media-type "$media_type")
if output="$(aws ecr put-image --repository-name "$repository" --image-tag "$tag" --image-manifest "$manifest" "${type_args[@]}" 2>&1)"; then
  echo "tagged $repository@$digest as $tag"
elif [[ "$output" == *ImageAlreadyExistsException* || "$output" == *ImageTagAlreadyExistsException* ]]; then
  echo "$repository@$digest is already tagged $tag"
else
  echo "$output" >&2
  exit 1
fi
