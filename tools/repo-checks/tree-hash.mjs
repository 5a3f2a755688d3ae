#!/usr/bin/env node
// The repository's files as they are now (tracked and new, not ignored), hashed: the input of the
// checks that read every project's code. As a runtime input it re-runs them on any edit without
// listing them in every edit's `nx affected` (a file input would); pr.yml runs them on every pull
// request. Outside a git checkout it prints the time, so nothing is ever restored from cache.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

let files;
try {
  files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\0')
    .filter(Boolean)
    .sort();
} catch {
  console.log(`no git checkout: ${Date.now()}`);
  process.exit(0);
}
const hash = createHash('sha256');
for (const file of files) {
  let content;
  try {
    content = readFileSync(file);
  } catch {
    continue; // deleted, not yet staged: absent from the tree as it is now
  }
  hash.update(file).update('\0').update(content).update('\0');
}
console.log(hash.digest('hex'));
