/**
 * npm run bench:bundles [-- --runs 7]
 * Size and cold load of every Lambda bundle as built (`nx run-many -t build`): bytes of
 * index.js and of the zip, and the median time of a fresh Node process's `require()` of the
 * bundle, which is the module-load part of a cold start. Targets (#12): under 400 KB and under
 * 80 ms each. A missing build is an error, never an empty table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(__dirname, '..', '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');

const SIZE_TARGET = 400 * 1024;
const LOAD_TARGET_MS = 80;

// What the stack sets, with values that need no network at load: handlers validate their
// environment when the module loads, and read secrets only on first use.
const env = {
  PATH: process.env['PATH'] ?? '',
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  RELAY_ENV: 'bench',
  CHAT_CONNECTIONS_TABLE: 'relay-bench-connections',
  CHAT_MEMBERSHIPS_TABLE: 'relay-bench-memberships',
  CHAT_ROOMS_TABLE: 'relay-bench-rooms',
  CHAT_MESSAGES_TABLE: 'relay-bench-messages',
  WS_MANAGEMENT_ENDPOINT: 'https://bench.execute-api.ap-northeast-2.amazonaws.com/live',
  DELIVERY_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/123456789012/relay-bench-delivery-chunks',
  AUTH_ISSUER: 'relay-bench',
  AUTH_AUDIENCE: 'relay-bench-chat',
  AUTH_TOKEN_SECRET_PARAMETER: '/relay/bench/chat/auth-token-secret',
  CURSOR_SECRET_PARAMETER: '/relay/bench/chat/cursor-secret',
};

const LOAD = `const started = process.hrtime.bigint(); require(process.argv[1]); process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e6));`;

function loadMs(bundle: string): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ['-e', LOAD, bundle], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${bundle} failed to load: ${result.stderr}`);
    samples.push(Number(result.stdout));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

const rows: { name: string; bytes: number; zip: number; ms: number }[] = [];
for (const app of ['chat-ws', 'chat-deliver']) {
  const dir = path.join(root, 'dist', 'apps', app);
  const manifest = path.join(dir, 'manifest.json');
  if (!existsSync(manifest)) throw new Error(`${manifest} is missing: run \`npx nx run ${app}:build\` first`);
  const zips = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, { bytes: number }>;
  for (const name of readdirSync(dir)
    .filter((entry) => statSync(path.join(dir, entry)).isDirectory())
    .sort()) {
    const bundle = path.join(dir, name, 'index.js');
    rows.push({ name: `${app}/${name}`, bytes: statSync(bundle).size, zip: zips[name]?.bytes ?? NaN, ms: loadMs(bundle) });
  }
}
if (rows.length === 0) throw new Error('no bundles found under dist/apps');

console.log(`Lambda bundles on Node ${process.versions.node}, cold require() median of ${runs} fresh processes`);
console.log(`${'function'.padEnd(22)} ${'index.js'.padStart(10)} ${'zip'.padStart(10)} ${'load'.padStart(9)}`);
for (const row of rows) {
  console.log(
    `${row.name.padEnd(22)} ${`${(row.bytes / 1024).toFixed(0)} KB`.padStart(10)} ${`${(row.zip / 1024).toFixed(0)} KB`.padStart(10)} ${`${row.ms.toFixed(1)} ms`.padStart(9)}`,
  );
}
const largest = Math.max(...rows.map((r) => r.bytes));
const slowest = Math.max(...rows.map((r) => r.ms));
console.log(`largest ${(largest / 1024).toFixed(0)} KB (target < ${SIZE_TARGET / 1024} KB): ${largest < SIZE_TARGET ? 'MET' : 'MISSED'}`);
console.log(`slowest load ${slowest.toFixed(1)} ms (target < ${LOAD_TARGET_MS} ms): ${slowest < LOAD_TARGET_MS ? 'MET' : 'MISSED'}`);
