import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArtifactStore, selectForUpload } from './artifacts';

/** upload-artifact's documented path semantics, on a real directory tree. */
function tree(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-artifact-tree-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), f);
  }
  return dir;
}

describe('artifact upload and download, emulated', () => {
  const ws = tree([
    'cdktf.out/manifest.json',
    'cdktf.out/stacks/chat-dev/cdk.tf.json',
    'cdktf.out/stacks/chat-dev/tfplan',
    'cdktf.out/stacks/chat-dev/.terraform/providers/aws/bin',
    'cdktf.out/stacks/chat-dev/.terraform.lock.hcl',
    'cdktf.out/stacks/chat-stag/cdk.tf.json',
    'dist/apps/chat-ws/send.zip',
    'dist/apps/chat-deliver/deliver.zip',
    'dist/apps/web/index.html',
    'broadcast-api.tar.gz',
  ]);

  it('roots an artifact at the common ancestor of its search paths, with excludes and hidden files', () => {
    const plan = selectForUpload(ws, {
      name: 'plan-dev',
      includeHiddenFiles: true,
      path: 'cdktf.out/manifest.json\ncdktf.out/stacks/*-dev/\n!cdktf.out/stacks/*-dev/.terraform/providers/',
    });
    expect(plan).toEqual({
      root: 'cdktf.out',
      files: [
        'cdktf.out/manifest.json',
        'cdktf.out/stacks/chat-dev/.terraform.lock.hcl',
        'cdktf.out/stacks/chat-dev/cdk.tf.json',
        'cdktf.out/stacks/chat-dev/tfplan',
      ],
    });
    // Without the manifest line the root is cdktf.out/stacks and the manifest is not in it.
    expect(selectForUpload(ws, { name: 'x', path: 'cdktf.out/stacks/*-dev/' }).root).toBe('cdktf.out/stacks');
    // Hidden files stay out unless asked for.
    expect(selectForUpload(ws, { name: 'x', path: 'cdktf.out/stacks/*-dev/' }).files).toEqual([
      'cdktf.out/stacks/chat-dev/cdk.tf.json',
      'cdktf.out/stacks/chat-dev/tfplan',
    ]);
    expect(selectForUpload(ws, { name: 'x', path: 'dist/apps/**/*.zip' })).toEqual({
      root: 'dist/apps',
      files: ['dist/apps/chat-deliver/deliver.zip', 'dist/apps/chat-ws/send.zip'],
    });
    expect(selectForUpload(ws, { name: 'x', path: 'broadcast-api.tar.gz' })).toEqual({ root: '', files: ['broadcast-api.tar.gz'] });
  });

  it('recreates the layout under the download path, and refuses what GitHub refuses', () => {
    const store = new ArtifactStore(mkdtempSync(path.join(tmpdir(), 'relay-artifacts-')));
    store.upload(ws, { name: 'lambda-zips', path: 'dist/apps/**/*.zip' });
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'relay-job-'));
    expect(store.download(elsewhere, 'lambda-zips', 'dist/apps').sort()).toEqual(['chat-deliver/deliver.zip', 'chat-ws/send.zip']);
    expect(() => store.upload(ws, { name: 'lambda-zips', path: 'dist/apps/**/*.zip' })).toThrow(/exists/);
    expect(() => store.upload(ws, { name: 'none', path: 'nothing/**', ifNoFilesFound: 'error' })).toThrow(/no files were found/);
    expect(() => store.download(elsewhere, 'missing')).toThrow(/no artifact named missing/);
  });
});
