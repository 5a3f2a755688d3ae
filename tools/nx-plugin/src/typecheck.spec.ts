import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { declarationsDir, typecheckCommand } from './index.ts';

/**
 * The inferred typecheck, run with the workspace's tsc on a two-file project: incremental must
 * never hide an error an edit causes elsewhere, whether the edit breaks its importer or itself;
 * and the declarations it writes, which dependents' checks hash in place of the sources, must
 * stay byte for byte as they were after an edit that changes no exported shape, and change after
 * one that does.
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

it('keeps its build info and declarations in the ignored tmp/, named for the tsconfig', () => {
  expect(typecheckCommand('libs/example/tsconfig.json')).toBe(
    'tsc -p libs/example/tsconfig.json --incremental --tsBuildInfoFile tmp/typecheck/libs__example__tsconfig.tsbuildinfo --declaration --emitDeclarationOnly --outDir tmp/declarations/libs/example/tsconfig',
  );
  expect(typecheck()).toEqual({ status: 0, out: '' });
  expect(existsSync(path.join(dir, 'tmp/typecheck/tsconfig.tsbuildinfo'))).toBe(true);
  expect(existsSync(path.join(dir, declarationsDir('tsconfig.json'), 'shape.d.ts'))).toBe(true);
});

it('leaves the declarations as they were after a body or comment edit, and changes them with the exported shape', () => {
  const declaration = () => readFileSync(path.join(dir, declarationsDir('tsconfig.json'), 'shape.d.ts'), 'utf8');
  writeFileSync(path.join(dir, 'shape.ts'), 'export function size(): number {\n  return 1;\n}\n');
  writeFileSync(path.join(dir, 'user.ts'), "import { size } from './shape';\nexport const doubled: number = size() * 2;\n");
  expect(typecheck()).toEqual({ status: 0, out: '' });
  const before = declaration();
  writeFileSync(path.join(dir, 'shape.ts'), 'export function size(): number {\n  const one = 1;\n  return one;\n}\n// probe\n');
  expect(typecheck()).toEqual({ status: 0, out: '' });
  expect(declaration()).toBe(before);
  writeFileSync(path.join(dir, 'shape.ts'), 'export function size(unit: string): number {\n  return unit.length;\n}\n');
  expect(typecheck().status).not.toBe(0);
  expect(declaration()).not.toBe(before);
  expect(declaration()).toContain('size(unit: string): number');
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
