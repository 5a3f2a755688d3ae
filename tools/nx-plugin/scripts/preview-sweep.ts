/**
 * Destroys previews whose TTL has run out. A preview's age is its state object's last write
 * (every open/refresh applies, which rewrites it), so no timestamp has to live in a tag.
 *   node --import tsx tools/nx-plugin/scripts/preview-sweep.ts [--dry-run]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { resolveEnvironment, stateLocation } from '@relay/platform-config';
import { runIfMain } from './run-if-main';

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

/** The previews' state objects in the dev account's state bucket: state files only, never their .tflock lock files. */
export async function previewStates(client: S3Client, bucket: string): Promise<StateObject[]> {
  const objects: StateObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'chat/dev-', ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (o.Key && o.LastModified && o.Key.endsWith('.tfstate')) objects.push({ key: o.Key, lastModified: o.LastModified });
    }
    token = page.NextContinuationToken;
  } while (token);
  return objects;
}

/** Lists the previews, closes each expired one, and reports what it found and did. */
export async function sweep(client: S3Client, bucket: string, now: Date, close: (name: string) => void): Promise<{ previews: number; expired: string[] }> {
  const states = await previewStates(client, bucket);
  const expired = expiredPreviews(states, now);
  for (const name of expired) close(name);
  return { previews: states.length, expired };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
  const state = stateLocation(resolveEnvironment('dev'), 'chat');
  const { previews, expired } = await sweep(new S3Client({ region: state.region }), state.bucket, new Date(), (name) => {
    const args = ['--import', 'tsx', path.resolve(__dirname, '../operations/preview/cli.ts'), 'close', name, ...(values['dry-run'] ? ['--dry-run'] : [])];
    const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`closing preview ${name} failed`);
  });
  console.log(`${previews} previews, ${expired.length} expired: ${expired.join(', ') || 'none'}`);
}

runIfMain(module, main);
