import { spawnSync } from 'node:child_process';
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
function planScope(file: string): string {
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
  const result = spawnSync('bash', ['-eo', 'pipefail', '-c', scope ?? 'false'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}`, EDITED: file, GITHUB_OUTPUT: output, NX_DAEMON: 'false' },
  });
  if (result.status !== 0) throw new Error(`the scope step exited ${String(result.status)}: ${result.stderr}`);
  return readFileSync(output, 'utf8').trim();
}

describe("pr.yml's plan scope", () => {
  it('is a step of the affected job', () => expect(scope).toContain('nx show projects --affected --json'));

  it.each([
    ['apps/chat-ws/src/functions/connect.ts', 'stacks=true'],
    ['stacks/src/app.ts', 'stacks=true'],
    ['apps/web/src/main.ts', 'stacks=false'],
  ])('an edit to %s gives %s', (file, expected) => expect(planScope(file)).toBe(expected));
});
