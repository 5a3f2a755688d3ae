import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { editableFile } from './edited-file';

/**
 * Each shape of project the workspace has, laid out in a scratch folder (a library, an app, a
 * tool of one .mjs, a workflow's rehearsal): reading the real ones would make every edit to them
 * re-run this. bench:affected itself finds every real project's file before its cold run.
 */
function project(files: string[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'relay-edit-'));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
    writeFileSync(path.join(cwd, file), '');
  }
  return cwd;
}

describe("bench:affected's one-line edit", () => {
  it('goes to an index.ts or main.ts where the project has one', () => {
    const lib = project(['p/src/index.ts', 'p/src/a.ts', 'p/src/a.spec.ts', 'p/jest.config.js']);
    expect(editableFile(lib, 'p')).toBe('p/src/index.ts');
    const app = project(['p/src/main.ts', 'p/src/functions/connect.ts', 'p/project.json']);
    expect(editableFile(app, 'p')).toBe('p/src/main.ts');
  });

  it('goes to the first JavaScript module of a project without TypeScript source, never to its configuration (tools/docs)', () => {
    const docs = project(['p/check-docs.mjs', 'p/eslint.config.mjs', 'p/jest.config.js', 'p/project.json']);
    expect(editableFile(docs, 'p')).toBe('p/check-docs.mjs');
  });

  it('goes to the test of a project of tests only (a workflow rehearsal)', () => {
    const rehearsal = project(['p/ci.rehearsal.spec.ts', 'p/jest.config.js', 'p/tsconfig.json', 'p/project.json']);
    expect(editableFile(rehearsal, 'p')).toBe('p/ci.rehearsal.spec.ts');
  });

  it('finds nothing in a project of configuration and fixtures only', () => {
    const cwd = project(['p/jest.config.js', 'p/fixtures/a.spec.ts', 'p/fixtures/broken.mjs']);
    expect(editableFile(cwd, 'p')).toBeUndefined();
  });
});
