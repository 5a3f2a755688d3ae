import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * GitHub keeps at most one pending run per concurrency group, and a newer pending run cancels
 * the older one whatever cancel-in-progress says. Two workflows in one group can therefore cancel
 * each other's waiting runs: a scheduled drift check used to replace a deploy waiting for prod's
 * approval. Each workflow's groups must be its own.
 */
const dir = path.resolve(__dirname, '../../.github/workflows');
type Concurrency = string | { group: string } | undefined;
const groupOf = (c: Concurrency) => (typeof c === 'string' ? c : c?.group);

describe('workflow concurrency groups', () => {
  const groups: [string, string][] = readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((file) => {
      const doc = parse(readFileSync(path.join(dir, file), 'utf8')) as { concurrency?: Concurrency; jobs: Record<string, { concurrency?: Concurrency }> };
      return [doc.concurrency, ...Object.values(doc.jobs).map((j) => j.concurrency)].flatMap((c) =>
        groupOf(c) ? [[file, groupOf(c)!] as [string, string]] : [],
      );
    });

  it('finds the groups (deploy.yml has one)', () => {
    expect(groups.some(([file]) => file === 'deploy.yml')).toBe(true);
  });

  it('gives no two workflows the same group', () => {
    const owners = new Map<string, Set<string>>();
    for (const [file, group] of groups) owners.set(group, new Set([...(owners.get(group) ?? []), file]));
    expect([...owners].filter(([, files]) => files.size > 1).map(([group, files]) => `${group}: ${[...files].sort().join(', ')}`)).toEqual([]);
  });
});
