import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every action a workflow or composite action runs from outside the repository is pinned to a
 * full commit SHA, with the version it stands for as a comment (which Dependabot updates with it):
 * a tag can be moved to other code after review, a commit cannot. Read as text, since a YAML
 * parser drops the comments.
 */
const github = path.resolve(__dirname, '../../.github');
const files = [
  ...readdirSync(path.join(github, 'workflows')).map((f) => path.join('workflows', f)),
  ...readdirSync(path.join(github, 'actions')).map((d) => path.join('actions', d, 'action.yml')),
];

export function unpinned(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*-?\s*uses:\s*(\S+)(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[1]!.startsWith('./'))
    .filter((m) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(m[1]!) || !/^\s+#\s*v\d+(\.\d+)*\s*$/.test(m[2]!))
    .map((m) => `${m[1]}${m[2]}`.trim());
}

describe('third-party actions', () => {
  it.each(files)('%s pins every action to a commit, with its version', (file) => {
    expect(unpinned(readFileSync(path.join(github, file), 'utf8'))).toEqual([]);
  });

  it('flags a tag, a branch, a short SHA and a SHA without its version', () => {
    const text = [
      '      - uses: actions/checkout@v4',
      '      - uses: actions/checkout@main',
      '      - uses: actions/checkout@11bd719',
      '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
      '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
      '      - uses: ./.github/actions/setup',
    ].join('\n');
    expect(unpinned(text)).toEqual([
      'actions/checkout@v4',
      'actions/checkout@main',
      'actions/checkout@11bd719',
      'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
    ]);
  });
});
