import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHAT_FUNCTIONS } from '@relay/runtime-contract';

/** The smallest valid zip (an empty archive): fixed bytes, so asset hashes never change. */
const EMPTY_ZIP = Buffer.from(`504b0506${'00'.repeat(18)}`, 'hex');

/**
 * Writes a placeholder <app>/<function>.zip for every chat function, for synthesizing and
 * snapshotting stacks without building the Lambdas. Never deploy these.
 */
export function writeStubArtifacts(dir: string): string {
  for (const fn of CHAT_FUNCTIONS) {
    mkdirSync(path.join(dir, fn.app), { recursive: true });
    writeFileSync(path.join(dir, fn.app, `${fn.name}.zip`), EMPTY_ZIP);
  }
  return dir;
}
