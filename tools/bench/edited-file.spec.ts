import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { editableFile } from './edited-file';

const root = path.resolve(__dirname, '../..');

describe("bench:affected's one-line edit", () => {
  it('goes to an index.ts or main.ts where the project has one', () => {
    expect(editableFile(root, 'libs/chat-core')).toBe('libs/chat-core/src/index.ts');
    expect(editableFile(root, 'apps/chat-local')).toBe('apps/chat-local/src/main.ts');
  });

  it('goes to the first JavaScript module of a project without TypeScript source, never to its configuration (tools/docs)', () => {
    expect(editableFile(root, 'tools/docs')).toBe('tools/docs/check-docs.mjs');
  });

  it('goes to the test of a project of tests only (a workflow rehearsal)', () => {
    expect(editableFile(root, 'tools/rehearsals/ci')).toBe('tools/rehearsals/ci/ci.rehearsal.spec.ts');
  });

  it('finds nothing in a project of configuration and fixtures only', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'relay-edit-'));
    mkdirSync(path.join(cwd, 'p/fixtures'), { recursive: true });
    writeFileSync(path.join(cwd, 'p/jest.config.js'), '');
    writeFileSync(path.join(cwd, 'p/fixtures/a.spec.ts'), '');
    writeFileSync(path.join(cwd, 'p/fixtures/broken.mjs'), '');
    expect(editableFile(cwd, 'p')).toBeUndefined();
  });
});
