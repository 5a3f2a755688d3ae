import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { typecheckTogether } from './scratch-workspace';

/**
 * The generators' tests check every project a generator touched in one tsc program: it must find
 * an error in any one of them, and refuse projects that compile with different options.
 */
let dir: string;
const project = (root: string, compilerOptions: object, files: Record<string, string>) => {
  mkdirSync(path.join(dir, root), { recursive: true });
  writeFileSync(path.join(dir, root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, types: [], ...compilerOptions }, include: ['*.ts'] }));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, root, name), text);
};
const check = (projects: string[]) => {
  const run = spawnSync(process.execPath, typecheckTogether(dir, projects).args, { cwd: dir, encoding: 'utf8' });
  return { status: run.status, out: run.stdout };
};

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'relay-together-'));
  project('libs/shape', {}, { 'shape.ts': 'export const size: number = 1;\n' });
  project('apps/user', {}, { 'user.ts': "import { size } from '../../libs/shape/shape';\nexport const doubled: number = size * 2;\n" });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('passes projects that typecheck, and fails on an error in any one of them, naming its file', () => {
  expect(check(['libs/shape', 'apps/user'])).toEqual({ status: 0, out: '' });
  writeFileSync(path.join(dir, 'apps/user/user.ts'), "import { size } from '../../libs/shape/shape';\nexport const doubled: string = size;\n");
  const broken = check(['libs/shape', 'apps/user']);
  expect(broken.status).not.toBe(0);
  expect(broken.out).toMatch(/apps\/user\/user\.ts\(2,14\): error TS2322/);
});

it('refuses projects that compile with different options, naming them', () => {
  project('apps/browser', { lib: ['ES2023', 'DOM'] }, { 'page.ts': 'export const title = document.title;\n' });
  expect(() => typecheckTogether(dir, ['libs/shape', 'apps/browser'])).toThrow(/^apps\/browser compile with options other than libs\/shape's/);
});
