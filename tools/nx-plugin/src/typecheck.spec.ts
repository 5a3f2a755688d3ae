import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { typecheckCommand } from './index.ts';

/**
 * The inferred typecheck, run with the workspace's tsc on a two-file project: incremental must
 * never hide an error an edit causes elsewhere, whether the edit breaks its importer or itself.
 */
const tsc = require.resolve('typescript/bin/tsc');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'relay-typecheck-'));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, types: [] }, include: ['*.ts'] }));
  writeFileSync(path.join(dir, 'shape.ts'), 'export const size: number = 1;\n');
  writeFileSync(path.join(dir, 'user.ts'), "import { size } from './shape';\nexport const doubled: number = size * 2;\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function typecheck(): { status: number | null; out: string } {
  const [command, ...args] = typecheckCommand('tsconfig.json').split(' ');
  expect(command).toBe('tsc');
  const run = spawnSync(process.execPath, [tsc, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, out: run.stdout + run.stderr };
}

it('keeps its build info in the ignored tmp/, named for the tsconfig', () => {
  expect(typecheckCommand('libs/example/tsconfig.json')).toBe(
    'tsc -p libs/example/tsconfig.json --noEmit --incremental --tsBuildInfoFile tmp/typecheck/libs__example__tsconfig.tsbuildinfo',
  );
  expect(typecheck()).toEqual({ status: 0, out: '' });
  expect(existsSync(path.join(dir, 'tmp/typecheck/tsconfig.tsbuildinfo'))).toBe(true);
});

it("finds the error an edit causes in a file it did not touch, after a clean run's build info", () => {
  expect(typecheck().status).toBe(0);
  writeFileSync(path.join(dir, 'shape.ts'), "export const size: string = 'one';\n");
  const broken = typecheck();
  expect(broken.status).not.toBe(0);
  expect(broken.out).toMatch(/user\.ts\(2,\d+\): error TS2362/);
});

it('reports an error again on the next run, though no file changed since', () => {
  writeFileSync(path.join(dir, 'user.ts'), "import { size } from './shape';\nexport const doubled: string = size;\n");
  expect(typecheck().out).toMatch(/user\.ts\(2,14\): error TS2322/);
  const again = typecheck();
  expect(again.status).not.toBe(0);
  expect(again.out).toMatch(/user\.ts\(2,14\): error TS2322/);
});
