/**
 * Destroys previews whose TTL has run out. A preview's age is its state object's last write
 * (every open/refresh applies, which rewrites it), so no timestamp has to live in a tag.
 *   node --import tsx tools/scripts/preview-sweep.ts [--dry-run]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveEnvironment, stateLocation } from '@relay/platform-config';

export interface StateObject {
  key: string;
  lastModified: Date;
}

/** Previews (chat/dev-<name>.tfstate) whose last apply is older than their TTL. */
export function expiredPreviews(objects: StateObject[], now: Date): string[] {
  return objects.flatMap(({ key, lastModified }) => {
    const match = /^chat\/dev-([a-z][a-z0-9]{1,15})\.tfstate$/.exec(key);
    if (!match?.[1]) return [];
    const env = resolveEnvironment(`dev-${match[1]}`);
    const expiresAt = lastModified.getTime() + (env.ttlHours ?? 0) * 3600_000;
    return expiresAt <= now.getTime() ? [match[1]] : [];
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
  const { S3Client, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const state = stateLocation(resolveEnvironment('dev'), 'chat');
  const client = new S3Client({ region: state.region });
  const objects: StateObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: state.bucket, Prefix: 'chat/dev-', ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key && o.LastModified) objects.push({ key: o.Key, lastModified: o.LastModified });
    token = page.NextContinuationToken;
  } while (token);
  const expired = expiredPreviews(objects, new Date());
  console.log(`${objects.length} previews, ${expired.length} expired: ${expired.join(', ') || 'none'}`);
  for (const name of expired) {
    const args = ['--import', 'tsx', path.join(__dirname, 'preview.ts'), 'close', name, ...(values['dry-run'] ? ['--dry-run'] : [])];
    const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`closing preview ${name} failed`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
