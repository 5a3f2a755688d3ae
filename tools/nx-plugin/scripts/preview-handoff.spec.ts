import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { ZipFile } from 'yazl';
import { CHAT_FUNCTIONS } from '@relay/runtime-contract';
import { previewNameForBranch } from '@relay/platform-config';
import { admit, decide, type PullRequest, type TriggeringRun } from './preview-handoff';

const run = (over: Partial<TriggeringRun> = {}): TriggeringRun => ({
  event: 'pull_request',
  conclusion: 'success',
  head_sha: 'abc123',
  head_branch: 'feature/rooms',
  head_repository: { full_name: 'relay-chat/relay' },
  repository: { full_name: 'relay-chat/relay' },
  pull_requests: [{ number: 7 }],
  ...over,
});
const pr = (over: Partial<PullRequest> = {}): PullRequest => ({
  number: 7,
  state: 'open',
  labels: [{ name: 'preview' }],
  head: { sha: 'abc123', ref: 'feature/rooms' },
  ...over,
});

describe('preview hand-off: decide, from GitHub’s record only', () => {
  it('opens a labelled pull request’s current head, named from its branch', () => {
    expect(decide(run(), pr())).toEqual({ verb: 'open', preview: previewNameForBranch('feature/rooms'), pr: 7 });
  });

  it('closes a closed pull request’s preview, whatever the build did', () => {
    expect(decide(run({ conclusion: 'skipped' }), pr({ state: 'closed' }))).toEqual({ verb: 'close', preview: previewNameForBranch('feature/rooms'), pr: 7 });
  });

  it.each([
    ['a fork', run({ head_repository: { full_name: 'stranger/relay' } }), pr()],
    ['a run that is no pull request', run({ event: 'push' }), pr()],
    ['a pull request the run does not name', run({ pull_requests: [{ number: 8 }] }), pr()],
    ['no pull request at all', run({ pull_requests: [] }), undefined],
    ['an unlabelled pull request', run(), pr({ labels: [{ name: 'bug' }] })],
    ['a failed build', run({ conclusion: 'failure' }), pr()],
    ['a stale head (pushed again since)', run(), pr({ head: { sha: 'def456', ref: 'feature/rooms' } })],
  ])('skips %s', (_, r, p) => {
    expect(decide(r, p).verb).toBe('skip');
  });
});

async function zip(file: string, content = 'exports.handler = async () => 1;'): Promise<void> {
  const z = new ZipFile();
  z.addBuffer(Buffer.from(content), 'index.js');
  z.end();
  const out = createWriteStream(file);
  z.outputStream.pipe(out);
  await once(out, 'close');
}

async function artifact(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-artifact-'));
  for (const fn of CHAT_FUNCTIONS) {
    mkdirSync(path.join(dir, fn.app), { recursive: true });
    await zip(path.join(dir, fn.app, `${fn.name}.zip`));
  }
  return dir;
}

describe('preview hand-off: admit exactly the zips main’s stacks expect', () => {
  it('copies every expected zip and nothing else', async () => {
    const dest = mkdtempSync(path.join(tmpdir(), 'relay-dist-'));
    expect(admit(await artifact(), dest)).toHaveLength(CHAT_FUNCTIONS.length);
    expect(readdirSync(path.join(dest, 'chat-ws')).sort()).toEqual(
      CHAT_FUNCTIONS.filter((f) => f.app === 'chat-ws')
        .map((f) => `${f.name}.zip`)
        .sort(),
    );
  });

  it.each([
    ['an extra file', (dir: string) => writeFileSync(path.join(dir, 'chat-ws', 'evil.sh'), 'curl …')],
    ['a stack file', (dir: string) => writeFileSync(path.join(dir, 'cdk.tf.json'), '{}')],
    ['a zip that is not one', (dir: string) => writeFileSync(path.join(dir, 'chat-ws', 'send.zip'), '#!/bin/sh')],
    [
      'a link in place of a zip',
      (dir: string) => {
        const target = path.join(dir, 'chat-ws', 'send.zip');
        rmSync(target);
        symlinkSync('/etc/passwd', target);
      },
    ],
    ['a missing zip', (dir: string) => rmSync(path.join(dir, 'chat-deliver', 'deliver.zip'))],
  ])('refuses %s, naming it, and copies nothing', async (_, spoil) => {
    const dir = await artifact();
    spoil(dir);
    const dest = mkdtempSync(path.join(tmpdir(), 'relay-dist-'));
    expect(() => admit(dir, dest)).toThrow(/the preview artifact is refused: .*(unexpected|missing|not a regular zip)/);
    expect(readdirSync(dest)).toEqual([]);
  });
});
