import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * pr.yml plans the environments when an edit reaches what `terraform plan` would show: the stacks,
 * or an app whose bundle their synth deploys. The apps reach the synth by a task edge (its
 * `dependsOn`), not a project edge, so `nx affected` does not list the stacks for an app's edit
 * and the step must name the apps too. Its own script runs here against the real project graph,
 * with only the affected list answered for a given edited file instead of a git range.
 */
jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../..');

interface Step {
  id?: string;
  run?: string;
}
const workflow = parse(readFileSync(path.join(root, '.github/workflows/pr.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
const scope = workflow.jobs['affected']?.steps.find((s) => s.id === 'scope')?.run;

/** GITHUB_OUTPUT of the scope step when the pull request edits `file`. */
async function planScope(file: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-plan-scope-'));
  const realNpx = spawnSync('bash', ['-c', 'command -v npx'], { encoding: 'utf8' }).stdout.trim();
  const shim = path.join(dir, 'npx');
  // The one call that needs a git range gets the edited file instead; every other call is Nx's own.
  writeFileSync(
    shim,
    `#!/usr/bin/env bash\nif [ "$*" = "nx show projects --affected --json" ]; then exec "${realNpx}" nx show projects --affected --files="$EDITED" --json; fi\nexec "${realNpx}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  const output = path.join(dir, 'output');
  writeFileSync(output, '');
  await promisify(execFile)('bash', ['-eo', 'pipefail', '-c', scope ?? 'false'], {
    cwd: root,
    env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}`, EDITED: file, GITHUB_OUTPUT: output, NX_DAEMON: 'false' },
  });
  return readFileSync(output, 'utf8').trim();
}

describe("pr.yml's plan scope", () => {
  it('is a step of the affected job', () => expect(scope).toContain('nx show projects --affected --json'));

  it('is true for an edit to the stacks or an app their synth deploys, and false for one to neither', async () => {
    // Side by side: each case is two real Nx calls.
    const cases = ['apps/chat-ws/src/functions/connect.ts', 'stacks/src/app.ts', 'apps/web/src/main.ts'];
    expect(await Promise.all(cases.map(planScope))).toEqual(['stacks=true', 'stacks=true', 'stacks=false']);
  });
});
