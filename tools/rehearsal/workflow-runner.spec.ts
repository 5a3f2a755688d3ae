import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArtifactStore } from './artifacts';
import { WorkflowRehearsal } from './workflow-runner';

/** A repository of one workflow, rehearsed with no emulated service: what its report says. */
function rehearse(workflow: string): WorkflowRehearsal {
  const root = mkdtempSync(path.join(tmpdir(), 'relay-runner-'));
  mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
  writeFileSync(path.join(root, '.github/workflows/t.yml'), workflow);
  execFileSync('git', ['init', '--quiet'], { cwd: root });
  execFileSync('git', ['add', '.'], { cwd: root });
  const rehearsal = new WorkflowRehearsal({
    root,
    event: { name: 'push', ref: 'refs/heads/main', sha: 'c0ffee0000000000000000000000000000000001', payload: {} },
    env: { PATH: process.env['PATH'] ?? '' },
    awsEnv: {},
    artifacts: new ArtifactStore(mkdtempSync(path.join(tmpdir(), 'relay-runner-artifacts-'))),
    log: () => undefined,
  });
  rehearsal.run('t.yml');
  return rehearsal;
}

describe("the rehearsal's report", () => {
  it('times every step that ran a script, and names the slowest first', () => {
    const rehearsal = rehearse(
      [
        'on: push',
        'jobs:',
        '  one:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: "true"',
        '      - name: Slow',
        '        run: sleep 0.4',
        '',
      ].join('\n'),
    );
    const [slow, quick] = [rehearsal.steps.find((s) => s.step === 'Slow'), rehearsal.steps.find((s) => s.step === 'true')];
    expect(slow?.seconds).toBeGreaterThanOrEqual(0.4);
    expect(quick?.seconds).toBeLessThan(slow!.seconds!);
    const report = rehearsal.report();
    expect(report).toMatch(
      /^rehearsal: 2 steps ran, their scripts for \d+\.\d s; the slowest:\n {2}\d+\.\d s: t\.yml#one Slow\n {2}\d+\.\d s: t\.yml#one true\n/,
    );
  });
});
