/**
 * Seeds load-test users: the chat has no user table (identity is the token), so seeding
 * means issuing one token per user, signed like the real issuer would.
 *   node --import tsx tools/loadgen/seed-users.ts --count 1000 --out reports/k6/users.json
 *   … --secret-parameter /relay/stag/chat/auth-token-secret   (deployed env: secret from SSM)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signToken, type TokenSettings } from '@relay/chat-core';
import { checkSecret } from '@relay/runtime-contract';
import { LOCAL_AUTH, DEPLOYED_TOKEN_CLAIMS } from '@relay/platform-config';
import type { SSMClient } from '@aws-sdk/client-ssm';

export interface SeededUsers {
  artist: { userId: string; token: string };
  /** Artists (role "artist") for the broadcast API spike; the per-artist post limit spreads load. */
  artists: { userId: string; token: string }[];
  followers: { userId: string; token: string }[];
}

/** Enough artists that a spike stays within each artist's posts-per-minute limit. */
export const ARTIST_COUNT = 60;

export async function seedUsers(count: number, settings: TokenSettings, runId = `${Date.now()}`, artistCount = ARTIST_COUNT): Promise<SeededUsers> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`--count must be a positive integer, got ${count}`);
  const issue = async (userId: string, roles?: string[]) => ({ userId, token: await signToken({ userId, name: userId, roles }, settings, '3h') });
  const followers: SeededUsers['followers'] = [];
  for (let i = 0; i < count; i++) followers.push(await issue(`lt-${runId}-fan-${i}`));
  const artists: SeededUsers['artists'] = [];
  for (let i = 0; i < artistCount; i++) artists.push(await issue(`lt-${runId}-artist-${i}`, ['artist']));
  return { artist: await issue(`lt-${runId}-artist`, ['artist']), artists, followers };
}

export function writeUsers(file: string, users: SeededUsers): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(users));
}

export async function secretFromSsm(name: string, client?: SSMClient): Promise<string> {
  const sdk = await import('@aws-sdk/client-ssm');
  client ??= new sdk.SSMClient({});
  const { Parameter } = await client.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: true }));
  if (!Parameter?.Value) throw new Error(`SSM parameter ${name} is empty`);
  // A placeholder or short secret would sign tokens the env rejects, or accepts too easily.
  return checkSecret(Parameter.Value, name);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '100' },
      out: { type: 'string', default: 'reports/k6/users.json' },
      'secret-parameter': { type: 'string' },
      issuer: { type: 'string', default: DEPLOYED_TOKEN_CLAIMS.issuer },
      audience: { type: 'string', default: DEPLOYED_TOKEN_CLAIMS.audience },
    },
  });
  const parameter = values['secret-parameter'];
  const settings = parameter ? { secret: await secretFromSsm(parameter), issuer: values.issuer, audience: values.audience } : LOCAL_AUTH;
  const users = await seedUsers(Number(values.count), settings);
  writeUsers(values.out, users);
  console.log(`seeded ${users.followers.length} followers and 1 artist into ${values.out} (${parameter ? `secret ${parameter}` : 'local runtime secret'})`);
}

// Run as a script, not when a test imports it; a failure prints its message, without a stack.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
