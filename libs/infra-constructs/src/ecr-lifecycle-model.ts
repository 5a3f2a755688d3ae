/**
 * ECR's lifecycle-policy evaluation, as documented ("How lifecycle policies work"), for tests
 * of the policies this repo writes: rules run in priority order; a rule selects images by tag
 * status and tag prefixes; imageCountMoreThan keeps the newest N selected (by push time) and
 * expires the rest; sinceImagePushed expires selected images older than the limit; and an
 * image that a higher-priority rule selected is never expired by a lower-priority rule.
 */
export interface EcrImage {
  digest: string;
  tags: string[];
  /** Days ago. */
  pushedDaysAgo: number;
}

interface Rule {
  rulePriority: number;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPrefixList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countNumber: number;
  };
}

function selects(rule: Rule, image: EcrImage): boolean {
  const { tagStatus, tagPrefixList } = rule.selection;
  if (tagStatus === 'untagged') return image.tags.length === 0;
  if (tagStatus === 'any') return true;
  if (image.tags.length === 0) return false;
  return (tagPrefixList ?? []).some((prefix) => image.tags.some((tag) => tag.startsWith(prefix)));
}

/** The digests a policy expires from this set of images. */
export function expiredBy(policy: string, images: EcrImage[]): Set<string> {
  const rules = (JSON.parse(policy) as { rules: Rule[] }).rules.sort((a, b) => a.rulePriority - b.rulePriority);
  const claimed = new Set<string>();
  const expired = new Set<string>();
  for (const rule of rules) {
    const selected = images.filter((image) => !claimed.has(image.digest) && selects(rule, image));
    const newestFirst = [...selected].sort((a, b) => a.pushedDaysAgo - b.pushedDaysAgo);
    const { countType, countNumber } = rule.selection;
    const doomed = countType === 'imageCountMoreThan' ? newestFirst.slice(countNumber) : newestFirst.filter((i) => i.pushedDaysAgo > countNumber);
    for (const image of selected) claimed.add(image.digest);
    for (const image of doomed) expired.add(image.digest);
  }
  return expired;
}
