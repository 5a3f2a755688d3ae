/**
 * npm run bench:synth [-- --runs 5]
 * Wall time (process start to exit, tsx included) and peak RSS of synthesizing every stack of
 * every environment, as `nx run stacks:synth` runs it. Target: under 2 s and 300 MB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeStubArtifacts } from '@relay/chat-infra';
import { SYNTH_NODE_ARGS } from '@relay/platform-config';

const root = path.resolve(__dirname, '..', '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');

const built = path.join(root, 'dist', 'apps');
const stubs = existsSync(path.join(built, 'chat-ws')) ? undefined : mkdtempSync(path.join(tmpdir(), 'relay-stubs-'));
const artifactsDir = stubs ? writeStubArtifacts(stubs) : built;

const samples: { seconds: number; mib: number; stacks: number }[] = [];
for (let i = 0; i < runs; i++) {
  const work = mkdtempSync(path.join(tmpdir(), 'relay-bench-synth-'));
  const usageFile = path.join(work, 'usage');
  const outdir = path.join(work, 'out');
  const started = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    ['--require', path.join(__dirname, 'report-usage.cjs'), ...SYNTH_NODE_ARGS, path.join(root, 'stacks/src/main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        RELAY_ENVS: '',
        RELAY_PREVIEW: '',
        RELAY_COMPONENTS: '',
        CDKTF_OUTDIR: outdir,
        RELAY_ARTIFACTS_DIR: artifactsDir,
        RELAY_USAGE_FILE: usageFile,
      },
      encoding: 'utf8',
    },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`synth failed:\n${result.stderr}`);
  }
  samples.push({ seconds, mib: Number(readFileSync(usageFile, 'utf8')) / 1024, stacks: readdirSync(path.join(outdir, 'stacks')).length });
  rmSync(work, { recursive: true, force: true });
}
if (stubs) rmSync(stubs, { recursive: true, force: true });
const sorted = samples.map((s) => s.seconds).sort((a, b) => a - b);
const at = (i: number) => (sorted[i] ?? NaN).toFixed(2);
const peak = Math.max(...samples.map((s) => s.mib));
console.log(
  `synth of ${samples[0]?.stacks} stacks (all components x dev, stag, prod), ${runs} runs, artifacts: ${artifactsDir === built ? 'dist/apps' : 'stubs'}`,
);
console.log(`wall time  min ${at(0)} s  median ${at(Math.floor(sorted.length / 2))} s  max ${at(sorted.length - 1)} s   (target < 2 s)`);
console.log(`peak RSS   ${peak.toFixed(0)} MiB   (target < 300 MB)`);
